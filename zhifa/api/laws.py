"""`/api/v1/laws`: violations and their rules by date, the benchmark the caller's agency follows, the no-penalty
lists, and the consistency analytics for supervisors. Thin: laws.selectors and laws.consistency do the reading, as
for the pages; the api's token check and error handlers apply (a router of zhifa.api.api)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from zhifa.api.schemas import NOT_FOUND, UNAUTHORIZED, DetailOut
from zhifa.core.models import Agency
from zhifa.core.permissions import request_user
from zhifa.laws import consistency, selectors
from zhifa.laws.models import LegalProvision, NoPenaltyItem, Violation

router = Router(tags=["laws"])


class ViolationOut(Schema):
    code: str
    name: str
    domain: str
    domain_label: str
    keywords: list[str]


class ProvisionOut(Schema):
    ref: str
    citation: str
    text: str
    checked: bool
    successor: str | None


class TierOut(Schema):
    tier: str
    label: str
    conditions: list[str]
    kinds: list[str]
    fine_min: str | None
    fine_max: str | None


class BenchmarkOut(Schema):
    whose: str  # own, inherited or shipped, seen from the caller's agency
    agency: str | None
    source: str
    effective_from: date
    unit: str
    tiers: list[TierOut]


class RuleOut(Schema):
    effective_from: date
    effective_to: date | None
    in_force: bool
    prohibits: list[ProvisionOut]
    penalises: list[ProvisionOut]
    kinds: list[str]
    orders: list[str]
    fine_basis: str
    fine_of: str
    fine_min: str | None
    fine_max: str | None
    fine_min_organisation: str | None
    fine_max_organisation: str | None
    fine_text: str
    checked: bool
    benchmark: BenchmarkOut | None


class NoPenaltyItemOut(Schema):
    list_code: str
    list_name: str
    kind: str
    violation_code: str
    violation: str
    conditions: list[str]
    first_offence_years: int | None
    basis: str


class ViolationDetailOut(ViolationOut):
    on_date: date
    rules: list[RuleOut]
    no_penalty: list[NoPenaltyItemOut]


class NoPenaltyListOut(Schema):
    code: str
    name: str
    issuer: str
    source: str
    valid_from: date
    valid_to: date | None
    in_force: bool
    domains: list[str]
    checked: bool
    items: list[NoPenaltyItemOut]


class SpreadOut(Schema):
    count: int
    min: str
    q1: str
    median: str
    q3: str
    max: str
    low_fence: str | None
    high_fence: str | None


class AgencySpreadOut(Schema):
    agency_id: int
    agency: str
    spread: SpreadOut


class OfficerSpreadOut(Schema):
    officer_id: int
    officer: str
    spread: SpreadOut


class FlaggedOut(Schema):
    case_id: int
    title: str
    agency: str
    officers: list[str]
    decided_on: date
    fine: str
    tier_min: str | None
    tier_max: str | None
    outside_tier: bool
    far_from_peers: bool
    reasons: list[str]


class GroupOut(Schema):
    violation_code: str
    violation: str
    tier: str
    tier_label: str
    spread: SpreadOut
    agencies: list[AgencySpreadOut]
    officers: list[OfficerSpreadOut]
    flagged: list[FlaggedOut]


class ConsistencyOut(Schema):
    start: date
    end: date
    today: date
    unit: str
    method: str
    note: str
    groups: list[GroupOut]


def _money(value: object) -> str | None:
    return None if value is None else f"{value:.2f}"


def _provision(provision: LegalProvision) -> dict[str, Any]:
    return {
        "ref": provision.ref,
        "citation": provision.citation,
        "text": provision.body,
        "checked": provision.checked,
        "successor": provision.successor.ref if provision.successor is not None else None,
    }


def _item(item: NoPenaltyItem) -> dict[str, Any]:
    return {
        "list_code": item.no_penalty_list.code,
        "list_name": item.no_penalty_list.name,
        "kind": item.kind,
        "violation_code": item.violation.code,
        "violation": item.violation.name,
        "conditions": [str(text) for text in item.conditions],
        "first_offence_years": item.first_offence_years,
        "basis": item.basis,
    }


def _violation(violation: Violation) -> dict[str, Any]:
    return {
        "code": violation.code,
        "name": violation.name,
        "domain": violation.domain,
        "domain_label": str(violation.get_domain_display()),
        "keywords": [str(word) for word in violation.keywords],
    }


def _benchmark(view: selectors.BenchmarkView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    benchmark = view.benchmark
    return {
        "whose": view.whose,
        "agency": benchmark.agency.name if benchmark.agency is not None else None,
        "source": benchmark.source,
        "effective_from": benchmark.effective_from,
        "unit": selectors.unit_of(view.rule),
        "tiers": [
            {
                "tier": tier.tier,
                "label": str(tier.get_tier_display()),
                "conditions": [str(text) for text in tier.conditions],
                "kinds": list(tier.kinds),
                "fine_min": _money(tier.fine_min),
                "fine_max": _money(tier.fine_max),
            }
            for tier in benchmark.tiers.all()
        ],
    }


@router.get(
    "/violations", response={200: list[ViolationOut], **UNAUTHORIZED}, summary="违法行为（按执法领域、名称或关键词）"
)
def violations(request: HttpRequest, domain: str = "", q: str = "") -> list[dict[str, Any]]:
    return [_violation(violation) for violation in selectors.violation_list(domain=domain, q=q)[:500]]


@router.get(
    "/violations/{code}",
    response={200: ViolationDetailOut, **NOT_FOUND},
    summary="违法行为的处罚规定（按施行日期）及调用者所在机关在该日执行的裁量基准",
)
def violation(request: HttpRequest, code: str, on: date | None = None) -> dict[str, Any]:
    try:
        found = selectors.violation_with_rules(code)
    except Violation.DoesNotExist as missing:
        raise Http404 from missing
    agency = request_user(request).agency
    view = selectors.violation_view(
        found, agency=agency if isinstance(agency, Agency) else None, on_date=on or timezone.localdate()
    )
    rules = []
    for rule_view in view.rules:
        rule = rule_view.rule
        rules.append(
            {
                "effective_from": rule.effective_from,
                "effective_to": rule.effective_to,
                "in_force": rule_view.in_force,
                "prohibits": [_provision(p) for p in rule_view.prohibits],
                "penalises": [_provision(p) for p in rule_view.penalises],
                "kinds": list(rule.kinds),
                "orders": [str(order) for order in rule.orders],
                "fine_basis": rule.fine_basis,
                "fine_of": rule.fine_of,
                "fine_min": _money(rule.fine_min),
                "fine_max": _money(rule.fine_max),
                "fine_min_organisation": _money(rule.fine_min_organisation),
                "fine_max_organisation": _money(rule.fine_max_organisation),
                "fine_text": rule_view.fine,
                "checked": rule.checked,
                "benchmark": _benchmark(rule_view.benchmark),
            }
        )
    items = [_item(item) for item, _validity in view.no_penalty]
    return {**_violation(found), "on_date": view.on_date, "rules": rules, "no_penalty": items}


@router.get("/no-penalty", response={200: list[NoPenaltyListOut], **UNAUTHORIZED}, summary="不予处罚清单及其事项")
def no_penalty(request: HttpRequest) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "code": listed.code,
            "name": listed.name,
            "issuer": listed.issuer,
            "source": listed.source,
            "valid_from": listed.valid_from,
            "valid_to": listed.valid_to,
            "in_force": status == "in_force",
            "domains": list(listed.domains),
            "checked": listed.checked,
            "items": [_item(item) for item in listed.items.all()],
        }
        for listed, status in selectors.no_penalty_lists(today)
    ]


@router.get(
    "/consistency",
    response={200: ConsistencyOut, 403: DetailOut, **UNAUTHORIZED},
    summary="同案不同罚分析（按违法行为和裁量档次的罚款分布；不统计罚款合计，不排名）",
)
def consistency_figures(request: HttpRequest, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    actor = request_user(request)
    if not consistency.may_see_consistency(actor):
        raise HttpError(403, "只有执法监督人员和机关负责人可以查看同案不同罚分析")
    today = timezone.localdate()
    start = start or date(today.year, 1, 1)
    end = end or today
    refusal = consistency.period_refusal(start, end, today)
    if refusal is not None:
        raise refusal
    return consistency.as_data(consistency.consistency_for(actor, start, end, today))
