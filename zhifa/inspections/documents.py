"""The seven standard documents of an inspection (司法部办公厅《行政检查文书基本格式文本（试行）》, 2025): what each
prints, when it may be issued, and issuing it — numbered, rendered to PDF, stored, recorded in the ledger.

The templates cover 审批—通知—实施—记录—反馈: the approval form (行政检查审批表), the notice (行政检查通知书,
shown at the door where no code is, 海南条例 第十六条), the on-site record (现场检查笔录), the special texts of an
inquiry, a sampling and a survey (one per `InspectionAct`), and the result notice (行政检查结果告知书, 第二十二条).
docs/inspections.md, "The seven documents", says which names were read and which inferred.

Every document prints the elements the templates require: the inspecting body, the business, the task source
(任务来源: 日常 / 专项 / 有因 with its cause; the plan, its frequency, a special plan's approval), the items with
their basis, the officers with the certificate each shows on the day, the assisting staff fixed beforehand, and
the rights told. A complaint's reason is never printed on what the business reads: it may name the complainant.

Issuing is an explicit step (a button), as for a case's documents (cases/issuing.py): in one transaction, the
number is drawn, `inspection.document` is recorded (its leaf hash printed under the QR code), the PDF rendered
and stored, and `document.issue` records the PDF's SHA-256 — so the public check page finds both.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from zhifa.cases import agency_settings
from zhifa.cases.rules import PERIODS as CASE_PERIODS
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.permissions import require_role
from zhifa.documents.choices import DocumentKind
from zhifa.documents.contexts import CONTEXTS, Document, OfficerRef
from zhifa.documents.formatting import count_in_chinese
from zhifa.documents.numbering import DocumentNumber, next_number
from zhifa.documents.rendering import render_pdf
from zhifa.inspections.choices import ActKind, Cause, InspectionState, Outcome, Source
from zhifa.inspections.models import RESULT_STATES, Inspection, InspectionAct, InspectionDocument
from zhifa.inspections.selectors import OFFICERS_WITH_CERTIFICATES, certificates_shown
from zhifa.inspections.services import PLANNERS, _name, _visit_facts
from zhifa.ledger import blobs
from zhifa.ledger import services as ledger
from zhifa.ledger.documents import Described, made_by
from zhifa.ledger.models import EntryFile
from zhifa.ledger.services import record
from zhifa.personnel.choices import OfficerKind
from zhifa.personnel.models import Officer

TEMPLATES_RULE = "司法部办公厅《行政检查文书基本格式文本（试行）》（2025）"
# What the business reads in place of a complaint's reason (海南条例 第十二条: a complaint is a cause; its facts
# may name the complainant, who must not be exposed to the business).
COMPLAINT_REASON = "依据投诉举报线索"

# --- what each document prints ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Business:
    """被检查企业 as the documents name it."""

    name: str
    credit_code: str
    address: str


@dataclass(frozen=True, kw_only=True)
class ItemRef:
    """One inspection item (检查事项) with its basis, as listed (行政检查事项清单)."""

    code: str
    name: str
    basis: str


@dataclass(frozen=True, kw_only=True)
class TaskSource:
    """任务来源: the source, the cause of a for-cause inspection, the plan and its frequency, a special plan's
    approval by the government, and the reason as printed (masked for a complaint where the business reads it)."""

    source: str  # 日常检查 / 专项检查 / 有因检查
    cause: str = ""  # 投诉举报 … (for-cause only)
    plan_title: str = ""
    frequency: str = ""
    approval: str = ""  # a special plan: the government, the document and its date (海南条例 第十条)
    reason: str

    @property
    def line(self) -> str:
        if self.cause:
            return f"{self.source}（{self.cause}）"
        return f"{self.source}：{self.plan_title}" if self.plan_title else self.source


@dataclass(frozen=True, kw_only=True)
class FileRef:
    """A photo or video of the visit, by name and SHA-256 (the evidence store keeps the file)."""

    name: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class InspectionPaper(Document):
    """What every inspection document prints: the business, the source, the items, the officers, the day."""

    business: Business
    task: TaskSource
    items: tuple[ItemRef, ...]
    officers: tuple[OfficerRef, ...]
    # 协助检查人员: fixed beforehand (the 2025 templates), never counted among the officers (海南条例 第十八条).
    assistants: tuple[str, ...]
    planned_on: date
    off_site: bool


@dataclass(frozen=True, kw_only=True)
class ApprovalForm(InspectionPaper):
    """行政检查审批表: the inspection proposed and approved before it is made (海南条例 第十五条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_APPROVAL

    proposed_by: str
    proposed_on: date
    approval: str  # the plan's approval by the head, or blank for the head to sign
    unannounced: bool  # a for-cause inspection may be made without notice (海南条例 第十二条)


@dataclass(frozen=True, kw_only=True)
class NoticeLetter(InspectionPaper):
    """行政检查通知书: shown to the business at the door where no code is (海南条例 第十六条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_NOTICE

    issued_on: date


@dataclass(frozen=True, kw_only=True)
class SiteRecord(InspectionPaper):
    """现场检查笔录: when, where, who was present, what was found, what the business said, the files."""

    kind: ClassVar[DocumentKind] = DocumentKind.SITE_INSPECTION_RECORD

    started_at: datetime | None
    ended_at: datetime | None
    place: str
    present: str
    scanned_at: datetime | None
    found: str
    statement: str
    files: tuple[FileRef, ...]


@dataclass(frozen=True, kw_only=True)
class ActRecord(InspectionPaper):
    """An inquiry, a sampling or a survey made on the visit (InspectionAct): who, when, what, the files."""

    person_label: ClassVar[str] = "被询问人"
    text_label: ClassVar[str] = "询问内容"

    at: datetime
    person: str
    text: str
    files: tuple[FileRef, ...]
    recorder: str


@dataclass(frozen=True, kw_only=True)
class InquiryRecord(ActRecord):
    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_INQUIRY


@dataclass(frozen=True, kw_only=True)
class SamplingRecord(ActRecord):
    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_SAMPLING
    person_label: ClassVar[str] = "被抽样单位在场人员或见证人"
    text_label: ClassVar[str] = "抽样情况（样品名称、数量、抽样方法、封样情况）"


@dataclass(frozen=True, kw_only=True)
class SurveyRecord(ActRecord):
    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_SURVEY
    person_label: ClassVar[str] = "在场人员或见证人"
    text_label: ClassVar[str] = "勘验情况"


@dataclass(frozen=True, kw_only=True)
class ResultNotice(InspectionPaper):
    """行政检查结果告知书: the result told to the business (海南条例 第二十二条), its rights to object and complain
    (第十七条、第二十五条), and for an order to correct, the remedies."""

    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_RESULT

    outcome: str  # Outcome's value
    outcome_label: str
    findings: str
    result_on: date
    case_title: str
    case_ref: str
    code_page: str  # where the business objects on line (its inspection code's page), or "" without a code
    complaint_to: str  # the body above the inspecting one
    remedies: str  # for an order to correct: reconsideration and litigation; "" otherwise
    issued_on: date

    @property
    def corrected(self) -> bool:
        return self.outcome == Outcome.CORRECTED

    @property
    def case_opened(self) -> bool:
        return self.outcome == Outcome.CASE_OPENED


ACT_CONTEXTS: dict[DocumentKind, type[ActRecord]] = {
    DocumentKind.INSPECTION_INQUIRY: InquiryRecord,
    DocumentKind.INSPECTION_SAMPLING: SamplingRecord,
    DocumentKind.INSPECTION_SURVEY: SurveyRecord,
}
# The documents app renders a kind from its context class (documents/contexts.py CONTEXTS): ours live here.
_OURS: tuple[type[InspectionPaper], ...] = (
    ApprovalForm,
    NoticeLetter,
    SiteRecord,
    *ACT_CONTEXTS.values(),
    ResultNotice,
)
for _context in _OURS:
    CONTEXTS.setdefault(_context.kind, _context)

# --- when each may be issued ------------------------------------------------------------------------------------

VISITED = frozenset({InspectionState.ON_SITE, *RESULT_STATES})
# kind → the states in which it may be issued; the checks beyond the state (a notice only for a visit, the record
# once written, an act's document for its act) are in `_refusal`.
WHEN: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.INSPECTION_APPROVAL: frozenset({InspectionState.PLANNED, InspectionState.CODE_ISSUED}),
    DocumentKind.INSPECTION_NOTICE: frozenset({InspectionState.PLANNED, InspectionState.CODE_ISSUED}),
    DocumentKind.SITE_INSPECTION_RECORD: VISITED,
    DocumentKind.INSPECTION_INQUIRY: VISITED,
    DocumentKind.INSPECTION_SAMPLING: VISITED,
    DocumentKind.INSPECTION_SURVEY: VISITED,
    DocumentKind.INSPECTION_RESULT: frozenset(RESULT_STATES),
}
ACT_KINDS: dict[DocumentKind, str] = {
    DocumentKind.INSPECTION_INQUIRY: ActKind.INQUIRY,
    DocumentKind.INSPECTION_SAMPLING: ActKind.SAMPLING,
    DocumentKind.INSPECTION_SURVEY: ActKind.SURVEY,
}


def _refusal(inspection: Inspection, kind: DocumentKind, act: InspectionAct | None) -> str | None:
    """Why a document of `kind` may not be issued for the inspection now (act: for an act's document), or None."""
    label = kind.label
    if inspection.state not in WHEN[kind]:
        return f"检查状态为“{inspection.get_state_display()}”，不能制作{label}"
    if kind == DocumentKind.INSPECTION_NOTICE and inspection.off_site:
        return f"非现场检查不入企，不制作{label}"
    if kind == DocumentKind.SITE_INSPECTION_RECORD and inspection.recorded_at is None:
        return f"尚未记录现场检查情况，不能制作{label}"
    if kind in ACT_KINDS:
        if act is None:
            return f"请选择要制作{label}的现场记录"
        if act.inspection_id != inspection.pk or act.kind != ACT_KINDS[kind]:
            return f"所选记录不是本次检查的{ActKind(ACT_KINDS[kind]).label}记录，不能制作{label}"
    elif act is not None:
        return f"{label}不按单项现场记录制作"
    return None


def _may_issue(actor: User, inspection: Inspection) -> bool:
    try:
        require_role(actor, PLANNERS, agency=inspection.agency, doing="制作行政检查文书")
    except Refusal:
        return False
    return True


@dataclass(frozen=True)
class Available:
    """A document the actor may issue now: its kind, and for an act's document, the act."""

    kind: DocumentKind
    act: InspectionAct | None = None

    @property
    def label(self) -> str:
        if self.act is None:
            return str(self.kind.label)
        who = f"{self.act.person}，" if self.act.person else ""
        return f"{self.kind.label}（{who}{timezone.localtime(self.act.at):%Y-%m-%d %H:%M}）"


def kinds_available(actor: User, inspection: Inspection) -> list[Available]:
    """The documents `actor` may issue for the inspection now: in a fitting state and not yet issued."""
    if not _may_issue(actor, inspection):
        return []
    issued: set[tuple[str, int | None]] = set(
        InspectionDocument.objects.filter(inspection=inspection).values_list("kind", "act_id")
    )
    acts = list(inspection.acts.all()) if inspection.state in VISITED else []
    found = []
    for kind in WHEN:
        if kind in ACT_KINDS:
            for act in acts:
                if (kind.value, act.pk) not in issued and _refusal(inspection, kind, act) is None:
                    found.append(Available(kind, act))
        elif (kind.value, None) not in issued and _refusal(inspection, kind, None) is None:
            found.append(Available(kind))
    return found


def documents_panel(actor: User, inspection: Inspection) -> dict[str, Any]:
    """The context of `inspections/_documents.html`: the documents issued and those the actor may issue now."""
    issued = list(inspection.documents.select_related("act").order_by("issued_at", "pk"))
    for document in issued:
        setattr(document, "label", DocumentKind(document.kind).label)  # noqa: B010  (no choices on the field)
    return {"inspection": inspection, "documents": issued, "available": kinds_available(actor, inspection)}


# --- building the contexts --------------------------------------------------------------------------------------


def _business(inspection: Inspection) -> Business:
    target = inspection.target
    return Business(name=target.name, credit_code=target.credit_code, address=target.address)


def _task(inspection: Inspection, *, for_business: bool) -> TaskSource:
    plan = inspection.plan
    approval = ""
    if plan is not None and plan.approval_document:
        day = f"，{plan.approval_date:%Y年%m月%d日}" if plan.approval_date else ""
        approval = f"{plan.approval_body}批准：{plan.approval_document}{day}"
    reason = inspection.reason
    if for_business and inspection.cause == Cause.COMPLAINT:
        reason = COMPLAINT_REASON
    return TaskSource(
        source=str(Source(inspection.source).label),
        cause=str(Cause(inspection.cause).label) if inspection.cause else "",
        plan_title=plan.title if plan else "",
        frequency=plan.frequency if plan else "",
        approval=approval,
        reason=reason,
    )


def _team(inspection: Inspection, on_date: date) -> tuple[tuple[OfficerRef, ...], tuple[str, ...]]:
    """The officers with the certificate each shows on `on_date`, and the assisting staff (auxiliary officers)."""
    everyone: list[Officer] = sorted(inspection.officers.all(), key=lambda officer: (officer.name, officer.pk))
    officers = [officer for officer in everyone if officer.kind != OfficerKind.AUXILIARY]
    assistants = tuple(officer.name for officer in everyone if officer.kind == OfficerKind.AUXILIARY)
    shown = certificates_shown(officers, inspection.agency, on_date)
    refs = tuple(
        OfficerRef(name=officer.name, certificate_number=certificate.number if certificate else "（当日无有效证件）")
        for officer, certificate in shown
    )
    return refs, assistants


def _files(rows: list[Any]) -> tuple[FileRef, ...]:
    return tuple(
        FileRef(sha256=str(row[0]), name=str(row[1]) if len(row) > 1 and row[1] else "（未命名）") for row in rows
    )


def _common(
    inspection: Inspection, number: DocumentNumber, entry_hash: str, *, on_date: date, for_business: bool = True
) -> dict[str, Any]:
    officers, assistants = _team(inspection, on_date)
    return {
        "number": number,
        "agency_name": inspection.agency.name,
        "entry_hash": entry_hash,
        "business": _business(inspection),
        "task": _task(inspection, for_business=for_business),
        "items": tuple(
            ItemRef(code=item.code, name=item.name, basis=item.basis)
            for item in sorted(inspection.items.all(), key=lambda item: item.code)
        ),
        "officers": officers,
        "assistants": assistants,
        "planned_on": inspection.planned_on,
        "off_site": inspection.off_site,
    }


def _approval_text(inspection: Inspection) -> str:
    plan = inspection.plan
    if plan is not None and plan.approved_by_name and plan.approved_on:
        return f"检查计划《{plan.title}》经{plan.approved_by_name}于{plan.approved_on:%Y年%m月%d日}批准"
    return ""


def _case_ref(inspection: Inspection) -> tuple[str, str]:
    case = inspection.case
    if case is None:
        return "", ""
    from zhifa.cases.models import CaseDocument  # a case's number is that of the document that opened its file

    number = (
        CaseDocument.objects.filter(case=case, kind__in=("filing_approval", "summary_decision"))
        .values_list("number", flat=True)
        .first()
    )
    return case.title, number or f"案源登记{case.received_on:%Y年%m月%d日}"


def _remedies(inspection: Inspection) -> str:
    """For an order to correct: reconsideration and litigation, the bodies from the agency's case settings."""
    if inspection.outcome != Outcome.CORRECTED:
        return ""
    in_force = agency_settings.in_force(inspection.agency)
    # 行政复议法 第二十条 (sixty days); 行政诉讼法 第四十六条 (six months): the periods cited in cases/rules.py.
    return (
        f"对责令改正要求不服的，可以自收到本告知书之日起{count_in_chinese(CASE_PERIODS['reconsideration'].amount)}日内"
        f"向{in_force.reconsideration_body}申请行政复议，也可以自收到本告知书之日起"
        f"{count_in_chinese(CASE_PERIODS['litigation'].amount)}个月内向{in_force.court}提起行政诉讼。"
    )


def build(
    inspection: Inspection,
    kind: DocumentKind,
    number: DocumentNumber,
    entry_hash: str,
    *,
    act: InspectionAct | None = None,
    site_base: str,
    today: date,
) -> Document:
    """The context of a document of `kind` from the inspection as it is (the Word copy calls it too)."""
    if kind == DocumentKind.INSPECTION_APPROVAL:
        return ApprovalForm(
            **_common(inspection, number, entry_hash, on_date=inspection.planned_on, for_business=False),
            proposed_by=inspection.created_by_name,
            proposed_on=timezone.localdate(inspection.created_at),
            approval=_approval_text(inspection),
            unannounced=inspection.source == Source.FOR_CAUSE,
        )
    if kind == DocumentKind.INSPECTION_NOTICE:
        return NoticeLetter(**_common(inspection, number, entry_hash, on_date=inspection.planned_on), issued_on=today)
    if kind == DocumentKind.SITE_INSPECTION_RECORD:
        started = inspection.visit_started_at
        day = timezone.localdate(started) if started else inspection.planned_on
        return SiteRecord(
            **_common(inspection, number, entry_hash, on_date=day),
            started_at=started,
            ended_at=inspection.visit_ended_at,
            place=inspection.target.address,
            present=inspection.site_present,
            scanned_at=inspection.code_scanned_at,
            found=inspection.site_record,
            statement=inspection.business_statement,
            files=_files(inspection.site_files),
        )
    if kind in ACT_CONTEXTS:
        assert act is not None
        return ACT_CONTEXTS[kind](
            **_common(inspection, number, entry_hash, on_date=timezone.localdate(act.at)),
            at=act.at,
            person=act.person,
            text=act.text,
            files=_files(act.files),
            recorder=act.by_name,
        )
    if kind == DocumentKind.INSPECTION_RESULT:
        assert inspection.result_on is not None
        case_title, case_ref = _case_ref(inspection)
        parent = inspection.agency.parent
        code_page = (
            f"{site_base.rstrip('/')}{reverse('inspection_code_public', args=[inspection.code_token])}"
            if inspection.code_token
            else ""
        )
        return ResultNotice(
            **_common(inspection, number, entry_hash, on_date=inspection.planned_on),
            outcome=inspection.outcome,
            outcome_label=str(Outcome(inspection.outcome).label),
            findings=inspection.findings,
            result_on=inspection.result_on,
            case_title=case_title,
            case_ref=case_ref,
            code_page=code_page,
            complaint_to=parent.name if parent else "本机关的上级主管部门",
            remedies=_remedies(inspection),
            issued_on=today,
        )
    raise ValueError(f"not an inspection document: {kind}")


# --- issuing ----------------------------------------------------------------------------------------------------


def _locked(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("agency", "agency__parent", "target", "plan", "case")
        .prefetch_related(*OFFICERS_WITH_CERTIFICATES, "items")
        .get(pk=inspection.pk)
    )


def issue(
    *,
    actor: User,
    inspection: Inspection,
    kind: str,
    act: InspectionAct | None = None,
    site_base: str | None = None,
) -> InspectionDocument:
    """Number, record, render, store: one document of `kind` for the inspection (per act for an act's document).

    Refused: an actor who is not an officer or head of the inspection's agency, a kind that does not fit the
    inspection's state (`WHEN`), a notice for an off-site inspection, a record not yet written, an act's document
    without its act, and a second document of a kind (or of an act)."""
    site_base = site_base or settings.ZHIFA_PUBLIC_URL
    with translation.override("zh-hans"), transaction.atomic():
        if kind not in WHEN:
            raise Refusal(f"“{kind}”不是行政检查文书", field="kind", rule=TEMPLATES_RULE)
        document_kind = DocumentKind(kind)
        label = document_kind.label
        inspection = _locked(inspection)
        require_role(actor, PLANNERS, agency=inspection.agency, doing=f"制作{label}")
        problem = _refusal(inspection, document_kind, act)
        if problem is not None:
            raise Refusal(problem, field="act" if document_kind in ACT_KINDS else "kind", rule=TEMPLATES_RULE)
        made = InspectionDocument.objects.filter(inspection=inspection, kind=document_kind, act=act).first()
        if made is not None:
            raise Refusal(f"已制作{label}（{made.number}），不能重复制作", field="kind", rule=TEMPLATES_RULE)
        today = timezone.localdate()
        number = next_number(inspection.agency, document_kind, today.year)
        facts = {
            **_visit_facts(inspection),
            "kind": document_kind.value,
            "number": str(number),
            "act": act.pk if act is not None else None,
        }
        documented = record(
            actor=actor, action="inspection.document", subject=inspection, facts=facts, agency=inspection.agency
        )
        entry_hash = bytes(documented.leaf_hash).hex()
        context = build(inspection, document_kind, number, entry_hash, act=act, site_base=site_base, today=today)
        pdf = render_pdf(document_kind, context, site_base=site_base)
        blob = blobs.store(io.BytesIO(pdf), content_type="application/pdf")
        record(
            actor=actor,
            action="document.issue",
            subject=inspection,
            facts={
                "kind": document_kind.value,
                "number": str(number),
                "sha256": blob.sha256,
                "documents": documented.index,
            },
            files=[blob.sha256],
            agency=inspection.agency,
        )
        return InspectionDocument.objects.create(
            inspection=inspection,
            act=act,
            kind=document_kind,
            number=str(number),
            sha256=blob.sha256,
            issued_at=timezone.now(),
            issued_by_name=_name(actor),
            entry_index=documented.index,
        )


# --- the public check page ------------------------------------------------------------------------------------


def check_described(digest: str) -> list[Described]:
    """The public check page's describer (ledger/documents.py): an issued inspection document, by its PDF's
    SHA-256 (named by its `document.issue` entry) or by the hash printed under its QR code (its
    `inspection.document` entry). Kind, number, body and date only — never the business."""
    naming = list(EntryFile.objects.filter(sha256=digest).values_list("entry_id", flat=True))
    printed = ledger.leaf_indices(bytes.fromhex(digest))
    found: list[Described] = []
    documents = InspectionDocument.objects.select_related("inspection__agency")
    if naming:
        for document in documents.filter(sha256=digest):
            found.append(_described(document, "文书原件", "，自记录以来未被改动。", int(naming[0])))
    for document in documents.filter(entry_index__in=printed) if printed else ():
        ending = " 上印的记录校验值：该文书的制作已记入执法全过程记录。请核对手中文书的种类、编号与此一致。"
        found.append(_described(document, "文书制作记录", ending, document.entry_index))
    return found


def _described(document: InspectionDocument, what: str, ending: str, entry: int) -> Described:
    kind = str(DocumentKind(document.kind).label)
    agency = document.inspection.agency.name
    issued_on = timezone.localdate(document.issued_at)
    return Described(
        kind=kind,
        number=document.number,
        agency=agency,
        issued_on=issued_on,
        what=what,
        statement=f"这是 {made_by(agency, issued_on, kind, document.number)}{ending}",
        entry=entry,
    )
