"""The period PDF's analysis page: progress per week against target, sales by consultant, ageing, discounts."""

from __future__ import annotations

from toolkit.reports.period import Report

DARK, LIGHT, GREEN, ORANGE, RED = "#1f4e79", "#c9daf8", "#6aa84f", "#f6b26b", "#e06666"


def page_analysis(plt, r: Report):
    """Draw the page: four charts, each with its figures written on it."""
    fig = plt.figure(figsize=(11.69, 8.27))
    fig.suptitle(f"{r.project} {r.period.label} 进度、团队与回款", fontsize=18)
    _weeks(fig.add_axes((0.07, 0.55, 0.40, 0.32), gid="weeks"), r)
    _team(fig.add_axes((0.60, 0.55, 0.36, 0.32), gid="team"), r)
    _ageing(fig.add_axes((0.07, 0.08, 0.40, 0.33), gid="ageing"), r)
    _discounts(fig.add_axes((0.60, 0.08, 0.36, 0.33), gid="discounts"), r)
    return fig


def _wan(x) -> float:
    return float(x or 0) / 1e4


def _weeks(ax, r: Report) -> None:
    weeks = r.weeks
    xs = list(range(len(weeks)))
    actual = [_wan(w["actual"]["签约金额"]) for w in weeks]
    target = [_wan((w["target"] or {}).get("签约金额")) for w in weeks]
    ax.bar([x - 0.2 for x in xs], target, 0.4, color=LIGHT, label="签约目标", gid="week_target")
    ax.bar([x + 0.2 for x in xs], actual, 0.4, color=DARK, label="签约实际", gid="week_actual")
    for x, w, a in zip(xs, weeks, actual):
        n = w["actual"]["认购套数"]
        ax.text(x + 0.2, a, f"{a:,.0f}\n认购{n}套", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(xs, [f"{w['week'][-3:]}\n{w['start']:%m-%d}–{w['end']:%m-%d}" for w in weeks], fontsize=8)
    ax.set_ylim(0, max(actual + target + [1]) * 1.25)
    ax.set_title("分周签约金额与目标（万元）")
    ax.legend(frameon=False, fontsize=8)
    _spines(ax)


def _team(ax, r: Report) -> None:
    team = r.team[::-1]
    ys = list(range(len(team)))
    for i, (measure, colour) in enumerate((("认购金额", ORANGE), ("签约金额", DARK), ("回款", GREEN))):
        values = [_wan(c[measure]) for c in team]
        ax.barh([y + (1 - i) * 0.27 for y in ys], values, 0.27, color=colour, label=measure, gid=f"team_{measure}")
        for y, v in zip(ys, values):
            if v:
                ax.text(v, y + (1 - i) * 0.27, f" {v:,.0f}", va="center", fontsize=7)
    ax.set_xlim(0, max([_wan(c[m]) for c in team for m in ("认购金额", "签约金额", "回款")] + [1]) * 1.4)
    ax.set_yticks(ys, [c["name"] for c in team])
    ax.set_title("置业顾问业绩（万元）")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    _spines(ax)


def _ageing(ax, r: Report) -> None:
    rec = r.receivables
    labels = [*rec["buckets"], "按揭未放款"]
    values = [_wan(v) for v in rec["buckets"].values()] + [_wan(rec["mortgage_pending"])]
    colours = [GREEN, ORANGE, RED, "#cc0000", "#990000", "#999999"]
    ax.bar(labels, values, color=colours, gid="ageing_bars")
    for x, v in enumerate(values):
        ax.text(x, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(values + [1]) * 1.15)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_title(f"应收账龄（截至{r.period.end}，万元）")
    _spines(ax)


def _discounts(ax, r: Report) -> None:
    kinds = r.discounts["by_kind"][::-1]
    if not kinds:  # an honest empty chart: no axes with made-up ticks
        ax.set_axis_off()
        ax.set_title("优惠金额（万元）", fontsize=11)
        ax.text(0.5, 0.5, "本期认购未使用优惠", ha="center", va="center", fontsize=12, color="#555555")
        return
    values = [_wan(x["amount"]) for x in kinds]
    ax.barh([x["name"] for x in kinds], values, color=[RED if x["kind"] == "额外优惠" else ORANGE for x in kinds])
    for y, (x, v) in enumerate(zip(kinds, values)):
        ax.text(v, y, f" {v:,.1f}（{x['deals']}笔）", va="center", fontsize=8)
    who = "\n".join(
        f"{a['approver']}（{a['role']}）{a['deals']}笔 最高{a['max_rate_pct']}%" for a in r.discounts["by_approver"]
    )
    ax.set_xlim(0, max(values + [1]) * 1.3)
    ax.set_title("优惠金额（万元）", fontsize=11)
    ax.set_xlabel(("额外优惠审批：\n" + who) if who else "", fontsize=8)
    _spines(ax)


def _spines(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
