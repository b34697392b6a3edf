"""The duty sheet (值班表): who is on site by role, the reception order (轮序接待) over the day, each role's checklist.

Reception rules (the office's, `duty:` in the policy):
- a new visitor goes to the next consultant in the order who is on site and not away;
- a returning customer goes to the consultant who received them before and uses no turn (`returning_to`);
- a consultant away (带看, 休息: `away`) is skipped; with `skipped_return: priority` the consultant is owed the
  turn missed and takes the next new visitor on coming back (`back`), with `keep_place` the turn is lost;
- a reception that does not count (the visitor left at once: `void`) gives the consultant the next turn again.
The checklist of each role is the text the procedure document prints for the rules listed for the role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit import yamlio
from toolkit.domain.policy import Policy
from toolkit.domain.project import Project
from toolkit.errors import ProjectError
from toolkit.fields import FieldReader
from toolkit.render import sheets

EVENTS = ("visitor", "away", "back", "void")


@dataclass
class Reception:
    """Who received whom, at what time, and why that consultant."""

    time: str
    visitor: str
    consultant: str
    why: str


@dataclass
class Rotation:
    """The reception order and the state of the day: who is away, who is owed a turn."""

    order: list[str]
    rule: str = "priority"
    next: int = 0
    away: set[str] = field(default_factory=set)
    owed: list[str] = field(default_factory=list)
    first: dict[str, str] = field(default_factory=dict)

    def take(self, visitor: str, returning_to: str | None) -> tuple[str, str]:
        """Return the consultant for a visitor and the reason."""
        if returning_to:
            return returning_to, "老客户，由原置业顾问接待，不占轮次"
        for name in list(self.owed):
            if name not in self.away:
                self.owed.remove(name)
                return name, "补接：此前轮空或接待无效"
        for _ in range(len(self.order)):
            name = self.order[self.next]
            self.next = (self.next + 1) % len(self.order)
            if name not in self.away:
                return name, "按轮序"
            if self.rule == "priority" and name not in self.owed:
                self.owed.append(name)
        raise ValueError("no consultant on site")


def play_day(order: list[str], events: list[dict[str, Any]], rule: str = "priority") -> list[Reception]:
    """Play a scripted day of visitors, absences and returns; return the receptions in order."""
    rot, out = Rotation(list(order), rule), []
    for e in events:
        if "away" in e:
            rot.away.add(e["away"])
        elif "back" in e:
            rot.away.discard(e["back"])
        elif "void" in e:
            rot.owed.insert(0, e["void"])
        else:
            name, why = rot.take(e["visitor"], e.get("returning_to"))
            out.append(Reception(str(e.get("time", "")), e["visitor"], name, why))
    return out


@dataclass(frozen=True)
class DutyDay:
    """A day's roster, the reception order and the scripted or recorded events."""

    path: Path
    date: dt.date
    manager: str
    on_duty: list[dict[str, str]]
    order: list[str]
    events: list[dict[str, Any]]


def read_duty(path: Path, project: Project) -> DutyDay:
    """Read a duty file (date, manager, on_duty, order, events) and check names against the roster."""
    raw = yamlio.read_file(Path(path), ProjectError)
    if not isinstance(raw, dict):
        raise ProjectError(path=path, expected="映射（date, manager, on_duty, order, events）")
    r = FieldReader(Path(path), raw)
    on_duty = r.items("on_duty")
    for i, person in enumerate(on_duty):
        if project.staff.get(str(person.get("name"))) != person.get("role"):
            raise r.fail(f"on_duty[{i}]", "项目人员名单中的姓名及其岗位", person)
    order = r.strings("order")
    consultants = {p["name"] for p in on_duty if p["role"] == "置业顾问"}
    if set(order) - consultants:
        raise r.fail("order", "当日在岗的置业顾问", sorted(set(order) - consultants))
    events = r.items("events", required=False)
    for i, e in enumerate(events):
        if not any(k in e for k in EVENTS):
            raise r.fail(f"events[{i}]", "之一: " + " | ".join(EVENTS), e)
    manager = r.text("manager")
    if project.staff.get(manager) != "案场经理":
        raise r.fail("manager", "项目人员名单中的案场经理", manager)
    return DutyDay(Path(path), r.date("date"), manager, on_duty, order, events)


def checklists(policy: Policy, roles: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Return each role's checklist: (title, text) of the rules the policy lists for it."""
    lists = (policy.data.get("duty") or {}).get("checklists") or {}
    return {role: [(policy.rules[i].title, policy.rules[i].text) for i in lists.get(role, []) if i in policy.rules]
            for role in roles}  # fmt: skip


def write_sheet(project: Project, policy: Policy, day: DutyDay, receptions: list[Reception], out: Path) -> Path:
    """Write the duty sheet for printing (DOCX; the caller converts it to PDF)."""
    doc = sheets.new_sheet(f"{project.name}销售中心值班表　{day.date.year}年{day.date.month}月{day.date.day}日")
    sheets.line(doc, "一、在岗人员", bold=True)
    sheets.table(doc, ["姓名", "岗位", "班次"], [[p["name"], p["role"], p.get("shift", "全天")] for p in day.on_duty])
    sheets.line(doc, "二、接待轮序：" + " → ".join(day.order), bold=True)
    sheets.table(doc, ["时间", "来访客户", "接待置业顾问", "依据"],
                 [[r.time, r.visitor, r.consultant, r.why] for r in receptions])  # fmt: skip
    sheets.line(doc, "三、岗位每日检查清单", bold=True)
    roles = list(dict.fromkeys(p["role"] for p in day.on_duty))
    for role, items in checklists(policy, roles).items():
        sheets.table(doc, [f"{role}", "检查内容", "完成"], [[t, text, "□"] for t, text in items])
    sheets.line(doc, f"案场经理（签字）：　　　　　　（{day.manager}）　日期：")
    return sheets.save(doc, out / f"{project.code}-duty-{day.date.isoformat()}.docx")
