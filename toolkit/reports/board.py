"""The 销控表: every unit of every building by floor, coloured by status, as an HTML page and a PNG."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from html import escape
from pathlib import Path

from toolkit.domain.project import Project
from toolkit.ledger.base import UnitState
from toolkit.ledger.states import UnitStatus as U

COLOURS: dict[str, str] = {
    U.AVAILABLE: "#7bc67e",
    U.HELD: "#b0b0b0",
    U.SUBSCRIBED: "#f4a6c0",
    U.CONTRACTED: "#f7d45c",
    U.FILED: "#e5533d",
    U.DELIVERED: "#8e7cc3",
    U.OFF_MARKET: "#ffffff",
}
PENDING, REPRICE = "#ff8c00", "#3b6fd4"
CELL_W, CELL_H, HEAD_H, GAP = 74, 26, 34, 24


def grid(project: Project) -> dict[str, dict[int, list[str]]]:
    """Lay out units: building -> floor (top first) -> unit codes by room."""
    out: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for u in sorted(project.units.values(), key=lambda u: (u.building.zfill(4), -u.floor, u.room)):
        out[u.building][u.floor].append(u.code)
    return out


def html(project: Project, states: dict[str, UnitState], date: str) -> str:
    """Write the board as a page."""
    legend = "".join(f"<span class='k' style='background:{c}'>{escape(s)}</span>" for s, c in COLOURS.items())
    legend += f"<span class='k' style='outline:3px solid {PENDING}'>变更审批中</span>"
    legend += f"<span class='k' style='outline:3px dashed {REPRICE}'>待价格审核</span>"
    legend += f"<span class='k' style='opacity:.4'>{escape(project.permit_label)}未取得，不得销售</span>"
    blocks = "".join(
        _building(b, floors, states, project.any_permit_for(b) is not None) for b, floors in grid(project).items()
    )
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>销控表</title><style>"
        "body{font-family:'Noto Sans CJK SC',sans-serif;margin:1.5em}.b{display:inline-block;vertical-align:top;"
        "margin-right:2em}table{border-collapse:collapse}td{border:1px solid #555;width:64px;height:22px;"
        "text-align:center;font-size:12px}th{font-size:12px;padding:0 4px}.k{display:inline-block;padding:2px 8px;"
        "margin-right:6px;border:1px solid #555;font-size:12px}</style></head><body>"
        f"<h1>{escape(project.name)} 销控表 <small>{escape(date)}</small></h1><p>{legend}</p>{blocks}</body></html>"
    )


def _building(name: str, floors: dict[int, list[str]], states: dict[str, UnitState], permitted: bool) -> str:
    rows = "".join(
        f"<tr><th>{floor}F</th>" + "".join(_cell(states[c], permitted) for c in codes) + "</tr>"
        for floor, codes in floors.items()
    )
    note = "" if permitted else "<small>（未取得许可，不得销售）</small>"
    return f"<div class='b'><h2>{escape(name)}号楼{note}</h2><table>{rows}</table></div>"


def _cell(u: UnitState, permitted: bool = True) -> str:
    style = f"background:{COLOURS.get(u.status, '#fff')}" + ("" if permitted else ";opacity:.4")
    if u.pending:
        style += f";outline:3px solid {PENDING}"
    elif u.needs_pricing:
        style += f";outline:3px dashed {REPRICE}"
    title = escape(u.status + (f" {u.deal_no}" if u.deal_no else "") + (f" {u.pending}审批中" if u.pending else ""))
    return (
        f"<td style='{style}' title='{title}' data-status='{escape(u.status)}' data-permit='{int(permitted)}'>"
        f"{escape(u.code.split('-')[-1])}</td>"
    )


def png(project: Project, states: dict[str, UnitState], date: str, target: Path) -> Path:
    """Draw the board as a picture for the wall (Pillow, a CJK font from fontconfig)."""
    from PIL import Image, ImageDraw

    layout = grid(project)
    rooms = max(len(c) for floors in layout.values() for c in floors.values())
    floors = max(len(f) for f in layout.values())
    width = GAP + len(layout) * ((rooms + 1) * CELL_W + GAP)
    height = HEAD_H * 3 + floors * CELL_H + GAP * 2
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font, big = _font(14), _font(20)
    draw.text((GAP, 8), f"{project.name} 销控表 {date}", fill="black", font=big)
    _legend(draw, font, GAP, HEAD_H + 4)
    for i, (building, by_floor) in enumerate(layout.items()):
        x0 = GAP + i * ((rooms + 1) * CELL_W + GAP)
        permitted = project.any_permit_for(building) is not None
        label = f"{building}号楼" + ("" if permitted else f"（{project.permit_label}未取得）")
        draw.text((x0, HEAD_H * 2 + 2), label, fill="black" if permitted else "#b00020", font=font)
        for j, (floor, codes) in enumerate(by_floor.items()):
            y = HEAD_H * 3 + j * CELL_H
            draw.text((x0 + 4, y + 5), f"{floor}F", fill="black", font=font)
            for k, code in enumerate(codes):
                _unit(draw, font, states[code], x0 + (k + 1) * CELL_W, y, permitted)
    img.save(target)
    return target


def _unit(draw, font, u: UnitState, x: int, y: int, permitted: bool = True) -> None:
    box = (x, y, x + CELL_W - 4, y + CELL_H - 3)
    draw.rectangle(box, fill=COLOURS.get(u.status, "white") if permitted else "#e6e6e6", outline="#444")
    if u.pending or u.needs_pricing:
        draw.rectangle(box, outline=PENDING if u.pending else REPRICE, width=3)
    draw.text((x + 8, y + 4), u.code.split("-")[-1], fill="black", font=font)


def _legend(draw, font, x: int, y: int) -> None:
    for status, colour in list(COLOURS.items()) + [("审批中", "white"), ("待定价", "white")]:
        draw.rectangle(
            (x, y, x + 18, y + 18),
            fill=colour,
            outline=PENDING if status == "审批中" else REPRICE if status == "待定价" else "#444",
            width=3 if status in ("审批中", "待定价") else 1,
        )
        draw.text((x + 22, y + 1), status, fill="black", font=font)
        x += 90


def _font(size: int):
    from PIL import ImageFont

    try:
        path = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        return ImageFont.truetype(path, size)
    except (OSError, subprocess.SubprocessError):
        return ImageFont.load_default()
