"""Tests for toolkit.domain.ids: resident ID, USCC and masks."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.domain.ids import (
    check_resident_id,
    check_uscc,
    mask_id,
    mask_phone,
    resident_id_check_char,
    uscc_check_char,
)

VALID_IDS = [
    "440305198806124536",
    "110101199003072017",
    "440306199211302840",
    "310115198505216173",
    "11010119900307002X",
]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_resident_ids(number: str) -> None:
    assert check_resident_id(number) is None


def test_lowercase_x_is_accepted() -> None:
    assert check_resident_id("11010119900307002x") is None


@pytest.mark.parametrize(
    "number, reason",
    [
        ("440305198806124535", "校验位错误：应为 6"),
        ("110101199003072018", "校验位错误：应为 7"),
        ("11010119900307002X"[:-1] + "0", "校验位错误：应为 X"),
        ("440305198806124536"[:-1] + "X", "校验位错误：应为 6"),
        ("44030519880612453", "长度为17位，应为18位"),
        ("4403051988061245366", "长度为19位，应为18位"),
        ("", "长度为0位，应为18位"),
        ("44030519881332453X", "出生日期（第7至14位）不是有效日期（月份不存在）"),
        ("440305198802304536", "出生日期（第7至14位）不是有效日期（日不存在）"),
        ("440305198800124536", "出生日期（第7至14位）不是有效日期（月份不存在）"),
        ("440305209901014536", "出生日期（第7至14位）晚于今天"),
        ("44030519880612453A", "校验位'A'应为0-9或X"),
        ("4403051988061245X6", "第17位的字符'X'不是数字"),
        ("440305 98806124536", "第7位的字符' '不是数字"),
        ("４40305198806124536", "第1位的字符'４'不是数字"),
    ],
)
def test_invalid_resident_ids(number: str, reason: str) -> None:
    assert check_resident_id(number) == reason


def test_leap_day_is_a_date() -> None:
    first17 = "11010120000229001"
    assert check_resident_id(first17 + resident_id_check_char(first17)) is None


def test_today_is_not_in_the_future() -> None:
    first17 = "110101" + dt.date.today().strftime("%Y%m%d") + "001"
    assert check_resident_id(first17 + resident_id_check_char(first17)) is None


@pytest.mark.parametrize("number", VALID_IDS)
def test_resident_id_check_char(number: str) -> None:
    assert resident_id_check_char(number[:17]) == number[17]


@pytest.mark.parametrize(
    "first17",
    [
        "1101011990030720",
        "110101199003072017",
        "11010119900307201X",
        "１1010119900307201",
    ],
)
def test_resident_id_check_char_needs_17_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        resident_id_check_char(first17)


def test_uscc_valid() -> None:
    assert check_uscc("91440300MA5G8K2X1D") is None
    assert uscc_check_char("91440300MA5G8K2X1") == "D"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("91440300MA5G8K2X1E", "校验位错误：应为 D"),
        ("91440300MA5G8K2X10", "校验位错误：应为 D"),
        ("91440300MA5G8K2X1", "长度为17位，应为18位"),
        ("91440300MA5G8K2X1DD", "长度为19位，应为18位"),
        ("91440300ma5G8K2X1D", "第9位的字符'm'不允许（只可用0-9和A-Y，不含I、O、S、V、Z）"),
        ("91440300MA5G8K2I1D", "第16位的字符'I'不允许（只可用0-9和A-Y，不含I、O、S、V、Z）"),
        ("9144030OMA5G8K2X1D", "第8位的字符'O'不允许（只可用0-9和A-Y，不含I、O、S、V、Z）"),
        ("914403ZZMA5G8K2X1D", "第7位的字符'Z'不允许（只可用0-9和A-Y，不含I、O、S、V、Z）"),
        ("9144A300MA5G8K2X1D", "行政区划代码44A300（第3至8位）须为数字"),
    ],
)
def test_uscc_invalid(code: str, reason: str) -> None:
    assert check_uscc(code) == reason


def test_uscc_check_char_maps_zero_remainder_to_0() -> None:
    # (31 - 0) % 31 == 0: a weighted sum divisible by 31 gives check character '0', not 'Y'
    assert uscc_check_char("0" * 17) == "0"
    assert check_uscc("0" * 18) is None


def test_uscc_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91440300MA5G8K2I1")


@pytest.mark.parametrize(
    "number, masked",
    [
        ("440305198806124536", "440305********4536"),
        ("11010119900307002X", "110101********002X"),
        ("91440300MA5G8K2X1D", "914403********2X1D"),
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),
        ("", ""),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("+8613800138000", "+86138****8000"),
        ("86 138 0013 8000", "86138****8000"),
        ("0755-12345678", "075*****5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_masks_hide_the_middle() -> None:
    assert "19880612" not in mask_id("440305198806124536")
    assert "0013" not in mask_phone("13800138000")


@pytest.mark.parametrize(
    "text",
    [
        "张三440305198806124536",
        "ID440305198806124536",
        "id:44030519880612453X.",
        "a440305880612453b",
        "电话+86 138-0013-8000",
        "tel 138 0013 8000",
        "8613800138000",
        "0086-13800138000",
        "买受人(13800138000)",
    ],
)
def test_mask_text_hides_every_id_and_phone_in_free_text(text: str) -> None:
    from toolkit.domain.ids import mask_text

    masked = mask_text(text)
    assert "****" in masked and "0612" not in masked and "0013" not in masked


@pytest.mark.parametrize("text", ["CHY-2026-0001 1-1801 2026-12-01 1380000.00元", "sha 3f2a", "第12条"])
def test_mask_text_leaves_codes_dates_and_amounts(text: str) -> None:
    from toolkit.domain.ids import mask_text

    assert mask_text(text) == text
