"""Every change of the inspections app: one service each, in one transaction with its ledger entry.

Who may do what (decided here, docs/decisions.md): the directory, the plans and the inspections are kept by the
agency's officers and its heads (OFFICER, APPROVER) for the agencies they see; a plan is approved by a head
(APPROVER, 海南条例 第十五条); supervisors read their subtree and change nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

import zhifa_draw
from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.inspections import draw_inputs
from zhifa.inspections.choices import (
    TRANSITIONS,
    Cause,
    DrawState,
    Grade,
    InspectionState,
    PlanKind,
    PlanState,
    RelationKind,
    Source,
)
from zhifa.inspections.models import (
    Inspection,
    InspectionPlan,
    InspectionTarget,
    InspectorRelation,
    RandomInspection,
)
from zhifa.inspections.selectors import CAP_RULE, OFFICERS_WITH_CERTIFICATES, cap_state, certificates_shown
from zhifa.ledger import blobs
from zhifa.ledger.models import Checkpoint
from zhifa.ledger.services import record
from zhifa.ledger.services import tree_size as ledger_tree_size
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import check_investigators, same_line
from zhifa.powers.models import InspectionItem
from zhifa.powers.selectors import inspection_item_listed
from zhifa_draw.draw import check_announcement
from zhifa_draw.seed import SeedProblem, normalised
from zhifa_draw.witnesses import WitnessProblem, canonical_key, split_entry

PLANNERS = (Role.OFFICER.value, Role.APPROVER.value)
HEADS = (Role.APPROVER.value,)
LISTED_RULE = "清单之外无检查：国办发〔2024〕54号；海南条例 第七条"
TWO_OFFICERS_RULE = "海南条例 第十八条；行政处罚法 第四十二条、第五十五条"
MAX_ITEMS = 50
MAX_OFFICERS = 20
TARGET_FIELDS = ("name", "credit_code", "address", "domain", "risk_grade", "credit_grade")


def _name(actor: User) -> str:
    return actor.full_name or actor.username


# --- the directory -------------------------------------------------------------------------------------------


def target_values(values: dict[str, Any]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A business's values cleaned, and the problems as (field, message): the rules of one row, shared by the
    form and the import."""
    cleaned = {name: str(values.get(name) or "").strip() for name in TARGET_FIELDS}
    cleaned["credit_code"] = cleaned["credit_code"].upper()
    problems: list[tuple[str, str]] = []
    for name, limit, label in (("name", 200, "名称"), ("address", 300, "地址")):
        if not cleaned[name]:
            problems.append((name, f"请填写{label}"))
        elif len(cleaned[name]) > limit:
            problems.append((name, f"{label}不能超过{limit}字"))
    try:
        from zhifa.core.validators import validate_credit_code

        validate_credit_code(cleaned["credit_code"])
    except ValidationError as error:
        problems.append(("credit_code", error.messages[0]))
    if cleaned["domain"] not in Domain.values:
        problems.append(("domain", f"执法领域应为{'、'.join(str(label) for label in Domain.labels)}之一"))
    for name, label in (("risk_grade", "风险等级"), ("credit_grade", "信用等级")):
        if cleaned[name] not in Grade.values:
            problems.append((name, f"{label}应为A、B、C、D之一"))
    return cleaned, problems


def _target_facts(target: InspectionTarget) -> dict[str, Any]:
    return {name: getattr(target, name) for name in (*TARGET_FIELDS, "active")} | {"agency": target.agency.name}


def target_create(*, actor: User, agency: Agency, values: dict[str, Any]) -> InspectionTarget:
    with transaction.atomic():
        require_role(actor, PLANNERS, agency=agency, doing="维护检查对象名录库")
        cleaned, problems = target_values(values)
        if problems:
            raise Refusal(problems[0][1], field=problems[0][0])
        if InspectionTarget.objects.filter(agency=agency, credit_code=cleaned["credit_code"]).exists():
            raise Refusal(f"统一社会信用代码 {cleaned['credit_code']} 已在本机关名录库中", field="credit_code")
        target = InspectionTarget.objects.create(agency=agency, **cleaned)
        record(
            actor=actor, action="inspection_target.create", subject=target, facts=_target_facts(target), agency=agency
        )
        return target


def target_update(*, actor: User, target: InspectionTarget, values: dict[str, Any]) -> InspectionTarget:
    with transaction.atomic():
        target = InspectionTarget.objects.select_for_update().select_related("agency").get(pk=target.pk)
        require_role(actor, PLANNERS, agency=target.agency, doing="维护检查对象名录库")
        cleaned, problems = target_values(values)
        if problems:
            raise Refusal(problems[0][1], field=problems[0][0])
        taken = InspectionTarget.objects.filter(agency=target.agency, credit_code=cleaned["credit_code"])
        if taken.exclude(pk=target.pk).exists():
            raise Refusal(f"统一社会信用代码 {cleaned['credit_code']} 已在本机关名录库中", field="credit_code")
        changed = {
            name: [getattr(target, name), value] for name, value in cleaned.items() if getattr(target, name) != value
        }
        if not changed:
            return target
        for name, value in cleaned.items():
            setattr(target, name, value)
        target.save()
        record(
            actor=actor,
            action="inspection_target.update",
            subject=target,
            facts={"changed": changed, "target": _target_facts(target)},
            agency=target.agency,
        )
        return target


def target_set_active(*, actor: User, target: InspectionTarget, active: bool, reason: str) -> InspectionTarget:
    """Take a business out of the directory (deregistered, moved away…) or put it back, with the reason."""
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise Refusal("请填写移出或恢复名录库的理由（500字以内）", field="reason")
    with transaction.atomic():
        target = InspectionTarget.objects.select_for_update().select_related("agency").get(pk=target.pk)
        require_role(actor, PLANNERS, agency=target.agency, doing="维护检查对象名录库")
        if target.active == active:
            return target
        target.active = active
        target.save(update_fields=["active", "updated_at"])
        record(
            actor=actor,
            action="inspection_target.activate" if active else "inspection_target.deactivate",
            subject=target,
            facts={"reason": reason, "target": _target_facts(target)},
            agency=target.agency,
        )
        return target


def relation_record(
    *, actor: User, officer: Officer, target: InspectionTarget, kind: str, reason: str
) -> InspectorRelation:
    """Record an inspector's relation with a business: he is never drawn for it, nor named on its inspection."""
    reason = reason.strip()
    if kind not in RelationKind.values:
        raise Refusal("未知的关系类别", field="kind")
    if not reason or len(reason) > 500:
        raise Refusal("请写明关系的具体情况（500字以内）", field="reason")
    with transaction.atomic():
        require_role(actor, PLANNERS, agency=officer.agency, doing="登记执法检查人员的回避关系")
        relation, created = InspectorRelation.objects.get_or_create(
            officer=officer,
            target=target,
            kind=kind,
            defaults={"reason": reason, "recorded_by": actor, "recorded_by_name": _name(actor)},
        )
        if not created:
            raise Refusal(f"{officer.name} 与 {target.name} 的这一关系已登记", field="kind")
        record(
            actor=actor,
            action="inspector_relation.record",
            subject=relation,
            facts={
                "officer": officer.name,
                "officer_id": officer.pk,
                "target": target.name,
                "credit_code": target.credit_code,
                "kind": kind,
                "reason": reason,
            },
            agency=officer.agency,
        )
        return relation


# --- items ---------------------------------------------------------------------------------------------------


def listed_items(agency: Agency, codes: Sequence[str], on_date: date) -> list[InspectionItem]:
    """The items `codes` of the inspection-item list in force for `agency` on `on_date`; refused, naming the
    first unlisted one, when any is not on it (清单之外无检查)."""
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not wanted:
        raise Refusal("请至少选择一项检查事项", field="items", rule=LISTED_RULE)
    if len(wanted) > MAX_ITEMS:
        raise Refusal(f"一次最多{MAX_ITEMS}项检查事项", field="items")
    found = []
    for code in wanted:
        item = inspection_item_listed(agency, code, on_date)
        if item is None:
            raise Refusal(
                f"检查事项 {code} 不在 {agency.name} {on_date} 施行的行政检查事项清单中，不得检查",
                field="items",
                rule=LISTED_RULE,
            )
        found.append(item)
    return found


# --- plans ---------------------------------------------------------------------------------------------------


def _grades(values: Sequence[str], field: str) -> list[str]:
    chosen = list(dict.fromkeys(values))
    if any(value not in Grade.values for value in chosen):
        raise Refusal("等级应为A、B、C、D", field=field)
    return chosen


def _plan_facts(plan: InspectionPlan) -> dict[str, Any]:
    return {
        "agency": plan.agency.name,
        "year": plan.year,
        "kind": plan.kind,
        "title": plan.title,
        "domains": plan.domains,
        "risk_grades": plan.risk_grades,
        "credit_grades": plan.credit_grades,
        "items": sorted(plan.items.values_list("code", flat=True)),
        "frequency": plan.frequency,
        "ratios": plan.ratios,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "state": plan.state,
        "approval_document": plan.approval_document,
        "approval_body": plan.approval_body,
        "approval_date": plan.approval_date.isoformat() if plan.approval_date else None,
    }


@dataclass(frozen=True)
class PlanValues:
    """A plan's values, cleaned: what `plan_create` makes and `plan_update` changes."""

    kind: str
    title: str
    year: int
    domains: list[str]
    risk_grades: list[str]
    credit_grades: list[str]
    frequency: str
    ratios: dict[str, int]
    starts_on: date
    ends_on: date
    approval_document: str
    approval_body: str
    approval_date: date | None


def plan_values(
    *,
    kind: str,
    title: str,
    year: int,
    domains: Sequence[str],
    frequency: str,
    starts_on: date,
    ends_on: date,
    risk_grades: Sequence[str] = (),
    credit_grades: Sequence[str] = (),
    ratios: dict[str, int] | None = None,
    approval_document: str = "",
    approval_body: str = "",
    approval_date: date | None = None,
) -> PlanValues:
    """A plan's values checked (the items apart: they need the agency's list), refused naming field and rule."""
    title, frequency = title.strip(), frequency.strip()
    approval_document, approval_body = approval_document.strip(), approval_body.strip()
    if kind not in PlanKind.values:
        raise Refusal("未知的计划类别", field="kind")
    if not title or len(title) > 200:
        raise Refusal("请填写计划名称（200字以内）", field="title")
    if not frequency or len(frequency) > 200:
        raise Refusal("请填写检查频次（200字以内）", field="frequency")
    if not 2000 <= year <= 2100:
        raise Refusal("年度应为2000至2100年之间的年份", field="year")
    if ends_on < starts_on:
        raise Refusal("结束日期不能早于开始日期", field="ends_on")
    if kind == PlanKind.ROUTINE and not (starts_on.year == ends_on.year == year):
        raise Refusal(f"年度日常检查计划的期间应在{year}年内", field="starts_on")
    if not domains or any(domain not in Domain.values for domain in domains):
        raise Refusal("请选择计划覆盖的执法领域", field="domains")
    ratios = dict(ratios or {})
    if any(grade not in Grade.values or not 0 <= int(share) <= 100 for grade, share in ratios.items()):
        raise Refusal("抽查比例应按风险等级A、B、C、D填写0至100的百分数", field="ratios")
    if kind == PlanKind.SPECIAL and not (approval_document and approval_body and approval_date):
        # 海南条例 第十条: a special inspection is approved by the government at that level, filed and published.
        raise Refusal(
            "专项检查计划须经本级人民政府批准：请填写批准的人民政府、批准文件名称及文号和批准日期",
            field="approval_document",
            rule="海南条例 第十条",
        )
    if len(approval_document) > 200 or len(approval_body) > 200:
        raise Refusal("批准文件和批准机关的名称不能超过200字", field="approval_document")
    if kind != PlanKind.SPECIAL:
        approval_document, approval_body, approval_date = "", "", None
    return PlanValues(
        kind=kind,
        title=title,
        year=year,
        domains=list(dict.fromkeys(domains)),
        risk_grades=_grades(risk_grades, "risk_grades"),
        credit_grades=_grades(credit_grades, "credit_grades"),
        frequency=frequency,
        ratios={grade: int(share) for grade, share in sorted(ratios.items())},
        starts_on=starts_on,
        ends_on=ends_on,
        approval_document=approval_document,
        approval_body=approval_body,
        approval_date=approval_date,
    )


def plan_create(*, actor: User, agency: Agency, item_codes: Sequence[str], **values: Any) -> InspectionPlan:
    """A draft plan (the keyword arguments of `plan_values`). Its items must be on the inspection-item list in
    force on its first day."""
    cleaned = plan_values(**values)
    with transaction.atomic():
        require_role(actor, PLANNERS, agency=agency, doing="制定检查计划")
        items = listed_items(agency, item_codes, cleaned.starts_on)
        plan = InspectionPlan.objects.create(
            agency=agency, created_by=actor, created_by_name=_name(actor), **asdict(cleaned)
        )
        plan.items.set(items)
        record(actor=actor, action="inspection_plan.create", subject=plan, facts=_plan_facts(plan), agency=agency)
        return plan


def plan_update(*, actor: User, plan: InspectionPlan, item_codes: Sequence[str], **values: Any) -> InspectionPlan:
    """Change a plan while it is a draft: once approved it is what the head approved (海南条例 第十五条)."""
    cleaned = plan_values(**values)
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
        require_role(actor, PLANNERS, agency=plan.agency, doing="修改检查计划")
        if plan.state != PlanState.DRAFT:
            raise Refusal(f"检查计划已{plan.get_state_display()}，不能再修改", field="state", rule="海南条例 第十五条")
        items = listed_items(plan.agency, item_codes, cleaned.starts_on)
        before = _plan_facts(plan)
        for name, value in asdict(cleaned).items():
            setattr(plan, name, value)
        plan.save()
        plan.items.set(items)
        after = _plan_facts(plan)
        changed = {name: [before[name], value] for name, value in after.items() if before[name] != value}
        if not changed:
            return plan
        record(
            actor=actor,
            action="inspection_plan.update",
            subject=plan,
            facts={"changed": changed, "plan": after},
            agency=plan.agency,
        )
        return plan


def plan_approve(*, actor: User, plan: InspectionPlan, late_reason: str = "") -> InspectionPlan:
    """The head's approval (海南条例 第十五条): before the plan starts; afterwards only in an emergency, with the
    reason it was reported and approved late."""
    today = timezone.localdate()
    late_reason = late_reason.strip()
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
        require_role(actor, HEADS, agency=plan.agency, doing="批准检查计划")
        if plan.state != PlanState.DRAFT:
            raise Refusal(f"检查计划已{plan.get_state_display()}，不能再批准", field="state")
        if today > plan.starts_on and not late_reason:
            raise Refusal(
                f"检查计划应在开始前（{plan.starts_on}）经机关负责人批准；紧急情况下事后补批的，请写明理由",
                field="late_reason",
                rule="海南条例 第十五条",
            )
        if len(late_reason) > 500:
            raise Refusal("事后补批理由不能超过500字", field="late_reason")
        plan.state = PlanState.APPROVED
        plan.approved_by = actor
        plan.approved_by_name = _name(actor)
        plan.approved_on = today
        plan.late_approval_reason = late_reason
        plan.save()
        record(
            actor=actor,
            action="inspection_plan.approve",
            subject=plan,
            facts={"plan": plan.title, "approved_on": today.isoformat(), "late_reason": late_reason},
            agency=plan.agency,
        )
        return plan


def plan_publish(*, actor: User, plan: InspectionPlan) -> InspectionPlan:
    """Publish an approved plan (事前公开: the plan, and for a special one its approval)."""
    today = timezone.localdate()
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
        require_role(actor, PLANNERS, agency=plan.agency, doing="公布检查计划")
        if plan.state != PlanState.APPROVED:
            raise Refusal("检查计划须经机关负责人批准后公布", field="state", rule="海南条例 第十五条")
        plan.state = PlanState.PUBLISHED
        plan.published_on = today
        plan.save(update_fields=["state", "published_on"])
        record(actor=actor, action="inspection_plan.publish", subject=plan, facts=_plan_facts(plan), agency=plan.agency)
        return plan


# --- inspections ---------------------------------------------------------------------------------------------


def inspection_create(
    *,
    actor: User,
    agency: Agency,
    target: InspectionTarget,
    source: str,
    reason: str,
    item_codes: Sequence[str],
    officers: Sequence[Officer],
    planned_on: date,
    cause: str = "",
    plan: InspectionPlan | None = None,
    off_site: bool = False,
    draw: RandomInspection | None = None,
) -> Inspection:
    """One inspection of one business. For-cause ones are made here directly; routine ones come from a draw
    (which calls this with the plan). Refused: an unlisted item, fewer than two officers able to enforce on the
    day, an officer with a recorded relation with the business, a routine or special one over the cap."""
    reason = reason.strip()
    if source not in Source.values:
        raise Refusal("未知的任务来源", field="source")
    if not reason or len(reason) > 2000:
        raise Refusal("每次检查都应记录检查事由（2000字以内）", field="reason", rule="海南条例 第十条、第十二条")
    if source == Source.FOR_CAUSE:
        if cause not in Cause.values:
            raise Refusal(
                "有因检查应选择事由类别（投诉举报、转办交办、抽样检测、数据监测、移送线索、企业申请）", field="cause"
            )
        if plan is not None:
            raise Refusal("有因检查不属于检查计划", field="plan")
    else:
        cause = ""
        if plan is None:
            raise Refusal(
                f"{Source(source).label}应依据已公布的检查计划", field="plan", rule="海南条例 第十条、第十一条"
            )
    if len(officers) > MAX_OFFICERS:
        raise Refusal(f"一次检查最多{MAX_OFFICERS}名执法人员", field="officers")
    with transaction.atomic():
        require_role(actor, PLANNERS, agency=agency, doing="登记行政检查")
        target = InspectionTarget.objects.select_for_update().select_related("agency").get(pk=target.pk)
        if not target.active:
            raise Refusal(f"{target.name} 已移出检查对象名录库", field="target")
        if not same_line(target.agency, agency):
            raise Refusal(f"{target.name} 不在 {agency.name} 或其上下级机关的检查对象名录库中", field="target")
        if plan is not None:
            if plan.agency_id != agency.pk or plan.state != PlanState.PUBLISHED:
                raise Refusal("检查计划应为本机关已公布的计划", field="plan", rule="海南条例 第十五条")
            if plan.kind != source:
                raise Refusal(f"{Source(source).label}应依据{PlanKind(source).label}", field="plan")
            if not plan.starts_on <= planned_on <= plan.ends_on:
                raise Refusal(f"检查日期应在计划期间（{plan.starts_on}至{plan.ends_on}）内", field="planned_on")
        items = listed_items(agency, item_codes, planned_on)
        if plan is not None:
            planned = set(plan.items.values_list("code", flat=True))
            outside = [item.code for item in items if item.code not in planned]
            if outside:
                raise Refusal(f"检查事项 {'、'.join(outside)} 不在检查计划中", field="items")
        able = check_investigators(officers, agency, planned_on)
        if not able:
            raise Refusal(able.reason, field="officers", rule=TWO_OFFICERS_RULE)
        related = InspectorRelation.objects.filter(
            target__credit_code=target.credit_code, officer__in=[officer.pk for officer in officers]
        ).select_related("officer")
        relation = related.first()
        if relation is not None:
            raise Refusal(
                f"{relation.officer.name} 与 {target.name} 有登记的{relation.get_kind_display()}，应当回避",
                field="officers",
                rule="行政处罚法 第四十三条",
            )
        state = cap_state(target, agency, planned_on.year, today=planned_on)
        over = False
        if state.cap is not None:
            if source != Source.FOR_CAUSE and state.full:
                raise Refusal(
                    f"{target.name} {planned_on.year}年已被{agency.name}检查{state.count}次，"
                    f"已达频次上限 {state.describe()}",
                    field="target",
                    rule=CAP_RULE,
                )
            # A for-cause inspection passes the cap but is counted, and flagged when the year's total passes it.
            over = source == Source.FOR_CAUSE and state.count + state.for_cause + 1 > state.cap.max_per_year
        inspection = Inspection.objects.create(
            agency=agency,
            target=target,
            source=source,
            cause=cause,
            reason=reason,
            plan=plan,
            draw=draw,
            planned_on=planned_on,
            off_site=off_site,
            over_cap=over,
            cap_note=state.describe()[:500] if state.cap is not None else "",
            created_by=actor,
            created_by_name=_name(actor),
        )
        inspection.items.set(items)
        inspection.officers.set(officers)
        record(
            actor=actor,
            action="inspection.create",
            subject=inspection,
            facts={
                "agency": agency.name,
                "target": target.name,
                "credit_code": target.credit_code,
                "source": source,
                "cause": cause,
                "reason": reason,
                "plan_id": plan.pk if plan else None,
                "draw_id": draw.pk if draw is not None else None,
                "items": [item.code for item in items],
                "officers": sorted([officer.name, officer.pk] for officer in officers),
                "planned_on": planned_on.isoformat(),
                "off_site": off_site,
                "over_cap": over,
                "cap": inspection.cap_note,
            },
            agency=agency,
        )
        return inspection


# --- the visit: the inspection code (检查码) and the scan at the door (扫码入企) ------------------------------------

CODE_RULE = "海南条例 第十六条（检查码、扫码入企）"
CODE_BYTES = 32  # 256 bits: the token cannot be guessed; 43 characters in the address


def _move(inspection: Inspection, to: str) -> None:
    if to not in TRANSITIONS[inspection.state]:
        raise Refusal(
            f"检查状态为“{inspection.get_state_display()}”，不能转为“{InspectionState(to).label}”", field="state"
        )
    inspection.state = to


def _visit_facts(inspection: Inspection) -> dict[str, Any]:
    """What every visit entry names: the body, the business and the planned day."""
    return {
        "agency": inspection.agency.name,
        "target": inspection.target.name,
        "credit_code": inspection.target.credit_code,
        "planned_on": inspection.planned_on.isoformat(),
    }


def inspection_issue_code(*, actor: User, inspection: Inspection) -> Inspection:
    """Make the inspection code before an on-site visit: refused for an off-site inspection (no visit, no code),
    a planned day already past, or fewer than two officers able to enforce on the planned day."""
    today = timezone.localdate()
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update()
            .select_related("agency", "target")
            .prefetch_related(*OFFICERS_WITH_CERTIFICATES, "items")
            .get(pk=inspection.pk)
        )
        require_role(actor, PLANNERS, agency=inspection.agency, doing="生成检查码")
        if inspection.off_site:
            raise Refusal("非现场检查不入企，不生成检查码", field="off_site", rule=CODE_RULE)
        if inspection.state == InspectionState.CODE_ISSUED:
            raise Refusal("该检查已生成检查码", field="state")
        _move(inspection, InspectionState.CODE_ISSUED)
        if inspection.planned_on < today:
            raise Refusal(
                f"计划检查日期（{inspection.planned_on}）已过，请先调整检查日期", field="planned_on", rule=CODE_RULE
            )
        officers = list(inspection.officers.all())
        able = check_investigators(officers, inspection.agency, inspection.planned_on)
        if not able:
            raise Refusal(able.reason, field="officers", rule=TWO_OFFICERS_RULE)
        relation = (
            InspectorRelation.objects.filter(
                target__credit_code=inspection.target.credit_code, officer__in=[officer.pk for officer in officers]
            )
            .select_related("officer")
            .first()
        )
        if relation is not None:
            raise Refusal(
                f"{relation.officer.name} 与 {inspection.target.name} 有登记的{relation.get_kind_display()}，应当回避",
                field="officers",
                rule="行政处罚法 第四十三条",
            )
        token = secrets.token_urlsafe(CODE_BYTES)
        inspection.code_token = token
        inspection.code_issued_at = timezone.now()
        inspection.code_issued_by = actor
        inspection.code_issued_by_name = _name(actor)
        inspection.save(
            update_fields=["state", "code_token", "code_issued_at", "code_issued_by", "code_issued_by_name"]
        )
        shown = certificates_shown(officers, inspection.agency, inspection.planned_on)
        record(
            actor=actor,
            action="inspection.code_issued",
            subject=inspection,
            facts={
                **_visit_facts(inspection),
                "officers": sorted(
                    [officer.name, officer.pk, certificate.number if certificate else None]
                    for officer, certificate in shown
                ),
                "items": sorted(item.code for item in inspection.items.all()),
                # The token itself stays out of the ledger: the digest proves which code was made.
                "code_sha256": hashlib.sha256(token.encode()).hexdigest(),
            },
            agency=inspection.agency,
        )
        return inspection


def network_of(address: str) -> str:
    """The client's network, not its address: the /24 of an IPv4 address, the /48 of an IPv6 one; "" if none."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# The user agent's family only (the app the business scanned with), never the whole string. First match wins.
AGENT_FAMILIES = (
    ("MicroMessenger", "微信"),
    ("AlipayClient", "支付宝"),
    ("DingTalk", "钉钉"),
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)


def agent_family(user_agent: str) -> str:
    return next((family for marker, family in AGENT_FAMILIES if marker in user_agent[:1000]), "其他")


@dataclass(frozen=True)
class Scan:
    inspection: Inspection
    recorded: bool  # False: it had been scanned before; nothing new was recorded


def inspection_record_scan(*, token: str, network: str, agent: str) -> Scan:
    """The business confirms the code at the door (no login): recorded once in the ledger as
    `inspection.code_scanned`, and the inspection is checked in (on_site). A second scan records nothing."""
    today = timezone.localdate()
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("agency", "target").filter(code_token=token).first()
        )
        if not token or inspection is None:
            raise Refusal("检查码无效", field="code")
        if inspection.code_scanned_at is not None:
            return Scan(inspection, recorded=False)
        if inspection.planned_on > today:
            raise Refusal(
                f"检查码自计划检查日期（{inspection.planned_on}）起方可扫码确认", field="code", rule=CODE_RULE
            )
        _move(inspection, InspectionState.ON_SITE)
        inspection.code_scanned_at = timezone.now()
        inspection.save(update_fields=["state", "code_scanned_at"])
        record(
            actor=None,
            action="inspection.code_scanned",
            subject=inspection,
            facts={
                **_visit_facts(inspection),
                "scanned_at": inspection.code_scanned_at.isoformat(),
                "network": network,
                "agent": agent,
            },
            agency=inspection.agency,
        )
        return Scan(inspection, recorded=True)


# --- the double-random draw (双随机): freeze, seed, run -----------------------------------------------------------

DRAW_RULE = "国办发〔2019〕5号（双随机、一公开）；海南条例 第十一条"
MAX_JOINT_PLANS = 20
MAX_ENTRIES_AHEAD = 1_000_000
DRAW_WITNESSES_MAX = 20


def draw_announcement(
    *,
    kind: str,
    entries_ahead: int = 0,
    drand_chain: str = "",
    drand_round: int = 0,
    witnesses: Sequence[str] = (),
    how: str = "",
    not_before: str = "",
) -> dict[str, Any]:
    """The seed's announcement (zhifa_draw `seed`), checked; a ledger checkpoint's tree size is counted from the
    ledger as it stands (`draw_freeze` checks again, under the ledger's lock, that no such checkpoint exists)."""

    if kind not in draw_inputs.SOURCES:
        raise Refusal("请选择种子来源（其后的账本检查点、drand 公共随机信标、见证人）", field="seed_kind")
    not_before = not_before.strip()
    if len(not_before) > 40:
        raise Refusal("“不早于”不能超过40字", field="not_before")
    seed: dict[str, Any] = {"source": draw_inputs.SOURCES[kind]}
    if kind == "checkpoint":
        if not 1 <= entries_ahead <= MAX_ENTRIES_AHEAD:
            raise Refusal(f"账本检查点应在当前账本规模之后 1 至 {MAX_ENTRIES_AHEAD} 条", field="entries_ahead")
        # The freeze's own entry comes next: the checkpoint is at least `entries_ahead` entries after it.
        seed |= {"log": settings.LEDGER_ORIGIN, "tree_size": ledger_tree_size() + 1 + entries_ahead}
    elif kind == "beacon":
        chain = drand_chain.strip().lower()
        if len(chain) != 64 or any(c not in "0123456789abcdef" for c in chain):
            raise Refusal("drand 链的哈希应为64位十六进制数字", field="drand_chain")
        if not 1 <= drand_round <= 2**62:
            raise Refusal("请填写 drand 的轮次（正整数，应为尚未产生的轮次）", field="drand_round")
        seed |= {"chain_hash": chain, "round": drand_round}
    else:
        names = [name.strip() for name in witnesses if name.strip()]
        if not 1 <= len(names) <= DRAW_WITNESSES_MAX or len(set(names)) != len(names):
            raise Refusal(f"请按录入顺序填写1至{DRAW_WITNESSES_MAX}名见证人（不重名）", field="witnesses")
        if any(len(name) > 64 for name in names):
            raise Refusal("见证人姓名不能超过64字", field="witnesses")
        seed["witnesses"] = names
        if how.strip():
            if len(how.strip()) > 1000:
                raise Refusal("取数方式不能超过1000字", field="how")
            seed["how"] = how.strip()
    if not_before:
        seed["not_before"] = not_before
    return seed


def describe_announcement(seed: dict[str, Any]) -> str:
    """The announcement in a sentence, as the draw's page and the ledger say it."""
    source = seed.get("source")
    if source == "ledger_checkpoint":
        text = f"账本 {seed['log']} 中规模不小于 {seed['tree_size']} 条的第一个签名检查点的根哈希"
    elif source == "drand":
        text = f"drand 公共随机信标（链 {seed['chain_hash'][:16]}…）第 {seed['round']} 轮的随机数"
    else:
        text = f"见证人 {'、'.join(seed['witnesses'])} 依次录入的数字（RFC 3797 规范形式）"
        if seed.get("how"):
            text += f"；取数方式：{seed['how']}"
    if seed.get("not_before"):
        text += f"；不早于 {seed['not_before']}"
    return text[:500]


def _draw_plans(actor: User, plans: Sequence[InspectionPlan]) -> list[InspectionPlan]:
    if not plans:
        raise Refusal("请选择检查计划", field="plans")
    if len(plans) > MAX_JOINT_PLANS:
        raise Refusal(f"一次联合抽取最多{MAX_JOINT_PLANS}个计划", field="plans")
    ids = list(dict.fromkeys(plan.pk for plan in plans))
    locked = {
        plan.pk: plan
        for plan in InspectionPlan.objects.select_for_update(of=("self",))
        .select_related("agency")
        .prefetch_related("items")
        .filter(pk__in=ids)
    }
    chosen = [locked[pk] for pk in ids]
    lead = chosen[0]
    for plan in chosen:
        require_role(actor, PLANNERS, agency=plan.agency, doing="组织双随机抽取")
        if plan.state != PlanState.PUBLISHED or plan.kind != PlanKind.ROUTINE:
            raise Refusal(f"“{plan.title}”不是已公布的年度日常检查计划，不能抽取", field="plans", rule=DRAW_RULE)
        if plan.year != lead.year:
            raise Refusal("联合抽取的计划应属同一年度", field="plans")
        if sorted(plan.credit_grades) != sorted(lead.credit_grades):
            raise Refusal("联合抽取的计划的信用等级范围应一致", field="plans")
        if plan.ends_on < timezone.localdate():
            raise Refusal(f"“{plan.title}”的计划期间已结束", field="plans")
    return chosen


def draw_freeze(
    *, actor: User, plans: Sequence[InspectionPlan], announcement: dict[str, Any], inspectors_per_target: int = 2
) -> RandomInspection:
    """Freeze a draw's inputs (the plans, the directory, the pool, the avoidance, the seed's announcement),
    store them as one canonical file in the evidence store and record its SHA-256 in the ledger
    (`inspection.draw_frozen`) before the seed's value exists. Several agencies' plans make a joint draw."""

    if not 2 <= inspectors_per_target <= 10:
        raise Refusal("每户检查人员应为2至10名", field="inspectors_per_target", rule=TWO_OFFICERS_RULE)
    with transaction.atomic():
        chosen = _draw_plans(actor, plans)
        lead = chosen[0]
        pending = RandomInspection.objects.filter(plans__in=chosen).exclude(state=DrawState.DRAWN)
        if pending.exists():
            raise Refusal("计划已有尚未完成的抽取，请先完成该批次", field="plans")
        number = (RandomInspection.objects.filter(plan=lead).count()) + 1
        built = draw_inputs.build(chosen, number, announcement, inspectors_per_target)
        try:
            data = zhifa_draw.canonical(built.inputs)
            check_announcement(built.inputs["seed"])
        except (zhifa_draw.NotCanonical, zhifa_draw.DrawProblem) as problem:
            raise Refusal(f"抽取输入不符合格式：{problem}", field="plans") from problem
        blob = blobs.store([data], content_type="application/json")
        draw = RandomInspection.objects.create(
            plan=lead,
            number=number,
            algorithm=f"zhifa_draw {zhifa_draw.FORMAT}",
            inputs_sha256=blob.sha256,
            inputs_entry=0,
            frozen_at=timezone.now(),
            frozen_by=actor,
            seed_kind=draw_inputs.KINDS[announcement["source"]],
            seed_announced=describe_announcement(announcement),
            announcement=announcement,
        )
        draw.plans.set(chosen)
        entry = record(
            actor=actor,
            action="inspection.draw_frozen",
            subject=draw,
            facts={
                "draw": built.inputs["draw"]["id"],
                "plans": [[plan.pk, plan.agency.name, plan.title] for plan in chosen],
                "inputs_sha256": blob.sha256,
                "inputs_size": blob.size,
                "targets": built.targets,
                "inspectors": built.inspectors,
                "avoid": len(built.inputs["avoid"]),
                "seed": announcement,
                "algorithm": draw.algorithm,
            },
            files=[blob.sha256],
            agency=lead.agency,
        )
        if announcement["source"] == "ledger_checkpoint":
            size = announcement["tree_size"]
            # Under the ledger's lock (taken by `record`): the checkpoint named must not exist yet, and must
            # cover this entry.
            if entry.index >= size or Checkpoint.objects.filter(size__gte=size).exists():
                raise Refusal("账本在冻结期间已增长到公告的规模，请重新冻结", field="entries_ahead")
        draw.inputs_entry = entry.index
        draw.save(update_fields=["inputs_entry"])
        return draw


def _seed_value(draw: RandomInspection, value: str) -> str:
    """The value checked against the announcement where the system can; returned normalised."""

    seed = draw.announcement
    source = seed["source"]
    value = value.strip()
    if not value or len(value) > 2000:
        raise Refusal("请填写种子值", field="value")
    if source == "witnesses" and "/" not in value:
        # One line per witness, in the announced order: made canonical here (RFC 3797 §4).
        lines = [line for line in value.splitlines() if line.strip()]
        if len(lines) != len(seed["witnesses"]):
            raise Refusal(f"应按公告顺序逐行录入{len(seed['witnesses'])}名见证人的数字", field="value")
        try:
            value = canonical_key([split_entry(line) for line in lines])
        except WitnessProblem as problem:
            raise Refusal(f"见证人录入的数字无效：{problem}", field="value") from problem
    try:
        value = normalised(source, value)
    except SeedProblem as problem:
        raise Refusal(f"种子值的形式不对：{problem}", field="value") from problem
    if source == "witnesses" and value.count("/") != len(seed["witnesses"]):
        raise Refusal(f"规范字符串应含{len(seed['witnesses'])}名见证人的数字（各以“/”结束）", field="value")
    if source == "ledger_checkpoint":
        if seed["log"] != settings.LEDGER_ORIGIN:
            raise Refusal(f"公告的账本 {seed['log']} 不是本系统的账本", field="value")
        checkpoint = Checkpoint.objects.filter(size__gte=seed["tree_size"]).order_by("pk").first()
        if checkpoint is None:
            raise Refusal(f"规模不小于 {seed['tree_size']} 条的签名检查点尚未产生，请稍后再录入", field="value")
        if bytes(checkpoint.root).hex() != value:
            raise Refusal(
                f"种子值与公告的检查点（规模 {checkpoint.size}）的根哈希 {bytes(checkpoint.root).hex()} 不符",
                field="value",
            )
    return value


def draw_seed(*, actor: User, draw: RandomInspection, value: str) -> RandomInspection:
    """Enter the seed's public value once it exists: checked against the announcement (a ledger checkpoint's
    root; witnesses' numbers in canonical form; a drand value's form), recorded as `inspection.draw_seeded`."""

    with transaction.atomic():
        draw = RandomInspection.objects.select_for_update().select_related("plan__agency").get(pk=draw.pk)
        require_role(actor, PLANNERS, agency=draw.plan.agency, doing="录入随机种子")
        if draw.state != DrawState.FROZEN:
            raise Refusal(f"该批次抽取已{draw.get_state_display()}，种子只录入一次", field="state")
        draw.seed_value = _seed_value(draw, value)
        draw.seeded_at = timezone.now()
        draw.state = DrawState.SEEDED
        draw.save(update_fields=["seed_value", "seeded_at", "state"])
        record(
            actor=actor,
            action="inspection.draw_seeded",
            subject=draw,
            facts={"inputs_sha256": draw.inputs_sha256, "seed": draw.announcement, "value": draw.seed_value},
            agency=draw.plan.agency,
        )
        return draw


def read_inputs(draw: RandomInspection) -> bytes:
    """The stored inputs file, re-hashed on reading (BlobCorrupted when the bytes no longer match)."""

    return b"".join(blobs.open_verified(draw.inputs_sha256))


def draw_run(*, actor: User, draw: RandomInspection) -> RandomInspection:
    """Compute the draw with zhifa_draw from the stored inputs and the seed, store the result and its hash
    (`inspection.drawn`), and make the routine inspections of the drawn businesses — all in one transaction.
    A business without a full team, or one a rule refuses now, is listed in `shortfalls`, never dropped."""

    today = timezone.localdate()
    with transaction.atomic():
        draw = RandomInspection.objects.select_for_update().select_related("plan__agency").get(pk=draw.pk)
        plans = list(draw.plans.select_related("agency").prefetch_related("items"))
        for plan in plans:
            require_role(actor, PLANNERS, agency=plan.agency, doing="执行双随机抽取")
        if draw.state != DrawState.SEEDED:
            raise Refusal(
                "种子尚未录入" if draw.state == DrawState.FROZEN else "该批次已抽取，抽取只进行一次", field="state"
            )
        try:
            result = zhifa_draw.recompute(read_inputs(draw), draw.seed_value)
        except (zhifa_draw.DrawProblem, blobs.BlobCorrupted) as problem:
            raise Refusal(f"无法抽取：{problem}", field="state") from problem
        if result.inputs_sha256 != draw.inputs_sha256:
            raise Refusal("存储的输入文件与账本记录的哈希不符", field="state")
        stored = blobs.store([result.canonical], content_type="application/json")
        by_id = {draw_inputs.plan_id(plan): plan for plan in plans}
        officers = {
            officer.pk: officer
            for officer in Officer.objects.filter(
                pk__in={
                    draw_inputs.pk_of(member)
                    for row in result.data["targets"]
                    for team in row["teams"]
                    for member in team["inspectors"]
                }
            )
        }
        drawn_rows = {
            target.pk: target
            for target in InspectionTarget.objects.filter(
                pk__in=[draw_inputs.pk_of(row["target"]) for row in result.data["targets"]]
            ).select_related("agency")
        }
        shortfalls: list[dict[str, Any]] = []
        made: list[int] = []
        for row in result.data["targets"]:
            target = drawn_rows[draw_inputs.pk_of(row["target"])]
            for short in row["shortfalls"]:
                shortfalls.append(
                    {
                        "rank": row["rank"],
                        "target": target.pk,
                        "name": target.name,
                        "agency": draw_inputs.pk_of(short["agency"]),
                        "reason": f"可派检查人员{short['available']}名，少于所需{short['needed']}名",
                    }
                )
            for team in row["teams"]:
                own = [by_id[pid] for pid in row["plans"] if by_id[pid].agency_id == draw_inputs.pk_of(team["agency"])]
                plan = own[0]
                planned_on = max(plan.starts_on, today)
                codes = sorted({item.code for item in plan.items.all()} & set(row["items"]))
                try:
                    if planned_on > plan.ends_on:
                        raise Refusal(f"计划期间（至{plan.ends_on}）已结束", field="planned_on")
                    inspection = inspection_create(
                        actor=actor,
                        agency=plan.agency,
                        target=target,
                        source=Source.ROUTINE,
                        reason=f"双随机抽取：{plan.title} 第{draw.number}批，第{row['rank']}位",
                        item_codes=codes,
                        officers=[officers[draw_inputs.pk_of(member)] for member in team["inspectors"]],
                        planned_on=planned_on,
                        plan=plan,
                        draw=draw,
                    )
                except Refusal as refusal:
                    shortfalls.append(
                        {
                            "rank": row["rank"],
                            "target": target.pk,
                            "name": target.name,
                            "agency": plan.agency_id,
                            "reason": str(refusal),
                        }
                    )
                    continue
                made.append(inspection.pk)
        draw.result = result.data
        draw.result_sha256 = result.sha256
        draw.drawn_at = timezone.now()
        draw.state = DrawState.DRAWN
        draw.shortfalls = shortfalls
        draw.save(update_fields=["result", "result_sha256", "drawn_at", "state", "shortfalls"])
        record(
            actor=actor,
            action="inspection.drawn",
            subject=draw,
            facts={
                "inputs_sha256": draw.inputs_sha256,
                "seed_sha256": result.seed_sha256,
                "result_sha256": result.sha256,
                "drawn": len(result.data["targets"]),
                "inspections": made,
                "shortfalls": shortfalls,
                "algorithm": draw.algorithm,
            },
            files=[stored.sha256],
            agency=draw.plan.agency,
        )
        return draw
