"""The discretion endpoints of a case: the assistant's proposal (nothing recorded) and the similar closed cases
(类案推送); mounted under /api/v1/cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from zhifa.api.schemas import NOT_FOUND, REFUSED
from zhifa.api.scope import visible_case
from zhifa.cases import discretion
from zhifa.core.errors import Refusal
from zhifa.core.permissions import request_user
from zhifa.laws import similar
from zhifa.laws.models import Violation

router = Router(tags=["裁量"])


class SimilarCaseOut(Schema):
    agency: str
    decision_number: str
    violation: str
    same_violation: bool
    tier: str
    outcome: str
    penalty_kinds: list[str]
    fine: str | None
    confiscated: str | None
    decided_on: date
    excerpt: str
    score: float


@router.get(
    "/{case_id}/similar",
    response={200: list[SimilarCaseOut], **NOT_FOUND},
    summary="类案推送：本省已结案件中最相近的（同一违法行为优先，再按事实相似度），及其处理结果；不含当事人信息",
)
def case_similar(request: HttpRequest, case_id: int, limit: int = 10) -> list[dict[str, Any]]:
    if not 1 <= limit <= 50:
        raise Refusal("limit 应在 1 至 50 之间", field="limit")
    found = similar.similar_cases(visible_case(request, case_id), actor=request_user(request), limit=limit)
    return [
        {
            **{
                name: getattr(item, name) for name in SimilarCaseOut.model_fields if name not in {"fine", "confiscated"}
            },
            "fine": None if item.fine is None else f"{item.fine:.2f}",
            "confiscated": None if item.confiscated is None else f"{item.confiscated:.2f}",
        }
        for item in found
    ]


class ProposalIn(Schema):
    violation: str = Field(max_length=80)  # the violation's code (GET /laws/violations)
    # Condition keys "<tier>:<n>" of the benchmark in force, and factor codes (the answer lists them).
    circumstances: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=60)
    # What a fine set as a multiple is of, in yuan.
    base: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    on_date: date | None = None  # the day the proposal is for (today when left out)


class ProposalOut(Schema):
    violation: str
    tier: str
    tier_label: str
    penalty_kinds: list[str]
    fine_min: str | None
    fine_max: str | None
    range_text: str
    legal_basis: str
    penalty_basis: str
    law_choice: str
    reasons: list[str]
    citations: list[str]
    benchmark: str | None
    paragraph: str
    circumstances: list[dict[str, str]]  # what may be ticked for this violation


def _yuan(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


@router.post(
    "/{case_id}/proposal",
    response={200: ProposalOut, **REFUSED, **NOT_FOUND},
    summary="裁量建议：按违法行为、行为时的规定（从旧兼从轻）和所选情节提出档次、处罚种类、幅度和裁量说理；不作记录",
)
def case_proposal(request: HttpRequest, case_id: int, payload: ProposalIn) -> dict[str, Any]:
    case = visible_case(request, case_id)
    violation = Violation.objects.filter(code=payload.violation).first()
    if violation is None:
        raise Refusal(f"违法行为：没有代码为“{payload.violation}”的违法行为", field="violation")
    on_date = payload.on_date or timezone.localdate()
    offered = discretion.choices_for(case, violation, on_date)
    unknown = [key for key in payload.circumstances if key not in dict(offered)]
    if unknown:
        raise Refusal("裁量情节：含有本违法行为不可选的情节（可选的见 circumstances 列表）", field="circumstances")
    proposal = discretion.proposal_for(case, violation, on_date, payload.circumstances, payload.base)
    return {
        "violation": violation.code,
        "tier": proposal.tier.value,
        "tier_label": str(proposal.tier.label),
        "penalty_kinds": proposal.kinds,
        "fine_min": _yuan(proposal.fine_min) if proposal.unit == "元" else None,
        "fine_max": _yuan(proposal.fine_max) if proposal.unit == "元" else None,
        "range_text": proposal.range_text,
        "legal_basis": proposal.legal_basis,
        "penalty_basis": proposal.penalty_basis,
        "law_choice": proposal.choice.reason,
        "reasons": proposal.reasons,
        "citations": proposal.citations,
        "benchmark": proposal.benchmark.source if proposal.benchmark is not None else None,
        "paragraph": proposal.paragraph,
        "circumstances": [{"key": key, "label": label} for key, label in offered],
    }
