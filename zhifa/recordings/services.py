"""The one write path for recordings: an agency's list published, a recording numbered when an act brings it,
attached afterwards to the act it records, described, and a clip or transcript linked to its original. Each change
is a ledger entry in its own transaction (or in the act's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone, translation

from zhifa.archives.services import refuse_if_archived
from zhifa.cases.models import Case, CaseRecord
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal, clean_or_refuse, form_refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.workdays import add_working_days
from zhifa.ledger.models import Blob, Entry, Upload
from zhifa.ledger.services import record
from zhifa.personnel.models import Officer
from zhifa.recordings import rules
from zhifa.recordings.models import Derivation, Recording, RecordingList

# 法制机构 or the system administrator publishes the list, as with the catalog of major decisions.
LIST_EDITORS = (Role.LEGAL_REVIEWER.value, Role.SYSADMIN.value)
LIST_FIELDS = ("effective_from", "full_acts", "as_required_acts", "upload_limit_days", "source")


def list_publish(*, actor: User, agency: Agency, data: Mapping[str, Any]) -> RecordingList:
    """A new version of `agency`'s list of acts recorded in sound and picture, from a day on. A version is never
    changed: a correction is a new version from a later day."""
    from zhifa.recordings.forms import RecordingListForm

    with translation.override("zh-hans"), transaction.atomic(durable=True):
        require_role(actor, LIST_EDITORS, agency=agency, doing="发布音像记录事项清单")
        form = RecordingListForm(data=data)
        if not form.is_valid():
            raise form_refusal(form)
        cleaned = form.cleaned_data
        if RecordingList.objects.filter(agency=agency, effective_from=cleaned["effective_from"]).exists():
            raise Refusal("该施行日期已有一版清单；更正请以新的施行日期发布新版", field="effective_from")
        version = RecordingList(agency=agency, **{name: cleaned[name] for name in LIST_FIELDS})
        clean_or_refuse(version)
        version.save()
        facts = {name: getattr(version, name) for name in LIST_FIELDS}
        facts["effective_from"] = version.effective_from.isoformat()
        record(actor=actor, action="recording_list.publish", subject=version, facts=facts, agency=agency)
        return version


# What an act's form answers about its recording (cases/forms.py adds the fields; the guard checks them).
ATTACHED, LATER, NONE = "attached", "later", "none"


def answer(needs: str | None, has_recording: bool, data: Mapping[str, Any]) -> str | None:
    """The act's answer: its recording attached, recorded and coming later, or not recorded (with a reason);
    None when the act is not on the list or the answer is missing (the guard says what is wanted)."""
    if needs is None:
        return None
    if has_recording:
        return ATTACHED
    if needs == "full":
        return None
    if data.get("recording_later"):
        return LATER
    if str(data.get("no_recording_reason") or "").strip():
        return NONE
    return None


def act_facts(
    listed: rules.InForce, action: str, on_date: date, data: Mapping[str, Any], files: Sequence[str]
) -> dict[str, Any]:
    """The recording rule applied to an act, for its facts: which list, what it asked, what was answered, and for
    a recording still to come the last day to store it. Empty for an act the list does not name."""
    needs = listed.needs(action)
    if needs is None:
        return {}
    types = Blob.objects.filter(sha256__in=list(files)).values_list("content_type", flat=True) if files else []
    given = answer(needs, rules.recordings_among(types), data)
    facts: dict[str, Any] = {"needs": needs, "answer": given, "list": listed.source}
    if given == NONE:
        facts["reason"] = str(data["no_recording_reason"]).strip()
    if given == LATER:
        facts["due_on"] = add_working_days(on_date, listed.upload_limit_days).date.isoformat()
    return facts


def _received_at(digest: str) -> datetime:
    """When the file reached the platform: its first upload, or now (a file stored by the system itself)."""
    first = Upload.objects.filter(sha256=digest).aggregate(first=Min("uploaded_at"))["first"]
    return first or timezone.now()


def _register(
    actor: User, case: Case, digest: str, *, act: str, act_on: date, act_entry: int, agency: Agency
) -> Recording:
    listed = rules.in_force(agency, act_on)
    due = add_working_days(act_on, listed.upload_limit_days).date
    received = _received_at(digest)
    number = (Recording.objects.filter(case=case).filter(part=0).aggregate(last=Max("number"))["last"] or 0) + 1
    recording = Recording(
        case=case,
        sha256=digest,
        number=number,
        act=act,
        act_on=act_on,
        act_entry=act_entry,
        received_at=received,
        due_on=due,
        late=timezone.localtime(received).date() > due,
        limit_source=listed.source[:200],
        created_by=actor,
        entry_index=0,
    )
    clean_or_refuse(recording, exclude=["entry_index"])
    recording.save()
    facts = {
        "case": case.pk,
        "number": recording.label,
        "sha256": digest,
        "act": act,
        "act_on": act_on.isoformat(),
        "act_entry": act_entry,
        "received_at": received.isoformat(),
        "due_on": due.isoformat(),
        "late": recording.late,
        "upload_limit_days": listed.upload_limit_days,
    }
    entry = record(actor=actor, action="recording.register", subject=recording, facts=facts, agency=agency)
    Recording.objects.filter(pk=recording.pk).update(entry_index=entry.index)
    recording.entry_index = entry.index
    return recording


def recordings_from_act(
    actor: User, case: Case, entry: Entry, action: str, on_date: date, files: Sequence[str]
) -> None:
    """Number the audio and video files an act brings into the case (cases/services.perform, in the act's
    transaction, after its entry). A file already numbered in the case keeps its number."""
    if not files:
        return
    types = dict(Blob.objects.filter(sha256__in=list(files)).values_list("sha256", "content_type"))
    if not any(rules.is_recording(kind) for kind in types.values()):
        return
    recorded = set(Recording.objects.filter(case=case).values_list("sha256", flat=True))
    for digest in files:
        if digest in recorded or not rules.is_recording(types.get(digest, "")):
            continue
        _register(actor, case, digest, act=action, act_on=on_date, act_entry=entry.index, agency=case.agency)
        recorded.add(digest)


def on_team(actor: User, case: Case) -> Officer | None:
    """The actor's officer record if he is on the case's team now (assigned, not stepped aside), else None."""
    from zhifa.cases.guards import team

    officer = Officer.objects.filter(user=actor).first()
    if officer is None or officer.pk not in {member.pk for member in team(case)}:
        return None
    return officer


def _require_team(actor: User, case: Case, doing: str) -> Officer:
    require_role(actor, (Role.OFFICER.value,), agency=case.agency, doing=doing)
    officer = on_team(actor, case)
    if officer is None:
        raise Refusal(f"只有本案的承办人员可以{doing}", rule="行政处罚法 第四十二条")
    return officer


def pending(case: Case) -> list[CaseRecord]:
    """The case's acts recorded "coming later" whose recording has not been attached yet."""
    attached = set(Recording.objects.filter(case=case).values_list("act_entry", flat=True))
    return [
        act
        for act in case.records.filter(data__recording__answer=LATER).order_by("entry_index")
        if act.entry_index not in attached
    ]


def recording_attach(
    *, actor: User, case: Case, act_entry: int, files: Sequence[str], on_date: date
) -> list[Recording]:
    """Store, after the act, the recordings of an act answered "recorded, coming later": each numbered and
    measured against the act's upload limit (a late one is flagged for the supervisors)."""
    with translation.override("zh-hans"), transaction.atomic(durable=True):
        return attach_in_transaction(actor=actor, case=case, act_entry=act_entry, files=files, on_date=on_date)


def attach_in_transaction(
    *, actor: User, case: Case, act_entry: int, files: Sequence[str], on_date: date
) -> list[Recording]:
    """`recording_attach` inside the caller's transaction (a body camera's import attaches its video and records
    its custody in one: devices/services.import_attach_recording)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_if_archived(case, doing="补充上传音像记录")
    _require_team(actor, case, "补充上传音像记录")
    act = case.records.filter(entry_index=act_entry).first()
    if act is None:
        raise Refusal("请选择本案的一项执法行为", field="act")
    digests = list(dict.fromkeys(str(item).strip().lower() for item in files if str(item).strip()))
    if on_date < act.on_date or on_date > timezone.localdate():
        raise Refusal(f"上传日期应在该行为之日（{act.on_date}）至今天之间", field="on_date")
    if not digests:
        raise Refusal("请上传该行为的录音或录像", field="evidence")
    types = dict(Blob.objects.filter(sha256__in=digests).values_list("sha256", "content_type"))
    for digest in digests:
        if digest not in types:
            raise Refusal(f"证据文件 {digest[:12]}… 尚未上传完成", field="evidence")
        if not rules.is_recording(types[digest]):
            raise Refusal("只能补充上传录音或录像文件（音频、视频格式）", field="evidence")
    if Recording.objects.filter(case=case).filter(sha256__in=digests).exists():
        raise Refusal("该文件已是本案的音像记录，不能重复登记", field="evidence")
    # A ledger entry about the case naming the files, not a case record: the act it belongs to is the record,
    # and the recordings' rows (numbered, each with its own entry) say which act each records.
    facts = {
        "act": act.action,
        "act_entry": act.entry_index,
        "act_on": act.on_date.isoformat(),
        "on_date": on_date.isoformat(),
    }
    agency = case.agency
    record(actor=actor, action="recording.attach", subject=case, facts=facts, files=digests, agency=agency)
    return [
        _register(
            actor, case, digest, act=act.action, act_on=act.on_date, act_entry=act.entry_index, agency=case.agency
        )
        for digest in digests
    ]


DESCRIPTION_FIELDS = ("speakers", "subject", "started_at", "ended_at", "device")


def recording_describe(*, actor: User, recording: Recording, data: Mapping[str, Any]) -> Recording:
    """Annotate a recording (编号并备注摄录内容；对话人员的身份和主要内容, seed 004). A later annotation replaces the
    shown one; every one stays in the ledger."""
    with translation.override("zh-hans"), transaction.atomic(durable=True):
        recording = Recording.objects.select_for_update().select_related("case__agency").get(pk=recording.pk)
        refuse_if_archived(recording.case, doing="标注音像记录")
        _require_team(actor, recording.case, "标注音像记录")
        return _describe(actor, recording, data)


def _describe(actor: User, recording: Recording, data: Mapping[str, Any]) -> Recording:
    from zhifa.recordings.forms import DescriptionForm

    form = DescriptionForm(data=data)
    if not form.is_valid():
        raise form_refusal(form)
    for name in DESCRIPTION_FIELDS:
        setattr(recording, name, form.cleaned_data[name])
    recording.described_at = timezone.now()
    clean_or_refuse(recording)
    recording.save()
    facts = {name: _fact(getattr(recording, name)) for name in DESCRIPTION_FIELDS}
    facts |= {"case": recording.case_id, "number": recording.label, "sha256": recording.sha256}
    record(actor=actor, action="recording.describe", subject=recording, facts=facts, agency=recording.case.agency)
    return recording


def recording_derive(
    *,
    actor: User,
    original: Recording,
    sha256: str,
    derivation: str,
    name: str = "",
    data: Mapping[str, Any] | None = None,
) -> Recording:
    """A clip or a transcript made from a recording: a new file, numbered after its original ("3-1"), linked to
    it; the original is never touched (不得剪辑拼接, seed 004)."""
    with translation.override("zh-hans"), transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=original.case_id)
        original = Recording.objects.get(pk=original.pk)
        refuse_if_archived(case, doing="添加剪辑片段或文字整理稿")
        _require_team(actor, case, "添加剪辑片段或文字整理稿")
        if original.original_id is not None:
            raise Refusal("剪辑片段或文字整理稿应从原始记录制作", field="original")
        if derivation not in (Derivation.CLIP, Derivation.TRANSCRIPT):
            raise Refusal("类别：请选择剪辑片段或文字整理稿", field="derivation")
        digest = sha256.strip().lower()
        blob = Blob.objects.filter(sha256=digest).first()
        if blob is None:
            raise Refusal("文件尚未上传完成", field="evidence")
        if Recording.objects.filter(case=case).filter(sha256=digest).exists():
            raise Refusal("该文件已是本案的音像记录；剪辑片段或文字整理稿应是新的文件", field="evidence")
        if derivation == Derivation.CLIP and not rules.is_recording(blob.content_type):
            raise Refusal("剪辑片段应为音频或视频文件", field="evidence")
        part = (original.derived.aggregate(last=Max("part"))["last"] or 0) + 1
        now = timezone.now()
        derived = Recording(
            case=case,
            sha256=digest,
            number=original.number,
            part=part,
            original=original,
            derivation=derivation,
            act=original.act,
            act_on=original.act_on,
            act_entry=original.act_entry,
            received_at=now,
            due_on=original.due_on,
            late=False,  # the upload limit is the original's; a clip is made afterwards by nature
            limit_source=original.limit_source,
            created_by=actor,
            entry_index=0,
        )
        clean_or_refuse(derived, exclude=["entry_index"])
        derived.save()
        facts: dict[str, Any] = {
            "case": case.pk,
            "number": derived.label,
            "sha256": digest,
            "derivation": derivation,
            "original": original.sha256,
            "original_number": original.label,
        }
        if name:
            facts["file_name"] = name[:200]
        entry = record(
            actor=actor, action="recording.derive", subject=derived, facts=facts, files=[digest], agency=case.agency
        )
        Recording.objects.filter(pk=derived.pk).update(entry_index=entry.index)
        derived.entry_index = entry.index
        if data:  # described in the same transaction: a refused description leaves no clip behind
            derived = _describe(actor, derived, data)
        return derived


def _fact(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value
