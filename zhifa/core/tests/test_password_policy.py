"""The password policy (等保 8.1.4.1 a): composition, and no common or patterned password, in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from zhifa.core.forms import PasswordChangeForm
from zhifa.core.passwords import ChineseCommonPasswordValidator, PatternPasswordValidator, core


def refusals(password: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    return refused.value.messages


def test_the_probes_passwords_are_refused_in_chinese():
    # Both passed every validator at 6c2279c: three character classes, ten characters, not in Django's list.
    for password in ("Passw0rd!!", "Admin@12345"):
        messages = refusals(password)
        assert any("密码过于常见" in message for message in messages), (password, messages)


@pytest.mark.parametrize(
    "password",
    ["Woaini1314!", "Zhangwei@1988", "Qwe123456!", "Zhifa@2026", "Linyeju#2025", "P@ssw0rd2026", "Root!23456"],
)
def test_common_chinese_passwords_and_product_names_are_refused(password):
    with pytest.raises(ValidationError, match="常见"):
        ChineseCommonPasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["Qwer1234!@", "1qaz@WSX3edc", "Aaa111!!!bbb", "Abcdef123456!", "Zxcvbnm,./1"])
def test_keyboard_runs_sequences_and_repeats_are_refused(password):
    with pytest.raises(ValidationError, match="规律性太强"):
        PatternPasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["Forest-Ranger-2026", "Tr0ub4dor&3x", "滇池-Lake-7xq", "Test@Pass2026"])
def test_ordinary_strong_passwords_still_pass(password):
    validate_password(password)


def test_the_core_of_a_password_undoes_leet_and_what_is_added_around_it():
    assert core("Passw0rd!!") == "password"
    assert core("Admin@12345") == "admin"
    assert core("2026Zhangwei!") == "zhangwei"


def test_a_long_password_is_refused_at_once_not_checked_for_patterns():
    with pytest.raises(ValidationError, match="密码不得超过 128 个字符"):
        validate_password("a" * 100_000)  # the pattern search is skipped: this returns at once
    form = PasswordChangeForm({"old_password": "x", "password": "Ab1!" * 40, "password2": "Ab1!" * 40})
    assert not form.is_valid()
    assert "password" in form.errors
