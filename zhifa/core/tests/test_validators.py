from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhifa.core.validators import (
    credit_code_check_char,
    resident_id_check_char,
    validate_credit_code,
    validate_mobile,
    validate_resident_id,
)


def test_resident_id_check_digit_follows_gb11643():
    # The standard's own worked example: 11010519491231002 → X.
    assert resident_id_check_char("11010519491231002") == "X"
    validate_resident_id("11010519491231002X")
    validate_resident_id("11010519491231002x")  # lower-case x is accepted and upper-cased


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_check"),  # wrong check digit
        ("11010519491231002", "id_format"),  # 17 characters
        ("1101051949123100AX", "id_format"),  # letter inside
        ("99010519491231002X", "id_region"),  # no province 99
        ("110105194902300023", "id_birth_date"),  # 30 February
    ],
)
def test_resident_id_refusals_name_the_rule(value, code):
    with pytest.raises(ValidationError) as refused:
        validate_resident_id(value)
    assert refused.value.code == code
    assert "GB 11643" in refused.value.messages[0]


def test_credit_code_check_character_follows_gb32100():
    # A published example code from GB 32100-2015 material: 91350100M000100Y43.
    assert credit_code_check_char("91350100M000100Y4") == "3"
    validate_credit_code("91350100M000100Y43")


@pytest.mark.parametrize("value", ["91350100M000100Y44", "91350100M000100I43", "9135010", "11150102000000001Z"])
def test_bad_credit_codes_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(value)
    assert "GB 32100" in refused.value.messages[0]


def test_mobile_numbers():
    validate_mobile("13912345678")
    with pytest.raises(ValidationError):
        validate_mobile("12912345678")
