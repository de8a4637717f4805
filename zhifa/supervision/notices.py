"""The instruments of supervision as workflows (行政执法监督条例 第二十六条至第三十三条).

督办函 (art. 27, a duty not performed) and 意见书 (art. 28, an unlawful or clearly improper act) are drafted and
issued by the supervisor; a 决定书 (art. 29) is made by the government at the supervisor's proposal: the proposal,
then the government's approval with its document number, then the numbered document. A problem corrected on the
spot (art. 26) is recorded, with no deadline. The agency reports its correction within the set time (arts. 27,
28) or objects with reasons (art. 30); the supervisor answers the objection and accepts or returns the report. A
督办函 or 意见书 not followed by its deadline is escalated to a 决定书 (art. 29), linked to it. Results may be
published (通报, art. 31); proposals on officers (art. 32) and referrals to the 监察机关 (art. 33) are recorded.

Every change is one function here, in one transaction with its ledger entry.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency, restrict
from zhifa.core.workdays import add_calendar_days
from zhifa.documents.choices import DocumentKind
from zhifa.documents.contexts import CONTEXTS, Document
from zhifa.documents.numbering import next_number
from zhifa.documents.rendering import render_pdf
from zhifa.ledger import blobs
from zhifa.ledger.services import record
from zhifa.personnel.choices import CertificateStatus
from zhifa.personnel.models import Officer
from zhifa.personnel.services import PERSONNEL_ROLES, certificate_revoke
from zhifa.supervision.models.challenges import Litigation, Outcome, Reconsideration
from zhifa.supervision.models.notices import (
    OWING,
    Bulletin,
    Measure,
    NoticeKind,
    NoticeState,
    Objection,
    ObjectionOutcome,
    OfficerProposal,
    Rectification,
    Referral,
    SupervisionNotice,
    Verdict,
)

# ---- periods: data with their sources ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    days: int
    source: str


PERIODS: dict[str, Period] = {
    # 监督条例 第二十七条、第二十八条: "在规定期限内" — the regulation sets no number; the supervisor sets the date on
    # each instrument, this is only the date the form proposes.
    "correction": Period(
        30, "监督机关在文书中确定；行政执法监督条例第二十七条、第二十八条未规定具体期限，本系统默认30日"
    ),
    # 监督条例 第三十条 sets no period for an objection; older local supervision rules give 10 days (RULES.md).
    "objection": Period(10, "地方行政执法监督规定（异议期限10日）；行政执法监督条例第三十条未规定具体期限"),
}

SUPERVISORS = (Role.SUPERVISOR,)
ISSUED_KINDS = {
    NoticeKind.URGING: DocumentKind.SUPERVISION_URGING,
    NoticeKind.OPINION: DocumentKind.SUPERVISION_OPINION,
    NoticeKind.DECISION: DocumentKind.SUPERVISION_DECISION,
}
MAX_TEXT = 4000


def default_due(start: date, period: str = "correction") -> date:
    return add_calendar_days(start, PERIODS[period].days).date


# ---- the documents ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SupervisionLetter(Document):
    """What a 督办函, 意见书 or 决定书 prints: the agency addressed, the problem found, what it must do and by when."""

    addressee: str
    case_title: str
    facts: str
    request: str
    basis: str
    due_on: date
    objection_days: int
    issued_on: date
    government: str = ""
    approval_number: str = ""
    escalated_from: str = ""  # the number of the 督办函 or 意见书 not followed
    escalated_from_on: date | None = None

    request_heading: ClassVar[str] = "整改要求"

    @property
    def short_title(self) -> str:
        return str(self.kind.label).removeprefix("行政执法监督")


@dataclass(frozen=True, kw_only=True)
class UrgingLetter(SupervisionLetter):
    kind: ClassVar[DocumentKind] = DocumentKind.SUPERVISION_URGING
    request_heading: ClassVar[str] = "督办事项"


@dataclass(frozen=True, kw_only=True)
class OpinionLetter(SupervisionLetter):
    kind: ClassVar[DocumentKind] = DocumentKind.SUPERVISION_OPINION
    request_heading: ClassVar[str] = "监督意见"


@dataclass(frozen=True, kw_only=True)
class DecisionLetter(SupervisionLetter):
    kind: ClassVar[DocumentKind] = DocumentKind.SUPERVISION_DECISION
    request_heading: ClassVar[str] = "决定事项"


LETTERS: dict[str, type[SupervisionLetter]] = {
    NoticeKind.URGING: UrgingLetter,
    NoticeKind.OPINION: OpinionLetter,
    NoticeKind.DECISION: DecisionLetter,
}
# The documents app renders a kind from its context class (documents/contexts.py CONTEXTS): ours live here.
for _context in LETTERS.values():
    CONTEXTS.setdefault(_context.kind, _context)


# ---- who is who ------------------------------------------------------------------------------------------------


def is_supervisor_of(actor: User, notice: SupervisionNotice) -> bool:
    return bool(
        actor.is_active
        and actor.has_role(Role.SUPERVISOR)
        and actor.agency is not None
        and can_see_agency(actor, notice.issuer)
    )


def answers_for(actor: User, agency: Agency) -> bool:
    """Whether the actor answers for the agency: its head, or an approver (案件审批人) of the agency itself."""
    if not actor.is_active:
        return False
    if actor.has_role(Role.APPROVER) and actor.agency_id == agency.pk:
        return True
    head = agency.head
    return head is not None and head.user_id is not None and head.user_id == actor.pk


def _require_supervisor(actor: User, notice: SupervisionNotice, doing: str) -> None:
    require_role(actor, SUPERVISORS, agency=notice.issuer, doing=doing)


def _require_agency(actor: User, notice: SupervisionNotice, doing: str) -> None:
    if not answers_for(actor, notice.agency):
        raise Refusal(f"只有{notice.agency.name}的负责人或案件审批人可以{doing}")


def _locked(notice: SupervisionNotice) -> SupervisionNotice:
    return (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("agency", "issuer", "case")
        .get(pk=notice.pk)
    )


def _state(notice: SupervisionNotice, *states: str, doing: str) -> None:
    if notice.state not in states:
        raise Refusal(f"该文书当前为“{notice.get_state_display()}”，不能{doing}")


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refusal(f"请填写{label}", field=field)
    if len(value) > limit:
        raise Refusal(f"{label}最多 {limit} 个字符，现为 {len(value)} 个", field=field)
    return value


def _record(actor: User, verb: str, notice: SupervisionNotice, facts: dict[str, Any], files: list[str] = []) -> Any:  # noqa: B006
    return record(
        actor=actor,
        action=f"supervision.{verb}",
        subject=notice,
        facts={"notice": notice.pk, "kind": notice.kind, "state": notice.state, **facts},
        files=files,
        agency=notice.agency,
    )


# ---- art. 33 para. 3: a dispute in reconsideration or litigation is not supervised again ---------------------------


def challenge_refusal(case: Case) -> str | None:
    """Why a notice about `case` is refused: the dispute is already before a 复议机关 or a court."""
    live = ~Q(outcome=Outcome.WITHDRAWN)
    reconsideration = Reconsideration.objects.filter(live, case=case).order_by("-applied_on").first()
    if reconsideration is not None:
        return (
            f"该案已于{reconsideration.applied_on:%Y年%-m月%-d日}申请行政复议（复议机关：{reconsideration.body}），"
            "争议应通过行政复议解决，不再进行执法监督；请告知当事人通过行政复议主张权利"
        )
    litigation = Litigation.objects.filter(live, case=case).order_by("-filed_on").first()
    if litigation is not None:
        return (
            f"该案已于{litigation.filed_on:%Y年%-m月%-d日}进入行政诉讼（{litigation.court}），"
            "争议应通过行政诉讼解决，不再进行执法监督；请告知当事人通过诉讼主张权利"
        )
    return None


# ---- the supervisor's side ---------------------------------------------------------------------------------------


def notice_create(
    *,
    actor: User,
    kind: str,
    agency: Agency,
    case: Case | None = None,
    facts: str,
    request: str = "",
    basis: str = "",
    on_date: date | None = None,
) -> SupervisionNotice:
    """Draft a 督办函, 意见书 or 决定书 (to be proposed to the government); record an on-the-spot correction."""
    on_date = on_date or timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        if kind not in NoticeKind.values:
            raise Refusal("请选择文书种类", field="kind")
        label = NoticeKind(kind).label
        require_role(actor, SUPERVISORS, agency=agency, doing=f"制作{label}")
        assert actor.agency is not None
        if agency.pk == actor.agency.pk:
            raise Refusal("执法监督的对象是本机关以下的行政执法机关，不能向本机关发出", field="agency")
        if case is not None:
            if case.agency_id != agency.pk:
                raise Refusal(f"所选案件不是{agency.name}办理的案件", field="case")
            refusal = challenge_refusal(case)
            if refusal is not None:
                raise Refusal(refusal, field="case", rule="行政执法监督条例 第三十三条第三款")
        on_the_spot = kind == NoticeKind.ON_THE_SPOT
        notice = SupervisionNotice.objects.create(
            kind=kind,
            state=NoticeState.RECORDED if on_the_spot else NoticeState.DRAFT,
            issuer=actor.agency,
            agency=agency,
            case=case,
            facts=_text(facts, "facts", "发现的问题"),
            request=_text(request, "request", "整改要求" if not on_the_spot else "纠正情况", required=True, limit=2000),
            basis=_text(basis, "basis", "依据", required=False, limit=300),
            issued_on=on_date if on_the_spot else None,
            closed_on=on_date if on_the_spot else None,
            created_by=actor,
        )
        _record(
            actor,
            "notice_record_on_the_spot" if on_the_spot else "notice_draft",
            notice,
            {"agency": agency.pk, "case": case.pk if case else None, "facts": notice.facts, "request": notice.request},
        )
        return notice


def notice_propose(
    *, actor: User, notice: SupervisionNotice, government: str, on_date: date | None = None
) -> SupervisionNotice:
    """决定书: the supervisor proposes it to the government (art. 29)."""
    on_date = on_date or timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "提请作出行政执法监督决定书")
        if notice.kind != NoticeKind.DECISION:
            raise Refusal("只有决定书须提请人民政府作出", field="kind")
        _state(notice, NoticeState.DRAFT, doing="提请政府决定")
        notice.government = _text(government, "government", "作出决定的人民政府", limit=100)
        notice.proposed_on = on_date
        notice.state = NoticeState.PROPOSED
        notice.save(update_fields=["government", "proposed_on", "state"])
        _record(actor, "notice_propose", notice, {"government": notice.government, "on_date": on_date.isoformat()})
        return notice


def notice_approve(
    *, actor: User, notice: SupervisionNotice, approval_number: str, approved_on: date
) -> SupervisionNotice:
    """决定书: the supervisor records the government's approval, with its document number."""
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "登记政府批准")
        _state(notice, NoticeState.PROPOSED, doing="登记政府批准")
        if notice.proposed_on and approved_on < notice.proposed_on:
            raise Refusal("政府批准日期不能早于提请日期", field="approved_on")
        if approved_on > timezone.localdate():
            raise Refusal("政府批准日期不能晚于今天", field="approved_on")
        notice.approval_number = _text(approval_number, "approval_number", "政府批准文号", limit=60)
        notice.approved_on = approved_on
        notice.state = NoticeState.APPROVED
        notice.save(update_fields=["approval_number", "approved_on", "state"])
        _record(
            actor,
            "notice_approve",
            notice,
            {"approval_number": notice.approval_number, "approved_on": approved_on.isoformat()},
        )
        return notice


def _letter(notice: SupervisionNotice, number: Any, entry_hash: str) -> SupervisionLetter:
    source = notice.escalated_from
    return LETTERS[notice.kind](
        number=number,
        agency_name=notice.issuer.name,
        entry_hash=entry_hash,
        addressee=notice.agency.name,
        case_title=notice.case.title if notice.case else "",
        facts=notice.facts,
        request=notice.request,
        basis=notice.basis,
        due_on=notice.due_on,  # type: ignore[arg-type]
        objection_days=PERIODS["objection"].days,
        issued_on=notice.issued_on,  # type: ignore[arg-type]
        government=notice.government,
        approval_number=notice.approval_number,
        escalated_from=source.number if source else "",
        escalated_from_on=source.issued_on if source else None,
    )


def notice_issue(
    *, actor: User, notice: SupervisionNotice, due_on: date | None = None, site_base: str | None = None
) -> SupervisionNotice:
    """Number, print and send a notice: the agency owes its correction report by `due_on` (set by the supervisor;
    the default period otherwise) and may object within the objection period (art. 30)."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "发出执法监督文书")
        if notice.kind == NoticeKind.ON_THE_SPOT:
            raise Refusal("当场纠正只作记录，不制发文书")
        if notice.kind == NoticeKind.DECISION:
            _state(notice, NoticeState.APPROVED, doing="发出（决定书须先经人民政府批准）")
        else:
            _state(notice, NoticeState.DRAFT, doing="发出")
        if notice.case is not None:
            refusal = challenge_refusal(notice.case)
            if refusal is not None:
                raise Refusal(refusal, field="case", rule="行政执法监督条例 第三十三条第三款")
        due_on = due_on or default_due(today)
        if due_on <= today:
            raise Refusal("整改报送期限应晚于今天", field="due_on")
        notice.due_on = due_on
        notice.due_source = PERIODS["correction"].source if due_on == default_due(today) else "监督机关在文书中确定"
        notice.objection_due_on = default_due(today, "objection")
        notice.issued_on = today
        kind = ISSUED_KINDS[NoticeKind(notice.kind)]
        number = next_number(notice.issuer, kind, today.year)
        notice.number = str(number)
        notice.state = NoticeState.ISSUED
        notice.save()
        issued = _record(
            actor,
            "notice_issue",
            notice,
            {
                "number": notice.number,
                "due_on": due_on.isoformat(),
                "objection_due_on": notice.objection_due_on.isoformat(),
            },
        )
        pdf = render_pdf(
            kind,
            _letter(notice, number, bytes(issued.leaf_hash).hex()),
            site_base=site_base or settings.ZHIFA_PUBLIC_URL,
        )
        blob = blobs.store(io.BytesIO(pdf), content_type="application/pdf")
        notice.sha256 = blob.sha256
        notice.save(update_fields=["sha256"])
        record(
            actor=actor,
            action="document.issue",
            subject=notice,
            facts={"kind": kind.value, "number": notice.number, "sha256": blob.sha256, "documents": issued.index},
            files=[blob.sha256],
            agency=notice.agency,
        )
        return notice


def notice_answer(
    *, actor: User, notice: SupervisionNotice, outcome: str, answer: str, due_on: date | None = None
) -> SupervisionNotice:
    """Answer the agency's objection (art. 30): upheld (the notice stands, perhaps with a new date) or withdrawn."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "答复异议")
        _state(notice, NoticeState.OBJECTED, doing="答复异议")
        if outcome not in ObjectionOutcome.values:
            raise Refusal("请选择异议的处理结果", field="outcome")
        objection = notice.objections.filter(outcome="").order_by("-pk").first()
        assert objection is not None
        objection.outcome = outcome
        objection.answer = _text(answer, "answer", "答复")
        objection.answered_on = today
        objection.answered_by = actor
        objection.save(answering=True)
        if outcome == ObjectionOutcome.WITHDRAWN:
            notice.state = NoticeState.WITHDRAWN
            notice.closed_on = today
        else:
            notice.state = NoticeState.ISSUED
            if due_on is not None:
                if due_on <= today:
                    raise Refusal("整改报送期限应晚于今天", field="due_on")
                notice.due_on = due_on
                notice.due_source = "监督机关答复异议时重新确定"
        notice.save(update_fields=["state", "closed_on", "due_on", "due_source"])
        _record(
            actor,
            "notice_answer",
            notice,
            {
                "outcome": outcome,
                "answer": objection.answer,
                "due_on": notice.due_on.isoformat() if notice.due_on else None,
            },
        )
        return notice


def notice_review(
    *, actor: User, notice: SupervisionNotice, verdict: str, remarks: str, due_on: date | None = None
) -> SupervisionNotice:
    """Accept the agency's correction report, or return it with what is still wrong and a new date."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "审查整改情况")
        _state(notice, NoticeState.REPORTED, doing="审查整改情况")
        if verdict not in Verdict.values:
            raise Refusal("请选择审查结果", field="verdict")
        report = notice.rectifications.filter(verdict="").order_by("-pk").first()
        assert report is not None
        report.verdict = verdict
        report.remarks = _text(remarks, "remarks", "审查意见", required=verdict == Verdict.RETURNED, limit=2000)
        report.decided_on = today
        report.decided_by = actor
        report.save(answering=True)
        if verdict == Verdict.ACCEPTED:
            notice.state = NoticeState.ACCEPTED
            notice.closed_on = today
        else:
            if due_on is None or due_on <= today:
                raise Refusal("退回重新整改须确定新的报送期限，且应晚于今天", field="due_on")
            notice.state = NoticeState.RETURNED
            notice.due_on = due_on
            notice.due_source = "监督机关退回整改时重新确定"
        notice.save(update_fields=["state", "closed_on", "due_on", "due_source"])
        _record(actor, "notice_review", notice, {"verdict": verdict, "remarks": report.remarks})
        return notice


def notice_escalate(
    *, actor: User, notice: SupervisionNotice, facts: str, request: str, government: str
) -> SupervisionNotice:
    """A 督办函 or 意见书 not followed by its deadline: propose a 决定书 to the government (art. 29), linked to it."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "提请作出决定书")
        if notice.kind not in (NoticeKind.URGING, NoticeKind.OPINION):
            raise Refusal("只有督办函、意见书未落实的可以提请作出决定书")
        _state(notice, *OWING, doing="提请作出决定书")
        if notice.due_on is None or notice.due_on >= today:
            raise Refusal(f"整改报送期限（{notice.due_on:%Y-%m-%d}）尚未届满，不能以逾期未整改为由提请决定书")
        decision = SupervisionNotice.objects.create(
            kind=NoticeKind.DECISION,
            state=NoticeState.PROPOSED,
            issuer=notice.issuer,
            agency=notice.agency,
            case=notice.case,
            facts=_text(facts, "facts", "发现的问题"),
            request=_text(request, "request", "决定事项", limit=2000),
            basis="行政执法监督条例第二十九条",
            escalated_from=notice,
            government=_text(government, "government", "作出决定的人民政府", limit=100),
            proposed_on=today,
            created_by=actor,
        )
        notice.state = NoticeState.ESCALATED
        notice.closed_on = today
        notice.save(update_fields=["state", "closed_on"])
        _record(actor, "notice_escalate", notice, {"decision": decision.pk, "due_on": notice.due_on.isoformat()})
        _record(
            actor,
            "notice_propose",
            decision,
            {"government": decision.government, "escalated_from": notice.pk, "facts": decision.facts},
        )
        return decision


def bulletin_publish(*, actor: User, notice: SupervisionNotice, title: str, text: str) -> Bulletin:
    """通报 (art. 31): publish the notice's result on the public site."""
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "发布通报")
        if notice.state in (NoticeState.DRAFT, NoticeState.PROPOSED, NoticeState.APPROVED, NoticeState.WITHDRAWN):
            raise Refusal(f"该文书当前为“{notice.get_state_display()}”，不能通报")
        bulletin = Bulletin.objects.create(
            notice=notice,
            title=_text(title, "title", "标题", limit=200),
            text=_text(text, "text", "通报内容", limit=6000),
            published_on=timezone.localdate(),
            published_by=actor,
        )
        _record(
            actor, "bulletin_publish", notice, {"bulletin": bulletin.pk, "title": bulletin.title, "text": bulletin.text}
        )
        return bulletin


def proposal_make(
    *, actor: User, notice: SupervisionNotice, officer: Officer, measure: str, reasons: str
) -> OfficerProposal:
    """A proposal on an officer (art. 32), for the competent body to decide."""
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "提出处理建议")
        if measure not in Measure.values:
            raise Refusal("请选择处理建议", field="measure")
        if not officer.agency.is_within(notice.agency):
            raise Refusal(f"{officer.name}不是{notice.agency.name}的执法人员", field="officer")
        proposal = OfficerProposal.objects.create(
            notice=notice,
            officer=officer,
            measure=measure,
            reasons=_text(reasons, "reasons", "理由", limit=2000),
            proposed_on=timezone.localdate(),
            proposed_by=actor,
        )
        _record(actor, "proposal_make", notice, {"proposal": proposal.pk, "officer": officer.pk, "measure": measure})
        return proposal


def proposal_carry_out(*, actor: User, proposal: OfficerProposal, reason: str = "") -> OfficerProposal:
    """The competent body's decision carried out. For 取消执法资格 the personnel administrator revokes the
    officer's certificates through the certificate module (an explicit step, never automatic)."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        proposal = (
            OfficerProposal.objects.select_for_update(of=("self",))
            .select_related("notice__agency", "officer__agency")
            .get(pk=proposal.pk)
        )
        label = proposal.get_measure_display()
        if proposal.carried_out_on is not None:
            raise Refusal(f"该处理建议已于{proposal.carried_out_on:%Y-%m-%d}执行")
        if proposal.measure == Measure.DISQUALIFY:
            require_role(actor, PERSONNEL_ROLES, agency=proposal.officer.agency, doing="取消执法资格")
            held = list(proposal.officer.certificates.exclude(status=CertificateStatus.REVOKED))
            why = reason.strip() or f"依{proposal.notice}的处理建议取消执法资格（行政执法监督条例第三十二条）"
            for certificate in held:
                certificate_revoke(actor=actor, certificate=certificate, on_date=today, reason=why[:200])
            proposal.certificates.set(held)
        elif not answers_for(actor, proposal.notice.agency):
            raise Refusal(f"只有{proposal.notice.agency.name}的负责人或案件审批人可以登记“{label}”的执行")
        proposal.carried_out_on = today
        proposal.carried_out_by = actor
        proposal.save(answering=True)
        _record(
            actor,
            "proposal_carry_out",
            proposal.notice,
            {
                "proposal": proposal.pk,
                "measure": proposal.measure,
                "certificates": [c.number for c in proposal.certificates.all()],
            },
        )
        return proposal


def referral_record(*, actor: User, notice: SupervisionNotice, organ: str, summary: str, referred_on: date) -> Referral:
    """A lead of official misconduct moved to the 监察机关 (art. 33), with the date and the organ."""
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_supervisor(actor, notice, "移送问题线索")
        if referred_on > timezone.localdate():
            raise Refusal("移送日期不能晚于今天", field="referred_on")
        referral = Referral.objects.create(
            notice=notice,
            organ=_text(organ, "organ", "移送的监察机关", limit=100),
            summary=_text(summary, "summary", "移送的问题线索"),
            referred_on=referred_on,
            referred_by=actor,
        )
        _record(
            actor,
            "referral_record",
            notice,
            {"referral": referral.pk, "organ": referral.organ, "on_date": referred_on.isoformat()},
        )
        return referral


# ---- the agency's side -------------------------------------------------------------------------------------------


def notice_object(*, actor: User, notice: SupervisionNotice, reasons: str) -> SupervisionNotice:
    """The agency objects to the notice, with reasons, within the objection period (art. 30)."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_agency(actor, notice, "提出异议")
        _state(notice, NoticeState.ISSUED, doing="提出异议")
        if notice.objections.exists():
            raise Refusal("对同一文书已提出过异议并获答复，不能再次提出")
        if notice.objection_due_on is not None and today > notice.objection_due_on:
            raise Refusal(
                f"异议期限已于{notice.objection_due_on:%Y-%m-%d}届满（{PERIODS['objection'].source}）",
                rule="行政执法监督条例 第三十条",
            )
        objection = Objection.objects.create(
            notice=notice, reasons=_text(reasons, "reasons", "异议理由"), filed_on=today, filed_by=actor
        )
        notice.state = NoticeState.OBJECTED
        notice.save(update_fields=["state"])
        _record(actor, "notice_object", notice, {"objection": objection.pk, "reasons": objection.reasons})
        return notice


def notice_report(*, actor: User, notice: SupervisionNotice, report: str, files: list[str]) -> SupervisionNotice:
    """The agency reports its correction, with evidence files (arts. 27, 28). A late report is taken, and stays late."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        notice = _locked(notice)
        _require_agency(actor, notice, "报送整改情况")
        _state(notice, *OWING, doing="报送整改情况")
        files = [digest.strip().lower() for digest in files][:50]
        rectification = Rectification.objects.create(
            notice=notice, report=_text(report, "report", "整改情况"), files=files, reported_on=today, reported_by=actor
        )
        notice.state = NoticeState.REPORTED
        notice.save(update_fields=["state"])
        late = notice.due_on is not None and today > notice.due_on
        _record(
            actor,
            "notice_report",
            notice,
            {"rectification": rectification.pk, "report": rectification.report, "late": late},
            files,
        )
        return notice


# ---- reading -------------------------------------------------------------------------------------------------------


def notices_for(actor: User) -> QuerySet[SupervisionNotice]:
    """The notices the actor may read: a supervisor those to the agencies below him (all states); an agency's head
    or approver those addressed to his agency once issued."""
    rows = SupervisionNotice.objects.select_related("agency", "issuer", "case")
    if not actor.is_authenticated or not actor.is_active or actor.agency is None:
        return rows.none()
    seen = Q(pk__in=[])
    if actor.has_role(Role.SUPERVISOR):
        seen |= Q(pk__in=restrict(SupervisionNotice.objects.all(), actor, via="issuer").values("pk"))
    if actor.has_role(Role.APPROVER) or Agency.objects.filter(head__user=actor).exists():
        agencies = [actor.agency.pk] if actor.has_role(Role.APPROVER) else []
        agencies += list(Agency.objects.filter(head__user=actor).values_list("pk", flat=True))
        seen |= Q(agency__in=agencies) & ~Q(state__in=[NoticeState.DRAFT, NoticeState.PROPOSED, NoticeState.APPROVED])
    return rows.filter(seen)


def notices_waiting_for(actor: User) -> QuerySet[SupervisionNotice]:
    """What waits on the actor's desk: for the agency's side, the notices owing a correction report (or still open
    to objection); for a supervisor, the objections and reports to answer and the 决定书 approved and not sent."""
    rows = notices_for(actor)
    waiting = Q(pk__in=[])
    if actor.has_role(Role.SUPERVISOR) and actor.agency is not None:
        waiting |= Q(issuer__path__startswith=actor.agency.path) & Q(
            state__in=[NoticeState.OBJECTED, NoticeState.REPORTED, NoticeState.APPROVED]
        )
    answering = [
        a.pk for a in Agency.objects.filter(Q(head__user=actor) | Q(pk=actor.agency_id)) if answers_for(actor, a)
    ]
    waiting |= Q(agency__in=answering, state__in=OWING)
    return rows.filter(waiting).order_by("due_on", "pk")


def allowed_actions(actor: User, notice: SupervisionNotice) -> list[str]:
    """The steps the actor may take on the notice now (the page shows these forms; the services decide)."""
    today = timezone.localdate()
    found: list[str] = []
    if is_supervisor_of(actor, notice):
        if notice.state == NoticeState.DRAFT and notice.kind == NoticeKind.DECISION:
            found.append("propose")
        if notice.state == NoticeState.DRAFT and notice.kind in (NoticeKind.URGING, NoticeKind.OPINION):
            found.append("issue")
        if notice.state == NoticeState.PROPOSED:
            found.append("approve")
        if notice.state == NoticeState.APPROVED:
            found.append("issue")
        if notice.state == NoticeState.OBJECTED:
            found.append("answer")
        if notice.state == NoticeState.REPORTED:
            found.append("review")
        if (
            notice.kind in (NoticeKind.URGING, NoticeKind.OPINION)
            and notice.state in OWING
            and notice.due_on is not None
            and notice.due_on < today
        ):
            found.append("escalate")
        if notice.state not in (NoticeState.DRAFT, NoticeState.PROPOSED, NoticeState.APPROVED, NoticeState.WITHDRAWN):
            found += ["bulletin", "proposal", "referral"]
    if answers_for(actor, notice.agency):
        in_time = notice.objection_due_on is None or today <= notice.objection_due_on
        if notice.state == NoticeState.ISSUED and in_time and not notice.objections.exists():
            found.append("object")
        if notice.state in OWING:
            found.append("report")
    return found
