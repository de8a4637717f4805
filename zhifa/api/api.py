"""`/api/v1`: cases, their deadlines and actions, and evidence upload, for other systems and field apps.

The same services as the pages (cases.services.perform): an action's fields are its form's fields, and a
refusal comes back as 422 with the same Chinese message, the field at fault and the article.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, File, NinjaAPI, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.parser import Parser
from ninja.security import HttpBearer

from zhifa.api.discretion import router as discretion_router
from zhifa.api.inspections import router as inspections_router
from zhifa.api.laws import router as laws_router
from zhifa.api.models import ApiToken, TokenScope, digest
from zhifa.api.recordings import router as recordings_router
from zhifa.api.schemas import NOT_FOUND, REFUSED, UNAUTHORIZED, DetailOut, RefusalOut
from zhifa.api.scope import visible_case
from zhifa.archives.api import router as archives_router
from zhifa.audit.middleware import mark_refused
from zhifa.cases import issuing, selectors, services
from zhifa.cases.guards import late_fee_owed
from zhifa.cases.models import Case, CaseDocument
from zhifa.cases.review_figures import as_data, figures_for, may_see_figures
from zhifa.cases.workflow import ACTIONS, STATE_LABELS, State, actions_from
from zhifa.core import lockout
from zhifa.core.errors import Refusal
from zhifa.core.lockout import client_address
from zhifa.core.models import User
from zhifa.core.permissions import request_user
from zhifa.devices.api import router as devices_router
from zhifa.ledger import blobs, uploads
from zhifa.ledger.evidence_views import UPLOADERS
from zhifa.ledger.uploads import UploadRefused
from zhifa.powers.api import router as lists_router


class TokenAuth(HttpBearer):
    """A live token of an active person who is not locked out (by name, or from the caller's address) and whose
    password was not reset since (a reset means the account may be in other hands until its owner sets one)."""

    # The token scopes this endpoint accepts: a scoped token (a monitoring platform's) reaches only its own.
    scopes: frozenset[str] = frozenset({TokenScope.HOLDER.value})

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.objects.select_related("user").filter(key_sha256=digest(token), revoked=False).first()
        if found is None or found.expired or not found.user.is_active or found.user.must_change_password:
            return None
        if found.scope not in self.scopes:
            return None
        request.api_token = found  # type: ignore[attr-defined]
        if lockout.is_locked(found.user.username, ip_address=client_address(request)):
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


def _lone_surrogate(value: Any, where: str) -> str | None:
    """The path of the first string holding a lone UTF-16 surrogate (JSON allows "\\ud800"; no database does)."""
    if isinstance(value, str):
        return where if any("\ud800" <= char <= "\udfff" for char in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _lone_surrogate(key, where) or _lone_surrogate(item, f"{where}.{key}" if where else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for number, item in enumerate(value):
            found = _lone_surrogate(item, f"{where}[{number}]")
            if found is not None:
                return found
    return None


class StrictJsonParser(Parser):
    """JSON bodies, refusing text no database can store (a lone surrogate) as 422 instead of a 500."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = json.loads(request.body)  # ninja answers 400 to what is not JSON at all
        where = _lone_surrogate(body, "")
        if where is not None:
            raise Refusal(
                f"字段“{where or '请求体'}”含有无效的 Unicode 字符（单独的 UTF-16 代理项），请改正后重新提交",
                field=where.split(".")[-1].split("[")[0] or "body",
            )
        return cast(dict[str, Any], body)


api = NinjaAPI(
    title="Zhifa 行政执法 API",
    version="1",
    description=(
        "案件、期限、办案事项与证据上传，法律依据、裁量基准与同案不同罚分析。"
        "在「API 令牌」页面或用 `zhifa apitoken 用户名` 签发令牌，"
        "以 `Authorization: Bearer <令牌>` 调用。令牌到期、被停用，或其持有人被停用、被锁定时，请求返回 401。"
    ),
    auth=TokenAuth(),
    parser=StrictJsonParser(),
    urls_namespace="api",
)
api.add_router("/laws", laws_router)
api.add_router("/cases", discretion_router)
api.add_router("/cases", archives_router)


@api.exception_handler(UploadRefused)
def upload_refused(request: HttpRequest, refusal: UploadRefused) -> Any:
    mark_refused(request, str(refusal))
    return api.create_response(request, {"message": refusal.message, "field": refusal.field, "rule": ""}, status=413)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> Any:
    # ninja wraps whatever the body parser raises in a 400; a Refusal from StrictJsonParser stays a 422.
    if isinstance(error.__cause__, Refusal):
        return refused(request, error.__cause__)
    return api.create_response(request, {"detail": error.message}, status=error.status_code)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> Any:
    """A field of the wrong form: the same 422 body as a refusal, naming the field, in Chinese."""
    first: dict[str, Any] = dict(error.errors[0]) if error.errors else {}
    where = [str(part) for part in first.get("loc", ()) if part not in {"body", "query", "path", "file", "payload"}]
    name = ".".join(where)
    message = f"字段“{name}”格式有误：{first.get('msg', '')}" if name else f"请求格式有误：{first.get('msg', '')}"
    return api.create_response(
        request, {"message": message, "field": where[-1] if where else None, "rule": ""}, status=422
    )


@api.exception_handler(Refusal)
def refused(request: HttpRequest, refusal: Refusal) -> Any:
    mark_refused(request, str(refusal))  # into the security audit trail (zhifa/audit)
    return api.create_response(
        request, {"message": refusal.message, "field": refusal.field, "rule": refusal.rule}, status=422
    )


class DeadlineOut(Schema):
    period: str
    label: str
    due_on: date
    provisional: bool
    days_left: int
    level: str
    source: str


class CaseOut(Schema):
    id: int
    title: str
    agency: str
    procedure: str
    state: str
    state_label: str
    received_on: date
    filed_on: date | None
    fine: str | None
    paid: str
    late_fee: str  # the additional fine owed today (行政处罚法 第七十二条)
    parties: list[str]
    deadlines: list[DeadlineOut]


class RecordOut(Schema):
    action: str
    label: str
    on_date: date
    summary: str
    officers: list[str]
    files: list[str]
    entry_index: int


class CaseDetailOut(CaseOut):
    facts_found: str
    legal_basis: str
    penalty_basis: str
    penalty_text: str
    discretion_reasons: str
    records: list[RecordOut]


class DocumentOut(Schema):
    kind: str
    label: str
    number: str
    sha256: str
    issued_on: date
    documents_entry: int
    entry_index: int
    signed_files: list[str]
    pdf: str  # the address of its PDF (GET, with the same token)


class OpenedOut(CaseDetailOut):
    # The documents the opening act made itself: the decision made on the spot, to print and hand over.
    documents: list[DocumentOut]


class AvailabilityOut(Schema):
    name: str
    label: str
    allowed: bool
    reasons: list[str]
    source: str


class OpenIn(Schema):
    action: str = "register_lead"
    fields: dict[str, Any]


class BlobOut(Schema):
    sha256: str
    size: int
    content_type: str


def _case_out(case: Case, today: date) -> dict[str, Any]:
    return {
        "id": case.pk,
        "title": case.title,
        "agency": case.agency.name,
        "procedure": case.procedure,
        "state": case.state,
        "state_label": str(STATE_LABELS[State(case.state)]),
        "received_on": case.received_on,
        "filed_on": case.filed_on,
        "fine": None if case.fine is None else f"{case.fine:.2f}",
        "paid": f"{case.paid:.2f}",
        "late_fee": f"{late_fee_owed(case, today):.2f}",
        "parties": [party.name for party in case.parties.all()],
        "deadlines": [{**asdict(view), "level": view.level} for view in selectors.running_deadlines(case, today)],
    }


def _detail(case: Case) -> dict[str, Any]:
    records = [
        {
            "action": record.action,
            "label": str(ACTIONS[record.action].label),
            "on_date": record.on_date,
            "summary": record.summary,
            "officers": [officer["name"] for officer in record.officers],
            "files": record.files,
            "entry_index": record.entry_index,
        }
        for record in case.records.all()
    ]
    fields = ("facts_found", "legal_basis", "penalty_basis", "penalty_text", "discretion_reasons")
    return {**_case_out(case, timezone.localdate()), **{f: getattr(case, f) for f in fields}, "records": records}


@api.get("/cases", response={200: list[CaseOut], **UNAUTHORIZED}, summary="案件列表（本人可见范围）")
def list_cases(request: HttpRequest, q: str = "", state: str = "", mine: bool = False) -> list[dict[str, Any]]:
    today = timezone.localdate()
    cases = selectors.cases_for(request_user(request), text=q, state=state if state in STATE_LABELS else "", mine=mine)
    return [_case_out(case, today) for case in cases[:200]]


@api.post(
    "/cases",
    response={201: OpenedOut, **REFUSED},
    summary="建立案件：登记案源或当场处罚（简易程序，返回当场处罚决定书及其 PDF 地址）",
)
def open_case(request: HttpRequest, payload: OpenIn) -> Status[dict[str, Any]]:
    if payload.action not in {action.name for action in actions_from(None)}:
        raise Refusal("建立案件只能“register_lead”（登记案源）或“decide_on_the_spot”（当场处罚）", field="action")
    actor = request_user(request)
    case = services.perform(actor, payload.action, payload.fields, agency=actor.agency)
    return Status(201, {**_detail(case), "documents": [_document_out(document) for document in case.documents.all()]})


@api.get("/cases/{case_id}", response={200: CaseDetailOut, **NOT_FOUND}, summary="案件详情")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _detail(visible_case(request, case_id))


@api.get(
    "/cases/{case_id}/actions",
    response={200: list[AvailabilityOut], **NOT_FOUND},
    summary="当前可办理的事项及其他事项不能办理的原因",
)
def case_actions(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = visible_case(request, case_id)
    return [
        {
            "name": item.action.name,
            "label": str(item.action.label),
            "allowed": item.allowed,
            "reasons": list(item.reasons),
            "source": item.action.source,
        }
        for item in services.availability(request_user(request), case)
    ]


@api.post(
    "/cases/{case_id}/actions/{action}",
    response={200: CaseDetailOut, **REFUSED, **NOT_FOUND},
    summary="办理事项（字段与页面表单相同）",
)
def take_action(request: HttpRequest, case_id: int, action: str, fields: Body[dict[str, Any]]) -> dict[str, Any]:
    case = visible_case(request, case_id)
    return _detail(services.perform(request_user(request), action, fields, case=case))


@api.post(
    "/evidence", response={201: BlobOut, **REFUSED, 413: RefusalOut}, summary="上传证据文件（附 SHA-256，服务端核对）"
)
def upload_evidence(request: HttpRequest, sha256: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    actor = request_user(request)
    if not actor.has_role(*UPLOADERS):
        raise Refusal("审计管理员和安全管理员不能上传证据文件", field="file")
    blob = uploads.evidence_receive(actor=actor, upload=file, expected_sha256=sha256)
    return Status(201, {"sha256": blob.sha256, "size": blob.size, "content_type": blob.content_type})


class SignedIn(Schema):
    evidence: list[str]


def _document_out(document: CaseDocument) -> dict[str, Any]:
    return {
        "kind": document.kind,
        "label": str(document.get_kind_display()),
        "number": document.number,
        "sha256": document.sha256,
        "issued_on": document.issued_on,
        "documents_entry": document.documents_entry,
        "entry_index": document.entry_index,
        "signed_files": list(document.signed_files),
        "pdf": f"/api/v1/cases/{document.case_id}/documents/{document.kind}/pdf?entry={document.documents_entry}",
    }


@api.get("/cases/{case_id}/documents", response={200: list[DocumentOut], **NOT_FOUND}, summary="案件的执法文书")
def case_documents(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    return [_document_out(document) for document in visible_case(request, case_id).documents.all()]


@api.post(
    "/cases/{case_id}/documents/{kind}",
    response={201: DocumentOut, **REFUSED, **NOT_FOUND},
    summary="制作执法文书（编号、PDF、记入全过程记录）；询问笔录等按次制作的，以 entry 指明所记载的行为",
)
def issue(request: HttpRequest, case_id: int, kind: str, entry: int | None = None) -> Status[dict[str, Any]]:
    document = issuing.issue_document(request_user(request), visible_case(request, case_id), kind, entry=entry)
    return Status(201, _document_out(document))


def _document(request: HttpRequest, case_id: int, kind: str, entry: int | None) -> CaseDocument:
    found = CaseDocument.objects.filter(case=visible_case(request, case_id), kind=kind).order_by("-entry_index")
    if entry is not None:
        found = found.filter(documents_entry=entry)
    document = found.first()
    if document is None:
        raise Http404
    return document


@api.get(
    "/cases/{case_id}/documents/{kind}/pdf",
    response=NOT_FOUND,
    summary="下载执法文书 PDF（读取时核对 SHA-256）；同类多份的，以 entry 指明，缺省为最近一份",
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def document_pdf(request: HttpRequest, case_id: int, kind: str, entry: int | None = None) -> HttpResponse:
    document = _document(request, case_id, kind, entry)
    body = b"".join(blobs.open_verified(document.sha256))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.serial}.pdf"'
    return response


@api.post(
    "/cases/{case_id}/documents/{kind}/signed",
    response={200: DocumentOut, **REFUSED, **NOT_FOUND},
    summary="上传文书的签字件（已上传的证据文件 SHA-256）",
)
def document_signed(
    request: HttpRequest, case_id: int, kind: str, body: SignedIn, entry: int | None = None
) -> dict[str, Any]:
    if entry is None and CaseDocument.objects.filter(case=visible_case(request, case_id), kind=kind).count() > 1:
        raise Refusal("本案有多份此类文书，请以 entry 指明签字件属于哪一份", field="entry")
    document = _document(request, case_id, kind, entry)
    return _document_out(issuing.attach_signed(request_user(request), document, body.evidence))


class ReasonOut(Schema):
    item: str  # the checklist key (cases.major.CHECKLIST)
    label: str
    count: int


class AgencyReviewFiguresOut(Schema):
    agency_id: int
    agency: str
    depth: int
    reviews: int
    passed: int
    returned: int
    return_rate: str | None  # percent, one decimal
    reasons: list[ReasonOut]
    average_days: str | None  # working days, one decimal
    longest_days: int | None
    waiting_now: int
    overdue_now: int
    decided_major_unreviewed: int  # must be 0 (行政处罚法 第五十八条)
    unreviewed_cases: list[int]
    officers: int
    reviewers: int
    reviewers_needed: int
    reviewer_share: str | None
    reviewers_short: bool


class ReviewFiguresOut(Schema):
    start: date
    end: date
    today: date
    unit: str
    agencies: list[AgencyReviewFiguresOut]


@api.get(
    "/reviews/figures",
    response={200: ReviewFiguresOut, 403: DetailOut, **UNAUTHORIZED},
    summary="法制审核统计（各机关及其下级机关；期间缺省为本年；用时为工作日）",
)
def review_figures(request: HttpRequest, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    actor = request_user(request)
    if not may_see_figures(actor):
        raise HttpError(403, "只有执法监督人员和机关负责人可以查看法制审核统计")
    today = timezone.localdate()
    start = start or date(today.year, 1, 1)
    end = end or today
    if start > end:
        raise Refusal("结束日期不能早于开始日期", field="end")
    # Bounded like the page's dates: a period of at most ten years, ending no later than today.
    if end > today or (end - start).days > 3660:
        raise Refusal("统计期间不能晚于今天，且不超过十年", field="start")
    return as_data(figures_for(actor, start, end, today))


# The published lists (zhifa/powers/api.py), read-only.
api.add_router("/", lists_router)
api.add_router("/", inspections_router)  # zhifa/api/inspections.py, read-only
api.add_router("/", recordings_router)  # zhifa/api/recordings.py


class ReadingsAuth(TokenAuth):
    """The readings endpoint: any live token, so that a token without the readings scope is told so (403)."""

    scopes = frozenset(TokenScope.values)


api.add_router("/devices", devices_router, auth=ReadingsAuth())  # zhifa/devices/api.py
