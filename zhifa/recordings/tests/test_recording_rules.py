"""What must be recorded in sound and picture, by the list in force on the act's date (国办发〔2018〕118号; seed 004):
an act recorded in full is refused without its recording; an act recorded as circumstances require asks whether
there is one and why not; a recording stored after the list's limit is flagged for the supervisors."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.db import connection

from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.recordings import rules, selectors, services
from zhifa.recordings.models import Recording
from zhifa.supervision import findings
from zhifa.supervision.warning_rules import RULES
from zhifa.testing.factories import at, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world: Any, evidence: Any) -> Desk:
    return Desk(world, evidence)


def investigating(desk: Desk, on: date) -> Desk:
    desk.lead(on)
    desk.investigate(on)
    return desk


def inspection(desk: Desk, on: date, **answer: Any) -> Any:
    fields = {"officers": desk.team, "place": "二号林班", "summary": "伐桩12个", "evidence": [desk.scan]}
    return desk("record_inspection", on, **{**fields, **answer})


def facts_of(entry_action: str) -> dict[str, Any]:
    entry = Entry.objects.filter(action=entry_action).order_by("-index").first()
    assert entry is not None
    return dict(json.loads(entry.facts.facts))


def test_a_seizure_is_refused_without_its_full_recording_and_accepted_with_one(desk: Desk) -> None:
    investigating(desk, date(2026, 7, 1))
    seize = {"officers": desk.team, "items": "油锯一台", "approved_by": desk.approver}
    refusal = desk.refused("seize", date(2026, 7, 2), **seize, evidence=[desk.photo])
    assert refusal.field == "evidence"
    assert "全程音像记录" in refusal.message
    assert "118号" in str(refusal)

    case = desk("seize", date(2026, 7, 2), **seize, evidence=[desk.photo, desk.video])
    recording = Recording.objects.get(case=case)
    assert (recording.label, recording.sha256, recording.act) == ("1", desk.video, "seize")
    assert facts_of("case.seize")["recording"] == {"needs": "full", "answer": "attached", "list": rules.NATIONAL.source}
    registered = facts_of("recording.register")
    assert (registered["number"], registered["sha256"], registered["act"]) == ("1", desk.video, "seize")
    assert verify_ledger().ok


def test_an_act_recorded_as_required_asks_whether_there_is_a_recording_and_why_not(desk: Desk) -> None:
    investigating(desk, date(2026, 7, 1))
    refusal = desk.refused(
        "record_inspection",
        date(2026, 7, 2),
        officers=desk.team,
        place="林班",
        summary="检查",
        evidence=[desk.scan],
        no_recording_reason="",
    )
    assert refusal.field == "no_recording_reason"
    assert "根据情况音像记录" in refusal.message

    case = inspection(desk, date(2026, 7, 2), no_recording_reason="现场无争议，笔录已由当事人签名确认")
    recorded = case.records.filter(action="record_inspection").last()
    assert recorded.data["recording"]["answer"] == "none"
    assert recorded.data["recording"]["reason"] == "现场无争议，笔录已由当事人签名确认"
    assert not Recording.objects.filter(case=case).exists()

    case = inspection(desk, date(2026, 7, 3), evidence=[desk.scan, desk.video], no_recording_reason="")
    assert case.records.filter(action="record_inspection").last().data["recording"]["answer"] == "attached"
    assert [r.label for r in Recording.objects.filter(case=case)] == ["1"]

    # An act the list does not name asks nothing.
    assert rules.in_force(case.agency, date(2026, 7, 3)).needs("report") is None


def test_the_list_in_force_on_the_acts_date_applies_and_a_branch_follows_its_bureau(desk: Desk, world: Any) -> None:
    reviewer = make_user("legal", world.bureau, Role.LEGAL_REVIEWER)
    with pytest.raises(Refusal) as overlap:
        services.list_publish(
            actor=reviewer,
            agency=world.bureau,
            data={
                "effective_from": "2026-08-01",
                "full_acts": ["seize", "record_inspection"],
                "as_required_acts": ["record_inspection"],
                "upload_limit_days": "2",
                "source": "大青山局音像记录清单",
            },
        )
    assert overlap.value.field == "as_required_acts"
    with pytest.raises(Refusal) as not_editor:
        services.list_publish(actor=desk.officer, agency=world.bureau, data={})
    assert "法制审核人员" in str(not_editor.value) or "管理员" in str(not_editor.value)

    version = services.list_publish(
        actor=reviewer,
        agency=world.bureau,
        data={
            "effective_from": "2026-08-01",
            "full_acts": ["seize", "record_inspection"],
            "as_required_acts": ["serve"],
            "upload_limit_days": "2",
            "source": "大青山局音像记录事项清单（2026）",
        },
    )
    assert facts_of("recording_list.publish")["full_acts"] == ["seize", "record_inspection"]
    branch_list = rules.in_force(world.branch, date(2026, 8, 1))
    assert branch_list.version == version
    assert branch_list.needs("record_inspection") == "full"
    assert rules.in_force(world.branch, date(2026, 7, 31)) == rules.NATIONAL

    investigating(desk, date(2026, 7, 28))
    inspection(desk, date(2026, 7, 31), no_recording_reason="文字记录已能全面记录")  # the national list: a reason
    refusal = desk.refused(
        "record_inspection",
        date(2026, 8, 3),
        officers=desk.team,
        place="林班",
        summary="复查",
        evidence=[desk.scan],
        no_recording_reason="文字记录已能全面记录",
    )
    assert refusal.field == "evidence"
    assert "大青山局音像记录事项清单（2026）" in str(refusal)
    inspection(desk, date(2026, 8, 3), evidence=[desk.video])
    assert verify_ledger().ok


def test_a_recording_stored_after_its_limit_is_flagged(desk: Desk, time_machine: Any) -> None:
    time_machine.move_to(at(date(2026, 7, 6)))
    investigating(desk, date(2026, 7, 6))
    # Monday: the body camera's video is to come; the national list gives 1 working day (Tuesday).
    case = inspection(desk, date(2026, 7, 6), recording_later=True, no_recording_reason="")
    act = case.records.filter(action="record_inspection").last()
    assert act.data["recording"] == {
        "needs": "as_required",
        "answer": "later",
        "list": rules.NATIONAL.source,
        "due_on": "2026-07-07",
    }
    shown = [item for item in selectors.required_acts(case, date(2026, 7, 6)) if item.act == act]
    assert (shown[0].status, shown[0].due_on, shown[0].days_left) == ("pending", date(2026, 7, 7), 1)
    assert list(RULES["recording.missing"].find(date(2026, 7, 7))) == []
    missing = list(RULES["recording.missing"].find(date(2026, 7, 8)))
    assert [f.key for f in missing] == [f"recording:missing:{act.entry_index}"]
    assert "2026-07-07" in missing[0].detail

    # Thursday: stored two days late.
    time_machine.move_to(at(date(2026, 7, 9)))
    clip = blobs.store(io.BytesIO(b"body camera export"), content_type="video/mp4").sha256
    with pytest.raises(Refusal) as not_video:
        services.recording_attach(
            actor=desk.officer, case=case, act_entry=act.entry_index, files=[desk.scan], on_date=date(2026, 7, 9)
        )
    assert not_video.value.field == "evidence"
    [late] = services.recording_attach(
        actor=desk.officer, case=case, act_entry=act.entry_index, files=[clip], on_date=date(2026, 7, 9)
    )
    assert (late.late, late.due_on, late.act_entry) == (True, date(2026, 7, 7), act.entry_index)
    assert services.pending(case) == []
    assert list(RULES["recording.missing"].find(date(2026, 7, 9))) == []
    flagged = list(RULES["recording.late"].find(date(2026, 7, 9)))
    assert [f.key for f in flagged] == [f"recording:late:{late.pk}"]
    assert "逾期 2 日" in flagged[0].detail
    assert any("才存储" in line for line in findings.recordings(case, date(2026, 7, 9)))

    # One stored on the day is not late.
    case = inspection(desk, date(2026, 7, 9), evidence=[desk.video])
    assert Recording.objects.get(case=case, sha256=desk.video).late is False
    assert verify_ledger().ok


def test_a_clip_keeps_the_link_to_its_original_which_is_never_changed(desk: Desk, world: Any) -> None:
    investigating(desk, date(2026, 7, 1))
    case = inspection(desk, date(2026, 7, 2), evidence=[desk.video])
    original = Recording.objects.get(case=case)
    described = {
        "speakers": "执法人员甲、乙；当事人张某",
        "subject": "现场检查伐桩，张某承认采伐",
        "started_at": "2026-07-02T09:10",
        "ended_at": "2026-07-02T09:40",
        "device": "执法记录仪 DSJ-01",
    }
    services.recording_describe(actor=desk.officer, recording=original, data=described)
    clip = blobs.store(io.BytesIO(b"the confession, 2 minutes"), content_type="video/mp4").sha256
    text = blobs.store(io.BytesIO(b"%PDF transcript"), content_type="application/pdf").sha256

    with pytest.raises(Refusal) as not_av:
        services.recording_derive(actor=desk.officer, original=original, sha256=text, derivation="clip")
    assert not_av.value.field == "evidence"
    with pytest.raises(Refusal) as same_file:
        services.recording_derive(actor=desk.officer, original=original, sha256=desk.video, derivation="clip")
    assert "新的文件" in str(same_file.value)

    derived = services.recording_derive(
        actor=desk.officer,
        original=original,
        sha256=clip,
        derivation="clip",
        name="供述片段.mp4",
        data={**described, "subject": "张某供述片段", "started_at": "2026-07-02T09:20", "ended_at": "2026-07-02T09:22"},
    )
    transcript = services.recording_derive(actor=desk.officer, original=original, sha256=text, derivation="transcript")
    assert (derived.label, derived.original, derived.derivation) == ("1-1", original, "clip")
    assert (transcript.label, transcript.original) == ("1-2", original)
    with pytest.raises(Refusal):
        services.recording_derive(actor=desk.officer, original=derived, sha256=text, derivation="transcript")

    original.refresh_from_db()
    assert (original.sha256, original.subject, original.part) == (desk.video, "现场检查伐桩，张某承认采伐", 0)
    entry = Entry.objects.filter(action="recording.derive").order_by("index").first()
    assert entry is not None
    assert entry.files == [clip]
    assert facts_of("recording.derive")["original"] == desk.video
    assert [r.label for r in selectors.recordings_of(case)] == ["1", "1-1", "1-2"]
    assert verify_ledger().ok


def test_a_description_is_checked_recorded_and_guarded_by_verify(desk: Desk, world: Any) -> None:
    investigating(desk, date(2026, 7, 1))
    case = inspection(desk, date(2026, 7, 2), evidence=[desk.video])
    recording = Recording.objects.get(case=case)
    bad = {
        "speakers": "甲",
        "subject": "检查",
        "started_at": "2026-07-02T10:00",
        "ended_at": "2026-07-02T09:00",
        "device": "手机",
    }
    with pytest.raises(Refusal) as backwards:
        services.recording_describe(actor=desk.officer, recording=recording, data=bad)
    assert backwards.value.field == "ended_at"
    assert "结束时间" in str(backwards.value)
    outsider = make_user("branch_officer", world.branch, Role.OFFICER)  # an officer of the branch, not on the case
    with pytest.raises(Refusal) as not_team:
        services.recording_describe(actor=outsider, recording=recording, data={**bad, "ended_at": "2026-07-02T11:00"})
    assert "承办人员" in str(not_team.value)

    services.recording_describe(actor=desk.officer, recording=recording, data={**bad, "ended_at": "2026-07-02T11:00"})
    assert verify_ledger().ok
    with connection.cursor() as cursor:  # a description changed behind the service
        cursor.execute("UPDATE recordings_recording SET subject = %s WHERE id = %s", ["改过的内容", recording.pk])
    assert not verify_ledger().ok


def test_an_agency_adds_to_the_national_list_and_a_later_list_does_not_rejudge_earlier_acts(
    desk: Desk, world: Any, time_machine: Any
) -> None:
    time_machine.move_to(at(date(2026, 7, 1)))
    reviewer = make_user("legal", world.bureau, Role.LEGAL_REVIEWER)
    dropping = {
        "effective_from": "2026-08-01",
        "full_acts": ["record_inspection"],
        "as_required_acts": ["serve"],
        "upload_limit_days": "1",
        "source": "某局清单",
    }
    with pytest.raises(Refusal) as dropped:
        services.list_publish(actor=reviewer, agency=world.bureau, data=dropping)
    assert dropped.value.field == "full_acts"
    assert "查封、扣押" in str(dropped.value)

    investigating(desk, date(2026, 7, 1))
    case = inspection(desk, date(2026, 7, 1), no_recording_reason="笔录经当事人签名确认")
    # Published today for a day to come (a planned date): the inspection of 1 July keeps what it was asked.
    services.list_publish(
        actor=reviewer, agency=world.bureau, data={**dropping, "full_acts": ["seize", "record_inspection"]}
    )
    time_machine.move_to(at(date(2026, 8, 3)))
    [item] = [i for i in selectors.required_acts(case, date(2026, 8, 3)) if i.act.action == "record_inspection"]
    assert (item.needs, item.status) == ("as_required", "not_recorded")
    assert findings.recordings(case, date(2026, 8, 3)) == []


def test_an_archived_case_takes_no_recording_annotation_or_clip(desk: Desk) -> None:
    investigating(desk, date(2026, 7, 1))
    case = inspection(desk, date(2026, 7, 2), evidence=[desk.video])
    recording = Recording.objects.get(case=case)
    clip = blobs.store(io.BytesIO(b"a clip"), content_type="video/mp4").sha256
    type(case).objects.filter(pk=case.pk).update(state="archived")
    description = {
        "speakers": "甲",
        "subject": "检查",
        "started_at": "2026-07-02T09:00",
        "ended_at": "2026-07-02T09:10",
        "device": "DSJ",
    }
    for attempt in (
        lambda: services.recording_describe(actor=desk.officer, recording=recording, data=description),
        lambda: services.recording_derive(actor=desk.officer, original=recording, sha256=clip, derivation="clip"),
        lambda: services.recording_attach(
            actor=desk.officer, case=case, act_entry=recording.act_entry, files=[clip], on_date=date(2026, 7, 3)
        ),
    ):
        with pytest.raises(Refusal, match="已归档"):
            attempt()
    assert Recording.objects.filter(case=case).count() == 1


def test_the_case_file_lists_recordings_attached_later_and_clips_after_their_act(desk: Desk, time_machine: Any) -> None:
    from zhifa.archives import binder

    time_machine.move_to(at(date(2026, 7, 6)))
    investigating(desk, date(2026, 7, 6))
    case = inspection(desk, date(2026, 7, 6), recording_later=True, no_recording_reason="")
    act = case.records.filter(action="record_inspection").last()
    later = blobs.store(io.BytesIO(b"exported at the office"), content_type="video/mp4").sha256
    [original] = services.recording_attach(
        actor=desk.officer, case=case, act_entry=act.entry_index, files=[later, later], on_date=date(2026, 7, 6)
    )  # the same file twice is one recording
    clip = blobs.store(io.BytesIO(b"the clip"), content_type="video/mp4").sha256
    services.recording_derive(actor=desk.officer, original=original, sha256=clip, derivation="clip")
    items = binder.catalogue(case).items
    titles = [item.title for item in items]
    after = titles.index(next(t for t in titles if t.startswith("制作现场检查（勘验）笔录：")))
    assert titles[after + 1 :][:2] == [
        "制作现场检查（勘验）笔录：音像记录第1号（原始记录）",
        "制作现场检查（勘验）笔录：音像记录第1-1号（剪辑片段）",
    ]
    assert {item.sha256 for item in items} >= {later, clip}
    with pytest.raises(Refusal) as future:
        services.recording_attach(
            actor=desk.officer, case=case, act_entry=act.entry_index, files=[clip], on_date=date(2026, 7, 7)
        )
    assert future.value.field == "on_date"
