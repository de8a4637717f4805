"""Password policy required by 等保 level 3 (GB/T 22239-2019 8.1.4.1 a: 复杂度要求): composition, and no
common or patterned passwords."""

from __future__ import annotations

import functools
import re
import secrets
import string
from pathlib import Path

from django.core.exceptions import ValidationError

MAX_LENGTH = 128  # long enough for any passphrase; bounds the work the pattern check does


class MaximumLengthValidator:
    """At most MAX_LENGTH characters: a password is no place for a megabyte of text to be checked and hashed."""

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"密码不得超过 {MAX_LENGTH} 个字符", code="password_too_long")

    def get_help_text(self) -> str:
        return f"密码不超过 {MAX_LENGTH} 个字符。"


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须包含小写字母、大写字母、数字、符号中的至少三类（等保三级 身份鉴别）",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return "密码须包含小写字母、大写字母、数字、符号中的至少三类。"


COMMON_LIST = Path(__file__).parent / "data" / "common-passwords-zh.txt"
# Letters that people write as digits or symbols (leet): "P@ssw0rd" is "password".
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i"}
)
KEYBOARD_ROWS = (
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "abcdefghijklmnopqrstuvwxyz",
)
# Keyboard columns, typed as pairs of rows ("1qaz2wsx", "qazwsx").
KEYBOARD_COLUMNS = ("1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")


@functools.cache
def common_cores() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().replace(" ", "") for line in lines if line.strip() and not line.startswith("#"))


def core(password: str) -> str:
    """The word a password is built on: lower case, leading and trailing digits and symbols removed, leet undone.

    "Admin@12345" → "admin", "Passw0rd!!" → "password", "Zhangwei1988" → "zhangwei".
    """
    lowered = password.lower()
    stripped = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    return stripped.translate(LEET)


class ChineseCommonPasswordValidator:
    """Refuses passwords built on a common word of Chinese users (pinyin names, woaini, qwe123, the product's
    and agencies' names), however many digits or symbols are added around it."""

    def validate(self, password: str, user: object = None) -> None:
        cores = common_cores()
        word = core(password)
        whole = password.lower().translate(LEET)
        if word in cores or whole in cores or re.sub(r"[^a-z]", "", whole) in cores:
            raise ValidationError(
                "密码过于常见：以常用词（如 admin、password、woaini、姓名拼音、系统或机关名称）加数字或符号构成的密码"
                "很容易被猜中，请换用无规律的组合",
                code="password_common_zh",
            )

    def get_help_text(self) -> str:
        return "不能以常用词（admin、password、woaini、姓名拼音、系统或机关名称等）加数字、符号构成。"


def _pattern_spans(text: str) -> set[int]:
    """Positions of `text` that belong to a keyboard or alphabet run (3+ in a row, either way) or a repeat."""
    covered: set[int] = set()
    sequences = [*KEYBOARD_ROWS, *KEYBOARD_COLUMNS]
    sequences += [sequence[::-1] for sequence in sequences]
    for start in range(len(text)):
        for sequence in sequences:
            length = 0
            while start + length < len(text) and text[start : start + length + 1] in sequence:
                length += 1
            if length >= 3:
                covered.update(range(start, start + length))
        repeat = 1
        while start + repeat < len(text) and text[start + repeat] == text[start]:
            repeat += 1
        if repeat >= 3:
            covered.update(range(start, start + repeat))
    return covered


class PatternPasswordValidator:
    """Refuses passwords that are mostly keyboard runs, alphabet or digit sequences and repeated characters
    ("Qwer1234!", "Aaa111!!!", "1qaz@WSX"): fewer than MIN_FREE characters are left outside such patterns."""

    MIN_FREE = 4

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > MAX_LENGTH:
            return  # refused by MaximumLengthValidator; the pattern search is not linear in the length
        text = password.lower()
        free = len(text) - len(_pattern_spans(text))
        if free < self.MIN_FREE:
            raise ValidationError(
                "密码规律性太强：主要由键盘连续键（如 qwer、1qaz）、连续字母或数字（如 abc、123456）或重复字符构成，"
                "请换用无规律的组合",
                code="password_pattern",
            )

    def get_help_text(self) -> str:
        return "不能主要由键盘连续键、连续字母或数字、重复字符构成。"


@functools.cache
def decoy_hash() -> str:
    """One hash of nothing, made once a process: a lookup by a number that does not exist checks the code given
    against it, so that a miss costs what a wrong code costs and numbers cannot be probed by timing."""
    from django.contrib.auth.hashers import make_password

    return make_password(secrets.token_hex(8))


# No 0/O, 1/l/I: an initial password is read off a screen and typed in by someone else.
_READABLE_LOWER = "abcdefghijkmnpqrstuvwxyz"
_READABLE_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_READABLE_DIGITS = "23456789"


def initial_password() -> str:
    """A one-time initial password that passes AUTH_PASSWORD_VALIDATORS: three groups of four readable characters
    with upper- and lower-case letters and digits (about 70 bits), e.g. "Kq7m-x3Pt-9wRz". Shown once."""
    from django.contrib.auth import password_validation

    alphabet = _READABLE_LOWER + _READABLE_UPPER + _READABLE_DIGITS
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        try:
            password_validation.validate_password(password)
        except ValidationError:
            continue  # a rare draw missing a class or matching a pattern: draw again
        return password
