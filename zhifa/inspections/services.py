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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.inspections.choices import (
    TRANSITIONS,
    Cause,
    Grade,
    InspectionState,
    PlanKind,
    PlanState,
    RelationKind,
    Source,
)
from zhifa.inspections.models import Inspection, InspectionPlan, InspectionTarget, InspectorRelation
from zhifa.inspections.selectors import CAP_RULE, OFFICERS_WITH_CERTIFICATES, cap_state, certificates_shown
from zhifa.ledger.services import record
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import check_investigators, same_line
from zhifa.powers.models import InspectionItem
from zhifa.powers.selectors import inspection_item_listed

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
                "agency": inspection.agency.name,
                "target": inspection.target.name,
                "credit_code": inspection.target.credit_code,
                "planned_on": inspection.planned_on.isoformat(),
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
                "agency": inspection.agency.name,
                "target": inspection.target.name,
                "credit_code": inspection.target.credit_code,
                "planned_on": inspection.planned_on.isoformat(),
                "scanned_at": inspection.code_scanned_at.isoformat(),
                "network": network,
                "agent": agent,
            },
            agency=inspection.agency,
        )
        return Scan(inspection, recorded=True)
