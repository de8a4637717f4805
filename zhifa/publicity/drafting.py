"""What a decision's publication would show, before and after redaction (脱敏), for the officer to confirm.

The automatic pass (redaction.py) finds personal data in the publishable fields and in the issued decision PDF;
the party's own name (a person), identity number, telephone and address are always masked; the officer
confirms the rest, unticks what is not personal, and adds what he marks private or a trade secret. Only the
confirmed terms are applied, to the published fields and to a fresh rendering of the decision document.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhifa.cases.choices import NoPenaltyGround, PartyKind
from zhifa.cases.issuing import ISSUABLE
from zhifa.cases.models import Case, CaseDocument, CaseRecord, Party
from zhifa.core.errors import Refusal
from zhifa.documents import contexts
from zhifa.documents.choices import DocumentKind
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.personnel.models import Officer
from zhifa.publicity import redaction
from zhifa.publicity.choices import DecisionClass
from zhifa.publicity.redaction.addresses import visible_prefix
from zhifa.publicity.redaction.base import ADDRESS_TAIL, LABELS, Kind, name_mask
from zhifa.publicity.rules import DECISION_ACTS

# The document each decision act is printed as; a decision not to penalise has no system document yet.
DOCUMENT_OF: dict[str, DocumentKind] = {
    "decide": DocumentKind.PENALTY_DECISION,
    "decide_on_the_spot": DocumentKind.SUMMARY_DECISION,
}
MAX_TERMS = 200
MAX_TERM_LENGTH = 200


@dataclass(frozen=True)
class Term:
    """A piece of text masked wherever it occurs, with its kind and the mask printed in its place.

    `required` terms (the party's own data) cannot be unticked."""

    text: str
    kind: str
    mask: str
    reason: str = ""
    required: bool = False
    suggested: bool = True  # ticked when the page first shows it

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "kind": self.kind, "mask": self.mask}


@dataclass(frozen=True)
class Fields:
    """The publishable fields of a decision, as the public would read them."""

    number: str
    party_kind: str
    party: str
    credit_code: str
    violation: str
    violation_code: str
    provisions: str
    facts: str
    outcome: str
    fine: Decimal | None
    confiscated: Decimal | None

    TEXTS = ("party", "violation", "provisions", "facts", "outcome")

    def redacted(self, terms: list[Term]) -> Fields:
        changes: dict[str, Any] = {name: mask(getattr(self, name), terms) for name in self.TEXTS}
        return dataclasses.replace(self, **changes)

    def text(self) -> str:
        return "\n".join(getattr(self, name) for name in self.TEXTS)


def mask(text: str, terms: list[Term]) -> str:
    """`text` with every confirmed term replaced by its mask, longest first (a name inside an address)."""
    for term in sorted(terms, key=lambda t: len(t.text), reverse=True):
        if term.text:
            text = text.replace(term.text, term.mask)
    return text


def masked_address(address: str) -> str:
    """An address as published: down to the county kept, the rest hidden (redaction's rule for addresses)."""
    keep = visible_prefix(address)
    return address[:keep] + ADDRESS_TAIL


@dataclass(frozen=True)
class Draft:
    """One decision act ready to be published: its case, act, class, fields, document and suggested terms."""

    case: Case
    record: CaseRecord
    decision_class: DecisionClass
    fields: Fields
    document: CaseDocument | None
    terms: list[Term]

    @property
    def decision_entry(self) -> int:
        return self.record.entry_index


def decision_record(case: Case, decision_entry: int) -> CaseRecord:
    record = case.records.filter(entry_index=decision_entry, action__in=list(DECISION_ACTS)).first()
    if record is None:
        raise Refusal(f"第{decision_entry}号记录不是本案的处罚或不予处罚决定", field="decision_entry")
    return record


def _party(case: Case) -> Party | None:
    return case.parties.order_by("pk").first()


def _outcome(case: Case, record: CaseRecord) -> str:
    if record.action == "decide_no_penalty":
        ground = record.data.get("ground", "")
        label = NoPenaltyGround(ground).label if ground in NoPenaltyGround.values else ""
        return (
            "不予行政处罚"
            + (f"：{label}" if label else "")
            + (f"。{case.outcome_reason}" if case.outcome_reason else "")
        )
    return case.penalty_text


def fields_of(case: Case, record: CaseRecord, document: CaseDocument | None) -> Fields:
    party = _party(case)
    person = party is None or party.kind == PartyKind.CITIZEN
    provisions = "\n".join(part for part in (case.legal_basis, case.penalty_basis) if part)
    violation = case.violation
    return Fields(
        number=document.number if document else "",
        party_kind=party.kind if party else PartyKind.CITIZEN,
        party=(name_mask(party.name) if person else party.name) if party else "（未登记）",
        credit_code="" if person or party is None else party.credit_code,
        violation=violation.name if violation is not None else case.title,
        violation_code=violation.code if violation is not None else "",
        provisions=provisions,
        facts=case.facts_found,
        outcome=_outcome(case, record),
        fine=case.fine if record.action != "decide_no_penalty" else None,
        confiscated=case.confiscated if record.action != "decide_no_penalty" else None,
    )


def _required(case: Case) -> list[Term]:
    """The parties' own data: a person's name, and anyone's identity number, telephone and address of a person."""
    terms = []
    for party in case.parties.all():
        if party.kind == PartyKind.CITIZEN:
            terms.append(Term(party.name, "person_name", name_mask(party.name), "当事人姓名", True))
            if party.address:
                terms.append(Term(party.address, "address", masked_address(party.address), "当事人住址", True))
        elif party.representative:
            rep = party.representative
            terms.append(Term(rep, "person_name", name_mask(rep), "法定代表人或负责人姓名", True))
        if party.id_number:
            terms.append(Term(party.id_number, "id_number", LABELS[Kind.ID_NUMBER], "当事人身份证号码", True))
        if party.phone:
            terms.append(Term(party.phone, "phone", LABELS[Kind.PHONE], "当事人联系电话", True))
    return [term for term in terms if term.text.strip()]


def _known(case: Case) -> redaction.Known:
    persons = [p.name for p in case.parties.all() if p.kind == PartyKind.CITIZEN]
    persons += [p.representative for p in case.parties.all() if p.representative]
    for record in case.records.filter(action__in=["record_interview", "record_inspection"]):
        for key in ("interviewee", "present_person", "witness"):
            value = record.data.get(key)
            if isinstance(value, str) and value.strip():
                persons.append(value.strip())
            elif isinstance(value, dict) and str(value.get("name", "")).strip():
                persons.append(str(value["name"]).strip())
    # Officers are published with their certificate numbers, and the agency by name: never masked.
    keep = list(Officer.objects.filter(case_assignments__case=case).values_list("name", flat=True))
    keep.append(case.agency.name)
    party = _party(case)
    if party is not None and party.kind == PartyKind.ORGANISATION:
        keep.append(party.name)
    return redaction.Known(persons=persons, keep=keep)


def _found(text: str, known: redaction.Known, terms: dict[str, Term]) -> None:
    for finding in redaction.find(text, known=known):
        found = finding.text.strip()
        # A credit code names an organisation, which is published by name (the engine leaves it unmasked).
        if len(found) < 2 or found in terms or not finding.masked:
            continue
        certain = finding.confidence == redaction.Confidence.CERTAIN
        terms[found] = Term(found, str(finding.kind), finding.mask, finding.reason, False, certain)


def draft(case: Case, decision_entry: int) -> Draft:
    record = decision_record(case, decision_entry)
    decision_class = DECISION_ACTS[record.action]
    kind = DOCUMENT_OF.get(record.action)
    document = None
    if kind is not None:
        document = CaseDocument.objects.filter(case=case, kind=kind, documents_entry=decision_entry).first()
    fields = fields_of(case, record, document)
    terms = {term.text: term for term in _required(case)}
    known = _known(case)
    _found(fields.text(), known, terms)
    if document is not None:
        _found(redaction.pdf_text(b"".join(blobs.open_verified(document.sha256))), known, terms)
    return Draft(case, record, decision_class, fields, document, list(terms.values())[:MAX_TERMS])


def _masked_value(value: Any, terms: list[Term]) -> Any:
    if isinstance(value, str):
        return mask(value, terms)
    if isinstance(value, tuple):
        return tuple(_masked_value(item, terms) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _masked_value(getattr(value, f.name), terms) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def redacted_context(document: CaseDocument, terms: list[Term]) -> contexts.Document:
    """The decision document's contents drawn afresh from the case, every text masked by the confirmed terms.

    The number and the act's hash stay: the public copy names the decision it is a copy of."""
    spec = ISSUABLE[document.kind]
    act = Entry.objects.get(index=document.documents_entry)
    context = spec.build(document.case, document.document_number(), bytes(act.leaf_hash).hex(), act)
    masked: contexts.Document = _masked_value(context, terms)
    return dataclasses.replace(
        masked, number=context.number, entry_hash=context.entry_hash, agency_name=context.agency_name
    )
