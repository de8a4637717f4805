"""The three modes of supervision and the acts under them (监督条例 第十四条至第二十二条): services and selectors.

Every change goes through one service here, in one transaction with its ledger entry. Who is "provincial": see
`is_provincial` (docs/supervision-modes.md, docs/decisions.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from zhifa.cases.models import Case
from zhifa.complaints.models import Complaint
from zhifa.core.choices import AgencyKind, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency, restrict
from zhifa.ledger.services import record
from zhifa.supervision.models.modes import (
    ActKind,
    Evaluation,
    EvaluationResult,
    FocusForm,
    FocusMatter,
    FocusState,
    InterferenceRecord,
    LeadSource,
    PlanState,
    SpecialPlan,
    SupervisionAct,
    SupervisionMode,
)

SUPERVISORS = (Role.SUPERVISOR,)
TEXT_LIMIT = 5_000
MAX_RESULTS = 500  # agencies in one evaluation


def is_provincial(agency: Agency) -> bool:
    """Whether `agency` is at provincial level or above (专项监督 only there: 监督条例 第二十一条).

    The agency model knows no administrative level; its kind 厅（局） (AgencyKind.DEPARTMENT) is the one kind that
    names a department of a provincial government (省林业和草原局, 省生态环境厅), the others (管理局, 分局, 保护站,
    执法大队…) being bodies at city or county level or below. So provincial = that kind."""
    return agency.kind == AgencyKind.DEPARTMENT


def _text(value: str, field: str, label: str, limit: int = TEXT_LIMIT, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refusal(f"{label}：必须填写", field=field)
    if len(value) > limit:
        raise Refusal(f"{label}：最多 {limit} 字，现为 {len(value)} 字", field=field)
    return value


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _supervisor(actor: User, doing: str, agency: Agency | None = None) -> Agency:
    require_role(actor, SUPERVISORS, agency=agency, doing=doing)
    if actor.agency is None:
        raise Refusal(f"您未隶属任何机关，不能{doing}")
    return actor.agency


# ---- 专项监督: the plan, approved by the government -------------------------------------------------------------


def plan_draft(*, actor: User, title: str, scope: str, text: str, starts_on: date, ends_on: date) -> SpecialPlan:
    """A written plan of special supervision, at provincial level or above (监督条例 第二十一条)."""
    with translation.override("zh-hans"), transaction.atomic():
        agency = _supervisor(actor, "制定专项监督方案")
        if not is_provincial(agency):
            raise Refusal(f"{agency.name} 不是省级以上机关，不能开展专项监督", rule="行政执法监督条例 第二十一条")
        if ends_on < starts_on:
            raise Refusal("结束日期：不能早于开始日期", field="ends_on")
        plan = SpecialPlan.objects.create(
            agency=agency,
            title=_text(title, "title", "方案名称", 200),
            scope=_text(scope, "scope", "监督范围"),
            text=_text(text, "text", "方案正文", 50_000),
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        record(
            actor=actor,
            action="supervision.plan_draft",
            subject=plan,
            facts={
                "title": plan.title,
                "scope": plan.scope,
                "text_sha256": _digest(plan.text),
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
            agency=agency,
        )
        return plan


def plan_approve(
    *, actor: User, plan: SpecialPlan, approved_by: str, approval_number: str, approved_on: date
) -> SpecialPlan:
    """Record the government's approval of the plan (its document number and date)."""
    with translation.override("zh-hans"), transaction.atomic():
        plan = SpecialPlan.objects.select_for_update().get(pk=plan.pk)
        _supervisor(actor, "登记专项监督方案的批准", plan.agency)
        if plan.state != PlanState.DRAFT:
            raise Refusal("该方案已登记批准，不能再次登记")
        if approved_on > timezone.localdate():
            raise Refusal("批准日期：不能晚于今天", field="approved_on")
        plan.approved_by = _text(approved_by, "approved_by", "批准机关", 200)
        plan.approval_number = _text(approval_number, "approval_number", "批准文号", 100)
        plan.approved_on = approved_on
        plan.state = PlanState.APPROVED
        plan.save()
        record(
            actor=actor,
            action="supervision.plan_approve",
            subject=plan,
            facts={
                "approved_by": plan.approved_by,
                "approval_number": plan.approval_number,
                "approved_on": approved_on.isoformat(),
            },
            agency=plan.agency,
        )
        return plan


# ---- 重点监督: 挂牌督办 and 提级监督 ----------------------------------------------------------------------------


def _matter_subject(actor: User, case: Case | None, complaint: Complaint | None, doing: str) -> Agency:
    if case is None and complaint is None:
        raise Refusal("案件：须选择督办的案件或投诉举报", field="case")
    if case is not None and complaint is not None and complaint.case_id not in (None, case.pk):
        raise Refusal("投诉举报：所选投诉举报与案件无关", field="complaint")
    agency = case.agency if case is not None else complaint.handling_agency  # type: ignore[union-attr]
    _supervisor(actor, doing, agency)
    return agency


def _lead(source: str, reference: str, complaint: Complaint | None) -> tuple[str, str]:
    if source not in LeadSource.values:
        raise Refusal("线索来源：请选择", field="lead_source")
    if source == LeadSource.COMPLAINT:
        if complaint is None:
            raise Refusal("投诉举报：线索来自投诉举报的，须选择该投诉举报", field="complaint")
        reference = reference or complaint.number
    return source, _text(reference, "lead_reference", "线索编号", 100, required=False)


def focus_list(
    *,
    actor: User,
    reason: str,
    deadline: date,
    lead_source: str,
    case: Case | None = None,
    complaint: Complaint | None = None,
    lead_reference: str = "",
) -> FocusMatter:
    """挂牌督办 (监督条例 第二十条): name a case (or a complaint) for supervised handling, finished by `deadline`."""
    with translation.override("zh-hans"), transaction.atomic():
        agency = _matter_subject(actor, case, complaint, "挂牌督办")
        mine = actor.agency
        assert mine is not None  # _matter_subject refused an actor with no agency
        if case is None and complaint is not None and complaint.case_id:
            case = complaint.case
        today = timezone.localdate()
        if deadline <= today:
            raise Refusal("办结期限：须晚于今天", field="deadline")
        open_matters = FocusMatter.objects.filter(form=FocusForm.LISTED, state=FocusState.OPEN)
        if case is not None and open_matters.filter(case=case).exists():
            raise Refusal("案件：该案已在挂牌督办中", field="case")
        if case is None and open_matters.filter(complaint=complaint).exists():
            raise Refusal("投诉举报：该投诉举报已在挂牌督办中", field="complaint")
        source, reference = _lead(lead_source, lead_reference, complaint)
        matter = FocusMatter.objects.create(
            form=FocusForm.LISTED,
            supervisor_agency=mine,
            agency=agency,
            case=case,
            complaint=complaint,
            lead_source=source,
            lead_reference=reference,
            reason=_text(reason, "reason", "督办事由"),
            deadline=deadline,
            opened_on=today,
            opened_by=actor,
        )
        _record_matter(actor, matter, "supervision.focus_list")
        return matter


def supervising_level(case: Case) -> Agency:
    """The level that supervises a case in the ordinary course: the agency above the case's (or the agency itself
    at the top of its tree)."""
    return case.agency.parent or case.agency


def focus_escalate(
    *,
    actor: User,
    case: Case,
    reason: str,
    lead_source: str,
    lead_reference: str = "",
    complaint: Complaint | None = None,
) -> FocusMatter:
    """提级监督 (监督条例 第二十条): a supervisor above the case's ordinary supervising level takes it over."""
    with translation.override("zh-hans"), transaction.atomic():
        agency = _matter_subject(actor, case, None, "提级监督")
        level = supervising_level(case)
        escalated = FocusMatter.objects.filter(form=FocusForm.ESCALATED, case=case, state=FocusState.OPEN)
        current = escalated.select_related("supervisor_agency").first()
        below = current.supervisor_agency if current else level
        mine: Agency = actor.agency  # type: ignore[assignment]
        if mine.pk == below.pk or not below.is_within(mine):
            raise Refusal(
                f"提级监督须由 {below.name} 的上级监督机关进行；{mine.name} 不在其上", rule="行政执法监督条例 第二十条"
            )
        source, reference = _lead(lead_source, lead_reference, complaint)
        if current is not None:
            # The level taken over before hands the matter on; its row closes with the reason.
            current.state, current.closed_on = FocusState.CLOSED, timezone.localdate()
            current.result = f"由 {mine.name} 提级监督"
            current.save()
        matter = FocusMatter.objects.create(
            form=FocusForm.ESCALATED,
            supervisor_agency=mine,
            agency=agency,
            case=case,
            complaint=complaint,
            from_agency=below,
            lead_source=source,
            lead_reference=reference,
            reason=_text(reason, "reason", "提级理由"),
            opened_on=timezone.localdate(),
            opened_by=actor,
        )
        _record_matter(actor, matter, "supervision.focus_escalate")
        return matter


def focus_close(*, actor: User, matter: FocusMatter, result: str) -> FocusMatter:
    """办结: the matter is followed to its end and closed with its result."""
    with translation.override("zh-hans"), transaction.atomic():
        matter = FocusMatter.objects.select_for_update().select_related("supervisor_agency").get(pk=matter.pk)
        _supervisor(actor, "办结重点监督事项", matter.supervisor_agency)
        if matter.state != FocusState.OPEN:
            raise Refusal("该事项已办结")
        matter.result = _text(result, "result", "办理结果")
        matter.state, matter.closed_on = FocusState.CLOSED, timezone.localdate()
        matter.save()
        _record_matter(actor, matter, "supervision.focus_close")
        return matter


def _record_matter(actor: User, matter: FocusMatter, action: str) -> None:
    record(
        actor=actor,
        action=action,
        subject=matter,
        facts={
            "form": matter.form,
            "case": matter.case_id,
            "complaint": matter.complaint_id,
            "agency": matter.agency_id,
            "supervisor_agency": matter.supervisor_agency_id,
            "from_agency": matter.from_agency_id,
            "lead_source": matter.lead_source,
            "lead_reference": matter.lead_reference,
            "reason": matter.reason,
            "deadline": matter.deadline.isoformat() if matter.deadline else None,
            "state": matter.state,
            "result": matter.result,
        },
        agency=matter.agency,
    )


# ---- the acts (监督条例 第二十二条) ---------------------------------------------------------------------------


def act_record(
    *,
    actor: User,
    kind: str,
    mode: str,
    agency: Agency,
    done_on: date,
    participants: str,
    summary: str,
    counterpart: str = "",
    case: Case | None = None,
    plan: SpecialPlan | None = None,
    matter: FocusMatter | None = None,
) -> SupervisionAct:
    """Record one act of supervision under a mode. A special act needs its plan approved, in force that day and
    made at provincial level (第二十一条); a key-point act belongs to its matter; 调阅 names the case read."""
    with translation.override("zh-hans"), transaction.atomic():
        if kind not in ActKind.values:
            raise Refusal("监督措施：请选择", field="kind")
        if mode not in SupervisionMode.values:
            raise Refusal("监督方式：请选择", field="mode")
        if case is not None:
            agency = case.agency
        _supervisor(actor, "记录监督措施", agency)
        if done_on > timezone.localdate():
            raise Refusal("日期：不能晚于今天", field="done_on")
        if kind == ActKind.CALL_UP and case is None:
            raise Refusal("案件：调阅案卷须写明调阅的案件", field="case")
        if mode == SupervisionMode.SPECIAL:
            _check_plan(actor, plan, agency, done_on)
        else:
            plan = None
        if mode == SupervisionMode.FOCUS:
            if matter is None:
                raise Refusal("重点事项：重点监督的措施须属于一项挂牌督办或提级监督事项", field="matter")
            if matter.agency_id != agency.pk:
                raise Refusal("重点事项：该事项的被监督机关不是本措施的对象", field="matter")
        else:
            matter = None
        act = SupervisionAct.objects.create(
            kind=kind,
            mode=mode,
            plan=plan,
            matter=matter,
            agency=agency,
            case=case,
            done_on=done_on,
            participants=_text(participants, "participants", "参加人员", 200),
            counterpart=_text(counterpart, "counterpart", "对象", 200, required=False),
            summary=_text(summary, "summary", "情况"),
            actor=actor,
        )
        entry = record(
            actor=actor,
            action=f"supervision.act_{kind}",
            subject=act,
            facts={
                "kind": kind,
                "mode": mode,
                "plan": act.plan_id,
                "matter": act.matter_id,
                "agency": agency.pk,
                "case": act.case_id,
                "done_on": done_on.isoformat(),
                "participants": act.participants,
                "counterpart": act.counterpart,
                "summary": act.summary,
            },
            agency=agency,
        )
        set_entry(act, entry.index)
        return act


def set_entry(row: SupervisionAct | Evaluation | InterferenceRecord, index: int) -> None:
    """Write the ledger entry's index on an append-only row, once: it is known only after the row exists. The plain
    base manager does it (the rows' own manager refuses updates); nothing else is ever written this way."""
    type(row)._base_manager.filter(pk=row.pk, entry_index__isnull=True).update(entry_index=index)
    row.entry_index = index


def _check_plan(actor: User, plan: SpecialPlan | None, agency: Agency, done_on: date) -> None:
    rule = "行政执法监督条例 第二十一条"
    mine: Agency = actor.agency  # type: ignore[assignment]
    if not is_provincial(mine):
        raise Refusal(f"{mine.name} 不是省级以上机关，不能开展专项监督", field="mode", rule=rule)
    if plan is None:
        raise Refusal("专项方案：专项监督须依据经政府批准的书面方案", field="plan", rule=rule)
    plan = SpecialPlan.objects.get(pk=plan.pk)  # as approved now, not as the caller loaded it
    if plan.state != PlanState.APPROVED:
        raise Refusal(f"专项方案：“{plan.title}”尚未经政府批准，不能据此开展监督", field="plan", rule=rule)
    if not plan.starts_on <= done_on <= plan.ends_on:
        raise Refusal(
            f"日期：不在方案期间（{plan.starts_on:%Y-%m-%d} 至 {plan.ends_on:%Y-%m-%d}）内", field="done_on", rule=rule
        )
    if not agency.is_within(plan.agency):
        raise Refusal(f"被监督机关：{agency.name} 不在方案组织机关的范围内", field="agency", rule=rule)


# ---- 评议 (监督条例 第十九条) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultLine:
    agency: Agency
    score: Decimal
    conclusion: str


def evaluation_publish(
    *, actor: User, title: str, period: str, standards: str, process: str, results: list[ResultLine]
) -> Evaluation:
    """Publish an evaluation: its standards, process and each agency's result, readable by anyone, never changed."""
    with translation.override("zh-hans"), transaction.atomic():
        mine = _supervisor(actor, "公布执法质效评议")
        if not results:
            raise Refusal("评议结果：至少须有一个被评议机关的结果", field="results")
        if len(results) > MAX_RESULTS:
            raise Refusal(f"评议结果：一次最多 {MAX_RESULTS} 个机关", field="results")
        seen: set[int] = set()
        for line in results:
            if not can_see_agency(actor, line.agency) or line.agency.pk == mine.pk:
                raise Refusal(f"评议结果：{line.agency.name} 不是本机关监督的下级机关", field="results")
            if line.agency.pk in seen:
                raise Refusal(f"评议结果：{line.agency.name} 重复", field="results")
            seen.add(line.agency.pk)
            if not Decimal(0) <= line.score <= Decimal(100):
                raise Refusal(f"评议结果：{line.agency.name} 的得分应在 0 至 100 之间", field="results")
            _text(line.conclusion, "results", f"评议结果：{line.agency.name} 的结论", 200)
        evaluation = Evaluation.objects.create(
            agency=mine,
            title=_text(title, "title", "评议名称", 200),
            period=_text(period, "period", "评议期间", 50),
            standards=_text(standards, "standards", "评议标准", 20_000),
            process=_text(process, "process", "评议过程"),
            published_on=timezone.localdate(),
            published_by=actor,
        )
        EvaluationResult.objects.bulk_create(
            EvaluationResult(
                evaluation=evaluation,
                agency=line.agency,
                agency_name=line.agency.name,
                score=line.score,
                conclusion=line.conclusion.strip(),
            )
            for line in results
        )
        entry = record(
            actor=actor,
            action="supervision.evaluation_publish",
            subject=evaluation,
            facts={
                "title": evaluation.title,
                "period": evaluation.period,
                "standards": evaluation.standards,
                "process": evaluation.process,
                "results": [
                    {"agency": line.agency.pk, "score": str(line.score), "conclusion": line.conclusion.strip()}
                    for line in results
                ],
            },
            agency=mine,
        )
        set_entry(evaluation, entry.index)
        return evaluation


# ---- selectors ---------------------------------------------------------------------------------------------------


def plans_for(actor: User) -> QuerySet[SpecialPlan]:
    return restrict(SpecialPlan.objects.select_related("agency"), actor)


def matters_for(actor: User) -> QuerySet[FocusMatter]:
    """The key-point matters over the agencies the actor sees (the agency side sees those about its own cases)."""
    return restrict(
        FocusMatter.objects.select_related("case", "complaint", "agency", "supervisor_agency", "from_agency"), actor
    )


def acts_for(actor: User) -> QuerySet[SupervisionAct]:
    if not actor.has_role(*SUPERVISORS):
        return SupervisionAct.objects.none()
    return restrict(SupervisionAct.objects.select_related("agency", "case", "actor", "plan", "matter"), actor)


def published_evaluations() -> QuerySet[Evaluation]:
    """Everything published is public (监督条例 第十九条)."""
    return Evaluation.objects.select_related("agency")


def open_listed(case: Case) -> list[FocusMatter]:
    return list(
        FocusMatter.objects.filter(case=case, state=FocusState.OPEN).select_related("supervisor_agency", "from_agency")
    )
