"""Tests for toolkit.domain.money: rounding, formats, and amounts in capitals (DOMAIN §6)."""

from __future__ import annotations

import random
from decimal import Decimal

import cn2an
import pytest

from toolkit.domain.money import (
    CapitalsError,
    CapitalsGenerationError,
    format_area,
    format_yuan,
    lint_capitals,
    parse_capitals,
    round_fen,
    round_yuan,
    to_capitals,
    to_capitals_traditional,
    to_decimal,
)
from toolkit.errors import ToolkitError

# DOMAIN §6 test vectors, then the worked examples of rules 4(1)–4(4) and the brief's extras.
VECTORS = [
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("532.00", "伍佰叁拾贰元整"),
    ("100000", "壹拾万元整"),
    ("1010000", "壹佰零壹万元整"),
    ("3150000", "叁佰壹拾伍万元整"),
    ("1050000", "壹佰零伍万元整"),
    ("20000000", "贰仟万元整"),
    ("10000001", "壹仟万零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("1000.01", "壹仟元零壹分"),
    ("2030.05", "贰仟零叁拾元零伍分"),
    ("100.10", "壹佰元壹角"),
]
EXTRAS = [
    ("0.56", "伍角陆分"),
    ("0.05", "伍分"),
    ("10.00", "壹拾元整"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("0", "零元整"),
    ("15", "壹拾伍元整"),
    ("110000", "壹拾壹万元整"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


# --- numbers and display ---


@pytest.mark.parametrize(
    "value, expected",
    [
        (5, "5"),
        ("1234.5", "1234.5"),
        (Decimal("0.10"), "0.10"),
        (0.1, "0.1"),
        (1.15, "1.15"),
        (" ¥1,234.50 ", "1234.50"),
        ("￥8", "8"),
        (-3, "-3"),
    ],
)
def test_to_decimal_accepts_numbers(value: object, expected: str) -> None:
    assert to_decimal(value) == Decimal(expected)
    assert str(to_decimal(value)) == expected


@pytest.mark.parametrize("value", ["", "abc", "1.2.3", "NaN", "Infinity", float("nan"), float("inf")])
def test_to_decimal_rejects_non_numbers(value: object) -> None:
    with pytest.raises(ValueError):
        to_decimal(value)


@pytest.mark.parametrize("value", [True, None, [1], 1j])
def test_to_decimal_rejects_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        to_decimal(value)


@pytest.mark.parametrize(
    "value, yuan, fen",
    [
        ("2.5", "3", "2.50"),
        ("3.5", "4", "3.50"),
        ("1.005", "1", "1.01"),
        ("1.004", "1", "1.00"),
        ("0.125", "0", "0.13"),
        ("-2.5", "-3", "-2.50"),
        ("-0.001", "0", "0.00"),
        (1.005, "1", "1.01"),
        ("98.765", "99", "98.77"),
        (7, "7", "7.00"),
    ],
)
def test_rounding_is_half_up(value: object, yuan: str, fen: str) -> None:
    assert str(round_yuan(value)) == yuan
    assert str(round_fen(value)) == fen


def test_rounding_returns_decimal() -> None:
    assert isinstance(round_fen(1), Decimal) and isinstance(round_yuan("1.2"), Decimal)


def test_rounding_huge_value_is_value_error() -> None:
    with pytest.raises(ValueError):
        round_fen("1E+40")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1234567.89", "1,234,567.89"),
        (0, "0.00"),
        ("999.995", "1,000.00"),
        ("0.125", "0.13"),
        ("1000", "1,000.00"),
        ("-1234.5", "-1,234.50"),
        ("100000000", "100,000,000.00"),
        (0.1, "0.10"),
    ],
)
def test_format_yuan(value: object, expected: str) -> None:
    assert format_yuan(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("98.76", "98.76"),
        ("98.765", "98.77"),
        (100, "100.00"),
        ("1234.5", "1234.50"),
        ("0.005", "0.01"),
    ],
)
def test_format_area(value: object, expected: str) -> None:
    assert format_area(value) == expected


# --- writing capitals ---


@pytest.mark.parametrize("amount, text", VECTORS + EXTRAS)
def test_to_capitals_vectors(amount: str, text: str) -> None:
    assert to_capitals(amount) == "人民币" + text
    assert to_capitals(Decimal(amount), prefix=False) == text


@pytest.mark.parametrize("amount, text", VECTORS + EXTRAS)
def test_vectors_read_back(amount: str, text: str) -> None:
    assert parse_capitals(text) == Decimal(amount)
    assert parse_capitals("人民币" + text) == Decimal(amount)


@pytest.mark.parametrize("amount, text", VECTORS + EXTRAS)
def test_generated_capitals_lint_clean(amount: str, text: str) -> None:
    assert lint_capitals(to_capitals(amount)) == []


@pytest.mark.parametrize(
    "value, expected",
    [
        (100000, "人民币壹拾万元整"),
        (0.1, "人民币壹角"),
        (Decimal("12.5"), "人民币壹拾贰元伍角"),
        ("1,000.01", "人民币壹仟元零壹分"),
        ("1.005", "人民币壹元零壹分"),
        ("0.004", "人民币零元整"),
        ("10", "人民币壹拾元整"),
        ("100001000", "人民币壹亿壹仟元整"),
        ("100100000", "人民币壹亿零壹拾万元整"),
    ],
)
def test_to_capitals_inputs_and_rounding(value: object, expected: str) -> None:
    assert to_capitals(value) == expected


@pytest.mark.parametrize("value", [-1, "-0.01", Decimal("-100000"), "1000000000000", "1E+15"])
def test_to_capitals_rejects_negative_and_too_large(value: object) -> None:
    with pytest.raises(ValueError):
        to_capitals(value)


@pytest.mark.parametrize("raw", ["壹佰元整", "壹佰伍元整", "伍元整整", "壹佰元伍角", "", "一百元整"])
def test_to_capitals_refuses_a_wrong_cn2an_result(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setattr(cn2an, "an2cn", lambda text, mode: raw)
    with pytest.raises(CapitalsGenerationError):
        to_capitals("105")


@pytest.mark.parametrize(
    "amount, raw, expected",
    [
        ("100000", "拾万元整", "人民币壹拾万元整"),
        ("0.56", "零元伍角陆分", "人民币伍角陆分"),
        ("105", "壹佰零伍元", "人民币壹佰零伍元整"),
        ("5.06", "伍元零陆分整", "人民币伍元零陆分"),
    ],
)
def test_to_capitals_tidies_cn2an_output(monkeypatch: pytest.MonkeyPatch, amount: str, raw: str, expected: str) -> None:
    monkeypatch.setattr(cn2an, "an2cn", lambda text, mode: raw)
    assert to_capitals(amount) == expected


def test_generation_error_is_a_toolkit_error() -> None:
    assert issubclass(CapitalsGenerationError, ToolkitError)
    assert issubclass(CapitalsError, ValueError) and issubclass(CapitalsError, ToolkitError)


@pytest.mark.parametrize(
    "amount, text",
    [
        ("1234567.89", "人民幣壹佰貳拾參萬肆仟伍佰陸拾柒元捌角玖分"),
        ("100010000", "人民幣壹億零壹萬元整"),
        ("2030.05", "人民幣貳仟零參拾元零伍分"),
        ("0.56", "人民幣伍角陸分"),
    ],
)
def test_to_capitals_traditional(amount: str, text: str) -> None:
    assert to_capitals_traditional(amount) == text
    assert to_capitals_traditional(amount, prefix=False) == text[3:]
    assert parse_capitals(text) == Decimal(amount)


def _random_amounts(count: int, seed: int) -> list[Decimal]:
    rng = random.Random(seed)
    return [Decimal(rng.randint(1, 9_999_999_999_999)).scaleb(-2) for _ in range(count)]


def _zero_heavy_amounts(count: int, seed: int) -> list[Decimal]:
    # Uniform amounts rarely hit runs of zeros, where the 零 rules live; build digits that are mostly 0.
    rng = random.Random(seed)
    digits = ("".join(str(rng.randint(1, 9)) if rng.random() < 0.3 else "0" for _ in range(14)) for _ in range(count))
    return [Decimal(int(d)).scaleb(-2) for d in digits]


def test_round_trip_random_amounts() -> None:
    for amount in _random_amounts(20_000, seed=20240601):
        assert parse_capitals(to_capitals(amount)) == amount, amount


def test_round_trip_zero_heavy_amounts() -> None:
    for amount in _zero_heavy_amounts(10_000, seed=7):
        assert parse_capitals(to_capitals(amount)) == amount, amount


def test_round_trip_every_fen_up_to_100_yuan() -> None:
    for fen in range(10_001):
        amount = Decimal(fen).scaleb(-2)
        assert parse_capitals(to_capitals(amount, prefix=False)) == amount, amount


def test_round_trip_traditional() -> None:
    for amount in _random_amounts(1_000, seed=3) + _zero_heavy_amounts(1_000, seed=4):
        assert parse_capitals(to_capitals_traditional(amount)) == amount, amount


# --- reading capitals: accepted forms ---


@pytest.mark.parametrize(
    "text, amount",
    [
        ("人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", "1234567.89"),
        (" 人民币 壹 佰 元 整 ", "100"),
        ("人民币\u3000壹佰元整", "100"),
        # rule 4(3): 零 may be written or left out where the 万 or 元 place is zero but 仟 or 角 is not
        ("壹拾万柒仟元零伍角叁分", "107000.53"),
        ("壹拾万零柒仟元伍角叁分", "107000.53"),
        ("壹拾万零柒仟元零伍角叁分", "107000.53"),
        ("壹拾万柒仟元伍角叁分", "107000.53"),
        ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),
        ("壹仟陆佰捌拾元叁角贰分", "1680.32"),
        ("壹亿零壹仟元整", "100001000"),
        ("壹亿壹仟元整", "100001000"),
        ("壹佰万元零伍角", "1000000.50"),
        # bare leading 拾
        ("拾万元整", "100000"),
        ("拾伍元整", "15"),
        ("人民币拾元整", "10"),
        # endings
        ("伍佰叁拾贰元正", "532"),
        ("伍佰叁拾贰元整", "532"),
        ("伍佰叁拾贰元", "532"),
        ("壹佰元伍角整", "100.50"),
        ("壹佰元伍角正", "100.50"),
        # below one yuan
        ("零元伍角陆分", "0.56"),
        ("伍角陆分", "0.56"),
        ("零元伍分", "0.05"),
        ("零元零伍分", "0.05"),
        ("伍分", "0.05"),
        ("伍角", "0.50"),
        ("零元整", "0"),
        # traditional forms, 參 and 叁 both, 圆/圓 as 元
        ("人民幣壹佰貳拾參萬肆仟伍佰陸拾柒圓捌角玖分", "1234567.89"),
        ("壹億零壹萬元整", "100010000"),
        ("參佰叁拾參元整", "333"),
        ("壹佰圆整", "100"),
        ("壹佰圓整", "100"),
        ("陸萬元整", "60000"),
        # the largest amount the parser reads
        ("玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分", "999999999999.99"),
    ],
)
def test_parse_accepts(text: str, amount: str) -> None:
    assert parse_capitals(text) == Decimal(amount)


def test_parse_returns_two_decimals() -> None:
    assert str(parse_capitals("壹佰元整")) == "100.00"


# --- reading capitals: rejected forms ---


@pytest.mark.parametrize("char", list("一二两三四五六七八九十念毛另0") + ["〇", "兩", "廿"])
def test_parse_rejects_forbidden_characters(char: str) -> None:
    text = f"人民币壹佰{char}元整"
    with pytest.raises(CapitalsError) as info:
        parse_capitals(text)
    assert info.value.index == 5 and info.value.char == char
    message = str(info.value)
    assert "不得使用的字" in message and char in message and "第6个字" in message


@pytest.mark.parametrize("text, char, index", [("人民币5元整", "5", 3), ("壹佰元5角", "5", 3), ("１元整", "１", 0)])
def test_parse_rejects_arabic_digits(text: str, char: str, index: int) -> None:
    with pytest.raises(CapitalsError, match="阿拉伯数字") as info:
        parse_capitals(text)
    assert (info.value.char, info.value.index) == (char, index)


@pytest.mark.parametrize("text", ["", "   ", "人民币", "人民币 ", "人民幣"])
def test_parse_rejects_empty(text: str) -> None:
    with pytest.raises(CapitalsError, match="金额为空"):
        parse_capitals(text)


@pytest.mark.parametrize(
    "text, index, fragment",
    [
        # 整 after 分
        ("壹佰元伍角陆分整", 7, "分之后"),
        ("伍分整", 2, "分之后"),
        ("壹仟元零壹分正", 6, "分之后"),
        # duplicated units
        ("壹佰佰元整", 2, "重复"),
        ("壹佰元元整", 3, "重复"),
        ("壹万贰万元整", 3, "重复"),
        ("壹亿贰亿元整", 3, "重复"),
        ("壹拾贰拾元整", 3, "重复"),
        ("伍角伍角", 2, "不应出现"),
        ("壹元伍分陆分", 4, "不应出现"),
        ("壹佰元整整", 4, "不应出现"),
        # units out of order
        ("壹拾壹佰元整", 3, "顺序错误"),
        ("壹万壹亿元整", 3, "顺序错误"),
        ("壹分伍角", 2, "不应出现"),
        # a digit with no unit in the wrong place
        ("壹贰元整", 0, "缺少单位"),
        ("壹佰贰叁元整", 2, "缺少单位"),
        ("壹零元整", 0, "缺少单位"),
        ("壹佰伍元整", 2, "缺少“零”"),
        ("壹万伍元整", 2, "缺少“零”"),
        ("壹仟伍拾元整", 2, "缺少“零”"),
        ("壹佰", 0, "不应出现"),
        ("壹佰伍", 0, "不应出现"),
        # units with no digit
        ("元整", 0, "之前没有数字"),
        ("壹万拾元整", 2, "之前没有数字"),
        ("壹仟零佰元整", 3, "之前没有数字"),
        ("万元整", 0, "之前没有数字"),
        ("壹亿零万元整", 3, "之前没有数字"),
        # misplaced 零
        ("零壹佰元整", 0, "开头"),
        ("零伍分", 0, "开头"),
        ("壹佰零伍拾元整", 2, "多余的"),
        ("壹佰零零伍元整", 3, "重复"),
        ("壹佰元零零伍分", 4, "重复"),
        ("壹万零元整", 2, "之后须有数字"),
        ("壹佰元零整", 3, "之后须有数字"),
        ("壹元零伍角", 2, "多余的"),
        ("伍角零陆分", 2, "多余的"),
        ("壹仟元壹分", 3, r"规则4\(4\)"),
        ("壹拾万柒仟零元整", 5, "之后须有数字"),
        # anything else
        ("整", 0, "之前没有金额"),
        ("壹角元整", 1, "元之前出现"),
        ("壹佰美元整", 2, "不应出现的字"),
        ("壹佰元整人民币", 4, "不应出现的字"),
        ("RMB壹佰元整", 0, "不应出现的字"),
    ],
)
def test_parse_rejects(text: str, index: int, fragment: str) -> None:
    with pytest.raises(CapitalsError, match=fragment) as info:
        parse_capitals(text)
    assert info.value.index == index
    assert f"第{index + 1}个字" in str(info.value)


def test_parse_error_positions_count_the_prefix_and_blanks() -> None:
    with pytest.raises(CapitalsError) as info:
        parse_capitals(" 人民币 壹佰毛")
    assert (info.value.index, info.value.char) == (7, "毛")


def test_cn2an_forms_it_cannot_read_back_are_ours() -> None:
    assert parse_capitals("壹仟元零壹分") == Decimal("1000.01")
    assert parse_capitals("贰仟零叁拾元零伍分") == Decimal("2030.05")


# --- style ---


@pytest.mark.parametrize(
    "text", ["人民币壹佰元整", "人民币壹佰元伍角", "人民币伍角陆分", "人民幣壹佰圓正", "人民币壹佰元伍角整"]
)
def test_lint_clean(text: str) -> None:
    assert lint_capitals(text) == []


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("壹佰元整", "missing 人民币"),
        ("人民币壹佰元", "missing 整"),
        ("人民币壹佰圆", "missing 整"),
        ("人民币壹佰元伍角陆分整", "整 after 分"),
        ("人民币壹佰元整元整", "元整 written twice"),
        ("人民币壹佰元伍角元整", "元整 after 角/分"),
        ("人民币壹佰元伍角陆分元整", "元整 after 角/分"),
        (" 人民币壹佰元整", "leading or trailing"),
        ("人民币壹佰元整 ", "leading or trailing"),
        ("人民币壹佰元整\n", "leading or trailing"),
        ("人民币 壹佰元整", "blank inside"),
    ],
)
def test_lint_finds(text: str, fragment: str) -> None:
    problems = lint_capitals(text)
    assert len(problems) == 1 and fragment in problems[0], problems


def test_lint_reports_every_problem() -> None:
    problems = lint_capitals(" 壹佰元伍角陆分元整 ")
    assert len(problems) == 3
    assert all(isinstance(p, str) and p for p in problems)
