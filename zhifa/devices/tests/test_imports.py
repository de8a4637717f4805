"""Importing files from a device: metadata, EXIF, the custody chain in the ledger; a lead or a case from them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhifa.cases.choices import LeadSource
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import Desk
from zhifa.cases.workflow import State
from zhifa.core.errors import Refusal
from zhifa.devices import photos, services
from zhifa.devices.choices import CustodyKind, Origin
from zhifa.devices.models import CustodyEvent, ImportedFile
from zhifa.devices.tests.conftest import LATITUDE, LONGITUDE, SHANGHAI, TAKEN, upload
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def _import(world: Any, devices: Any, files: list[str], **source: Any) -> Any:
    return services.import_files(
        actor=world.officer_user,
        device=devices.drone,
        files=files,
        names={digest: f"DJI_{number:04d}.JPG" for number, digest in enumerate(files, start=1)},
        source=services.SourceMetadata(operator=source.pop("operator", "飞手张某"), **source),
    )


def test_an_import_takes_time_and_place_from_exif_and_says_so(world, devices, drone_photo):
    done = _import(world, devices, [drone_photo], address="勐海县某林班")
    (row,) = done.files.all()
    assert row.captured_at == TAKEN
    assert row.captured_at_origin == Origin.EXIF
    assert (row.latitude, row.longitude, row.place_origin) == (LATITUDE, LONGITUDE, Origin.EXIF)
    assert row.exif["make"] == "DJI"
    assert row.flags == []
    # One entry for the import, naming the file, with the metadata and the first two custody steps.
    entry = Entry.objects.get(index=done.entry_index)
    assert entry.action == "device.import"
    assert entry.files
    import json

    facts = json.loads(entry.facts.facts)
    assert facts["device"]["identifier"] == "UAV-07"
    assert facts["operator"] == "飞手张某"
    assert facts["files"][0]["exif"]["latitude"] == "22.008472"
    assert [step["kind"] for step in facts["custody"]] == ["collected", "imported"]
    kinds = list(CustodyEvent.objects.filter(file=row).values_list("kind", "entry_index"))
    assert kinds == [(CustodyKind.COLLECTED, entry.index), (CustodyKind.IMPORTED, entry.index)]
    assert verify_ledger().ok


def test_a_form_and_exif_that_disagree_are_both_kept_and_flagged(world, devices, drone_photo):
    given = TAKEN - timedelta(hours=2)
    done = _import(world, devices, [drone_photo], captured_at=given, longitude=Decimal("100.9"), latitude=LATITUDE)
    row: ImportedFile = done.files.get()
    assert row.captured_at == given
    assert row.captured_at_origin == Origin.FORM
    assert row.exif["taken_at"].startswith("2026-11-20T09:30:15")
    assert len(row.flags) == 2
    assert "采集时间不一致" in row.flags[0]
    assert "采集地点不一致" in row.flags[1]


def test_a_photo_without_exif_keeps_the_form_metadata(world, devices):
    plain = upload(world.officer_user, photos.jpeg(), name="plain.jpg")
    done = _import(world, devices, [plain], longitude=LONGITUDE, latitude=LATITUDE)
    row = done.files.get()
    assert row.exif == {}
    assert row.captured_at is None
    assert row.place_origin == Origin.FORM


@pytest.mark.parametrize(
    ("source", "field", "words"),
    [
        ({"longitude": Decimal(181), "latitude": Decimal(20)}, "longitude", "经度"),
        ({"longitude": Decimal(100), "latitude": Decimal(-91)}, "latitude", "纬度"),
        ({"longitude": Decimal(100)}, "latitude", "经度和纬度须同时填写"),
        ({"operator": " "}, "operator", "操作人员或单位"),
    ],
)
def test_bad_metadata_is_refused_naming_the_field(world, devices, drone_photo, source, field, words):
    with pytest.raises(Refusal) as refused:
        _import(world, devices, [drone_photo], **source)
    assert refused.value.field == field
    assert words in refused.value.message


def test_another_agencys_upload_cannot_be_imported(world, devices, evidence):
    from zhifa.testing.factories import make_user

    stranger = make_user("stranger", world.sibling, "officer")
    theirs = upload(stranger, photos.jpeg(colour=(1, 2, 3)), name="theirs.jpg")
    with pytest.raises(Refusal, match="不是本单位上传的文件"):
        _import(world, devices, [theirs])


def test_opening_a_lead_from_an_import_records_the_custody(world, devices, drone_photo):
    done = _import(world, devices, [drone_photo])
    case = services.import_open_lead(
        actor=world.officer_user,
        device_import=done,
        data={
            "on_date": timezone.localdate(),
            "domain": "forestry",
            "title": "无人机巡查发现林地被毁",
            "summary": "航拍照片显示林班内有新伐迹地",
            "received_on": timezone.localdate(),
        },
    )
    assert case.state == State.LEAD
    assert case.lead_source == LeadSource.MONITORING
    (record,) = Entry.objects.filter(subject=f"cases.case:{case.pk}", action="case.register_lead")
    assert record.files == [drone_photo]
    done.refresh_from_db()
    assert done.case == case
    assert done.holder_user is None
    chain = list(CustodyEvent.objects.filter(file__device_import=done).values_list("kind", flat=True))
    assert chain == [CustodyKind.COLLECTED, CustodyKind.IMPORTED, CustodyKind.ATTACHED]
    # Held by the case file now: nothing more can be done with the import itself.
    with pytest.raises(Refusal, match="已附入案件"):
        services.custody_transfer(actor=world.officer_user, device_import=done, to_agency=world.sibling, note="移交")
    assert verify_ledger().ok


def test_a_refused_lead_changes_nothing(world, devices, drone_photo):
    done = _import(world, devices, [drone_photo])
    before = Case.objects.count(), CustodyEvent.objects.count()
    with pytest.raises(Refusal):
        services.import_open_lead(actor=world.officer_user, device_import=done, data={"title": "缺少字段"})
    assert (Case.objects.count(), CustodyEvent.objects.count()) == before


def test_a_transfer_to_another_agency_moves_the_custody_and_its_view(world, devices, drone_photo):
    from zhifa.devices import selectors
    from zhifa.testing.factories import make_user

    done = _import(world, devices, [drone_photo])
    services.custody_transfer(
        actor=world.officer_user, device_import=done, to_agency=world.sibling, note="属乙分局辖区"
    )
    done.refresh_from_db()
    assert done.holder_agency == world.sibling
    assert done.holder_user is None
    receiver = make_user("receiver", world.sibling, "officer")
    assert selectors.import_visible(receiver, done.pk) is not None
    assert services.may_hold(receiver, done)
    assert not services.may_hold(world.officer_user, done)
    last = CustodyEvent.objects.filter(file__device_import=done).order_by("-pk").first()
    assert last is not None
    assert last.kind == CustodyKind.TRANSFERRED
    assert last.holder_name == world.sibling.name
    assert verify_ledger().ok


def test_an_unknown_time_far_ahead_is_refused(world, devices, drone_photo):
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(Refusal) as refused:
        _import(world, devices, [drone_photo], captured_at=later)
    assert refused.value.field == "captured_at"
    assert isinstance(TAKEN, datetime)


def test_attaching_an_import_to_an_open_case_registers_the_evidence_and_the_custody(
    world, devices, drone_photo, evidence, time_machine
):
    time_machine.move_to(datetime(2026, 11, 21, 15, 0, tzinfo=SHANGHAI))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 20))
    done = _import(world, devices, [drone_photo])
    assert desk.case is not None
    data = {"on_date": date(2026, 11, 21), "officers": desk.team, "summary": "无人机航拍照片：林班新伐迹地"}
    # A lead not yet filed takes no evidence act: refused by the workflow, and the import stays with its holder.
    with pytest.raises(Refusal):
        services.import_attach(actor=world.officer_user, device_import=done, case=desk.case, data=data)
    done.refresh_from_db()
    assert done.case is None

    desk.investigate(date(2026, 11, 20))
    case = services.import_attach(actor=world.officer_user, device_import=done, case=desk.case, data=data)
    assert case is not None
    act = case.records.filter(action="add_evidence").last()
    assert act.files == [drone_photo]
    # Evidence gathering is recorded as circumstances require: the device's files say why no one filmed them.
    assert act.data["recording"]["answer"] == "none"
    assert "非现场执法" in act.data["recording"]["reason"]
    done.refresh_from_db()
    assert done.case == case
    chain = list(CustodyEvent.objects.filter(file__device_import=done).values_list("kind", flat=True))
    assert chain == [CustodyKind.COLLECTED, CustodyKind.IMPORTED, CustodyKind.ATTACHED]
    with pytest.raises(Refusal, match="已附入案件"):
        services.import_attach(actor=world.officer_user, device_import=done, case=case, data=data)
    assert verify_ledger().ok


def test_a_body_cameras_export_is_attached_as_the_recording_of_the_act_it_filmed(world, evidence, time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 20))
    desk.investigate(date(2026, 11, 20))
    # Friday: the inspection filmed, the video to come (the list gives one working day: Monday).
    case = desk(
        "record_inspection",
        date(2026, 11, 20),
        officers=desk.team,
        place="二号林班",
        summary="伐桩12个",
        evidence=[desk.scan],
        recording_later=True,
        no_recording_reason="",
    )
    act = case.records.filter(action="record_inspection").last()
    camera = services.device_save(
        actor=world.admin,
        agency=world.branch,
        data={"kind": "body_camera", "identifier": "DSJ-01", "name": "执法记录仪1号", "domain": "forestry"},
    )
    video = upload(world.officer_user, b"\x00\x00\x00\x18ftypmp42 body camera", "DSJ_0001.MP4", "video/mp4")
    done = services.import_files(
        actor=world.officer_user,
        device=camera,
        files=[video],
        names={video: "DSJ_0001.MP4"},
        source=services.SourceMetadata(operator="甲执法"),
    )
    [recording] = services.import_attach_recording(
        actor=world.officer_user, device_import=done, case=case, act_entry=act.entry_index, on_date=date(2026, 11, 23)
    )
    # Stored on Monday, within the limit: numbered under the inspection, not a new evidence act.
    assert (recording.act_entry, recording.late, recording.label) == (act.entry_index, False, "1")
    assert not [record for record in case.records.filter(action="add_evidence") if video in record.files]
    chain = list(CustodyEvent.objects.filter(file__device_import=done).values_list("kind", "note"))
    assert chain[-1] == (CustodyKind.ATTACHED, "作为执法行为的音像记录附入（第1号）")
    # Only a body camera's files are a filmed act's recording.
    drone = services.device_save(
        actor=world.admin,
        agency=world.branch,
        data={"kind": "drone", "identifier": "UAV-9", "name": "无人机9号", "domain": "forestry"},
    )
    shot = upload(world.officer_user, b"\xff\xd8\xff photo")
    photo = services.import_files(
        actor=world.officer_user,
        device=drone,
        files=[shot],
        names={shot: "DJI_0009.JPG"},
        source=services.SourceMetadata(operator="飞手张某"),
    )
    with pytest.raises(Refusal) as not_camera:
        services.import_attach_recording(
            actor=world.officer_user,
            device_import=photo,
            case=case,
            act_entry=act.entry_index,
            on_date=date(2026, 11, 23),
        )
    assert not_camera.value.field == "act"
    assert verify_ledger().ok
