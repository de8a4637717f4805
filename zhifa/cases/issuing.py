"""Issuing a case's documents (执法文书): numbered, rendered to PDF, stored as evidence, recorded in the ledger.

A document documents one act of the case and carries that act's ledger entry hash (and a QR code to the
public check page); issuing it draws the next number, renders the PDF, stores it by SHA-256 and records a
`document.issue` entry naming the PDF, all in one transaction — so the public check page finds both the
act and the document. Issuing is an explicit step (a button, an API call), not part of every action:
rendering costs a quarter of a second a page.

Issued from the case's data: the filing approval form, the investigation report, the advance notice, the
penalty decision, the proof of service and the closure report. Interview transcripts, inspection records,
hearing notices and hearing records are made and signed on the spot; the case keeps their signed scans as
evidence (docs/decisions.md).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from zhifa.cases import rules
from zhifa.cases.choices import PartyKind, ServiceMethod
from zhifa.cases.models import Case, CaseDocument
from zhifa.cases.workflow import ACTIONS
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.permissions import require_role
from zhifa.documents import contexts
from zhifa.documents.choices import DocumentKind
from zhifa.documents.numbering import DocumentNumber, next_number
from zhifa.documents.rendering import render_pdf
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.services import record
from zhifa.ledger.state import subject_key
from zhifa.personnel.models import Officer


@dataclass(frozen=True)
class Issuable:
    """A kind of document, the act it documents, and how its contents are drawn from the case."""

    kind: DocumentKind
    act: str  # the workflow action whose entry the document carries
    build: Callable[[Case, DocumentNumber, str, Entry], contexts.Document]


def _party(case: Case) -> contexts.Party:
    party = case.parties.order_by("pk").first()
    if party is None:
        raise Refusal("当事人尚不明确，不能制作文书")
    return contexts.Party(
        kind=PartyKind(party.kind),
        name=party.name,
        id_code=party.id_number or party.credit_code or "（未登记）",
        address=party.address or "（未登记）",
        representative=party.representative,
        phone=party.phone,
    )


def _evidence(case: Case) -> tuple[str, ...]:
    acts = ("add_evidence", "record_interview", "record_inspection", "seize", "preserve_evidence")
    return tuple(
        f"{ACTIONS[record_.action].label}（{record_.on_date:%Y年%m月%d日}）：{record_.summary}"
        for record_ in case.records.filter(action__in=acts)
    ) or ("（无）",)


def _officer_ref(officer: Officer) -> contexts.OfficerRef:
    certificate = officer.certificates.exclude(status="revoked").order_by("-valid_from").first()
    return contexts.OfficerRef(name=officer.name, certificate_number=certificate.number if certificate else "（无）")


def _team(case: Case) -> tuple[contexts.OfficerRef, ...]:
    return tuple(_officer_ref(a.officer) for a in case.assignments.select_related("officer").order_by("-is_lead"))


def _remedies(case: Case) -> contexts.Remedies:
    # The reconsideration body and the court are agency data still to come; until then the document names
    # the body above the agency and "the court with jurisdiction", which is always correct if less precise.
    parent = case.agency.parent
    return contexts.Remedies(
        reconsideration_body=parent.name if parent is not None else "本级人民政府",
        court="有管辖权的人民法院",
    )


def _base(case: Case, number: DocumentNumber, entry_hash: str) -> dict[str, Any]:
    return {"number": number, "agency_name": case.agency.name, "entry_hash": entry_hash}


def _advance_notice(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    parties = [party.kind for party in case.parties.all()]
    lead = case.assignments.filter(is_lead=True).select_related("officer").first()
    return contexts.AdvanceNotice(
        **_base(case, number, entry_hash),
        party=_party(case),
        facts=case.facts_found,
        evidence=_evidence(case),
        violated_provisions=case.legal_basis,
        penalty_provisions=case.legal_basis,
        discretion_reasons=case.discretion_reasons,
        intended_penalty=case.penalty_text,
        fine=case.fine,
        statement_days=rules.PERIODS["statement"].amount,
        hearing_right=rules.hearing_right_of_any(case.penalty_kinds, case.fine, parties),
        contact=f"{case.agency.name}{'，承办人 ' + lead.officer.name if lead else ''}",
        issued_on=timezone.localdate(),
    )


def _penalty_decision(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    steps = [f"本机关于{case.filed_on:%Y年%m月%d日}立案调查"] if case.filed_on else []
    notice = case.records.filter(action="notify").first()
    if notice is not None:
        rights = "陈述、申辩和要求听证" if case.hearing_right else "陈述、申辩"
        steps.append(f"于{notice.on_date:%Y年%m月%d日}告知当事人拟作出的行政处罚及其依法享有的{rights}的权利")
    hearing = case.records.filter(action="hold_hearing").first()
    if hearing is not None:
        steps.append(f"于{hearing.on_date:%Y年%m月%d日}举行了听证")
    return contexts.PenaltyDecision(
        **_base(case, number, entry_hash),
        party=_party(case),
        procedure="，".join(steps) + "。" if steps else "本案适用简易程序。",
        facts=case.facts_found,
        evidence=_evidence(case),
        violated_provisions=case.legal_basis,
        penalty_provisions=case.legal_basis,
        discretion_reasons=case.discretion_reasons,
        penalty=case.penalty_text,
        fine=case.fine,
        payment_bank="本机关指定的代收罚款银行（罚缴分离）",
        payment_account="按随附的缴款通知书所载缴款码缴纳",
        remedies=_remedies(case),
        issued_on=case.decided_on or timezone.localdate(),
    )


def _service_proof(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    decision = CaseDocument.objects.filter(case=case, kind=DocumentKind.PENALTY_DECISION).first()
    if decision is None:
        raise Refusal("请先制作行政处罚决定书，再制作其送达回证")
    serve = case.records.filter(action="serve").last()
    # The serve entry exists (checked by the caller), so its record and date do too.
    assert serve is not None
    assert case.served_on is not None
    served_at = timezone.make_aware(datetime.combine(case.served_on, time(9, 0)))
    party = _party(case)
    return contexts.ServiceProof(
        **_base(case, number, entry_hash),
        case_title=case.title,
        served_title=str(DocumentKind.PENALTY_DECISION.label),
        served_number=decision.document_number(),
        recipient=party.name,
        place=party.address,
        method=str(ServiceMethod(serve.data["method"]).label),
        served_at=served_at,
        servers=_team(case),
        remarks="当事人已书面同意电子送达" if serve.data.get("consent") else "",
    )


def _filing_approval(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    assert case.filed_on is not None  # the filing entry exists
    return contexts.FilingApproval(
        **_base(case, number, entry_hash),
        case_title=case.title,
        lead_source=str(case.get_lead_source_display()),
        received_on=case.received_on,
        party=_party(case),
        summary=case.lead_summary,
        suspected_provisions=case.legal_basis or "（待调查确定）",
        handlers=_team(case),
        handler_opinion="违法事实需进一步调查，建议立案",
        approver_name=entry.actor_name,
        approver_opinion="同意立案",
        approved_on=case.filed_on,
    )


def _course(case: Case) -> str:
    done = [f"{r.on_date:%Y年%m月%d日}{ACTIONS[r.action].label}" for r in case.records.order_by("entry_index")]
    opened = f"本案于{case.filed_on:%Y年%m月%d日}立案" if case.filed_on else "本案"
    return f"{opened}，承办人员{'、'.join(done) if done else '依法调查'}。"


def _investigation_report(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    report = case.records.filter(action="report").last()
    assert report is not None  # the report entry exists
    return contexts.InvestigationReport(
        **_base(case, number, entry_hash),
        case_title=case.title,
        party=_party(case),
        course=_course(case),
        facts=case.facts_found,
        evidence=_evidence(case),
        violated_provisions=case.legal_basis,
        penalty_provisions=case.legal_basis,
        discretion_reasons=case.discretion_reasons,
        proposal=case.penalty_text,
        handlers=_team(case),
        reported_on=report.on_date,
    )


def _closure_report(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    assert case.closed_on is not None  # the closing entry exists
    decision = CaseDocument.objects.filter(case=case, kind=DocumentKind.PENALTY_DECISION).first()
    payments = [r for r in case.records.order_by("entry_index") if r.action == "record_payment"]
    if case.fine and payments:
        execution = "；".join(f"{r.on_date:%Y年%m月%d日}{r.summary}" for r in payments) + "。罚款已全部缴纳。"
    elif case.state == "court" or case.records.filter(action="apply_to_court").exists():
        execution = "当事人逾期未履行，已申请人民法院强制执行。"
    else:
        execution = case.outcome_reason or "处罚决定已执行完毕。"
    return contexts.ClosureReport(
        **_base(case, number, entry_hash),
        case_title=case.title,
        party=_party(case),
        filed_on=case.filed_on or case.received_on,
        decision_number=decision.document_number() if decision is not None else None,
        decided_on=case.decided_on,
        penalty=case.penalty_text or case.outcome_reason,
        fine=case.fine,
        execution=execution,
        handlers=_team(case),
        handler_opinion="本案已执行完毕，建议结案",
        approver_name=entry.actor_name,
        approver_opinion="同意结案",
        closed_on=case.closed_on,
    )


ISSUABLE: dict[str, Issuable] = {
    DocumentKind.FILING_APPROVAL: Issuable(DocumentKind.FILING_APPROVAL, "file", _filing_approval),
    DocumentKind.INVESTIGATION_REPORT: Issuable(DocumentKind.INVESTIGATION_REPORT, "report", _investigation_report),
    DocumentKind.ADVANCE_NOTICE: Issuable(DocumentKind.ADVANCE_NOTICE, "approve", _advance_notice),
    DocumentKind.PENALTY_DECISION: Issuable(DocumentKind.PENALTY_DECISION, "decide", _penalty_decision),
    DocumentKind.SERVICE_PROOF: Issuable(DocumentKind.SERVICE_PROOF, "serve", _service_proof),
    DocumentKind.CLOSURE_REPORT: Issuable(DocumentKind.CLOSURE_REPORT, "close", _closure_report),
}
ISSUERS = (Role.OFFICER.value, Role.APPROVER.value)


def _documented_entry(case: Case, act: str) -> Entry | None:
    return Entry.objects.filter(subject=subject_key(case), action=f"case.{act}").order_by("-index").first()


def issuable(case: Case) -> list[Issuable]:
    """The kinds whose act has been recorded and which are not yet issued for it."""
    issued = set(CaseDocument.objects.filter(case=case).values_list("kind", flat=True))
    return [spec for spec in ISSUABLE.values() if spec.kind not in issued and _documented_entry(case, spec.act)]


def issue_document(actor: User, case: Case, kind: str, *, site_base: str | None = None) -> CaseDocument:
    """Number, render, store and record a document of `kind` for `case`; refuse when its act is not done."""
    with translation.override("zh-hans"), transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if kind not in ISSUABLE:
            raise Refusal(f"暂不能制作“{kind}”类文书", field="kind")
        spec = ISSUABLE[kind]
        label = DocumentKind(kind).label
        require_role(actor, ISSUERS, agency=case.agency, doing=f"制作{label}")
        entry = _documented_entry(case, spec.act)
        if entry is None:
            raise Refusal(f"本案尚未{ACTIONS[spec.act].label}，不能制作{label}")
        if CaseDocument.objects.filter(case=case, kind=kind).exists():
            raise Refusal(f"本案已制作{label}，如需更正请作出更正决定")
        today = timezone.localdate()
        number = next_number(case.agency, spec.kind, today.year)
        entry_hash = bytes(entry.leaf_hash).hex()
        context = spec.build(case, number, entry_hash, entry)
        pdf = render_pdf(spec.kind, context, site_base=site_base or settings.ZHIFA_PUBLIC_URL)
        blob = blobs.store(io.BytesIO(pdf), content_type="application/pdf")
        facts = {"kind": spec.kind.value, "number": str(number), "sha256": blob.sha256, "documents": entry.index}
        issued = record(
            actor=actor, action="document.issue", subject=case, facts=facts, files=[blob.sha256], agency=case.agency
        )
        return CaseDocument.objects.create(
            case=case,
            kind=spec.kind,
            number=str(number),
            serial=number.serial,
            year=number.year,
            sha256=blob.sha256,
            documents_entry=entry.index,
            entry_index=issued.index,
            issued_on=today,
            created_by=actor,
        )
