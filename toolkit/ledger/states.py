"""The unit and deal state machines: every status a unit or deal can have, and the moves allowed between them.

A status is a `str` enum, so the ledger stores the Chinese word and comparisons with the word keep working.
A move not in the table is refused: a document that would move a unit or a deal backwards names the rule.
"""

from __future__ import annotations

from enum import Enum

from toolkit.rules import Refusal


class _Word(str, Enum):
    """A status that prints and stores as its Chinese word."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class UnitStatus(_Word):
    """Where a unit stands in the sales cycle (DOMAIN §5)."""

    AVAILABLE = "待售"
    HELD = "销控"
    SUBSCRIBED = "已认购"
    CONTRACTED = "已签约"
    FILED = "已备案"
    DELIVERED = "已交付"
    OFF_MARKET = "未推盘"


class DealStatus(_Word):
    """Where a deal stands: subscribed, contracted, or closed by a refund."""

    SUBSCRIBED = "已认购"
    CONTRACTED = "已签约"
    REFUNDED = "已退房"


U, D = UnitStatus, DealStatus
UNIT_MOVES: dict[UnitStatus, frozenset[UnitStatus]] = {
    U.OFF_MARKET: frozenset({U.AVAILABLE}),
    U.AVAILABLE: frozenset({U.HELD, U.SUBSCRIBED, U.CONTRACTED}),
    U.HELD: frozenset({U.AVAILABLE}),
    U.SUBSCRIBED: frozenset({U.CONTRACTED, U.AVAILABLE}),  # back to 待售 only by 退房 or 换房
    U.CONTRACTED: frozenset({U.FILED, U.AVAILABLE}),
    U.FILED: frozenset({U.DELIVERED, U.AVAILABLE}),  # back to 待售 only by 签约退房 after its 撤销备案
    U.DELIVERED: frozenset(),
}
DEAL_MOVES: dict[DealStatus | None, frozenset[DealStatus]] = {
    None: frozenset({D.SUBSCRIBED, D.CONTRACTED}),
    D.SUBSCRIBED: frozenset({D.CONTRACTED, D.REFUNDED}),
    D.CONTRACTED: frozenset({D.REFUNDED}),
    D.REFUNDED: frozenset(),
}
_UNIT_WORDS: dict[str, frozenset[str]] = {k.value: frozenset(v) for k, v in UNIT_MOVES.items()}
_DEAL_WORDS: dict[str | None, frozenset[str]] = {(k.value if k else None): frozenset(v) for k, v in DEAL_MOVES.items()}
# A dropped file's outcome, as stored (and as the folder it is filed in), and as a sales admin reads it.
FILE_OUTCOMES = {
    "accepted": "通过",
    "rejected": "退回",
    "quarantine": "隔离",
    "duplicates": "重复",
    "unfinished": "未完成",
    "in flight": "处理中",
    "gone": "已移走",
    "deals": "成交",
}
# A signed document moves a unit and its deal to the status it records.
AFTER_DOCUMENT = {"subscription": U.SUBSCRIBED, "contract": U.CONTRACTED}


def unit_status(word: str) -> UnitStatus:
    """Return the status a word names; an unknown word is bad input."""
    try:
        return UnitStatus(word)
    except ValueError:
        raise Refusal.of("input.invalid", f"房号状态须为{'、'.join(UnitStatus)}之一，收到“{word}”") from None


def can_move(old: str, new: str) -> bool:
    """Say whether a unit may go from one status to another (staying put always may)."""
    return old == new or new in _UNIT_WORDS.get(old, frozenset())


def check_unit_move(code: str, old: str, new: str) -> None:
    """Refuse a unit move the state machine does not have."""
    if not can_move(old, new):
        raise Refusal.of("state.backwards", f"房号{code}不能由{old}变为{new}")


def check_deal_move(deal_no: str, old: str | None, new: str) -> None:
    """Refuse a deal move the state machine does not have (a refunded deal never comes back)."""
    if old == new:
        return
    if new not in _DEAL_WORDS.get(old or None, frozenset()):
        raise Refusal.of("state.backwards", f"成交{deal_no}状态为{old}，不能再变为{new}")
