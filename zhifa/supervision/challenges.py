"""Challenges to decisions: reconsideration (行政复议) and litigation (行政诉讼), and the correction rate (纠错率).

The agency (its approver or legal reviewer) or its supervisor records each challenge, its outcome, the
行政复议意见书 it received and its answer (行政复议法 第七十六条: the correction reported within 60 days), and whether
the agency head appeared in court where required (负责人出庭应诉).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import restrict, visible_agencies
from zhifa.ledger.services import record
from zhifa.supervision.models.challenges import CORRECTED, Litigation, Outcome, Reconsideration

RECORDERS = (Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR)
# 行政复议法 第七十六条: the correction of a 行政复议意见书 reported within 60 days of receipt (calendar days).
OPINION_DAYS = 60
OPINION_SOURCE = "行政复议法 第七十六条"

Challenge = Reconsideration | Litigation


def _day(value: date, field: str, label: str, *, after: date | None = None) -> date:
    if value > timezone.localdate():
        raise Refusal(f"{label}不能晚于今天", field=field)
    if after is not None and value < after:
        raise Refusal(f"{label}不能早于{after:%Y-%m-%d}", field=field)
    return value


def _name(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal(f"请填写{label}", field=field)
    if len(value) > 100:
        raise Refusal(f"{label}最多 100 个字符", field=field)
    return value


def _decided_case(case: Case) -> None:
    if case.decided_on is None:
        raise Refusal("该案尚未作出处理决定，不能登记对决定的复议或诉讼", field="case")


def reconsideration_record(*, actor: User, case: Case, body: str, applied_on: date) -> Reconsideration:
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, RECORDERS, agency=case.agency, doing="登记行政复议")
        _decided_case(case)
        row = Reconsideration.objects.create(
            case=case,
            agency=case.agency,
            body=_name(body, "body", "行政复议机关"),
            applied_on=_day(applied_on, "applied_on", "申请日期", after=case.decided_on),
            created_by=actor,
        )
        record(
            actor=actor,
            action="supervision.reconsideration_record",
            subject=case,
            facts={"reconsideration": row.pk, "body": row.body, "applied_on": applied_on.isoformat()},
            agency=case.agency,
        )
        return row


def _decide(
    *, actor: User, row: Challenge, outcome: str, decided_on: date, doing: str, what: str, done: str, day_label: str
) -> Challenge:
    """The outcome of a reconsideration or a lawsuit, once: checked, saved and recorded (`what` names the outcome in
    the messages, e.g. 复议; `done` is the refusal when it already has one)."""
    model = type(row)
    key = str(model._meta.model_name)  # "reconsideration" or "litigation": the action and the facts name it
    with translation.override("zh-hans"), transaction.atomic():
        row = model.objects.select_for_update(of=("self",)).select_related("case", "agency").get(pk=row.pk)
        require_role(actor, RECORDERS, agency=row.agency, doing=doing)
        if row.outcome:
            raise Refusal(done)
        if outcome not in Outcome.values:
            raise Refusal(f"请选择{what}结果", field="outcome")
        started = row.applied_on if isinstance(row, Reconsideration) else row.filed_on
        row.outcome = outcome
        row.decided_on = _day(decided_on, "decided_on", day_label, after=started)
        row.save(update_fields=["outcome", "decided_on"])
        record(
            actor=actor,
            action=f"supervision.{key}_decide",
            subject=row.case,
            facts={key: row.pk, "outcome": outcome, "decided_on": decided_on.isoformat()},
            agency=row.agency,
        )
        return row


def reconsideration_decide(*, actor: User, row: Reconsideration, outcome: str, decided_on: date) -> Reconsideration:
    found = _decide(
        actor=actor,
        row=row,
        outcome=outcome,
        decided_on=decided_on,
        doing="登记行政复议结果",
        what="复议",
        done="该行政复议已登记结果",
        day_label="复议决定日期",
    )
    assert isinstance(found, Reconsideration)
    return found


def reconsideration_opinion(*, actor: User, row: Reconsideration, received_on: date, text: str) -> Reconsideration:
    """A 行政复议意见书 received (行政复议法 第七十六条): its correction is reported within 60 days."""
    with translation.override("zh-hans"), transaction.atomic():
        row = Reconsideration.objects.select_for_update(of=("self",)).select_related("case", "agency").get(pk=row.pk)
        require_role(actor, RECORDERS, agency=row.agency, doing="登记行政复议意见书")
        if row.opinion_received_on is not None:
            raise Refusal("该行政复议已登记意见书")
        text = (text or "").strip()
        if not text:
            raise Refusal("请填写行政复议意见书要点", field="text")
        row.opinion_received_on = _day(received_on, "received_on", "收到日期", after=row.applied_on)
        row.opinion_text = text[:2000]
        row.save(update_fields=["opinion_received_on", "opinion_text"])
        record(
            actor=actor,
            action="supervision.reconsideration_opinion",
            subject=row.case,
            facts={"reconsideration": row.pk, "received_on": received_on.isoformat(), "text": row.opinion_text},
            agency=row.agency,
        )
        return row


def reconsideration_opinion_answer(*, actor: User, row: Reconsideration, answered_on: date) -> Reconsideration:
    with translation.override("zh-hans"), transaction.atomic():
        row = Reconsideration.objects.select_for_update(of=("self",)).select_related("case", "agency").get(pk=row.pk)
        require_role(actor, RECORDERS, agency=row.agency, doing="登记意见书的纠正情况")
        if row.opinion_received_on is None:
            raise Refusal("该行政复议尚未登记意见书")
        if row.opinion_answered_on is not None:
            raise Refusal("该意见书的纠正情况已报送")
        row.opinion_answered_on = _day(answered_on, "answered_on", "报送日期", after=row.opinion_received_on)
        row.save(update_fields=["opinion_answered_on"])
        record(
            actor=actor,
            action="supervision.reconsideration_opinion_answer",
            subject=row.case,
            facts={"reconsideration": row.pk, "answered_on": answered_on.isoformat()},
            agency=row.agency,
        )
        return row


def litigation_record(
    *, actor: User, case: Case, court: str, filed_on: date, head_required: bool = False, head_required_reason: str = ""
) -> Litigation:
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, RECORDERS, agency=case.agency, doing="登记行政诉讼")
        _decided_case(case)
        reason = (head_required_reason or "").strip()[:200]
        if head_required and not reason:
            raise Refusal(
                "须负责人出庭应诉的，请写明原因（如法院通知出庭、社会关注度高）", field="head_required_reason"
            )
        row = Litigation.objects.create(
            case=case,
            agency=case.agency,
            court=_name(court, "court", "人民法院"),
            filed_on=_day(filed_on, "filed_on", "立案日期", after=case.decided_on),
            head_required=head_required,
            head_required_reason=reason,
            created_by=actor,
        )
        record(
            actor=actor,
            action="supervision.litigation_record",
            subject=case,
            facts={
                "litigation": row.pk,
                "court": row.court,
                "filed_on": filed_on.isoformat(),
                "head_required": head_required,
            },
            agency=case.agency,
        )
        return row


def litigation_hearing(*, actor: User, row: Litigation, hearing_on: date, head_appeared: bool) -> Litigation:
    """The hearing held, and whether the agency head appeared in court."""
    with translation.override("zh-hans"), transaction.atomic():
        row = Litigation.objects.select_for_update(of=("self",)).select_related("case", "agency").get(pk=row.pk)
        require_role(actor, RECORDERS, agency=row.agency, doing="登记开庭情况")
        if row.hearing_on is not None:
            raise Refusal("该诉讼已登记开庭情况")
        row.hearing_on = _day(hearing_on, "hearing_on", "开庭日期", after=row.filed_on)
        row.head_appeared = head_appeared
        row.save(update_fields=["hearing_on", "head_appeared"])
        record(
            actor=actor,
            action="supervision.litigation_hearing",
            subject=row.case,
            facts={"litigation": row.pk, "hearing_on": hearing_on.isoformat(), "head_appeared": head_appeared},
            agency=row.agency,
        )
        return row


def litigation_decide(*, actor: User, row: Litigation, outcome: str, decided_on: date) -> Litigation:
    found = _decide(
        actor=actor,
        row=row,
        outcome=outcome,
        decided_on=decided_on,
        doing="登记裁判结果",
        what="裁判",
        done="该诉讼已登记裁判结果",
        day_label="裁判日期",
    )
    assert isinstance(found, Litigation)
    return found


@dataclass(frozen=True)
class CorrectionRate:
    """One agency's challenges concluded in a year: 纠错率 = (撤销 + 变更 + 确认违法 + 责令履行) / 审结."""

    agency: Agency
    reconsiderations_decided: int
    reconsiderations_corrected: int
    litigations_decided: int
    litigations_corrected: int

    @property
    def decided(self) -> int:
        return self.reconsiderations_decided + self.litigations_decided

    @property
    def corrected(self) -> int:
        return self.reconsiderations_corrected + self.litigations_corrected

    @property
    def rate(self) -> Decimal | None:
        """Per cent, one decimal; None when nothing was concluded."""
        if not self.decided:
            return None
        return (Decimal(100 * self.corrected) / self.decided).quantize(Decimal("0.1"), ROUND_HALF_UP)


def correction_rates(actor: User, year: int) -> list[CorrectionRate]:
    """Each agency the actor sees that had a challenge concluded (审结) in `year`, with its correction rate.

    Concluded: any recorded outcome, withdrawals and terminations included (the statistics' 审结)."""
    counted = Count("pk")
    fixed = Count("pk", filter=Q(outcome__in=CORRECTED))
    by_agency: dict[int, list[int]] = {}
    for model, offset in ((Reconsideration, 0), (Litigation, 2)):
        rows = restrict(model.objects.filter(decided_on__year=year).exclude(outcome=""), actor)
        for agency_id, decided, corrected in (
            rows.values("agency").annotate(d=counted, c=fixed).values_list("agency", "d", "c")
        ):
            counts = by_agency.setdefault(agency_id, [0, 0, 0, 0])
            counts[offset], counts[offset + 1] = decided, corrected
    agencies = {a.pk: a for a in visible_agencies(actor).filter(pk__in=by_agency)}
    return sorted(
        (CorrectionRate(agencies[pk], *counts) for pk, counts in by_agency.items() if pk in agencies),
        key=lambda row: (row.agency.path, row.agency.pk),
    )


def challenges_for(actor: User) -> tuple[list[Reconsideration], list[Litigation]]:
    reconsiderations = restrict(Reconsideration.objects.select_related("case", "agency"), actor)
    litigations = restrict(Litigation.objects.select_related("case", "agency"), actor)
    return list(reconsiderations[:200]), list(litigations[:200])


def challenge_figures(root_path: str, start: date, end: date, as_of: date) -> dict[int, dict[str, int]]:
    """The statistics' figures of challenges (supervision/statistics.py): per agency of the subtree at `root_path`,
    the reconsiderations applied for and the lawsuits filed in [start, end], and of those the ones corrected (撤销,
    变更, 确认违法, 责令履行) by a decision made on or before `as_of`. Two aggregate queries."""
    found: dict[int, dict[str, int]] = {}
    sources = ((Reconsideration, "applied_on", "reconsiderations"), (Litigation, "filed_on", "litigations"))
    for model, day, key in sources:
        rows = (
            model.objects.filter(agency__path__startswith=root_path, **{f"{day}__range": (start, end)})
            .values("agency")
            .annotate(n=Count("pk"), c=Count("pk", filter=Q(outcome__in=CORRECTED, decided_on__lte=as_of)))
        )
        for row in rows:
            counts = found.setdefault(row["agency"], {})
            counts[key], counts[f"{key}_corrected"] = row["n"], row["c"]
    return found
