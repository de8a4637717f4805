"""Issuing a case's documents (执法文书): numbered, rendered to PDF, stored as evidence, recorded in the ledger.

A document documents one act of the case and carries that act's ledger entry hash (and a QR code to the
public check page); issuing it draws the next number, renders the PDF, stores it by SHA-256 and records a
`document.issue` entry naming the PDF, all in one transaction — so the public check page finds both the
act and the document. Issuing is an explicit step (a button, an API call), not part of every action:
rendering costs a quarter of a second a page. The one exception is the decision made on the spot, which its act
makes in the act's own transaction (`ISSUED_BY_ACT`, 行政处罚法 第五十二条).

Issued from the case's data: the filing approval form, the investigation report, the advance notice, the
hearing notice, the penalty decision, the proof of service and the closure report, one each per case; and
for each interview and each on-site inspection whose questions and answers or findings were typed in, its
transcript or record — the hearing record likewise when the hearing's turns were typed in. Records made
on paper on the spot are kept as signed scans instead (docs/decisions.md). A printed record signed by the
party comes back as a scan attached to the document (`attach_signed`), recorded as `document.sign`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from zhifa.archives.services import refuse_if_archived
from zhifa.cases import agency_settings, rules
from zhifa.cases.choices import (
    AppraisalKind,
    DefenceAnswer,
    PartyKind,
    PreservationMeasure,
    ReviewConclusion,
    SeizureMeasure,
    ServiceMethod,
)
from zhifa.cases.guards import current_chair, made_for_latest
from zhifa.cases.models import Case, CaseDocument, CaseRecord, Party
from zhifa.cases.workflow import ACTIONS, State
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.permissions import require_role
from zhifa.documents import contexts
from zhifa.documents.choices import DocumentKind
from zhifa.documents.numbering import DocumentNumber, next_number
from zhifa.documents.rendering import render_pdf
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry, Facts
from zhifa.ledger.services import record
from zhifa.ledger.state import subject_key
from zhifa.personnel.models import Officer


def _always(record: CaseRecord | None) -> str | None:
    return None


@dataclass(frozen=True)
class Issuable:
    """A kind of document, the act it documents, and how its contents are drawn from the case."""

    kind: DocumentKind
    act: str  # the workflow action whose entry the document carries
    build: Callable[[Case, DocumentNumber, str, Entry], contexts.Document]
    # One document for each such act (every interview has its transcript), not one for the case.
    per_act: bool = False
    # What the act's record lacks for this document to be printed from it, or None when it has it all.
    missing: Callable[[CaseRecord | None], str | None] = _always
    # Who may make it, when not the officers and heads (ISSUERS): the reviewer makes his opinion.
    issuers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pending:
    """A document that may be issued now: its kind, the entry of the act it documents, and a label."""

    spec: Issuable
    entry: Entry
    label: str

    @property
    def kind(self) -> DocumentKind:
        return self.spec.kind


def _party(case: Case) -> contexts.Party:
    party = case.parties.order_by("pk").first()
    if party is None:
        raise Refusal("当事人尚不明确，不能制作文书")
    return _party_of(party)


def _party_of(party: Party) -> contexts.Party:
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
    members = case.assignments.active().select_related("officer").order_by("-is_lead")
    return tuple(_officer_ref(a.officer) for a in members)


def _base(case: Case, number: DocumentNumber, entry_hash: str) -> dict[str, Any]:
    return {"number": number, "agency_name": case.agency.name, "entry_hash": entry_hash}


def _findings(case: Case) -> dict[str, Any]:
    """What the report, the notice and the decision each state of the case: party, facts, evidence, basis."""
    return {
        "party": _party(case),
        "facts": case.facts_found,
        "evidence": _evidence(case),
        "violated_provisions": case.legal_basis,
        # Cases reported before the two were kept apart hold both in legal_basis (第五十九条 asks for each).
        "penalty_provisions": case.penalty_basis or case.legal_basis,
        "discretion_reasons": case.discretion_reasons,
    }


def _advance_notice(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    lead = case.assignments.active().filter(is_lead=True).select_related("officer").first()
    in_force = agency_settings.in_force(case.agency)
    return contexts.AdvanceNotice(
        **_base(case, number, entry_hash),
        **_findings(case),
        intended_penalty=case.penalty_text,
        fine=case.fine,
        confiscated=case.confiscated,
        statement_days=in_force.periods["statement"],
        hearing_right=agency_settings.hearing_right(case, in_force),
        contact=f"{in_force.contact}{'，承办人 ' + lead.officer.name if lead else ''}",
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
    in_force = agency_settings.in_force(case.agency)
    decided = case.records.filter(action="decide").last()
    answer = decided.data.get("defence") if decided is not None else None
    defence = (
        f"当事人提出了陈述、申辩意见，本机关经复核认为，其提出的事实、理由和证据{DefenceAnswer(answer['answer']).label}："
        f"{answer['reasons']}"
        if answer
        else ""
    )
    return contexts.PenaltyDecision(
        **_base(case, number, entry_hash),
        **_findings(case),
        defence=defence,
        procedure="，".join(steps) + "。" if steps else "本案适用简易程序。",
        penalty=case.penalty_text,
        fine=case.fine,
        confiscated=case.confiscated,
        payment_bank=in_force.payment_bank,
        payment_account=in_force.payment_account,
        remedies=contexts.Remedies(reconsideration_body=in_force.reconsideration_body, court=in_force.court),
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
        **_findings(case),
        case_title=case.title,
        course=_course(case),
        proposal=case.penalty_text,
        handlers=_team(case),
        reported_on=report.on_date,
    )


def _closure_report(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    assert case.closed_on is not None  # the closing entry exists
    decision = CaseDocument.objects.filter(case=case, kind=DocumentKind.PENALTY_DECISION).first()
    payments = [r for r in case.records.order_by("entry_index") if r.action == "record_payment"]
    criminal = case.records.filter(action="record_criminal_outcome").last()
    if criminal is not None:  # sent to the judicial organs: how the criminal matter ended, and any fine credited
        execution = f"本案已移送司法机关，{criminal.summary}。"
    elif case.fine and payments:
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


def _record(case: Case, entry: Entry) -> CaseRecord:
    return case.records.get(entry_index=entry.index)


def _at(day: date, hhmm: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(hhmm)))


def _refs(people: list[dict[str, Any]]) -> tuple[contexts.OfficerRef, ...]:
    found = Officer.objects.in_bulk([person["id"] for person in people])
    return tuple(_officer_ref(found[person["id"]]) for person in people if person["id"] in found)


def _statements(turns: list[list[str]]) -> tuple[contexts.Statement, ...]:
    return tuple(contexts.Statement(speaker=speaker, text=text) for speaker, text in turns)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in re.split(r"[、，,；;]", text) if name.strip())


def _interviewee(case: Case, data: dict[str, Any]) -> contexts.Party:
    party = case.parties.filter(name=data["interviewee"]).first()
    if party is not None:  # the party themself: their registered details
        known = _party_of(party)
        return contexts.Party(
            kind=known.kind,
            name=known.name,
            id_code=data.get("interviewee_id") or known.id_code,
            address=data.get("interviewee_address") or known.address,
            representative=known.representative,
            phone=data.get("interviewee_phone") or known.phone,
        )
    return contexts.Party(
        kind=PartyKind.CITIZEN,
        name=data["interviewee"],
        id_code=data.get("interviewee_id") or "（未登记）",
        address=data.get("interviewee_address") or "（未登记）",
        phone=data.get("interviewee_phone", ""),
    )


def _recorder(officers: tuple[contexts.OfficerRef, ...]) -> str:
    # One officer asks and the other writes (行政处罚法 第四十二条: two officers); the second writes.
    return officers[1].name if len(officers) > 1 else officers[0].name


def _transcript_missing(record: CaseRecord | None) -> str | None:
    if record is None or not record.data.get("transcript"):
        return "本次询问未录入问答内容，笔录以上传的签名扫描件为准"
    return None


def _interview_transcript(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    officers = _refs(record.officers)
    return contexts.InterviewTranscript(
        **_base(case, number, entry_hash),
        case_title=case.title,
        started_at=_at(record.on_date, data["started_at"]),
        ended_at=_at(record.on_date, data["ended_at"]),
        place=data["place"],
        interviewers=officers,
        recorder=_recorder(officers),
        interviewee=_interviewee(case, data),
        interviewee_role=data.get("interviewee_role") or "当事人",
        statements=_statements(data["transcript"]),
    )


def _inspection_missing(record: CaseRecord | None) -> str | None:
    if record is None or not (record.data.get("started_at") and record.data.get("present_person")):
        return "本次检查未记录起止时间和在场人，笔录以上传的签名扫描件为准"
    return None


def _inspection_record(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    officers = _refs(record.officers)
    extracted = tuple(line.strip() for line in str(data.get("extracted", "")).splitlines() if line.strip())
    return contexts.InspectionRecord(
        **_base(case, number, entry_hash),
        case_title=case.title,
        started_at=_at(record.on_date, data["started_at"]),
        ended_at=_at(record.on_date, data["ended_at"]),
        place=data["place"],
        inspectors=officers,
        recorder=_recorder(officers),
        party=_party(case),
        present_person=data["present_person"],
        findings=data["summary"],
        evidence=extracted or ("（无）",),
    )


def _notice_data(case: Case) -> CaseRecord:
    notice = case.records.filter(action="notify_hearing").last()
    if notice is None:
        raise Refusal("本案尚未通知听证")
    return notice


def _hearing_notice(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    return contexts.HearingNotice(
        **_base(case, number, entry_hash),
        party=_party(case),
        case_title=case.title,
        hearing_at=_at(date.fromisoformat(data["hearing_on"]), data.get("hearing_time", "09:00")),
        place=data["place"],
        public=not data.get("closed_reason"),
        chair=data["chair"]["name"],
        hearing_officers=_names(data.get("hearing_officers", "")),
        clerk=data.get("clerk", ""),
        contact=agency_settings.in_force(case.agency).contact,
        issued_on=record.on_date,
    )


def _hearing_missing(record: CaseRecord | None) -> str | None:
    if record is None or record.data.get("outcome") != "held":
        return "当事人未出席听证"
    if not record.data.get("statements"):
        return "本次听证未录入笔录内容，笔录以上传的签字扫描件为准"
    return None


def _hearing_record(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    notice = _notice_data(case).data
    party = _party(case)
    return contexts.HearingRecord(
        **_base(case, number, entry_hash),
        case_title=case.title,
        started_at=_at(record.on_date, data["started_at"]),
        ended_at=_at(record.on_date, data["ended_at"]),
        place=notice["place"],
        public=not notice.get("closed_reason"),
        chair=(current_chair(case) or notice["chair"])["name"],
        hearing_officers=_names(notice.get("hearing_officers", "")),
        clerk=notice.get("clerk", ""),
        party=party,
        party_attendees=_names(data.get("attendees", "")) or (party.name,),
        investigators=_team(case),
        statements=_statements(data["statements"]),
    )


# 查封、扣押 (行政强制法 第二十四条、第二十五条、第二十八条) and 先行登记保存 (行政处罚法 第五十六条): each
# document is issued from the act it documents — the decision and the inventory from `seize`, handed over on
# the spot in the same act, the extension's notice from `extend_seizure`, and so on (docs/decisions.md).


def _measure(seizure: CaseRecord) -> str:
    chosen = seizure.data.get("measure")
    return str(SeizureMeasure(chosen).label) if chosen else "查封、扣押"


def _items(seizure: CaseRecord) -> tuple[contexts.InventoryItem, ...]:
    rows = seizure.data.get("inventory") or [[seizure.data["items"], "（见清单）", ""]]
    return tuple(contexts.InventoryItem(name=name, quantity=quantity, note=note) for name, quantity, note in rows)


def _seizure_before(case: Case, entry: Entry) -> CaseRecord:
    """The seizure an extension, release or appraisal belongs to: the latest one before it."""
    seizure = case.records.filter(action="seize", entry_index__lt=entry.index).order_by("entry_index").last()
    if seizure is None:
        raise Refusal("本案尚未查封、扣押")
    return seizure


def _decision_number(case: Case, seizure: CaseRecord) -> DocumentNumber | None:
    made = case.documents.filter(kind=DocumentKind.SEIZURE_DECISION, documents_entry=seizure.entry_index).first()
    return made.document_number() if made is not None else None


def _remedies(case: Case) -> contexts.Remedies:
    in_force = agency_settings.in_force(case.agency)
    return contexts.Remedies(reconsideration_body=in_force.reconsideration_body, court=in_force.court)


def _inventory_missing(record: CaseRecord | None) -> str | None:
    if record is None or not record.data.get("inventory"):
        return "本次查封、扣押的清单未逐项写明名称和数量，以现场制作并由当事人签名的纸质清单为准"
    return None


def _seizure_decision_missing(record: CaseRecord | None) -> str | None:
    if record is not None and not (record.data.get("reason") and record.data.get("basis")):
        return "本次查封、扣押未录入理由和依据，决定书以现场制作的纸质文书为准"
    return _inventory_missing(record)


def _seizure_decision(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    return contexts.SeizureDecision(
        **_base(case, number, entry_hash),
        party=_party(case),
        measure=_measure(record),
        reason=data["reason"],
        basis=data["basis"],
        items=_items(record),
        place=data.get("place", ""),
        emergency=data.get("approved_by") is None,
        starts_on=record.on_date,
        ends_on=rules.due("seizure", record.on_date).date,
        remedies=_remedies(case),
        issued_on=record.on_date,
    )


def _seizure_inventory(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    return contexts.SeizureInventory(
        **_base(case, number, entry_hash),
        party=_party(case),
        case_title=case.title,
        measure=_measure(record),
        items=_items(record),
        place=record.data.get("place", ""),
        seized_on=record.on_date,
        officers=_refs(record.officers),
        decision_number=_decision_number(case, record),
    )


def _seizure_extension(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    seizure = _seizure_before(case, entry)
    return contexts.SeizureExtension(
        **_base(case, number, entry_hash),
        party=_party(case),
        measure=_measure(seizure),
        seized_on=seizure.on_date,
        decision_number=_decision_number(case, seizure),
        first_ends_on=date.fromisoformat(record.data["first_ends_on"]),
        ends_on=date.fromisoformat(record.data["ends_on"]),
        reason=record.data["reason"],
        remedies=_remedies(case),
        issued_on=record.on_date,
    )


def _extension_missing(record: CaseRecord | None) -> str | None:
    if record is None or not record.data.get("ends_on"):
        return "本次延长未记录延长后的期限，以纸质文书为准"
    return None


def _seizure_release(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    seizure = _seizure_before(case, entry)
    return contexts.SeizureRelease(
        **_base(case, number, entry_hash),
        party=_party(case),
        measure=_measure(seizure),
        seized_on=seizure.on_date,
        decision_number=_decision_number(case, seizure),
        items=_items(seizure),
        reason=record.data["reason"],
        released_on=record.on_date,
        issued_on=record.on_date,
    )


def _appraisal_notice(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    return contexts.AppraisalNotice(
        **_base(case, number, entry_hash),
        party=_party(case),
        appraisal=str(AppraisalKind(data["kind"]).label),
        items=data["items"],
        institution=data["institution"],
        starts_on=record.on_date,
        ends_on=date.fromisoformat(data["ends_on"]),
        seizure_ends_on=date.fromisoformat(data["seizure_due"]) if data.get("seizure_due") else None,
        issued_on=record.on_date,
    )


RETURNED = {PreservationMeasure.RECORDED_RETURNED, PreservationMeasure.RELEASED}


def _preservation_decision(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    measure = PreservationMeasure(data["measure"])
    return contexts.PreservationDecision(
        **_base(case, number, entry_hash),
        party=_party(case),
        preserved_on=tuple(date.fromisoformat(p["on_date"]) for p in data["preserved"]),
        items=data["items"],
        measure=str(measure.label),
        reason=data["reason"],
        returned=measure in RETURNED,
        issued_on=record.on_date,
    )


def _summary_decision(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    record = _record(case, entry)
    data = record.data
    statement = data.get("statement") or ""
    answer = data.get("defence")
    in_force = agency_settings.in_force(case.agency)
    return contexts.SummaryDecision(
        **_base(case, number, entry_hash),
        party=_party(case),
        decided_at=_at(record.on_date, data["decided_at"]),
        place=data["place"],
        facts=case.facts_found,
        violated_provisions=case.legal_basis,
        penalty_provisions=case.penalty_basis or case.legal_basis,
        statement=statement or "当事人未提出陈述、申辩。",
        defence=f"{DefenceAnswer(answer['answer']).label}：{answer['reasons']}" if answer else "",
        penalty=case.penalty_text,
        fine=case.fine,
        collected=bool(data.get("collected")),
        payment_bank=in_force.payment_bank,
        payment_account=in_force.payment_account,
        remedies=contexts.Remedies(reconsideration_body=in_force.reconsideration_body, court=in_force.court),
        officers=_refs(record.officers),
        refused_to_sign=data.get("party_receipt") == "refused",
    )


def _crime_transfer(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    transfer = _record(case, entry)
    report = case.records.filter(action="propose_transfer", entry_index__lt=entry.index).order_by("entry_index").last()
    assert report is not None  # the guard transfer_report_pending
    data = report.data
    materials = ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "涉案物品清单"]
    if data.get("tested") or report.files:
        materials.append(f"检验报告或者鉴定结论等材料（{len(report.files)}份）")
    materials += [f"其他有关涉嫌犯罪的材料：{line}" for line in _evidence(case) if line != "（无）"]
    decided = ""
    if transfer.data.get("decided_before"):
        decision = CaseDocument.objects.filter(case=case, kind=DocumentKind.PENALTY_DECISION).first()
        decided = f"{decision.number if decision else ''}《行政处罚决定书》，{case.penalty_text}"
    return contexts.CrimeTransfer(
        **_base(case, number, entry_hash),
        receiver=transfer.data["receiver"],
        procuratorate=transfer.data["procuratorate"],
        case_title=case.title,
        party=_party(case),
        suspected_crime=data["suspected_crime"],
        report=data["report"],
        items=tuple(data["items"]) or ("无",),
        materials=tuple(materials),
        seized_handed_over=bool(transfer.data.get("seized_handed_over")),
        decided_penalty=decided,
        approver_name=entry.actor_name,
        transferred_on=transfer.on_date,
    )


def _review_opinion(case: Case, number: DocumentNumber, entry_hash: str, entry: Entry) -> contexts.Document:
    from zhifa.cases import major

    record = _record(case, entry)
    data = record.data
    submitted = case.records.filter(action="submit_review", entry_index__lt=entry.index)
    kind = contexts.LegalReviewOpinion if record.action == "pass_review" else contexts.LegalReviewReturn
    return kind(
        **_base(case, number, entry_hash),
        case_title=case.title,
        party=_party(case),
        facts=case.facts_found,
        proposal=case.penalty_text,
        clauses=tuple(str(clause) for clause in major.clauses(case, record.on_date)),
        round_number=submitted.count(),
        checklist=tuple((label, bool(data["checklist"].get(key))) for key, label in major.CHECKLIST),
        problems=data.get("problems", ""),
        amendments=data.get("amendments", ""),
        conclusion=str(ReviewConclusion(data["conclusion"]).label),
        opinion=data["opinion"],
        reviewer_name=entry.actor_name,
        reviewed_on=record.on_date,
    )


REVIEWERS = (Role.LEGAL_REVIEWER.value,)


def _opinion_missing(record: CaseRecord | None) -> str | None:
    if record is None or "checklist" not in record.data:
        return "本次审核记录于审核清单启用之前，未逐项记录审核事项"
    return None


ISSUABLE: dict[str, Issuable] = {
    DocumentKind.FILING_APPROVAL: Issuable(DocumentKind.FILING_APPROVAL, "file", _filing_approval),
    DocumentKind.INTERVIEW_TRANSCRIPT: Issuable(
        DocumentKind.INTERVIEW_TRANSCRIPT, "record_interview", _interview_transcript, True, _transcript_missing
    ),
    DocumentKind.INSPECTION_RECORD: Issuable(
        DocumentKind.INSPECTION_RECORD, "record_inspection", _inspection_record, True, _inspection_missing
    ),
    DocumentKind.INVESTIGATION_REPORT: Issuable(DocumentKind.INVESTIGATION_REPORT, "report", _investigation_report),
    # One notice per approval: a proposal changed after the notice is approved and noticed again (重新告知).
    DocumentKind.ADVANCE_NOTICE: Issuable(DocumentKind.ADVANCE_NOTICE, "approve", _advance_notice, True),
    # One per hearing: a case noticed again (重新告知) may be heard again, with its own notice and record.
    DocumentKind.HEARING_NOTICE: Issuable(DocumentKind.HEARING_NOTICE, "notify_hearing", _hearing_notice, True),
    DocumentKind.HEARING_RECORD: Issuable(
        DocumentKind.HEARING_RECORD, "hold_hearing", _hearing_record, True, _hearing_missing
    ),
    DocumentKind.PENALTY_DECISION: Issuable(DocumentKind.PENALTY_DECISION, "decide", _penalty_decision),
    DocumentKind.SERVICE_PROOF: Issuable(DocumentKind.SERVICE_PROOF, "serve", _service_proof),
    DocumentKind.CLOSURE_REPORT: Issuable(DocumentKind.CLOSURE_REPORT, "close", _closure_report),
    DocumentKind.SEIZURE_DECISION: Issuable(
        DocumentKind.SEIZURE_DECISION, "seize", _seizure_decision, True, _seizure_decision_missing
    ),
    DocumentKind.SEIZURE_INVENTORY: Issuable(
        DocumentKind.SEIZURE_INVENTORY, "seize", _seizure_inventory, True, _inventory_missing
    ),
    DocumentKind.SEIZURE_EXTENSION: Issuable(
        DocumentKind.SEIZURE_EXTENSION, "extend_seizure", _seizure_extension, True, _extension_missing
    ),
    DocumentKind.SEIZURE_RELEASE: Issuable(DocumentKind.SEIZURE_RELEASE, "release_seizure", _seizure_release, True),
    DocumentKind.APPRAISAL_NOTICE: Issuable(DocumentKind.APPRAISAL_NOTICE, "start_appraisal", _appraisal_notice, True),
    DocumentKind.PRESERVATION_DECISION: Issuable(
        DocumentKind.PRESERVATION_DECISION, "decide_preserved", _preservation_decision, True
    ),
    DocumentKind.SUMMARY_DECISION: Issuable(DocumentKind.SUMMARY_DECISION, "decide_on_the_spot", _summary_decision),
    # One per round of the review, made by the reviewer's act itself (ISSUED_BY_ACT).
    DocumentKind.LEGAL_REVIEW_OPINION: Issuable(
        DocumentKind.LEGAL_REVIEW_OPINION, "pass_review", _review_opinion, True, _opinion_missing, REVIEWERS
    ),
    DocumentKind.LEGAL_REVIEW_RETURN: Issuable(
        DocumentKind.LEGAL_REVIEW_RETURN, "return_review", _review_opinion, True, _opinion_missing, REVIEWERS
    ),
    # One for each transfer: a case the police refused may be sent again once more is found.
    DocumentKind.CRIME_TRANSFER: Issuable(
        DocumentKind.CRIME_TRANSFER, "transfer_to_judiciary", _crime_transfer, per_act=True
    ),
}
# The acts that make their document themselves, in their own transaction (services.perform): the decision made
# on the spot is written, numbered and handed over then and there (行政处罚法 第五十二条).
ISSUED_BY_ACT: dict[str, DocumentKind] = {
    "decide_on_the_spot": DocumentKind.SUMMARY_DECISION,
    "pass_review": DocumentKind.LEGAL_REVIEW_OPINION,
    "return_review": DocumentKind.LEGAL_REVIEW_RETURN,
}
ISSUERS = (Role.OFFICER.value, Role.APPROVER.value)


# What is served must first be made: the notice before `notify`, the decision before `serve` (guards.py).
# The action → the document that must be made (and served) before it: the notice before `notify`, the
# decision before `serve`, the hearing notice before the hearing is held (guards cite the articles).
SERVED_WITH: dict[str, DocumentKind] = {
    "notify": DocumentKind.ADVANCE_NOTICE,
    "serve": DocumentKind.PENALTY_DECISION,
    "hold_hearing": DocumentKind.HEARING_NOTICE,
    "judiciary_accepts": DocumentKind.CRIME_TRANSFER,
}


def issue_served(actor: User, case: Case, action: str) -> CaseDocument | None:
    """Before `action`, make the document it serves (`SERVED_WITH`) unless made already; None if none is due."""
    kind = SERVED_WITH.get(action)
    if kind is None or served_document_made(case, kind):
        return None
    return issue_document(actor, case, kind)


def served_document_made(case: Case, kind: DocumentKind) -> bool:
    """Whether the document served with an act is made: for a kind made per act (the advance notice, once per
    approval), the one for the latest such act."""
    spec = ISSUABLE[kind]
    if not spec.per_act:
        return case.documents.filter(kind=kind).exists()
    return made_for_latest(case, kind, spec.act)


def _act_entries(case: Case, act: str) -> list[Entry]:
    return list(Entry.objects.filter(subject=subject_key(case), action=f"case.{act}").order_by("index"))


def _label(spec: Issuable, record: CaseRecord | None) -> str:
    label = str(spec.kind.label)
    if spec.per_act and record is not None:
        who = record.data.get("interviewee") or record.data.get("place") or record.data.get("receiver") or ""
        if not who and spec.kind == DocumentKind.ADVANCE_NOTICE:
            return label  # one per approval, and only the latest approval's is pending: its name says enough
        return f"{label}（{who + '，' if who else ''}{record.on_date:%Y-%m-%d}）"
    return label


def issuable(case: Case) -> list[Pending]:
    """The documents whose act has been recorded with what they print, and which are not yet issued (none once the
    file is archived: archives.services.refuse_if_archived)."""
    if case.state == State.ARCHIVED:
        return []
    issued = set(CaseDocument.objects.filter(case=case).values_list("kind", "documents_entry"))
    issued_kinds = {kind for kind, _ in issued}
    records = {record.entry_index: record for record in case.records.all()}
    acts = {f"case.{spec.act}" for spec in ISSUABLE.values()}
    by_act: dict[str, list[Entry]] = {}
    # One query for every kind's act: the case page calls this on each view.
    for entry in Entry.objects.filter(subject=subject_key(case), action__in=acts).order_by("index"):
        by_act.setdefault(entry.action, []).append(entry)
    found = []
    for spec in ISSUABLE.values():
        entries = by_act.get(f"case.{spec.act}", [])
        if not spec.per_act:
            if spec.kind in issued_kinds:
                continue
            entries = entries[-1:]
        for entry in entries:
            record = records.get(entry.index)
            if (spec.kind.value, entry.index) in issued or spec.missing(record) is not None:
                continue
            found.append(Pending(spec, entry, _label(spec, record)))
    return found


@dataclass(frozen=True)
class NoticeTerms:
    """What the advance notice told the party: whether it may ask for a hearing, and the days to state."""

    hearing_right: bool
    statement_days: int


def notice_terms(case: Case) -> NoticeTerms:
    """The terms stated by the case's issued advance notice; those in force now for what it does not say."""
    notice = case.documents.filter(kind=DocumentKind.ADVANCE_NOTICE).order_by("-entry_index").first()
    stated: dict[str, Any] = {}
    if notice is not None:
        facts = Facts.objects.filter(entry_id=notice.entry_index).values_list("facts", flat=True).first()
        stated = json.loads(facts) if facts else {}  # erased facts: fall back to what is in force
    in_force = agency_settings.in_force(case.agency)
    hearing = stated.get("hearing_right")
    days = stated.get("statement_days")
    return NoticeTerms(
        hearing_right=hearing if isinstance(hearing, bool) else agency_settings.hearing_right(case, in_force),
        statement_days=days if isinstance(days, int) and days > 0 else in_force.periods["statement"],
    )


def _entry_for(case: Case, spec: Issuable, entry_index: int | None) -> Entry:
    label = spec.kind.label
    entries = _act_entries(case, spec.act)
    if not entries:
        raise Refusal(f"本案尚未{ACTIONS[spec.act].label}，不能制作{label}")
    if entry_index is None:
        if spec.per_act:
            # The latest act not yet documented that has what the document prints.
            done = set(CaseDocument.objects.filter(case=case, kind=spec.kind).values_list("documents_entry", flat=True))
            records = {r.entry_index: r for r in case.records.filter(action=spec.act)}
            ready = [e for e in entries if e.index not in done and spec.missing(records.get(e.index)) is None]
            entries = ready or entries
        return entries[-1]
    chosen = next((entry for entry in entries if entry.index == entry_index), None)
    if chosen is None or (not spec.per_act and chosen is not entries[-1]):
        raise Refusal(f"第{entry_index}号记录不是本案的{ACTIONS[spec.act].label}记录", field="entry")
    return chosen


def issue_document(
    actor: User, case: Case, kind: str, *, entry: int | None = None, site_base: str | None = None
) -> CaseDocument:
    """Number, render, store and record a document of `kind` for `case`; refuse when its act is not done.

    `entry` names the act's ledger entry for the kinds made once per act (a transcript per interview);
    without it, the latest act not yet documented.
    """
    with translation.override("zh-hans"), transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        refuse_if_archived(case, doing="制作文书")
        if kind not in ISSUABLE:
            raise Refusal(f"暂不能制作“{kind}”类文书", field="kind")
        spec = ISSUABLE[kind]
        label = DocumentKind(kind).label
        require_role(actor, spec.issuers or ISSUERS, agency=case.agency, doing=f"制作{label}")
        act = _entry_for(case, spec, entry)
        made = CaseDocument.objects.filter(case=case, kind=kind)
        if made.filter(documents_entry=act.index).exists() or (not spec.per_act and made.exists()):
            raise Refusal(f"本案已制作{label}，如需更正请作出更正决定")
        problem = spec.missing(case.records.filter(entry_index=act.index).first())
        if problem is not None:
            raise Refusal(f"不能由系统制作{label}：{problem}")
        today = timezone.localdate()
        number = next_number(case.agency, spec.kind, today.year)
        entry_hash = bytes(act.leaf_hash).hex()
        context = spec.build(case, number, entry_hash, act)
        pdf = render_pdf(spec.kind, context, site_base=site_base or settings.ZHIFA_PUBLIC_URL)
        blob = blobs.store(io.BytesIO(pdf), content_type="application/pdf")
        facts = {"kind": spec.kind.value, "number": str(number), "sha256": blob.sha256, "documents": act.index}
        if isinstance(context, contexts.AdvanceNotice):
            # What the party is told: notify keeps to it (notice_terms).
            facts["hearing_right"] = context.hearing_right
            facts["statement_days"] = context.statement_days
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
            documents_entry=act.index,
            entry_index=issued.index,
            issued_on=today,
            created_by=actor,
        )


def attach_signed(actor: User, document: CaseDocument, files: list[str]) -> CaseDocument:
    """Keep the scan of a printed document signed by the party (or witnesses) beside the document itself."""
    with translation.override("zh-hans"), transaction.atomic():
        document = CaseDocument.objects.select_for_update().select_related("case__agency").get(pk=document.pk)
        case = document.case
        label = document.get_kind_display()
        refuse_if_archived(case, doing=f"上传{label}的签字件")
        require_role(actor, ISSUERS, agency=case.agency, doing=f"上传{label}的签字件")
        officer = getattr(actor, "officer", None)
        on_team = officer is not None and case.assignments.active().filter(officer=officer).exists()
        if not on_team and not actor.has_role(Role.APPROVER.value):
            raise Refusal(f"只有本案的承办人员或审批人可以上传{label}的签字件", rule="行政处罚法 第四十二条")
        files = [digest.strip().lower() for digest in files]
        if not files:
            raise Refusal("请上传签字后的扫描件或照片", field="evidence")
        if document.signed_files:
            raise Refusal(f"{document.number} 已上传签字件；如有更正，请作出更正决定", field="evidence")
        facts = {"number": document.number, "sha256": document.sha256, "signed": list(files)}
        signed = record(
            actor=actor, action="document.sign", subject=case, facts=facts, files=list(files), agency=case.agency
        )
        document.signed_files = list(files)
        document.signed_entry = signed.index
        document.save(update_fields=["signed_files", "signed_entry"])
        return document
