"""`/api/v1/cases/{id}/recordings...`: a case's recordings and what its recording list asked, for a body camera's
dock or a mobile app — the recordings attached after their act, annotated, and clips or transcripts linked to their
original, through the same services as the pages."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Body, Router, Schema, Status

from zhifa.api.schemas import NOT_FOUND, UNAUTHORIZED, DetailOut
from zhifa.api.scope import visible_case
from zhifa.core.permissions import request_user
from zhifa.recordings import selectors, services
from zhifa.recordings.models import Recording

router = Router(tags=["音像记录"])


class RecordingOut(Schema):
    id: int
    number: str
    sha256: str
    derivation: str
    original: str | None
    act: str
    act_on: date
    act_entry: int
    received_at: datetime
    due_on: date
    late: bool
    speakers: str
    subject: str
    started_at: datetime | None
    ended_at: datetime | None
    device: str


class RequiredOut(Schema):
    act: str
    act_on: date
    act_entry: int
    needs: str
    status: str
    reason: str
    due_on: date | None
    recordings: list[str]
    source: str


class CaseRecordingsOut(Schema):
    required: list[RequiredOut]
    recordings: list[RecordingOut]


class AttachIn(Schema):
    act_entry: int
    evidence: list[str]
    on_date: date | None = None


class DeriveIn(Schema):
    derivation: str
    sha256: str
    name: str = ""
    description: dict[str, Any] | None = None


def _out(recording: Recording) -> dict[str, Any]:
    return {
        "id": recording.pk,
        "number": recording.label,
        "sha256": recording.sha256,
        "derivation": recording.derivation,
        "original": recording.original.label if recording.original is not None else None,
        **{
            name: getattr(recording, name)
            for name in ("act", "act_on", "act_entry", "received_at", "due_on", "late", *services.DESCRIPTION_FIELDS)
        },
    }


def _recording(request: HttpRequest, case_id: int, number: str) -> Recording:
    case = visible_case(request, case_id)
    main, _, part = number.partition("-")
    if not main.isdigit() or (part and not part.isdigit()):
        raise Http404
    return get_object_or_404(
        Recording.objects.select_related("case", "original"), case=case, number=int(main), part=int(part or 0)
    )


@router.get(
    "/cases/{case_id}/recordings",
    response={200: CaseRecordingsOut, **UNAUTHORIZED, **NOT_FOUND},
    summary="案件的音像记录，及音像记录事项清单要求记录的行为",
)
def case_recordings(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = visible_case(request, case_id)
    required = [
        {
            "act": item.act.action,
            "act_on": item.act.on_date,
            "act_entry": item.act.entry_index,
            "needs": item.needs,
            "status": item.status,
            "reason": item.reason,
            "due_on": item.due_on,
            "recordings": [r.label for r in item.recordings],
            "source": item.source,
        }
        for item in selectors.required_acts(case, timezone.localdate())
    ]
    return {"required": required, "recordings": [_out(r) for r in selectors.recordings_of(case)]}


@router.post(
    "/cases/{case_id}/recordings",
    response={201: list[RecordingOut], **UNAUTHORIZED, **NOT_FOUND, 400: DetailOut},
    summary="补充上传某一执法行为的音像记录（文件先经 /evidence 上传）",
)
def attach(request: HttpRequest, case_id: int, payload: AttachIn) -> Status[list[dict[str, Any]]]:
    case = visible_case(request, case_id)
    done = services.recording_attach(
        actor=request_user(request),
        case=case,
        act_entry=payload.act_entry,
        files=payload.evidence[:20],
        on_date=payload.on_date or timezone.localdate(),
    )
    return Status(201, [_out(r) for r in done])


@router.post(
    "/cases/{case_id}/recordings/{number}/description",
    response={200: RecordingOut, **UNAUTHORIZED, **NOT_FOUND, 400: DetailOut},
    summary="标注音像记录（被记录人员、内容、起止时间、设备）",
)
def describe(request: HttpRequest, case_id: int, number: str, fields: Body[dict[str, Any]]) -> dict[str, Any]:
    recording = _recording(request, case_id, number)
    return _out(services.recording_describe(actor=request_user(request), recording=recording, data=_texts(fields)))


def _texts(fields: dict[str, Any] | None) -> dict[str, str]:
    """The annotation's fields as the form reads them: text (a number or a list where a time is expected is then
    refused by the form, naming the field, not failing)."""
    return {str(key): value if isinstance(value, str) else json.dumps(value) for key, value in (fields or {}).items()}


@router.post(
    "/cases/{case_id}/recordings/{number}/derived",
    response={201: RecordingOut, **UNAUTHORIZED, **NOT_FOUND, 400: DetailOut},
    summary="登记剪辑片段（clip）或文字整理稿（transcript），与原始记录关联",
)
def derive(request: HttpRequest, case_id: int, number: str, payload: DeriveIn) -> Status[dict[str, Any]]:
    original = _recording(request, case_id, number)
    derived = services.recording_derive(
        actor=request_user(request),
        original=original,
        sha256=payload.sha256,
        derivation=payload.derivation,
        name=payload.name,
        data=_texts(payload.description) if payload.description else None,
    )
    return Status(201, _out(derived))
