"""The recordings on the case page, their forms and the agency's list page, and the same through /api/v1: shown to the
case's team, 404 to others, refusals naming the field."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import Role
from zhifa.ledger import blobs
from zhifa.recordings.models import Recording, RecordingList
from zhifa.testing.factories import at, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world: Any, evidence: Any, time_machine: Any) -> Desk:
    time_machine.move_to(at(date(2026, 7, 6)))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 7, 6))
    desk.investigate(date(2026, 7, 6))
    fields = {"officers": desk.team, "place": "二号林班", "summary": "伐桩12个", "evidence": [desk.scan]}
    desk("record_inspection", date(2026, 7, 6), **{**fields, "evidence": [desk.scan, desk.video]})
    desk("record_inspection", date(2026, 7, 6), **fields, recording_later=True)
    return desk


def test_the_case_page_shows_what_was_recorded_and_what_is_still_to_come(client: Client, desk: Desk) -> None:
    client.force_login(desk.officer)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert 'id="case-recordings"' in page
    assert "待上传：应于 2026-07-07 前（还剩 1 天）" in page
    assert "未音像记录" in page
    assert "文字记录能够全面有效记录执法行为" in page  # the investigation's evidence, as Desk answers
    recording = Recording.objects.get(case=desk.case)
    assert f'href="/recordings/{recording.pk}/describe/"' in page
    assert f'<video controls preload="none" src="/evidence/{recording.sha256}"' in page  # played in place
    assert "补充上传" in page


def test_the_forms_are_the_teams_and_an_outsider_gets_404(client: Client, desk: Desk, world: Any) -> None:
    recording = Recording.objects.get(case=desk.case)
    stranger = make_user("branch_officer", world.branch, Role.OFFICER)
    client.force_login(stranger)
    assert client.get(f"/recordings/{recording.pk}/describe/").status_code == 404
    assert client.get(f"/cases/{desk.case.pk}/recordings/attach/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/cases/{desk.case.pk}/").status_code == 404
    assert client.get(f"/recordings/{recording.pk}/describe/").status_code == 404

    client.force_login(desk.officer)
    answer = client.post(
        f"/recordings/{recording.pk}/describe/",
        {
            "speakers": "甲、乙；张某",
            "subject": "检查伐桩",
            "started_at": "2026-07-06T09:00",
            "ended_at": "2026-07-06T08:00",
            "device": "DSJ-01",
        },
    )
    assert answer.status_code == 200
    assert "结束时间不能早于开始时间" in answer.content.decode()
    answer = client.post(
        f"/recordings/{recording.pk}/describe/",
        {
            "speakers": "甲、乙；张某",
            "subject": "检查伐桩",
            "started_at": "2026-07-06T09:00",
            "ended_at": "2026-07-06T09:30",
            "device": "DSJ-01",
        },
    )
    assert answer.status_code == 302
    recording.refresh_from_db()
    assert recording.subject == "检查伐桩"

    late_video = blobs.store(io.BytesIO(b"exported later"), content_type="video/mp4").sha256
    pending = desk.case.records.filter(action="record_inspection").last()
    answer = client.post(
        f"/cases/{desk.case.pk}/recordings/attach/",
        {"act": pending.entry_index, "evidence": [late_video], "on_date": "2026-07-06"},
    )
    assert answer.status_code == 302, answer.content.decode()
    assert Recording.objects.get(sha256=late_video).label == "2"


def test_the_agency_list_page_publishes_a_version_for_the_legal_office(
    client: Client, world: Any, time_machine: Any
) -> None:
    time_machine.move_to(at(date(2026, 8, 20)))
    client.force_login(world.officer_user)
    page = client.get(f"/recordings/lists/{world.branch.pk}/").content.decode()
    assert "适用国家规定的事项" in page
    assert "发布新版清单" not in page
    assert client.post(f"/recordings/lists/{world.branch.pk}/", {}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/recordings/lists/{world.branch.pk}/").status_code == 404

    reviewer = make_user("legal", world.branch, Role.LEGAL_REVIEWER)
    client.force_login(reviewer)
    data = {
        "effective_from": "2026-09-01",
        "full_acts": ["seize"],
        "as_required_acts": ["serve"],
        "upload_limit_days": "2",
        "source": "分局音像记录事项清单",
    }
    assert client.post(f"/recordings/lists/{world.branch.pk}/", data).status_code == 302
    assert RecordingList.objects.get(agency=world.branch).as_required_acts == ["serve"]
    answer = client.post(f"/recordings/lists/{world.branch.pk}/", {**data, "upload_limit_days": "30"})
    assert "upload_limit_days" in answer.content.decode()


def test_the_api_lists_annotates_and_links_a_transcript(desk: Desk, world: Any) -> None:
    _, secret = ApiToken.issue(desk.officer, "test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    found = api.get(f"/api/v1/cases/{desk.case.pk}/recordings").json()
    assert [r["number"] for r in found["recordings"]] == ["1"]
    assert [item["status"] for item in found["required"]].count("pending") == 1

    bad = api.post(
        f"/api/v1/cases/{desk.case.pk}/recordings/1/description",
        {"speakers": "甲", "subject": "检查", "started_at": "2026-07-06T09:00"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert (bad.json()["field"], bad.json()["message"]) == ("ended_at", "结束时间：请填写结束时间")
    text = blobs.store(io.BytesIO(b"%PDF words said"), content_type="application/pdf").sha256
    made = api.post(
        f"/api/v1/cases/{desk.case.pk}/recordings/1/derived",
        {"derivation": "transcript", "sha256": text, "name": "整理稿.pdf"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content.decode()
    assert (made.json()["number"], made.json()["original"]) == ("1-1", "1")
    _, other = ApiToken.issue(world.outsider, "other")
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(f"/api/v1/cases/{desk.case.pk}/recordings").status_code == 404
    )
