"""`/api/v1/inspections/...`: the directory of businesses (with the year's count against the cap) and the
inspections, read-only, within the caller's scope (the same selectors as the pages)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from zhifa.api.schemas import NOT_FOUND, UNAUTHORIZED
from zhifa.core.permissions import request_user
from zhifa.inspections import selectors
from zhifa.inspections.models import Inspection, InspectionTarget

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


@router.get("/inspections/{inspection_id}", response={200: InspectionOut, **NOT_FOUND}, summary="一次行政检查")
def inspection_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    inspection = selectors.inspection_visible(request_user(request), inspection_id)
    if inspection is None:
        raise Http404
    return _inspection(inspection)
