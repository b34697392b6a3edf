"""Money as Decimal: rounding, display formats and amounts in Chinese capitals (DOMAIN §6).

Capitals are written by cn2an (a project decision) and then re-read by our own parser before they are
returned, so a wrong amount is never printed. The parser is ours because cn2an cannot read some valid
forms back (壹仟元零壹分, 贰仟零叁拾元零伍分) and accepts forms the payment rules forbid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

from toolkit.cache import Memo, code_digest, library_file
from toolkit.errors import ToolkitError

Number = int | str | Decimal | float

YUAN = Decimal("1")
FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # the parser stops at 仟亿: no 万亿 place
PREFIX, PREFIX_TRADITIONAL = "人民币", "人民幣"

DIGIT_CHARS = "零壹贰叁肆伍陆柒捌玖"
DIGITS = {ch: value for value, ch in enumerate(DIGIT_CHARS)}
SMALL_UNITS = {"拾": 1, "佰": 2, "仟": 3}
BIG_UNITS = {"万": 4, "亿": 8}
ALLOWED = set(DIGITS) | set(SMALL_UNITS) | set(BIG_UNITS) | set("元角分整")
# Traditional and variant forms read on input; 正 is the rules' alternative to 整.
VARIANTS = {"貳": "贰", "參": "叁", "陸": "陆", "萬": "万", "億": "亿", "圓": "元", "圆": "元", "正": "整"}
# Forbidden by the payment rules (rule 1), with what to write instead.
FORBIDDEN = {
    "一": "壹",
    "二": "贰",
    "两": "贰",
    "兩": "贰",
    "三": "叁",
    "四": "肆",
    "五": "伍",
    "六": "陆",
    "七": "柒",
    "八": "捌",
    "九": "玖",
    "十": "拾",
    "念": "贰拾",
    "廿": "贰拾",
    "毛": "角",
    "另": "零",
    "〇": "零",
    "0": "零",
}
_NONZERO = f"[{DIGIT_CHARS[1:]}]"
FRACTION = re.compile(f"(零)?(?:({_NONZERO})角)?(零)?(?:({_NONZERO})分)?(整)?")
TO_TRADITIONAL = str.maketrans({"贰": "貳", "叁": "參", "陆": "陸", "万": "萬", "亿": "億"})


class CapitalsError(ToolkitError, ValueError):
    """A text is not a well-formed amount in Chinese capitals; index is 0-based in the original text."""

    def __init__(self, message: str, index: int | None = None, char: str | None = None) -> None:
        super().__init__(message)
        self.index, self.char = index, char


class CapitalsGenerationError(ToolkitError, RuntimeError):
    """cn2an wrote capitals that do not read back as the amount; nothing is printed."""


def to_decimal(value: Number) -> Decimal:
    """Convert an int, numeric string, Decimal or float to a finite Decimal."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal, float)):
        raise TypeError(f"not an amount: {value!r}")
    text = value
    if isinstance(value, (str, float)):  # str(float): 0.1 stays 0.1, not 0.1000000000000000055…
        text = str(value).strip().lstrip("¥￥").replace(",", "").strip()
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _quantize(value: Number, step: Decimal) -> Decimal:
    """Round half-up to step; a negative zero becomes zero."""
    try:
        result = to_decimal(value).quantize(step, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"amount out of range: {value!r}") from None
    return result.copy_abs() if result.is_zero() else result


def round_yuan(x: Number) -> Decimal:
    """Round half-up to whole yuan."""
    return _quantize(x, YUAN)


def round_fen(x: Number) -> Decimal:
    """Round half-up to the fen (0.01)."""
    return _quantize(x, FEN)


def format_yuan(x: Number) -> str:
    """Format an amount as 1,234,567.89."""
    return f"{round_fen(x):,.2f}"  # already rounded half-up, so format's own half-even never applies


def format_area(x: Number) -> str:
    """Format an area in m² as 98.76 (two decimals, no separators)."""
    return f"{round_fen(x):.2f}"


def to_capitals(x: Number, *, prefix: bool = True) -> str:
    """Write an amount in capitals: 人民币壹拾万元整; sub-fen amounts are rounded half-up first."""
    amount = _writable(x)
    text = _remembered(amount) or _written(amount)
    return PREFIX + text if prefix else text


def _written(amount: Decimal) -> str:
    """Write capitals with cn2an (0.15 s to import: a check of a rendered document finds them remembered)."""
    import cn2an

    text = _checked(_tidy(cn2an.an2cn(f"{amount:f}", "rmb")), amount)
    _CAPITALS.put(f"{amount:f}", text)
    return text


def _remembered(amount: Decimal) -> str | None:
    """Return what cn2an wrote for this amount before (toolkit/cache.py), read back like a fresh text."""
    text = _CAPITALS.get(f"{amount:f}")
    try:
        return _checked(text, amount) if text else None
    except CapitalsGenerationError:
        return None


def _capitals_key() -> str:
    """Key the remembered capitals by cn2an's code (its version and tables) and this module."""
    files = ("__init__.py", "an2cn.py", "conf.py")
    return code_digest(
        Path(__file__), *(library_file("cn2an", f) for f in files), library_file("proces", "__init__.py")
    )


_CAPITALS = Memo("capitals", _capitals_key)


def to_capitals_traditional(x: Number, *, prefix: bool = True) -> str:
    """Write an amount in traditional capitals: 人民幣壹佰貳拾參萬元整."""
    text = to_capitals(x, prefix=False).translate(TO_TRADITIONAL)
    return PREFIX_TRADITIONAL + text if prefix else text


def _writable(x: Number) -> Decimal:
    """Round to the fen and refuse amounts capitals cannot express."""
    amount = round_fen(x)
    if amount < 0:
        raise ValueError(f"negative amount {amount} cannot be written in capitals")
    if amount > MAX_AMOUNT:
        raise ValueError(f"amount {amount} is above {MAX_AMOUNT}")
    return amount


def _tidy(raw: str) -> str:
    """Apply DOMAIN §6 practice; cn2an 0.5.24 already does, this guards later releases."""
    text = "壹" + raw if raw.startswith("拾") else raw  # generate 壹拾, never a bare leading 拾
    if text.startswith("零元") and text != "零元整":
        text = text[2:].lstrip("零")  # below 1 yuan: 伍角陆分, not 零元伍角陆分
    if text.endswith("分整"):
        text = text[:-1]  # never 整 after 分
    return text + "整" if text.endswith("元") else text


def _checked(text: str, amount: Decimal) -> str:
    """Return text only if it reads back as amount and lints clean."""
    try:
        value = parse_capitals(text)
    except CapitalsError as exc:
        raise CapitalsGenerationError(f"cn2an wrote {text!r} for {amount}: {exc}") from exc
    problems = lint_capitals(PREFIX + text)
    if value != amount or problems:
        raise CapitalsGenerationError(f"cn2an wrote {text!r} for {amount}, read back {value}; {problems}")
    return text


Token = tuple[int, str]  # (index in the original text, normalised character)


@dataclass(frozen=True)
class _Digit:
    """A non-zero digit before 元, with its decimal place and the index of a 零 written before it."""

    value: int
    place: int
    index: int
    char: str
    zero: int | None


def _fail(message: str, index: int | None = None, char: str | None = None) -> NoReturn:
    """Raise a CapitalsError that names the offending character and index."""
    where = f"（第{index + 1}个字）" if index is not None else ""
    raise CapitalsError(f"{message.format(char=char)}{where}", index, char)


def parse_capitals(text: str) -> Decimal:
    """Read an amount in capitals (simplified or traditional) as a Decimal; raise CapitalsError."""
    tokens = _tokens(text)
    if not tokens:
        _fail("金额为空")
    cut = _yuan_position(tokens)
    integer = None if cut is None else _parse_integer(tokens[:cut], tokens[cut])
    fen = _parse_fraction(tokens if cut is None else tokens[cut + 1 :], integer)
    return Decimal((integer or 0) * 100 + fen).scaleb(-2)


def _tokens(text: str) -> list[Token]:
    """Drop blanks and the 人民币 prefix; normalise variants and reject forbidden characters."""
    start = len(text) - len(text.lstrip())
    start += next((len(p) for p in (PREFIX, PREFIX_TRADITIONAL) if text.startswith(p, start)), 0)
    return [(i, _normalise(ch, i)) for i, ch in enumerate(text) if i >= start and not ch.isspace()]


def _normalise(ch: str, index: int) -> str:
    """Map a traditional form to the simplified one, or reject the character."""
    ch = VARIANTS.get(ch, ch)
    if ch in ALLOWED:
        return ch
    if ch in FORBIDDEN:
        _fail(f"不得使用的字 {{char!r}}（应写作“{FORBIDDEN[ch]}”）", index, ch)
    kind = "阿拉伯数字" if ch.isdigit() else "不应出现的字"
    return _fail(kind + " {char!r}", index, ch)


def _yuan_position(tokens: list[Token]) -> int | None:
    """Find the one 元, if any."""
    marks = [k for k, (_, ch) in enumerate(tokens) if ch == "元"]
    if len(marks) > 1:
        _fail("单位 {char!r} 重复", tokens[marks[1]][0], "元")
    return marks[0] if marks else None


def _parse_integer(tokens: list[Token], yuan: Token) -> int:
    """Read the whole yuan written before 元."""
    if [ch for _, ch in tokens] == ["零"]:
        return 0  # 零元伍角陆分
    if not tokens:
        _fail("{char!r} 之前没有数字", *yuan)
    reader = _IntegerReader()
    for index, ch in tokens:
        reader.feed(index, ch)
    digits = reader.finish()
    _check_zeros(digits)
    return sum(d.value * 10**d.place for d in digits)


class _IntegerReader:
    """Give every non-zero digit before 元 its decimal place, checking units on the way."""

    def __init__(self) -> None:
        self.done: list[_Digit] = []
        self.group: list[_Digit] = []  # digits since the last 万/亿, places relative to the group
        self.digit: Token | None = None  # a digit still waiting for its unit
        self.zero: int | None = None  # index of a 零 waiting for its digit
        self.last_big = 12

    def feed(self, index: int, ch: str) -> None:
        """Take one character."""
        if ch in SMALL_UNITS:
            self._small(index, ch)
        elif ch in BIG_UNITS:
            self._big(index, ch)
        elif ch not in DIGITS:
            _fail("元之前出现 {char!r}", index, ch)
        elif self.digit is not None:
            _fail("数字 {char!r} 后缺少单位", *self.digit)
        elif ch == "零":
            self._zero(index)
        else:
            self.digit = (index, ch)

    def finish(self) -> list[_Digit]:
        """Close the last group at 元 and return all digits, highest place first."""
        self._close(0)
        return self.done

    def _zero(self, index: int) -> None:
        """Remember a 零 for the next digit."""
        if self.zero is not None:
            _fail("{char!r} 重复（连续的零位只写一个“零”）", index, "零")
        if not (self.done or self.group):
            _fail("金额不能以 {char!r} 开头", index, "零")
        self.zero = index

    def _small(self, index: int, unit: str) -> None:
        """Attach 拾/佰/仟 to the pending digit; a bare leading 拾 means 壹拾."""
        if self.group and self.group[-1].place <= SMALL_UNITS[unit]:
            _fail("单位 {char!r} 重复或顺序错误", index, unit)
        if self.digit is None and (unit != "拾" or self.done or self.group or self.zero is not None):
            _fail("单位 {char!r} 之前没有数字", index, unit)
        self._push(SMALL_UNITS[unit], self.digit or (index, "壹"))

    def _push(self, place: int, digit: Token) -> None:
        """Add a digit at place to the current group."""
        self.group.append(_Digit(DIGITS[digit[1]], place, digit[0], digit[1], self.zero))
        self.digit = self.zero = None

    def _big(self, index: int, unit: str) -> None:
        """Close the group at 万/亿."""
        if BIG_UNITS[unit] >= self.last_big:
            _fail("单位 {char!r} 重复或顺序错误", index, unit)
        if not self.group and self.digit is None:
            _fail("单位 {char!r} 之前没有数字", index, unit)
        self._close(BIG_UNITS[unit])
        self.last_big = BIG_UNITS[unit]

    def _close(self, offset: int) -> None:
        """Move the group's digits to their absolute places."""
        if self.digit is not None:
            self._push(0, self.digit)  # a digit without a unit is the group's units place
        if self.zero is not None:
            _fail("{char!r} 之后须有数字", self.zero, "零")
        self.done += [replace(d, place=d.place + offset) for d in self.group]
        self.group = []


def _check_zeros(digits: list[_Digit]) -> None:
    """Enforce rule 4: 零 marks a gap; it may be left out only before a 仟 after 万/亿 (4(3))."""
    for high, low in zip(digits, digits[1:]):
        gap = high.place - low.place > 1
        if low.zero is not None and not gap:
            _fail("多余的 {char!r}（此处没有零位）", low.zero, "零")
        if gap and low.zero is None and low.place % 4 != 3:
            _fail("{char!r} 之前缺少“零”（或该数字缺少单位）", low.index, low.char)


def _parse_fraction(tokens: list[Token], integer: int | None) -> int:
    """Read [零][d角][零][d分][整] after 元 (or on its own) and return the fen."""
    text = "".join(ch for _, ch in tokens)
    match = FRACTION.match(text)
    if match is None:  # every part of FRACTION is optional: it matches any text, if only the empty string
        _fail("元之后有无法识别的文字")
    if match.end() < len(text):
        _fail("不应出现的 {char!r}（应为元、角、分或整）", *tokens[match.end()])
    found = [None if match.start(g) < 0 else tokens[match.start(g)][0] for g in range(1, 6)]
    _check_fraction(integer, found, match.group(4))
    return DIGITS[match.group(2) or "零"] * 10 + DIGITS[match.group(4) or "零"]


def _check_fraction(integer: int | None, found: list[int | None], fen_digit: str | None) -> None:
    """Apply rules 2 and 4 to the part after 元, given the index of each piece found."""
    zero1, jiao, zero2, fen, end = found
    if integer is None and zero1 is not None:
        _fail("金额不能以 {char!r} 开头（写“零元”或省去）", zero1, "零")
    if jiao is None and None not in (zero1, zero2):
        _fail("{char!r} 重复", zero2, "零")
    if jiao is None:
        zero1, zero2 = None, zero2 if zero1 is None else zero1  # with no 角, a 零 belongs to 分
    if fen is not None and end is not None:
        _fail("分之后出现 {char!r}（分后不写“整”）", end, "整")
    if integer is None and jiao is None and fen is None:
        _fail("{char!r} 之前没有金额", end, "整")
    if zero1 is not None and integer is not None and integer % 10:  # (no integer with a zero1: refused above)
        _fail("角之前多余的 {char!r}（元位不是零）", zero1, "零")
    if zero2 is not None and (jiao is not None or fen is None):
        _fail("多余的 {char!r}" if fen else "{char!r} 之后须有数字", zero2, "零")
    if fen is not None and jiao is None and integer and zero2 is None:
        _fail("元之后、{char!r}分之前缺少“零”（规则4(4)）", fen, fen_digit)


def lint_capitals(text: str) -> list[str]:
    """List style problems that leave the value alone (parse_capitals finds value errors); [] when clean."""
    body = "".join(VARIANTS.get(ch, ch) for ch in text if not ch.isspace())
    return [message for bad, message in _lint_checks(text, body) if bad]


def _lint_checks(text: str, body: str) -> list[tuple[bool, str]]:
    """Pair each style rule of DOMAIN §6 with its message."""
    stripped = text.strip()
    return [
        (text != stripped, "leading or trailing blanks / 首尾有空白"),
        (any(ch.isspace() for ch in stripped), "blank inside the amount / 金额中有空白（人民币后不得留空）"),
        (not body.startswith((PREFIX, PREFIX_TRADITIONAL)), "missing 人民币 prefix / 缺少“人民币”"),
        (body.endswith("元"), "missing 整 after 元 / 元后缺“整”"),
        ("元整元整" in body, "元整 written twice / “元整”重复"),
        (re.search("[角分]元整", body) is not None, "元整 after 角/分 (template trap) / 角、分后多出“元整”"),
        ("分整" in body, "整 after 分 / 分后不得写“整”"),
    ]
