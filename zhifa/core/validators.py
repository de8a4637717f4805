"""Checksummed Chinese identifiers: the resident ID number and the unified social credit code."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError

# 公民身份号码 GB 11643-1999: 17 digits and a check character (ISO 7064 MOD 11-2).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# The first two digits are a province-level division code (GB/T 2260).
_PROVINCES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
    }
    | {"44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"}
)

# 统一社会信用代码 GB 32100-2015: 17 characters and a check character (MOD 31).
_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_birth_date(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_resident_id(value: str) -> None:
    """Refuse a resident ID number that is not 18 characters with a valid region, birth date and check."""
    value = value.strip().upper()
    if not _ID_PATTERN.match(value):
        raise ValidationError("身份证号码应为18位，前17位为数字，末位为数字或X（GB 11643-1999）", code="id_format")
    if value[:2] not in _PROVINCES:
        raise ValidationError("身份证号码前两位不是有效的省级行政区划代码（GB 11643-1999）", code="id_region")
    born = resident_id_birth_date(value)
    if born is None or born.year < 1900 or born > date.today():  # noqa: DTZ011 - a birth date is a local date
        raise ValidationError("身份证号码中的出生日期无效（GB 11643-1999）", code="id_birth_date")
    expected = resident_id_check_char(value[:17])
    if expected != value[17]:
        # In words a clerk can act on: which character is wrong and what it should be (a typo is likelier than a
        # wrong check character, so the message also says to compare the other digits with the ID card).
        raise ValidationError(
            f"身份证号码校验码不符：按前17位计算，第18位应为{expected}，填写的是{value[17]}；"
            "请与身份证逐位核对（GB 11643-1999）",
            code="id_check",
        )


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARSET.index(char) * weight for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code with a bad form or check character."""
    value = value.strip().upper()
    if not _CREDIT_PATTERN.match(value):
        raise ValidationError(
            "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）（GB 32100-2015）",
            code="credit_format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError("统一社会信用代码校验位错误（GB 32100-2015）", code="credit_check")


def validate_mobile(value: str) -> None:
    if not _MOBILE_PATTERN.match(value.strip()):
        raise ValidationError("手机号码应为以1开头的11位数字", code="mobile_format")
