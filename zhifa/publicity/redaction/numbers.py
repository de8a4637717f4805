"""Numbers that identify a person: ID numbers, telephone numbers, bank accounts; and plates, e-mail addresses and
credit codes, found in the normalised text (base.normalise) whatever their spacing.

A number is read as a *run*: groups of digits and letters joined by at most three separators (spaces, hyphens,
brackets, a line break), such as 138 0013 8000, 0871-6512 3456, (0871)6512345 or an ID broken across two lines.
Every stretch of whole groups in a run is classified; the best stretches that do not overlap are kept. A run
that starts or ends inside a longer word of digits and letters is never cut: 2026, 12号, 30000元, 2026-10-26 are
runs of their own and no kind matches them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from zhifa.core.validators import credit_code_check_char, resident_id_check_char
from zhifa.publicity.redaction.base import LABELS, PLATE_TAIL, Confidence, Finding, Kind, words

_PROVINCE_CODES = words(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"
)
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_SEP = r"(?:[ \t\u00a0()\-–—]|\r?\n){1,3}"
_RUN = re.compile(rf"(?<![0-9A-Za-z@.+_])\+?[0-9A-Za-z]+(?:{_SEP}[0-9A-Za-z]+)*")
_GROUP = re.compile(r"[0-9A-Za-z]+")
_MAX_DIGITS = 30  # the longest account number looked at; longer stretches are not a single number
_MIN_DIGITS = 7  # a local telephone number without its area code

# What comes just before a number and says what it is (read in the 14 characters before it, same line).
_BANK_LABEL = re.compile(r"(账号|帐号|账户|帐户|卡号|开户|银行卡|存折|收款账|付款账)[^\n]{0,12}$")
_PHONE_LABEL = re.compile(r"(电话|手机|联系方式|联系号码|座机|tel|Tel|TEL|电\s*话)[^\n]{0,8}$")
# A number after these is a certificate, case or document number, published as it is (officers' certificates).
_PUBLIC_NUMBER_LABEL = re.compile(r"(执法证|(?<!身份)证号|证件编号|编号|文号|案号|证书号|许可证号)[^\n]{0,6}$")

_EMAIL = re.compile(r"(?<![0-9A-Za-z._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
# 机动车号牌 (GA 36): a province, the city letter, then five characters (six on new-energy plates), the last one
# possibly 挂 学 警 港 澳 领 试 超. Embassy plates start with 使.
_PLATE = re.compile(
    r"(?<![\u4e00-\u9fff][A-Z])"
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])[ ·•.]?([A-HJ-NP-Z])[ ·•.-]?"
    r"((?=[A-HJ-NP-Z0-9]*\d)[A-HJ-NP-Z0-9]{6}|(?=[A-HJ-NP-Z0-9]*\d)[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领试超])"
    r"(?![0-9A-Za-z])"
    r"|(?<![\u4e00-\u9fff])使[ ·]?\d{6}(?!\d)"
)


@dataclass(frozen=True)
class _Guess:
    kind: Kind
    confidence: Confidence
    reason: str
    masked: bool = True


def id_birth_ok(value: str) -> bool:
    digits = value[6:14] if len(value) == 18 else "19" + value[6:12]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099  # no reference to today: the same text gives the same findings any day


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _credit_shape(value: str) -> bool:
    return len(value) == 18 and value[2:8].isdigit() and all(char in _CREDIT_CHARS for char in value)


def classify(value: str, before: str, *, separated_after: int | None) -> _Guess | None:
    """What a stretch of a run is. `value` is its characters without separators (upper case), `before` the text
    just before it on its line, `separated_after` the length of its first group when it has more than one."""
    digits = value.isdigit()
    id_shape = len(value) == 18 and value[:17].isdigit() and value[17] in "0123456789X"
    id_plausible = id_shape and value[:2] in _PROVINCE_CODES and id_birth_ok(value)
    if id_plausible and resident_id_check_char(value[:17]) == value[17]:
        return _Guess(Kind.ID_NUMBER, Confidence.CERTAIN, "18位居民身份证号码，校验码正确")
    if _credit_shape(value) and credit_code_check_char(value[:17]) == value[17]:
        return _Guess(Kind.CREDIT_CODE, Confidence.CERTAIN, "统一社会信用代码，校验码正确；组织的代码随名称公开", False)
    if _BANK_LABEL.search(before) and digits and 8 <= len(value) <= _MAX_DIGITS:
        hint = "，符合银行卡校验（Luhn）" if 16 <= len(value) <= 19 and luhn_ok(value) else ""
        return _Guess(Kind.BANK_ACCOUNT, Confidence.CERTAIN, f"{len(value)}位数字，前有“账号”“卡号”等字样{hint}")
    if id_plausible:
        reason = "18位，地区码和出生日期有效，但校验码不符（可能是笔误），仍按身份证号码隐去"
        return _Guess(Kind.ID_NUMBER, Confidence.LIKELY, reason)
    if _credit_shape(value) and not digits:
        return _Guess(Kind.CREDIT_CODE, Confidence.LIKELY, "形如统一社会信用代码，但校验码不符", False)
    if not digits:
        return None
    public = bool(_PUBLIC_NUMBER_LABEL.search(before))
    if len(value) == 15 and value[:2] in _PROVINCE_CODES and id_birth_ok(value) and not public:
        return _Guess(Kind.ID_NUMBER, Confidence.LIKELY, "15位旧居民身份证号码（地区码和出生日期有效）")
    mobile = re.fullmatch(r"(?:86)?(1[3-9]\d{9})", value)
    if mobile and not public and (len(value) == 11 or separated_after == 2 or before.endswith("+")):
        return _Guess(Kind.PHONE, Confidence.CERTAIN, "11位手机号码")
    if value.startswith("0") and not public:
        area = 3 if value[1:2] in {"1", "2"} else 4
        if 7 <= len(value) - area <= 8 and value[1:2] != "0":
            if separated_after == area:
                return _Guess(Kind.PHONE, Confidence.CERTAIN, "固定电话号码（区号加号码）")
            if _PHONE_LABEL.search(before):
                return _Guess(Kind.PHONE, Confidence.CERTAIN, "固定电话号码，前有“电话”字样")
            return _Guess(Kind.PHONE, Confidence.LIKELY, "以0开头的10至12位数字，形如带区号的固定电话")
    if 7 <= len(value) <= 8 and _PHONE_LABEL.search(before) and not public:
        return _Guess(Kind.PHONE, Confidence.LIKELY, "7至8位数字，前有“电话”字样，形如不带区号的固定电话")
    if 16 <= len(value) <= 19 and not public:
        if luhn_ok(value):
            return _Guess(Kind.BANK_ACCOUNT, Confidence.LIKELY, f"{len(value)}位数字，符合银行卡校验（Luhn）")
        return _Guess(Kind.BANK_ACCOUNT, Confidence.LIKELY, f"{len(value)}位数字，形如银行账号")
    return None


def _rank(guess: _Guess, crosses_line: bool, length: int) -> tuple[int, int, int]:
    # Certain before likely (a phone before an unlabelled 16-digit string it would be part of), then the longer
    # (an ID before the phone-like digits inside it), then the one on one line.
    return (0 if guess.confidence == Confidence.CERTAIN else 1, -length, 1 if crosses_line else 0)


def _line_before(norm: str, start: int, width: int = 14) -> str:
    line_start = norm.rfind("\n", 0, start) + 1
    return norm[max(line_start, start - width) : start]


def digit_runs(text: str, norm: str) -> Iterator[Finding]:
    for run in _RUN.finditer(norm):
        groups = list(_GROUP.finditer(run.group()))
        offset = run.start()
        candidates = []
        for first in range(len(groups)):
            value = ""
            for last in range(first, len(groups)):
                value += groups[last].group().upper()
                if len(value) > _MAX_DIGITS:
                    break
                if len(value) < _MIN_DIGITS:
                    continue
                start, end = offset + groups[first].start(), offset + groups[last].end()
                before = _line_before(norm, start)
                if first == 0 and run.group().startswith("+"):
                    before += "+"
                guess = classify(value, before, separated_after=len(groups[first].group()) if last > first else None)
                if guess is not None:
                    crosses = "\n" in norm[start:end]
                    candidates.append((_rank(guess, crosses, len(value)), start, end, guess))
        taken: list[tuple[int, int]] = []
        for _rank_key, start, end, guess in sorted(candidates, key=lambda item: item[0]):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            if guess.kind == Kind.PHONE and start > 0 and norm[start - 1] == "+":
                start -= 1  # +86 belongs to the number
            if start > 0 and norm[start - 1] == "(" and ")" in norm[start:end]:
                start -= 1  # so does the bracket before an area code: (0871)6512345
            yield Finding(
                start=start,
                end=end,
                text=text[start:end],
                kind=guess.kind,
                reason=guess.reason,
                mask=LABELS[guess.kind],
                confidence=guess.confidence,
                masked=guess.masked,
            )


def emails(text: str, norm: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(norm):
        yield Finding(
            start=match.start(),
            end=match.end(),
            text=text[match.start() : match.end()],
            kind=Kind.EMAIL,
            reason="电子邮箱地址",
            mask=LABELS[Kind.EMAIL],
        )


def plates(text: str, norm: str) -> Iterator[Finding]:
    for match in _PLATE.finditer(norm):
        found = text[match.start() : match.end()]
        if match.group(1):
            mask = match.group(1) + match.group(2) + PLATE_TAIL
            reason = "机动车号牌号码（保留省份简称和发牌机关代号）"
        else:
            mask = "使" + PLATE_TAIL
            reason = "使馆车辆号牌号码"
        yield Finding(start=match.start(), end=match.end(), text=found, kind=Kind.PLATE, reason=reason, mask=mask)
