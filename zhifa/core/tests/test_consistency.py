"""One voice across the staff pages: 「请选择」 for a select's empty choice, Chinese field errors that name the field
and the rule (the ID number's check character in words), and "English" in the language menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.cases.forms import AssignForm, FileForm
from zhifa.core.models import Agency
from zhifa.personnel.forms import OfficerForm
from zhifa.testing.factories import id_number

pytestmark = pytest.mark.django_db


def test_every_select_offers_qing_xuan_ze_for_its_empty_choice(world):
    case_forms = [FileForm(agency=world.branch)["violation"], AssignForm(agency=world.branch)["lead"]]
    officer_form = OfficerForm(agencies=Agency.objects.all())["agency"]
    for field in [*case_forms, officer_form]:
        html = str(field)
        assert '<option value="" selected>请选择</option>' in html, html[:200]
        assert "---------" not in html


def test_field_errors_are_chinese_and_name_the_field(client, world):
    client.force_login(world.admin)
    page = client.post(reverse("officer_create"), {"id_number": "1234", "phone": "1" * 12}).content.decode()
    assert "请选择所属机关" in page
    assert "请填写姓名" in page
    assert "身份证号至少 18 个字符，现为 4 个" in page
    assert "手机号最多 11 个字符，现为 12 个" in page
    assert "这个字段" not in page
    assert "确保" not in page


def test_a_wrong_check_character_is_explained_in_words(client, world):
    good = id_number()
    wrong = "X" if good[17] != "X" else "0"
    client.force_login(world.admin)
    form = {"agency": world.branch.pk, "name": "新人", "gender": "male", "id_number": good[:17] + wrong}
    form["kind"] = "officer"
    page = client.post(reverse("officer_create"), form).content.decode()
    assert f"身份证号码校验码不符：按前17位计算，第18位应为{good[17]}，填写的是{wrong}" in page


def test_the_language_menu_names_english_in_english(client, world):
    client.force_login(world.officer_user)
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en">English</option>' in page
    assert "英语" not in page
