"""The writes of evidence from devices, each in one transaction with its ledger entry (docs/devices.md).

- `device_save`: an agency's device, kept by its system administrator.
- `import_files`: files imported from a device with their source metadata and EXIF; the import is one entry,
  which also proves the first two custody steps (collected by the device, imported by the officer).
- `custody_transfer`: the files handed to another officer or agency, one entry.
- `import_open_lead` / `import_attach`: the files become a case's evidence through the case services
  (register_lead, add_evidence: their rules stay there), and the custody chain records it, one more entry.
- `reading_receive` (readings.py): the monitoring readings the API receives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from zhifa.cases import services as case_services
from zhifa.cases.choices import EvidenceKind, LeadSource
from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal, clean_or_refuse
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency
from zhifa.devices import exif as exif_reader
from zhifa.devices.choices import CustodyKind, DeviceKind, Origin
from zhifa.devices.models import CustodyEvent, Device, DeviceImport, ImportedFile
from zhifa.ledger import blobs
from zhifa.ledger.evidence_views import may_read
from zhifa.ledger.models import Blob
from zhifa.ledger.services import record

# Who keeps an agency's devices: its system administrator (agency data, like its officers' records).
DEVICE_KEEPERS = (Role.SYSADMIN.value,)
# Who imports files from a device and hands them on: the officers, and the auxiliary staff who fly the drones
# (they collect; opening a lead or a case's evidence still goes through the case rules).
IMPORTERS = (Role.OFFICER.value, Role.AUXILIARY.value)

MAX_FILES = 50  # files in one import
MAX_EXIF_BYTES = 64 * 1024 * 1024  # larger images are imported without reading their EXIF
# A form's time and the photo's EXIF time further apart than this, or its place and the GPS position further
# apart than this, are flagged: both are kept and the import's page says so.
TIME_TOLERANCE = timedelta(minutes=10)
PLACE_TOLERANCE_METRES = 200


# --- bounds shared by the forms and the services --------------------------------------------------------------


def check_place(longitude: Decimal | None, latitude: Decimal | None) -> None:
    """WGS-84 longitude and latitude: both or neither, within their ranges."""
    if (longitude is None) != (latitude is None):
        field = "latitude" if latitude is None else "longitude"
        raise Refusal("经度和纬度须同时填写，或都不填写", field=field)
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        raise Refusal("经度：应在 -180 至 180 度之间（WGS-84，东经为正）", field="longitude")
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        raise Refusal("纬度：应在 -90 至 90 度之间（WGS-84，北纬为正）", field="latitude")


def parse_limits(text: str) -> dict[str, dict[str, str]]:
    """The limits typed one per line, "项目 限值 单位 依据" (the basis optional), as the device keeps them."""
    limits: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 3:
            raise Refusal(
                f"限值第 {number} 行：应为“项目 限值 单位 依据”，如“COD 50 mg/L GB 8978-1996”", field="limits"
            )
        try:
            value = Decimal(parts[1])
        except ArithmeticError as error:
            raise Refusal(f"限值第 {number} 行：“{parts[1][:20]}”不是数值", field="limits") from error
        if not value.is_finite() or value <= 0 or value >= Decimal("1e12"):
            raise Refusal(f"限值第 {number} 行：限值应为大于零的数值", field="limits")
        limits[parts[0][:40]] = {
            "limit": f"{value.normalize():f}",
            "unit": parts[2][:20],
            "source": " ".join(parts[3:])[:200],
        }
        if len(limits) > 50:
            raise Refusal("限值：一台设备至多 50 个监测项目", field="limits")
    return limits


def _limits(given: Any) -> dict[str, dict[str, str]]:
    """The limits as typed (text) or as a mapping, checked the one way (parse_limits): a reading is compared with
    what is stored here, so nothing malformed is stored."""
    if not given:
        return {}
    if isinstance(given, str):
        return parse_limits(given)
    if isinstance(given, Mapping) and all(isinstance(spec, Mapping) for spec in given.values()):
        return parse_limits(limits_text(given))
    raise Refusal("限值：应为每行“项目 限值 单位 依据”", field="limits")


def limits_text(limits: Mapping[str, Any]) -> str:
    return "\n".join(
        f"{name} {spec.get('limit', '')} {spec.get('unit', '')} {spec.get('source', '')}".strip()
        for name, spec in limits.items()
    )


def _degrees(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


# --- devices --------------------------------------------------------------------------------------------------


def _device_facts(device: Device) -> dict[str, Any]:
    return {
        "id": device.pk,
        "kind": device.kind,
        "identifier": device.identifier,
        "name": device.name,
        "operator": device.operator,
        "party_name": device.party_name,
        "domain": device.domain,
        "longitude": _degrees(device.longitude),
        "latitude": _degrees(device.latitude),
        "address": device.address,
        "limits": device.limits,
        "active": device.active,
    }


def device_save(*, actor: User, agency: Agency, data: Mapping[str, Any], device: Device | None = None) -> Device:
    """Register a device of `agency`, or change one; recorded as `device.create` / `device.update`."""
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, DEVICE_KEEPERS, agency=agency, doing="登记取证设备")
        if device is not None:
            device = Device.objects.select_for_update().get(pk=device.pk)
            if not can_see_agency(actor, device.agency):
                raise Refusal("该设备不在您的管辖范围内")
        check_place(data.get("longitude"), data.get("latitude"))
        target = device or Device(agency=agency)
        for name in ("kind", "identifier", "name", "operator", "party_name", "domain", "address"):
            setattr(target, name, str(data.get(name) or "").strip())
        target.longitude, target.latitude = data.get("longitude"), data.get("latitude")
        target.limits = _limits(data.get("limits"))
        target.active = bool(data.get("active", True))
        if target.kind not in DeviceKind.values:
            raise Refusal("设备类型：请选择在线监测设备、视频监控、无人机、卫星遥感或执法记录仪", field="kind")
        clean_or_refuse(target)
        target.save()
        record(
            actor=actor,
            action="device.update" if device is not None else "device.create",
            subject=target,
            facts=_device_facts(target),
            agency=target.agency,
        )
        return target


# --- imports --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceMetadata:
    """What the officer says of where the files come from (the import form's fields)."""

    operator: str
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    address: str = ""
    captured_at: datetime | None = None
    note: str = ""


def _metres(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> float:
    """Great-circle distance (haversine, mean Earth radius): enough to tell 200 m apart."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi, dlambda = phi2 - phi1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


def _read_exif(blob: Blob) -> exif_reader.Exif:
    if not blob.content_type.startswith("image/") or blob.size > MAX_EXIF_BYTES:
        return exif_reader.Exif()
    with blobs.storage().open(blobs.name_of(blob.sha256), "rb") as handle:
        return exif_reader.read(handle)


def _file_metadata(row: ImportedFile, source: SourceMetadata, found: exif_reader.Exif) -> None:
    """The file's time and place: the form's, else the EXIF's (said so); a disagreement keeps both and is flagged."""
    row.exif = found.facts()
    local = timezone.get_current_timezone()
    if source.captured_at is not None:
        row.captured_at, row.captured_at_origin = source.captured_at, Origin.FORM
        if found.taken_at is not None and abs(found.taken_at - source.captured_at) > TIME_TOLERANCE:
            row.flags.append(
                f"采集时间不一致：导入时填写 {timezone.localtime(source.captured_at, local):%Y-%m-%d %H:%M}，"
                f"照片 EXIF 为 {timezone.localtime(found.taken_at, local):%Y-%m-%d %H:%M}"
                f"（相差超过 {TIME_TOLERANCE.seconds // 60} 分钟），两者均予保留"
            )
    elif found.taken_at is not None:
        row.captured_at, row.captured_at_origin = found.taken_at, Origin.EXIF
    if source.latitude is not None and source.longitude is not None:
        row.latitude, row.longitude, row.place_origin = source.latitude, source.longitude, Origin.FORM
        if found.latitude is not None and found.longitude is not None:
            apart = _metres(source.latitude, source.longitude, found.latitude, found.longitude)
            if apart > PLACE_TOLERANCE_METRES:
                row.flags.append(
                    f"采集地点不一致：导入时填写 {source.longitude:f}, {source.latitude:f}，照片 EXIF 为 "
                    f"{found.longitude:f}, {found.latitude:f}（相距约 {apart:,.0f} 米，超过 "
                    f"{PLACE_TOLERANCE_METRES} 米），两者均予保留"
                )
    elif found.latitude is not None and found.longitude is not None:
        row.latitude, row.longitude, row.place_origin = found.latitude, found.longitude, Origin.EXIF


def _file_facts(row: ImportedFile) -> dict[str, Any]:
    return {
        "sha256": row.sha256,
        "name": row.name,
        "size": row.size,
        "content_type": row.content_type,
        "exif": row.exif,
        "captured_at": row.captured_at.isoformat() if row.captured_at else None,
        "captured_at_origin": row.captured_at_origin,
        "longitude": _degrees(row.longitude),
        "latitude": _degrees(row.latitude),
        "place_origin": row.place_origin,
        "flags": row.flags,
    }


def _custody_facts(event: CustodyEvent) -> dict[str, Any]:
    return {
        "file": event.file.sha256,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "holder": event.holder_name,
        "holder_user": event.holder_user_id,
        "holder_agency": event.holder_agency_id,
        "case": event.case_id,
        "note": event.note,
    }


def import_files(
    *, actor: User, device: Device, files: Sequence[str], names: Mapping[str, str], source: SourceMetadata
) -> DeviceImport:
    """Import `files` (SHA-256s already uploaded) from `device` with their source metadata: one ledger entry.

    The custody chain starts with two steps per file: collected by the device (from the capture time, held by
    the operator), and imported by the actor (from now, held by him).
    """
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, IMPORTERS, agency=device.agency, doing="导入设备取证文件")
        if actor.agency is None or actor.agency.pk != device.agency_id:
            raise Refusal("只能导入本单位登记的设备所采集的文件", field="device")
        if not device.active:
            raise Refusal(f"设备“{device.name}”已停用，不能导入其文件", field="device")
        digests = list(dict.fromkeys(digest.strip().lower() for digest in files if digest.strip()))
        if not digests:
            raise Refusal("文件：请至少上传一个设备采集的文件", field="files")
        if len(digests) > MAX_FILES:
            raise Refusal(f"文件：一次至多导入 {MAX_FILES} 个文件，请分批导入", field="files")
        operator = source.operator.strip()
        if not operator:
            raise Refusal("操作人员或单位：请填写设备的操作人员（如无人机飞手）或运营单位", field="operator")
        check_place(source.longitude, source.latitude)
        now = timezone.now()
        if source.captured_at is not None and source.captured_at > now + timedelta(minutes=5):
            raise Refusal("采集时间：不能晚于现在", field="captured_at")
        stored = {blob.sha256: blob for blob in Blob.objects.filter(sha256__in=digests)}
        for digest in digests:
            if digest not in stored:
                raise Refusal(f"文件：{digest[:12]}… 尚未上传完成，请等待上传结束", field="files")
            if not may_read(actor, digest):
                raise Refusal(f"文件：{digest[:12]}… 不是本单位上传的文件，不能导入", field="files")
        device_import = DeviceImport(
            agency=device.agency,
            device=device,
            operator=operator[:200],
            longitude=source.longitude,
            latitude=source.latitude,
            address=source.address.strip()[:200],
            captured_at=source.captured_at,
            note=source.note.strip(),
            imported_by=actor,
            imported_at=now,
            holder_user=actor,
            holder_agency=device.agency,
            entry_index=-1,  # set below, once the entry exists
        )
        clean_or_refuse(device_import)
        device_import.save()
        rows = []
        for digest in digests:
            blob = stored[digest]
            row = ImportedFile(
                device_import=device_import,
                sha256=digest,
                name=str(names.get(digest, ""))[:200],
                size=blob.size,
                content_type=blob.content_type,
            )
            _file_metadata(row, source, _read_exif(blob))
            row.save()
            rows.append(row)
        collector = f"{device.name}（{device.identifier}）· {operator}"
        events = []
        for row in rows:
            collected_at = row.captured_at or source.captured_at or now
            events.append(
                CustodyEvent(
                    file=row, kind=CustodyKind.COLLECTED, at=min(collected_at, now), holder_name=collector[:200]
                )
            )
            events.append(
                CustodyEvent(
                    file=row,
                    kind=CustodyKind.IMPORTED,
                    at=now,
                    holder_name=_person(actor),
                    holder_user=actor,
                    holder_agency=device.agency,
                )
            )
        facts = {
            "device": _device_facts(device),
            "operator": device_import.operator,
            "place": {
                "longitude": _degrees(source.longitude),
                "latitude": _degrees(source.latitude),
                "address": device_import.address,
            },
            "captured_at": source.captured_at.isoformat() if source.captured_at else None,
            "note": device_import.note,
            "files": [_file_facts(row) for row in rows],
            "custody": [_custody_facts(event) for event in events],
            "file_names": {row.sha256: row.name for row in rows if row.name},
        }
        entry = record(
            actor=actor, action="device.import", subject=device_import, facts=facts, files=digests, agency=device.agency
        )
        device_import.entry_index = entry.index
        device_import.save(update_fields=["entry_index"])
        for event in events:
            event.entry_index = entry.index
        CustodyEvent.objects.bulk_create(events)
        return device_import


def _person(user: User) -> str:
    agency = f"（{user.agency.name}）" if user.agency is not None else ""
    return f"{user.get_full_name()}{agency}"[:200]


def may_hold(actor: User, device_import: DeviceImport) -> bool:
    """Is the actor the files' custodian now: the officer holding them, or one of the holding agency's officers
    when they were handed to the agency? After they went into a case the case file holds them."""
    if device_import.case_id is not None or not actor.is_active or not actor.has_role(*IMPORTERS):
        return False
    if device_import.holder_user_id is not None:
        return bool(device_import.holder_user_id == actor.pk)
    return actor.agency_id == device_import.holder_agency_id


def _locked(device_import: DeviceImport, actor: User, doing: str) -> DeviceImport:
    locked = DeviceImport.objects.select_for_update().select_related("device", "holder_agency").get(pk=device_import.pk)
    if locked.case_id is not None:
        raise Refusal(f"这些文件已附入案件，由案卷保管，不能再{doing}")
    if not may_hold(actor, locked):
        raise Refusal(f"只有文件现在的保管人可以{doing}")
    return locked


def _custody_step(
    *,
    actor: User,
    device_import: DeviceImport,
    kind: CustodyKind,
    action: str,
    holder_name: str,
    holder_user: User | None,
    holder_agency: Agency,
    case: Case | None = None,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Move every file of the import to its new holder: the rows, the events and one ledger entry."""
    now = timezone.now()
    device_import.holder_user = holder_user
    device_import.holder_agency = holder_agency
    if case is not None:
        device_import.case = case
    device_import.save(update_fields=["holder_user", "holder_agency", "case"])
    rows = list(device_import.files.all())
    events = [
        CustodyEvent(
            file=row,
            kind=kind,
            at=now,
            holder_name=holder_name[:200],
            holder_user=holder_user,
            holder_agency=holder_agency,
            case=case,
            note=note[:500],
        )
        for row in rows
    ]
    facts = {"custody": [_custody_facts(event) for event in events], **(extra or {})}
    # Recorded for the receiving agency: its officers may then read the files they now hold (ledger.may_read).
    entry = record(
        actor=actor,
        action=action,
        subject=device_import,
        facts=facts,
        files=[row.sha256 for row in rows],
        agency=holder_agency,
    )
    for event in events:
        event.entry_index = entry.index
    CustodyEvent.objects.bulk_create(events)


def custody_transfer(
    *, actor: User, device_import: DeviceImport, to_user: User | None = None, to_agency: Agency | None = None, note: str
) -> DeviceImport:
    """Hand the files to another officer (of the holding agency) or to another agency (its officers then hold them)."""
    with translation.override("zh-hans"), transaction.atomic():
        locked = _locked(device_import, actor, "移交")
        note = note.strip()
        if not note:
            raise Refusal("移交事由：请写明移交的原因", field="note")
        if (to_user is None) == (to_agency is None):
            raise Refusal("请选择接收的执法人员或接收单位（二选一）", field="to_user")
        if to_user is not None:
            if to_user.pk == actor.pk:
                raise Refusal("接收人不能是您自己", field="to_user")
            if (
                not to_user.is_active
                or not to_user.has_role(*IMPORTERS)
                or to_user.agency_id != locked.holder_agency_id
            ):
                raise Refusal("接收人：应为本单位在岗的执法人员", field="to_user")
            assert to_user.agency is not None
            holder_name, holder_agency = _person(to_user), to_user.agency
        else:
            assert to_agency is not None
            if to_agency.pk == locked.holder_agency_id:
                raise Refusal("接收单位：文件已由本单位保管；移交给本单位人员请选择接收人", field="to_agency")
            holder_name, holder_agency = to_agency.name, to_agency
        _custody_step(
            actor=actor,
            device_import=locked,
            kind=CustodyKind.TRANSFERRED,
            action="device.custody_transfer",
            holder_name=holder_name,
            holder_user=to_user,
            holder_agency=holder_agency,
            note=note,
            extra={"from": _person(actor), "to": holder_name, "reason": note},
        )
        return locked


def import_open_lead(*, actor: User, device_import: DeviceImport, data: Mapping[str, Any]) -> Case:
    """Open a lead (案源, source 监测发现) with the import's files as its evidence, through the case services."""
    with translation.override("zh-hans"), transaction.atomic():
        locked = _locked(device_import, actor, "登记案源")
        if actor.agency is None:
            raise Refusal("您未隶属任何执法机关，不能登记案源")
        lead = {
            **dict(data),
            "source": LeadSource.MONITORING,
            "evidence": [row.sha256 for row in locked.files.all()],
            "evidence_name": [f"{row.sha256}:{row.name}" for row in locked.files.all() if row.name],
        }
        case = case_services.perform(actor, "register_lead", lead, agency=actor.agency)
        _into_case_file(actor, locked, case, note="作为案源证据登记", extra={"case": case.pk, "act": "register_lead"})
        return case


OFF_SITE_REASON = "非现场执法：设备采集的证据，不涉及现场执法过程"


def _into_case_file(
    actor: User, device_import: DeviceImport, case: Case, *, note: str, extra: Mapping[str, Any]
) -> None:
    """The custody step of files put into a case: the case file holds them from now (no person, the case's agency)."""
    _custody_step(
        actor=actor,
        device_import=device_import,
        kind=CustodyKind.ATTACHED,
        action="device.custody_attach",
        holder_name=f"案件“{case.title}”案卷（{case.agency.name}）",
        holder_user=None,
        holder_agency=case.agency,
        case=case,
        note=note,
        extra=extra,
    )


def import_attach_recording(
    *, actor: User, device_import: DeviceImport, case: Case, act_entry: int, on_date: date
) -> list[Any]:
    """A body camera's export attached to the act it filmed (recordings/services.attach_in_transaction): numbered
    and measured against that act's upload limit, not recorded as a new evidence act; the custody chain says so,
    in the same transaction."""
    from zhifa.recordings.services import attach_in_transaction

    with translation.override("zh-hans"), transaction.atomic(durable=True):
        locked = _locked(device_import, actor, "附入案件")
        if locked.device.kind != DeviceKind.BODY_CAMERA:
            raise Refusal("只有执法记录仪导出的文件可以作为执法行为的音像记录附入", field="act")
        done = attach_in_transaction(
            actor=actor,
            case=case,
            act_entry=act_entry,
            files=[row.sha256 for row in locked.files.all()],
            on_date=on_date,
        )
        numbers = "、".join(f"第{recording.label}号" for recording in done)
        _into_case_file(
            actor,
            locked,
            case,
            note=f"作为执法行为的音像记录附入（{numbers}）",
            extra={"case": case.pk, "act_entry": act_entry, "recordings": [r.label for r in done]},
        )
        return done


def import_attach(*, actor: User, device_import: DeviceImport, case: Case, data: Mapping[str, Any]) -> Case:
    """Attach the import's files to an open case as evidence (登记证据), through the case services."""
    with translation.override("zh-hans"), transaction.atomic():
        locked = _locked(device_import, actor, "附入案件")
        evidence = {
            "kind": EvidenceKind.ELECTRONIC,
            # Evidence gathering is recorded as circumstances require (recordings/rules.py): a fixed device's files
            # come from no on-site act to film, and the record says so unless the officer says otherwise; a body
            # camera is at an on-site act, so its officer answers himself.
            **({} if locked.device.kind == DeviceKind.BODY_CAMERA else {"no_recording_reason": OFF_SITE_REASON}),
            **dict(data),
            "evidence": [row.sha256 for row in locked.files.all()],
            "evidence_name": [f"{row.sha256}:{row.name}" for row in locked.files.all() if row.name],
        }
        case = case_services.perform(actor, "add_evidence", evidence, case=case)
        _into_case_file(actor, locked, case, note="作为证据登记", extra={"case": case.pk, "act": "add_evidence"})
        return case
