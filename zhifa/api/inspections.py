"""`/api/v1/inspections/...`: the directory of businesses (with the year's count against the cap), the inspections
with their visit, the draws, and the supervisors' figures, read-only, within the caller's scope (the same selectors
as the pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from zhifa.api.schemas import NOT_FOUND, UNAUTHORIZED, DetailOut
from zhifa.core.errors import Refusal
from zhifa.core.permissions import request_user
from zhifa.core.scoping import visible_agencies
from zhifa.inspections import oversight, selectors
from zhifa.inspections.models import Inspection, InspectionTarget, RandomInspection

router = Router(tags=["涉企行政检查"])
MAX_LIMIT = 200


class TargetOut(Schema):
    id: int
    agency_id: int
    agency: str
    name: str
    credit_code: str
    address: str
    domain: str
    risk_grade: str
    credit_grade: str
    active: bool


class CapOut(Schema):
    agency_id: int
    year: int
    count: int
    for_cause: int
    cap: int | None
    full: bool
    over: bool
    source: str


class TargetDetailOut(TargetOut):
    cap: CapOut


class InspectionOut(Schema):
    id: int
    agency_id: int
    agency: str
    target_id: int
    target: str
    credit_code: str
    source: str
    cause: str
    reason: str
    plan_id: int | None
    items: list[str]
    officers: list[str]
    planned_on: date
    state: str
    off_site: bool
    over_cap: bool
    cap_note: str
    # The visit (docs/inspections.md, "The visit"): empty or null until the step is recorded.
    review_method: str
    code_scanned_at: datetime | None
    visit_started_at: datetime | None
    visit_ended_at: datetime | None
    outcome: str
    result_on: date | None
    case_id: int | None
    tell_due: date | None
    told_at: datetime | None
    told_how: str
    publish_due: date | None
    published_at: datetime | None


class DrawOut(Schema):
    id: int
    plan_id: int
    plan_ids: list[int]
    number: int
    state: str
    algorithm: str
    inputs_sha256: str
    inputs_entry: int
    frozen_at: datetime
    seed_kind: str
    seed_announced: str
    seed_value: str
    seeded_at: datetime | None
    result_sha256: str
    drawn_at: datetime | None
    drawn: int
    inspections_made: int
    shortfalls: int
    public_url: str


class CoverageOut(Schema):
    directory: int
    covered: int
    share: float | None
    inspected: int
    by_source: dict[str, int]
    inspections: int
    off_site: int
    off_site_share: float | None
    over_cap: int


class AgencyCoverageOut(CoverageOut):
    agency_id: int
    agency: str


class GradeCoverageOut(Schema):
    grade: str
    directory: int
    covered: int
    share: float | None


class TaskOut(Schema):
    inspection_id: int
    business: str
    credit_code: str
    agency: str
    state: str
    due: date
    objection_id: int | None
    kind: str


class TaskListOut(Schema):
    overdue_total: int
    overdue: list[TaskOut]
    soon_total: int
    soon: list[TaskOut]


class OverCapOut(Schema):
    inspection_id: int
    business: str
    credit_code: str
    agency: str
    planned_on: date
    cap_note: str


class CapRowOut(Schema):
    target_id: int
    business: str
    credit_code: str
    agency: str
    count: int
    for_cause: int
    cap: int | None
    full: bool
    over: bool
    source: str


class OversightOut(Schema):
    year: int
    today: date
    agency_id: int | None
    coverage: list[AgencyCoverageOut]
    totals: CoverageOut
    grades: list[GradeCoverageOut]
    tasks: dict[str, TaskListOut]
    soon_until: date
    over_cap_total: int
    over_cap: list[OverCapOut]
    caps_total: int
    caps: list[CapRowOut]


VISIT_FIELDS = (
    "review_method",
    "code_scanned_at",
    "visit_started_at",
    "visit_ended_at",
    "outcome",
    "result_on",
    "case_id",
    "tell_due",
    "told_at",
    "told_how",
    "publish_due",
    "published_at",
)
MAX_DRAWS = 100


def _target(target: InspectionTarget) -> dict[str, Any]:
    return {
        "id": target.pk,
        "agency_id": target.agency_id,
        "agency": target.agency.name,
        **{name: getattr(target, name) for name in ("name", "credit_code", "address", "domain")},
        **{name: getattr(target, name) for name in ("risk_grade", "credit_grade", "active")},
    }


def _inspection(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "agency_id": inspection.agency_id,
        "agency": inspection.agency.name,
        "target_id": inspection.target_id,
        "target": inspection.target.name,
        "credit_code": inspection.target.credit_code,
        "source": inspection.source,
        "cause": inspection.cause,
        "reason": inspection.reason,
        "plan_id": inspection.plan_id,
        "items": [item.code for item in inspection.items.all()],
        "officers": [officer.name for officer in inspection.officers.all()],
        "planned_on": inspection.planned_on,
        "state": inspection.state,
        "off_site": inspection.off_site,
        "over_cap": inspection.over_cap,
        "cap_note": inspection.cap_note,
        **{name: getattr(inspection, name) for name in VISIT_FIELDS},
    }


def _draw(draw: RandomInspection) -> dict[str, Any]:
    result = draw.result if isinstance(draw.result, dict) else {}
    path = reverse("inspection_draw_public", args=[draw.pk])
    return {
        "id": draw.pk,
        "plan_id": draw.plan_id,
        "plan_ids": sorted(plan.pk for plan in draw.plans.all()),
        **{name: getattr(draw, name) for name in ("number", "state", "algorithm", "inputs_sha256", "inputs_entry")},
        **{name: getattr(draw, name) for name in ("frozen_at", "seed_kind", "seed_announced", "seed_value")},
        **{name: getattr(draw, name) for name in ("seeded_at", "result_sha256", "drawn_at")},
        "drawn": len(result.get("targets", [])),
        "inspections_made": getattr(draw, "inspections_made", 0),
        "shortfalls": len(draw.shortfalls),
        "public_url": f"{settings.ZHIFA_PUBLIC_URL.rstrip('/')}{path}",
    }


@router.get(
    "/inspections/targets",
    response={200: list[TargetOut], **UNAUTHORIZED},
    summary="检查对象名录库（q 按名称或统一社会信用代码；domain；grade 如 risk:A、credit:B；offset、limit ≤ 200）",
)
def target_list(
    request: HttpRequest, q: str = "", domain: str = "", grade: str = "", offset: int = 0, limit: int = 50
) -> list[dict[str, Any]]:
    actor = request_user(request)
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_LIMIT)
    targets = selectors.search_targets(actor, text=q.strip()[:50], domain=domain, grade=grade, active=None)
    return [_target(target) for target in targets[offset : offset + limit]]


@router.get(
    "/inspections/targets/{target_id}",
    response={200: TargetDetailOut, **NOT_FOUND},
    summary="一个检查对象及其本年度被名录库所属机关检查的次数与频次上限",
)
def target_detail(request: HttpRequest, target_id: int, year: int | None = None) -> dict[str, Any]:
    actor = request_user(request)
    target = selectors.target_visible(actor, target_id)
    if target is None:
        raise Http404
    year = year if year and 2000 <= year <= 2100 else timezone.localdate().year
    state = selectors.cap_state(target, target.agency, year)
    cap = {
        "agency_id": target.agency_id,
        "year": year,
        "count": state.count,
        "for_cause": state.for_cause,
        "cap": state.limit,
        "full": state.full,
        "over": state.over,
        "source": state.describe(),
    }
    return {**_target(target), "cap": cap}


@router.get(
    "/inspections",
    response={200: list[InspectionOut], **UNAUTHORIZED},
    summary="行政检查（新者在前；offset、limit ≤ 200）",
)
def inspection_list(request: HttpRequest, offset: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    actor = request_user(request)
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_LIMIT)
    return [_inspection(i) for i in selectors.inspection_list_for(actor)[offset : offset + limit]]


@router.get(
    "/inspections/draws",
    response={200: list[DrawOut], **UNAUTHORIZED},
    summary="双随机抽取（调用者可见机关的计划参与的抽取，新者在前；offset、limit ≤ 100）",
)
def draw_list(request: HttpRequest, offset: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    actor = request_user(request)
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_DRAWS)
    return [_draw(draw) for draw in oversight.draw_list_for(actor)[offset : offset + limit]]


@router.get("/inspections/draws/{draw_id}", response={200: DrawOut, **NOT_FOUND}, summary="一次双随机抽取")
def draw_detail(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    draw = oversight.draw_visible(request_user(request), draw_id)
    if draw is None:
        raise Http404
    return _draw(draw)


@router.get(
    "/inspections/oversight",
    response={200: OversightOut, 403: DetailOut, **NOT_FOUND},
    summary="检查监督：覆盖率、逾期和即将到期事项、频次上限（执法监督人员和机关负责人；year 缺省为本年；agency 可选）",
)
def oversight_figures(request: HttpRequest, year: int | None = None, agency: int | None = None) -> dict[str, Any]:
    actor = request_user(request)
    if not oversight.may_oversee(actor):
        raise HttpError(403, "只有执法监督人员和机关负责人可以查看检查监督情况")
    today = timezone.localdate()
    if year is not None and year not in oversight.years_for(today):
        raise Refusal(f"年度应在{today.year - oversight.YEARS_BACK}年至{today.year + 1}年之间", field="year")
    chosen = None
    if agency is not None:
        chosen = visible_agencies(actor).filter(pk=agency).first()
        if chosen is None:
            raise Http404
    return oversight.oversight_for(actor, year or today.year, today, agency=chosen).as_data()


@router.get("/inspections/{inspection_id}", response={200: InspectionOut, **NOT_FOUND}, summary="一次行政检查")
def inspection_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    inspection = selectors.inspection_visible(request_user(request), inspection_id)
    if inspection is None:
        raise Http404
    return _inspection(inspection)
