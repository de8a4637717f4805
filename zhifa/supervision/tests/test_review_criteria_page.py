"""The criteria page (案卷评查标准, 行政执法监督条例 第十八条): a supervisor publishes a version from the form, a bad
one is refused with the field and the rule named, the version in force changes on its date; the reviewed agency's head
reads the criteria his files are reviewed by, and cannot publish."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from zhifa.core.choices import Role
from zhifa.ledger.models import Entry
from zhifa.supervision import review_criteria
from zhifa.supervision.models.reviews import ReviewCriteria
from zhifa.testing.factories import at, make_user

pytestmark = pytest.mark.django_db
URL = "/supervision/reviews/criteria/"


def typed(effective_from: str, **changes: Any) -> dict[str, Any]:
    """The form as the page offers it (the default sheet pre-filled, blank rows left empty), with `changes`."""
    sheet = review_criteria.DEFAULT
    data: dict[str, Any] = {
        "name": "测试管理局案卷评查标准",
        "source": "测试管理局关于印发案卷评查标准的通知",
        "effective_from": effective_from,
        "cutoff_excellent": "95",
        "cutoff_pass": "80",
    }
    for index, item in enumerate(sheet.items):
        for name in ("code", "section", "label", "points", "per_defect"):
            data[f"item_{index}_{name}"] = str(item[name])
    for index in range(len(sheet.items), len(sheet.items) + 5):
        data[f"item_{index}_section"] = "contents"
    for index, veto in enumerate(sheet.vetoes):
        data[f"veto_{index}_code"], data[f"veto_{index}_label"] = veto["code"], veto["label"]
    return data | changes


def test_a_supervisor_publishes_a_version_in_force_from_its_date(world: Any, client: Client, time_machine: Any) -> None:
    time_machine.move_to(at(date(2026, 11, 20)))
    client.force_login(world.supervisor)
    assert "评查标准与发布" in client.get("/supervision/reviews/").content.decode()
    page = client.get(URL).content.decode()
    assert "默认标准" in page
    assert 'name="item_0_points"' in page
    # A new item taking 5 points from the evidence item (20 → 15): still 100 in all.
    response = client.post(
        URL,
        typed(
            "2026-12-01",
            item_2_points="15",
            item_8_code="hearing",
            item_8_label="听证告知",
            item_8_points="5",
            item_8_per_defect="5",
        ),
    )
    assert response.status_code == 302
    version = ReviewCriteria.objects.get()
    assert (version.agency, version.effective_from) == (world.bureau, date(2026, 12, 1))
    sheet = review_criteria.parse(version.sheet, "")
    assert sheet.item("hearing") == {
        "code": "hearing",
        "section": "contents",
        "label": "听证告知",
        "points": 5,
        "per_defect": 5,
    }
    assert sheet.cutoffs == {"excellent": 95, "pass": 80}
    assert Entry.objects.filter(action="supervision.review_criteria").count() == 1
    page = client.get(URL).content.decode()
    assert "默认标准（本机关及上级机关尚未发布）" in page  # not yet in force
    assert "待施行" in page

    time_machine.move_to(at(date(2026, 12, 1)))
    client.force_login(world.supervisor)  # the session of eleven days ago has expired
    page = client.get(URL).content.decode()
    assert "2026-12-01 起施行" in page
    assert "施行中" in page
    assert "听证告知" in page
    # The head of a branch reads the criteria his files are reviewed by (the bureau's), without the form.
    client.force_login(make_user("head", world.branch, Role.APPROVER))
    page = client.get(URL).content.decode()
    assert "听证告知" in page
    assert "测试管理局发布的版本" in page
    assert 'id="criteria-form"' not in page
    assert client.post(URL, typed("2026-12-02")).status_code == 404
    client.force_login(world.officer_user)
    assert client.get(URL).status_code == 404


def test_a_bad_version_is_refused_with_the_field_and_the_rule(world: Any, client: Client, time_machine: Any) -> None:
    time_machine.move_to(at(date(2026, 11, 20)))
    client.force_login(world.supervisor)
    refused = {
        "评分项的分值合计应为100分，现为90分": typed(
            "2026-12-01", item_0_label="", item_0_points="", item_0_per_defect=""
        ),
        "第1项 每处扣分：不能超过该项分值10分": typed("2026-12-01", item_0_per_defect="12"),
        "第9项 分值：请填写": typed("2026-12-01", item_8_label="听证告知", item_8_per_defect="1"),
        "第2项 名称最多 60 个字符": typed("2026-12-01", item_1_label="文" * 61),
        "施行日期不能早于今天": typed("2026-11-19"),
        "等次分数线应满足": typed("2026-12-01", cutoff_pass="96"),
    }
    for message, data in refused.items():
        page = client.post(URL, data).content.decode()
        assert message in page, message
    assert not ReviewCriteria.objects.exists()
