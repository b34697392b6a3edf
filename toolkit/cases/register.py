"""The register of customer cases (客户关系管理): enquiries, complaints, disputes, each with its deadline.

The deadline is the received day plus the policy's days for the kind (`cases.deadline_days`); a case still
open after its deadline is escalated to the 案场经理 on the roster and reported as `case.overdue` (the daily
report lists them). The answer is recorded with its day, and the reply letter comes from the pack (case_reply).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.domain.policy import Policy
from toolkit.domain.project import Project
from toolkit.errors import UsageError
from toolkit.findings import Finding
from toolkit.ledger.paper import Paper
from toolkit.rules import finding

DEFAULT_DAYS = {"咨询": 1, "投诉": 3, "争议": 5}


def deadline_days(policy: Policy) -> dict[str, int]:
    """Return the days allowed to answer each kind of case."""
    return {**DEFAULT_DAYS, **((policy.data.get("cases") or {}).get("deadline_days") or {})}


def open_case(paper: Paper, project: Project, policy: Policy, **case: Any) -> dict[str, Any]:
    """Register a case: its number, and the deadline its kind allows."""
    days = deadline_days(policy)
    if case["kind"] not in days:
        raise UsageError(f"--kind: one of {', '.join(days)}, not {case['kind']!r}")
    if case["handler"] not in project.staff:
        raise UsageError(f"--handler {case['handler']}：不在项目 {project.code} 的人员名单中")
    if case.get("unit") and case["unit"] not in project.units:
        raise UsageError(f"--unit {case['unit']}：不在价目表中")
    received: dt.date = case.pop("received")
    prefix = f"KF-{received:%Y%m%d}-"
    no = f"{prefix}{paper.count('cases', prefix) + 1:02d}"
    deadline = received + dt.timedelta(days=days[case["kind"]])
    paper.add_case(no, **case, received=received.isoformat(), deadline=deadline.isoformat())
    return paper.case(no) or {}


def manager_of(project: Project, policy: Policy) -> str:
    """Return who an overdue case goes to: the first 案场经理 on the roster."""
    role = (policy.data.get("cases") or {}).get("escalate_to", "案场经理")
    return next((name for name, r in project.staff.items() if r == role), role)


def escalate(paper: Paper, project: Project, policy: Policy, on: dt.date) -> list[Finding]:
    """Escalate every open case past its deadline to the manager, and report each as case.overdue."""
    manager, out = manager_of(project, policy), []
    for c in paper.cases(open_only=True):
        if dt.date.fromisoformat(c["deadline"]) >= on:
            continue
        if not c["escalated_to"]:
            paper.update_case(c["no"], escalated_to=manager)
        late = (on - dt.date.fromisoformat(c["deadline"])).days
        out.append(
            finding("case.overdue", f"客户个案{c['no']}（{c['kind']}，{c['who']}）已超过答复期限{late}日，已上报{manager}",
                    location=c["no"], expected=f"≤ {c['deadline']}", found=on.isoformat(),
                    extra={"handler": c["handler"], "escalated_to": manager})
        )  # fmt: skip
    return out


def answer_case(paper: Paper, no: str, answer: str, on: dt.date) -> dict[str, Any]:
    """Record a case's answer and the day it was given."""
    case = paper.case(no)
    if case is None:
        raise UsageError(f"登记簿中没有案件 {no}")
    if case["answered"]:
        raise UsageError(f"案件 {no} 已于 {case['answered']} 答复")
    paper.update_case(no, answer=answer, answered=on.isoformat())
    return paper.case(no) or {}
