"""The period report as a PDF of charts (matplotlib, a Noto CJK font found on the machine)."""

from __future__ import annotations

from pathlib import Path

from toolkit.reports.period import Report

STATUS_COLOURS = {
    "待售": "#d9ead3",
    "销控": "#bdbdbd",
    "已认购": "#f6b26b",
    "已签约": "#e06666",
    "已备案": "#990000",
    "已交付": "#660000",
    "未推盘": "#eeeeee",
}


def cjk_font() -> str | None:
    """Return the name of an installed Noto CJK font (none is downloaded)."""
    from matplotlib import font_manager

    for f in font_manager.findSystemFonts():
        if "NotoSansCJK" in f or "NotoSerifCJK" in f:
            font_manager.fontManager.addfont(f)
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in ("Noto Sans CJK SC", "Noto Serif CJK SC") if n in names), None)


def figures(r: Report):
    """Draw the pages: progress and KPIs; weeks, team, ageing and discounts; 去化率 and the 销控表 heat map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = font
    plt.rcParams["axes.unicode_minus"] = False
    from toolkit.reports.period_charts import page_analysis

    return [_page_progress(plt, r), page_analysis(plt, r), _page_stock(plt, r)]


def _page_progress(plt, r: Report):
    fig = plt.figure(figsize=(11.69, 8.27))
    fig.suptitle(f"{r.project} 销售{'周报' if r.period.kind == 'weekly' else '月报'} {r.period.label}", fontsize=20)
    fig.text(
        0.5,
        0.905,
        f"{r.period.start} 至 {r.period.end}" + ("　本期无成交、无收款" if r.empty else ""),
        ha="center",
        fontsize=11,
        color="#555555",
    )
    ax = fig.add_axes((0.06, 0.52, 0.42, 0.33), gid="progress")
    rows = [x for x in r.progress if x["scope"] == "项目" and "金额" in x["measure"] or x.get("measure") == "回款"]
    rows = [x for x in rows if x["scope"] == "项目"]
    labels = [x["measure"] for x in rows]
    actual = [float(x["actual"]) / 1e4 for x in rows]
    target = [float(x["target"] or 0) / 1e4 for x in rows]
    xs = range(len(rows))
    ax.bar([x - 0.2 for x in xs], target, 0.4, color="#c9daf8", label="目标", gid="target")
    ax.bar([x + 0.2 for x in xs], actual, 0.4, color="#1f4e79", label="实际", gid="actual")
    for x, a, row in zip(xs, actual, rows):
        ax.text(
            x + 0.2,
            a,
            f"{a:,.0f}" + (f"\n{row['rate']}%" if row["rate"] is not None else ""),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xticks(list(xs), labels)
    ax.set_title("本期目标达成（万元）")
    ax.legend(frameon=False)
    _spines(ax)
    _consultant_chart(fig, r)
    _kpis(fig, r)
    return fig


def _consultant_chart(fig, r: Report) -> None:
    ax = fig.add_axes((0.58, 0.52, 0.38, 0.33), gid="consultants")
    names = [c["scope"] for c in r.consultants][::-1]
    values = [float(c["actual"]) / 1e4 for c in r.consultants][::-1]
    ax.barh(names, values, color="#6aa84f", gid="consultant_bars")
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:,.0f}", va="center", fontsize=9)
    ax.set_title("置业顾问签约金额排名（万元）")
    _spines(ax)


def _kpis(fig, r: Report) -> None:
    from matplotlib.patches import FancyBboxPatch

    v, c, m = r.velocity, r.conversion, r.receivables
    cards = [
        ("认购套数", f"{c['subscribed']}"),
        ("认购→签约", f"{c['rate']}%" if c["rate"] is not None else "—"),
        ("签约周期", f"{r.signing['avg_days']} 天" if r.signing["avg_days"] is not None else "—"),
        ("销售速度", f"{v['per_week']} 套/周"),
        ("预计清盘", str(v["sellout"] or "—")),
        ("换房 / 退房", f"{c['room_changes']} / {c['refunds']}"),
        ("逾期未签约", f"{len(r.expired)} 套"),
        ("未付房款", f"{float(m['owed_total']) / 1e4:,.0f} 万元"),
        ("其中逾期", f"{float(m['overdue_total']) / 1e4:,.0f} 万元"),
        ("按揭未放款", f"{float(m['mortgage_pending']) / 1e4:,.0f} 万元"),
    ]
    for i, (label, value) in enumerate(cards):
        x, y = 0.06 + i % 5 * 0.178, 0.27 - i // 5 * 0.19
        fig.patches.append(
            FancyBboxPatch(
                (x, y), 0.16, 0.16, boxstyle="round,pad=0.005", transform=fig.transFigure,
                facecolor="#f3f6fa", edgecolor="#c9daf8", gid=f"card-{label}",
            )
        )  # fmt: skip
        alert = label in ("逾期未签约", "其中逾期") and not value.startswith("0 ")
        fig.text(
            x + 0.08, y + 0.08, value, ha="center", fontsize=16, color="#cc0000" if alert else "#1f4e79", weight="bold"
        )
        fig.text(x + 0.08, y + 0.025, label, ha="center", fontsize=11, color="#555555")


def _page_stock(plt, r: Report):
    fig = plt.figure(figsize=(11.69, 8.27))
    fig.suptitle("去化与销控表", fontsize=18)
    ax = fig.add_axes((0.06, 0.56, 0.4, 0.3), gid="sell_through")
    rows = r.sell_through.get("楼栋", [])
    ax.bar([x["group"] for x in rows], [float(x["rate"]) for x in rows], color="#e06666", gid="rate_bars")
    for x, row in enumerate(rows):
        ax.text(
            x,
            float(row["rate"]),
            f"{row['rate']}%\n{row['sold']}/{row['on_sale']}套",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_ylim(0, 100)
    ax.set_title("去化率（%）按楼栋")
    _spines(ax)
    lay = fig.add_axes((0.56, 0.56, 0.3, 0.3), gid="layouts")
    rows = r.sell_through.get("户型", [])
    lay.barh([x["group"] for x in rows], [float(x["rate"]) for x in rows], color="#f6b26b")
    for y, row in enumerate(rows):
        lay.text(float(row["rate"]), y, f" {row['rate']}%（{row['sold']}/{row['on_sale']}）", va="center", fontsize=9)
    lay.set_xlim(0, 100)
    lay.set_title("去化率（%）按户型")
    _spines(lay)
    _heatmap(fig, r)
    return fig


def _heatmap(fig, r: Report) -> None:
    """Draw each building's units by floor and room, coloured by status (the 销控表)."""
    buildings = sorted(r.board, key=lambda b: (len(b), b))
    width = 0.82 / max(len(buildings), 1)
    for i, b in enumerate(buildings):
        units = r.board[b]
        ax = fig.add_axes((0.06 + i * width, 0.06, width * 0.9, 0.42), gid=f"board-{b}")
        for code, status in units.items():
            floor, room = int(code.split("-")[1][:-2]), int(code[-2:])
            ax.add_patch(
                __import__("matplotlib.patches", fromlist=["x"]).Rectangle(
                    (room - 1, floor - 1), 0.92, 0.9, color=STATUS_COLOURS.get(status, "#ffffff"), gid=code
                )
            )
        ax.set_xlim(0, max(int(c[-2:]) for c in units))
        ax.set_ylim(0, max(int(c.split("-")[1][:-2]) for c in units))
        ax.set_title(f"{b}栋", fontsize=11)
        ax.set_xticks([])
        ax.tick_params(labelsize=7)
    handles = [
        __import__("matplotlib.patches", fromlist=["x"]).Patch(color=c, label=s) for s, c in STATUS_COLOURS.items()
    ]
    fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.99, 0.5), frameon=False, ncol=1)


def _spines(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def write_pdf(r: Report, target: Path) -> Path:
    """Write the chart pages into one PDF."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(target) as pdf:
        for fig in figures(r):
            pdf.savefig(fig)
            plt.close(fig)
    return target
