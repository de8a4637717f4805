"""The lists' pages: the version in force and the history with its changes for whoever sees the agency; the
publish form only for its legal office and system administrator; the Excel downloads."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhifa.core.choices import Role
from zhifa.powers.choices import ListKind
from zhifa.powers.models import ListVersion
from zhifa.powers.services import list_publish
from zhifa.powers.tests.lists import POWERS, power, publish_args, sheet
from zhifa.testing.factories import at, make_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 8, 3)


@pytest.fixture(autouse=True)
def _day():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def reviewer(world):
    return make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)


@pytest.fixture
def two_versions(world, reviewer):
    list_publish(actor=reviewer, agency=world.bureau, kind=ListKind.POWERS, items=POWERS, **publish_args())
    items = [POWERS[0], power("TEST-CF-003", "对非法采伐的行政处罚")]
    return list_publish(
        actor=reviewer,
        agency=world.bureau,
        kind=ListKind.POWERS,
        items=items,
        **publish_args(effective_from=date(2026, 7, 1), reason="删除已取消的事项，新增非法采伐"),
    )


def test_the_editor_sees_the_list_its_history_and_the_form_and_publishes_by_upload(
    client, world, reviewer, two_versions
):
    client.force_login(reviewer)
    url = f"/agencies/{world.bureau.pk}/lists/powers/"
    page = client.get(url).content.decode()
    assert "2026年8月3日 施行的清单" in page
    assert "第2版 · 2026年7月1日 起施行" in page
    assert "对非法采伐的行政处罚" in page
    assert "新增：TEST-CF-003 对非法采伐的行政处罚" in page
    assert "删除：TEST-CF-002 对毁坏林木的行政处罚" in page
    assert 'id="publish-form"' in page
    # A third version by upload; a bad file is refused whole with its row listed.
    bad = sheet(ListKind.POWERS, [power("TEST-CF-004", "事项", kind="没收")])
    form = {"effective_from": "2026-09-01", "source": "测管发〔2026〕3号", "reason": "调整"}
    page = client.post(url, {**form, "file": SimpleUploadedFile("list.xlsx", bad)}).content.decode()
    assert "<td>3</td><td>职权类型</td>" in page
    assert "整个文件未导入" in page
    assert ListVersion.objects.count() == 2
    good = sheet(ListKind.POWERS, [power("TEST-CF-004", "对擅自移动林业服务标志的行政处罚")])
    response = client.post(url, {**form, "file": SimpleUploadedFile("list.xlsx", good)})
    assert response.status_code == 302
    assert ListVersion.objects.get(number=3).source == "测管发〔2026〕3号"
    # The agency's page links the three lists.
    detail = client.get(f"/agencies/{world.bureau.pk}/").content.decode()
    assert f"/agencies/{world.bureau.pk}/lists/inspections/" in detail


def test_an_officer_sees_the_list_he_follows_but_no_form_and_may_not_post(client, world, two_versions):
    client.force_login(world.officer_user)
    url = f"/agencies/{world.branch.pk}/lists/powers/"
    page = client.get(url).content.decode()
    assert "沿用测试管理局的清单" in page
    assert "对非法采伐的行政处罚" in page
    assert "publish-form" not in page
    assert "发布新版清单" not in page
    data = sheet(ListKind.POWERS, POWERS)
    form = {"effective_from": "2026-09-01", "source": "x", "reason": "y", "file": SimpleUploadedFile("l.xlsx", data)}
    assert client.post(url, form).status_code == 404
    # The version he follows, and its download, are open to him; another agency's lists are not.
    assert client.get(f"/lists/versions/{two_versions.pk}/").status_code == 200
    response = client.get(f"/lists/versions/{two_versions.pk}/xlsx")
    assert response.status_code == 200
    sheet_ = load_workbook(io.BytesIO(response.content)).active
    assert sheet_["B3"].value == "TEST-CF-001"
    assert client.get(f"/agencies/{world.elsewhere.pk}/lists/powers/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/lists/versions/{two_versions.pk}/").status_code == 404


def test_a_version_page_shows_its_changes_against_the_one_before(client, world, reviewer, two_versions):
    client.force_login(reviewer)
    page = client.get(f"/lists/versions/{two_versions.pk}/").content.decode()
    assert "与第1版相比" in page
    assert "删除已取消的事项，新增非法采伐" in page
    assert "新增：TEST-CF-003" in page


def test_the_body_list_is_published_with_its_entrustment_letters_uploaded_beside_it(client, world, reviewer, evidence):
    from zhifa.powers.tests.lists import body

    entrusted = body(
        "测试林业服务中心",
        kind="entrusted",
        principal="测试管理局",
        scope="以测试管理局名义实施林木采伐检查",
        entrusted_from="2026-01-01",
        entrusted_until="2027-12-31",
        letter_name="服务中心委托书.pdf",
    )
    client.force_login(reviewer)
    url = f"/agencies/{world.bureau.pk}/lists/bodies/"
    form = {
        "effective_from": "2026-08-01",
        "source": "测管发〔2026〕4号",
        "reason": "首次公布",
        "file": SimpleUploadedFile("bodies.xlsx", sheet(ListKind.BODIES, [body("测试管理局"), entrusted])),
        "letters": [SimpleUploadedFile("服务中心委托书.pdf", b"%PDF-1.4 letter", content_type="application/pdf")],
    }
    assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "受委托组织" in page
    assert "/evidence/" in page  # the letter, by its hash, opens from the list
