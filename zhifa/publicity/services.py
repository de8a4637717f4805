"""The writes of publication: publish (after the officer confirmed the redaction), withhold with a lawful
reason, withdraw a revoked decision, and take and answer credit-repair applications. Each writes its ledger
entry in the same transaction (publication.* actions)."""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone, translation

from zhifa.cases.choices import PartyKind
from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.passwords import decoy_hash
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency, restrict
from zhifa.documents.rendering import render_pdf
from zhifa.ledger import blobs
from zhifa.ledger.services import record
from zhifa.publicity import drafting, redaction, rules
from zhifa.publicity.choices import (
    CreditClass,
    DecisionClass,
    PublicationState,
    RepairState,
    RevokedBy,
    WithdrawalReason,
    WithholdReason,
)
from zhifa.publicity.drafting import Term
from zhifa.publicity.models import CreditRepair, Publication
from zhifa.publicity.redaction.base import LABELS, Kind
from zhifa.publicity.search import index_text

# Who publishes, withholds and withdraws: the case's own officers, and the heads who may decide the case (an approver
# of its agency or of one above it, as the workflow lets them decide) — 谁决定、谁公开; 谁认定、谁修复 for repairs.
PUBLISHERS = (Role.OFFICER.value, Role.APPROVER.value)
NOTE_LENGTH = 2000


def may_publish(actor: User, case: Case) -> bool:
    """Whether `actor` may publish, withhold or withdraw `case`'s decisions: a head who may decide it, or an
    officer on its team. The pages ask this before offering the forms; the services refuse otherwise."""
    if not actor.is_active or not can_see_agency(actor, case.agency):
        return False
    if actor.has_role(Role.APPROVER.value):
        return True
    officer = getattr(actor, "officer", None)
    return (
        actor.has_role(Role.OFFICER.value)
        and officer is not None
        and case.assignments.active().filter(officer=officer).exists()
    )


def publishable(actor: User, case_ids: Sequence[int]) -> set[int]:
    """Of `case_ids`, the cases whose decisions `actor` may publish (one query, for the desk)."""
    from zhifa.cases.models import CaseOfficer

    if not actor.is_active or actor.agency_id is None:
        return set()
    own = set(restrict(Case.objects.filter(pk__in=case_ids), actor).values_list("pk", flat=True))
    if actor.has_role(Role.APPROVER.value):
        return own
    officer = getattr(actor, "officer", None)
    if officer is None or not actor.has_role(Role.OFFICER.value):
        return set()
    return set(CaseOfficer.objects.active().filter(case_id__in=own, officer=officer).values_list("case_id", flat=True))


def _require_publisher(actor: User, case: Case, doing: str) -> None:
    require_role(actor, PUBLISHERS, agency=case.agency, doing=doing)
    if not may_publish(actor, case):
        raise Refusal(f"只有本案的承办人员或有权作出本案决定的负责人可以{doing}")


def may_answer_repair(actor: User, publication: Publication) -> bool:
    """A head who may decide the publication's case answers its repair (谁认定、谁修复)."""
    return actor.is_active and actor.has_role(Role.APPROVER.value) and can_see_agency(actor, publication.agency)


def check_length(text: str, limit: int, label: str, *, field: str) -> None:
    if len(text) > limit:
        raise Refusal(f"{label}不能超过{limit}字（现为{len(text)}字）", field=field)


def _not_yet(case: Case, decision_entry: int) -> None:
    if Publication.objects.filter(decision_entry=decision_entry).exists():
        raise Refusal("该决定已公开或已登记不予公开，不能重复办理", field="decision_entry")


def _due(decision_class: DecisionClass, decided_on: date) -> tuple[date, bool]:
    deadline = rules.publication_due(decision_class, decided_on)
    return deadline.date, deadline.provisional


def _terms(confirmed: Sequence[Term], draft: drafting.Draft) -> list[Term]:
    """The confirmed terms with the required ones always in: the officer cannot untick the party's own data."""
    chosen = {term.text: term for term in draft.terms if term.required}
    for term in confirmed:
        text = term.text.strip()
        if not text:
            continue
        if len(text) > drafting.MAX_TERM_LENGTH:
            raise Refusal(f"脱敏项“{text[:20]}…”过长（不超过{drafting.MAX_TERM_LENGTH}字）", field="extra")
        chosen.setdefault(text, Term(text, term.kind, term.mask or LABELS[Kind.MARKED]))
    if len(chosen) > drafting.MAX_TERMS:
        raise Refusal(f"脱敏项不能超过{drafting.MAX_TERMS}项", field="extra")
    return list(chosen.values())


def publication_publish(
    *,
    actor: User,
    case: Case,
    decision_entry: int,
    confirmed: Sequence[Term],
    credit_class: CreditClass | str | None = None,
    site_base: str | None = None,
    published_on: date | None = None,
    publish_minor: bool = False,
) -> Publication:
    """Publish a decision with the terms the officer confirmed masked (他确认后才公开).

    The published fields and a fresh rendering of the decision document are masked; the PDF is refused when a
    confirmed term can still be read in it. The publication's dates follow its class (rules.py).
    `published_on`: the day it was published on the platform an agency used before (补录), recorded as such;
    today by default."""
    with translation.override("zh-hans"), transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("agency", "violation").get(pk=case.pk)
        _require_publisher(actor, case, "公开执法决定")
        _not_yet(case, decision_entry)
        draft = drafting.draft(case, decision_entry)
        if draft.decision_class is DecisionClass.PENALTY and draft.document is None:
            raise Refusal("请先制作并送达行政处罚决定书，再公开", rule="国办发〔2018〕118号")
        terms = _terms(confirmed, draft)
        fields = draft.fields.redacted(terms)
        today = timezone.localdate()
        decided_on = draft.record.on_date
        if published_on is not None and not decided_on <= published_on <= today:
            raise Refusal("补录的公开日期应在决定日期和今天之间", field="published_on")
        chosen = CreditClass(credit_class) if credit_class else rules.credit_class(case)
        # Only penalty information has a credit class; another decision is shown as long as general information.
        penalty = draft.decision_class is DecisionClass.PENALTY
        policy = rules.display_policies()[chosen if penalty else CreditClass.GENERAL]
        if penalty and not policy.published and not publish_minor:
            raise Refusal(
                f"{chosen.label}原则上不予公示：请登记不予公开（理由：轻微失信信息），确需公示的请勾选“确需公示”",
                field="credit_class",
                rule=policy.source,
            )
        due_on, provisional = _due(draft.decision_class, decided_on)
        files: list[str] = []
        published_sha256 = ""
        if draft.document is not None:
            context = drafting.redacted_context(draft.document, terms)
            pdf = render_pdf(draft.document.kind, context, site_base=site_base or settings.ZHIFA_PUBLIC_URL)
            leaked = redaction.leaks(pdf, [term.text for term in terms])
            if leaked:
                raise Refusal(f"公开版决定书仍可读出已确认遮盖的内容（{len(leaked)}项），未公开；请联系系统管理员")
            published_sha256 = blobs.store(io.BytesIO(pdf), content_type="application/pdf").sha256
            files.append(published_sha256)
        publication = Publication(
            case=case,
            agency=case.agency,
            decision_entry=decision_entry,
            decision_class=draft.decision_class,
            decided_on=decided_on,
            due_on=due_on,
            due_provisional=provisional,
            state=PublicationState.PUBLISHED,
            number=fields.number,
            party_kind=fields.party_kind,
            party=fields.party,
            credit_code=fields.credit_code,
            violation=fields.violation,
            violation_code=fields.violation_code,
            provisions=fields.provisions,
            facts=fields.facts,
            outcome=fields.outcome,
            fine=fields.fine,
            confiscated=fields.confiscated,
            document=draft.document,
            published_sha256=published_sha256,
            redactions=[term.as_dict() for term in terms],
            search_text=index_text(
                fields.number,
                fields.violation,
                fields.party,
                fields.facts,
                fields.provisions,
                fields.outcome,
                case.agency.name,
                agency_path=case.agency.path,
                decided_on=decided_on,
                fine=fields.fine,
                violation_code=fields.violation_code,
            ),
            published_on=published_on or today,
            credit_class=chosen if penalty else "",
            repairable_from=policy.repairable_from(decided_on) if penalty else None,
            display_until=policy.display_until(decided_on),
            entry_index=0,
            created_by=actor,
        )
        publication.full_clean(exclude=["entry_index", "created_by", "case", "agency", "document"])
        publication.save()
        facts = {
            "case": case.pk,
            "decision_entry": decision_entry,
            "decision_class": draft.decision_class.value,
            "due_on": due_on.isoformat(),
            "published_on": (published_on or today).isoformat(),
            "recorded_later": published_on is not None and published_on != today,
            "late": (published_on or today) > due_on,
            "number": fields.number,
            "party": fields.party,
            "violation": fields.violation,
            "provisions": fields.provisions,
            "outcome": fields.outcome,
            "fine": None if fields.fine is None else f"{fields.fine:.2f}",
            "credit_class": chosen.value if penalty else "",
            "display_until": publication.display_until.isoformat() if publication.display_until else None,
            "published_sha256": published_sha256,
            # What was masked is kept with the facts (personal data is allowed there; the leaf has only their
            # commitment): an audit can see the officer's confirmation, the public never does.
            "redactions": publication.redactions,
        }
        entry = record(
            actor=actor, action="publication.publish", subject=publication, facts=facts, files=files, agency=case.agency
        )
        publication.entry_index = entry.index
        publication.save(update_fields=["entry_index"])
        return publication


def publication_withhold(
    *, actor: User, case: Case, decision_entry: int, reason: WithholdReason | str, note: str
) -> Publication:
    """Record that a decision is not published, and the lawful reason (visible to supervisors)."""
    with translation.override("zh-hans"), transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("agency").get(pk=case.pk)
        _require_publisher(actor, case, "登记不予公开")
        _not_yet(case, decision_entry)
        if reason not in WithholdReason.values:
            raise Refusal("请选择不予公开的理由", field="reason", rule="国办发〔2018〕118号")
        note = note.strip()
        check_length(note, NOTE_LENGTH, "说明", field="note")
        if not note:
            raise Refusal("请说明不予公开的具体情形", field="note", rule="国办发〔2018〕118号")
        record_ = drafting.decision_record(case, decision_entry)
        decision_class = rules.DECISION_ACTS[record_.action]
        due_on, provisional = _due(decision_class, record_.on_date)
        publication = Publication.objects.create(
            case=case,
            agency=case.agency,
            decision_entry=decision_entry,
            decision_class=decision_class,
            decided_on=record_.on_date,
            due_on=due_on,
            due_provisional=provisional,
            state=PublicationState.WITHHELD,
            party_kind=PartyKind.CITIZEN,
            party="",
            withheld_reason=reason,
            withheld_note=note,
            entry_index=0,
            created_by=actor,
        )
        entry = record(
            actor=actor,
            action="publication.withhold",
            subject=publication,
            facts={"case": case.pk, "decision_entry": decision_entry, "reason": str(reason), "note": note},
            agency=case.agency,
        )
        publication.entry_index = entry.index
        publication.save(update_fields=["entry_index"])
        return publication


def publication_withdraw(
    *,
    actor: User,
    publication: Publication,
    reason: WithdrawalReason | str,
    revoked_by: RevokedBy | str,
    revoked_on: date,
    notice: str,
) -> Publication:
    """Take a published decision down, with the public notice of why (行政处罚法 第四十八条第二款).

    It is due three working days after the decision was revoked, changed or found unlawful or void; a later
    withdrawal is still made, and recorded as late."""
    with translation.override("zh-hans"), transaction.atomic():
        publication = (
            Publication.objects.select_for_update(of=("self",)).select_related("agency", "case").get(pk=publication.pk)
        )
        _require_publisher(actor, publication.case, "撤回已公开的决定")
        if publication.state != PublicationState.PUBLISHED:
            raise Refusal(f"该决定{publication.get_state_display()}，不能撤回")
        if reason not in WithdrawalReason.values:
            raise Refusal("请选择撤回原因", field="reason", rule=rules.WITHDRAWAL.source)
        if revoked_by not in RevokedBy.values:
            raise Refusal("请选择作出撤销、变更或确认违法的机关", field="revoked_by")
        today = timezone.localdate()
        if revoked_on > today:
            raise Refusal("撤销、变更或确认违法的日期不能晚于今天", field="revoked_on")
        if revoked_on < publication.decided_on:
            raise Refusal("撤销、变更或确认违法的日期不能早于原决定日期", field="revoked_on")
        notice = notice.strip()
        check_length(notice, NOTE_LENGTH, "撤回说明", field="notice")
        if not notice:
            raise Refusal("请填写向社会公开的撤回说明", field="notice", rule=rules.WITHDRAWAL.source)
        due = rules.WITHDRAWAL.due(revoked_on)
        publication.state = PublicationState.WITHDRAWN
        publication.withdrawal_reason = reason
        publication.revoked_by = revoked_by
        publication.revoked_on = revoked_on
        publication.withdrawal_due = due.date
        publication.withdrawal_notice = notice
        publication.withdrawn_on = today
        publication.save()
        facts = {
            "reason": str(reason),
            "revoked_by": str(revoked_by),
            "revoked_on": revoked_on.isoformat(),
            "due_on": due.date.isoformat(),
            "late": today > due.date,
            "notice": notice,
        }
        entry = record(
            actor=actor, action="publication.withdraw", subject=publication, facts=facts, agency=publication.agency
        )
        publication.entry_index = entry.index
        publication.save(update_fields=["entry_index"])
        return publication


# Credit repair (信用修复) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    repair: CreditRepair
    code: str  # the applicant's secret for the tracking page, shown once


def _repair_number(today: date) -> str:
    return f"XF{today:%Y}-{secrets.token_hex(4).upper()}"


def repair_refusal(publication: Publication, today: date) -> str | None:
    """Why a credit repair of this publication cannot be applied for today, or None when it can."""
    if publication.state != PublicationState.PUBLISHED or publication.display_until is None:
        return "该决定不在公示中，无需申请信用修复"
    if publication.decision_class != DecisionClass.PENALTY:
        return "只有行政处罚信息可以申请信用修复"
    if publication.display_until < today:
        return "该信息公示期已满，已停止公示"
    if publication.repairable_from and today < publication.repairable_from:
        return (
            f"{publication.get_credit_class_display()}须公示满最短期限后方可申请修复，"
            f"{publication.repairable_from:%Y年%m月%d日}起可以申请（{rules.display_policies()[CreditClass(publication.credit_class)].source}）"
        )
    if publication.repairs.filter(state=RepairState.SUBMITTED).exists():
        return "已有信用修复申请在审核中，请凭申请编号查询进度"
    return None


def party_identity(publication: Publication) -> str:
    """The party's identity number (a person) or credit code (an organisation), as the case recorded it."""
    party = publication.case.parties.order_by("pk").first()
    if party is None:
        return ""
    return (party.id_number or party.credit_code).strip().upper()


def repair_apply(*, publication: Publication, applicant: str, contact: str, statement: str, identity: str) -> Filed:
    """A party's application to end the display early, taken by the portal (no login).

    Only the party applies: `identity` (the ID number of a person, the credit code of an organisation) must be
    the one the case recorded, so a stranger can neither apply nor block the party's application."""
    with translation.override("zh-hans"), transaction.atomic():
        publication = (
            Publication.objects.select_for_update(of=("self",)).select_related("agency", "case").get(pk=publication.pk)
        )
        today = timezone.localdate()
        refusal = repair_refusal(publication, today)
        if refusal is not None:
            raise Refusal(refusal, rule="信用修复管理办法")
        recorded = party_identity(publication)
        if not recorded:
            raise Refusal(
                f"该决定的当事人未登记证件号码，请携带身份证明到{publication.agency.name}申请", field="identity"
            )
        if "".join(identity.split()).upper() != recorded:
            raise Refusal(
                "身份证号码或统一社会信用代码与处罚决定的当事人不符：信用修复只能由当事人申请", field="identity"
            )
        applicant, contact, statement = applicant.strip(), contact.strip(), statement.strip()
        if not applicant:
            raise Refusal("请填写申请人（当事人名称或姓名）", field="applicant")
        check_length(applicant, 200, "申请人", field="applicant")
        digits = contact.replace("-", "").replace(" ", "")
        if not contact or not (digits.isascii() and digits.isdigit()) or len(contact) > 20:
            raise Refusal("请填写有效的联系电话（数字，不超过20位）", field="contact")
        if not statement:
            raise Refusal("请说明处罚决定的履行情况和申请修复的理由", field="statement", rule="信用修复管理办法")
        check_length(statement, NOTE_LENGTH, "履行情况和修复理由", field="statement")
        code = secrets.token_urlsafe(9)
        repair = CreditRepair.objects.create(
            publication=publication,
            number=_repair_number(today),
            code_hash=make_password(code),
            applicant=applicant,
            contact=contact,
            statement=statement,
            submitted_on=today,
            due_on=rules.REPAIR_ANSWER.due(today).date,
            entry_index=0,
        )
        facts = {
            "publication": publication.pk,
            "number": repair.number,
            "applicant": applicant,
            "contact": contact,
            "statement": statement,
            "due_on": repair.due_on.isoformat(),
        }
        entry = record(
            actor=None, action="publication.repair_apply", subject=repair, facts=facts, agency=publication.agency
        )
        repair.entry_index = entry.index
        repair.save(update_fields=["entry_index"])
        return Filed(repair, code)


def repair_answer(*, actor: User, repair: CreditRepair, approve: bool, answer: str) -> CreditRepair:
    """The finding body's answer (谁认定、谁修复): approved, the publication stops being shown today."""
    with translation.override("zh-hans"), transaction.atomic():
        repair = CreditRepair.objects.select_for_update().get(pk=repair.pk)
        publication = (
            Publication.objects.select_for_update(of=("self",)).select_related("agency").get(pk=repair.publication_id)
        )
        require_role(actor, (Role.APPROVER.value,), agency=publication.agency, doing="审核信用修复申请")
        if not may_answer_repair(actor, publication):
            raise Refusal(f"信用修复由作出处罚决定的{publication.agency.name}审核（谁认定、谁修复）")
        if repair.state != RepairState.SUBMITTED:
            raise Refusal(f"该申请已{repair.get_state_display()}，不能再次审核")
        answer = answer.strip()
        if not answer:
            raise Refusal("请填写答复意见（准予或不予修复的理由）", field="answer", rule="信用修复管理办法")
        check_length(answer, NOTE_LENGTH, "答复意见", field="answer")
        today = timezone.localdate()
        repair.state = RepairState.APPROVED if approve else RepairState.REFUSED
        repair.answer = answer
        repair.answered_on = today
        repair.answered_by = actor
        repair.save()
        facts = {"number": repair.number, "state": repair.state, "answer": answer, "late": today > repair.due_on}
        entry = record(
            actor=actor, action="publication.repair_answer", subject=repair, facts=facts, agency=publication.agency
        )
        repair.entry_index = entry.index
        repair.save(update_fields=["entry_index"])
        if approve and publication.state == PublicationState.PUBLISHED:
            publication.state = PublicationState.REPAIRED
            publication.repaired_on = today
            publication.save(update_fields=["state", "repaired_on"])
            repaired = record(
                actor=actor,
                action="publication.repair",
                subject=publication,
                facts={"repair": repair.number, "repaired_on": today.isoformat()},
                agency=publication.agency,
            )
            publication.entry_index = repaired.index
            publication.save(update_fields=["entry_index"])
        return repair


def repair_tracked(number: str, code: str) -> CreditRepair | None:
    """The application with this number when `code` is its secret; None otherwise (never says which was wrong)."""
    repair = CreditRepair.objects.select_related("publication").filter(number=number.strip().upper()[:20]).first()
    if repair is None:
        check_password(code[:40], decoy_hash())  # as slow as a wrong code: numbers cannot be probed by timing
        return None
    return repair if check_password(code, repair.code_hash) else None
