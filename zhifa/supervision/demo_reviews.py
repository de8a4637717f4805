"""Demo: one case-file review round by the supervisor over the files the branches closed in the past year — drawn
at random from a recorded seed, a few files scored from their findings, one sheet issued (issue 18, item 3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.supervision import review_criteria, reviews

SCORED = 3  # files scored; the first of them gets its sheet (a quarter of a second to render)


def load_reviews(today: date) -> None:
    supervisor = User.objects.get(username="supervisor")
    try:
        round_ = reviews.round_open(
            actor=supervisor,
            title=f"{today.year}年度行政处罚案卷评查",
            period_from=today - timedelta(days=365),
            period_to=today,
            method="random",
            ratio=Decimal("0.5"),
            min_per_agency=2,
        )
    except Refusal:
        return  # no closed file below the supervisor: nothing to review
    sheet = review_criteria.in_force(round_.agency, today)[0]
    for index, review in enumerate(round_.reviews.order_by("pk")[:SCORED]):
        deductions, vetoes = reviews.prefill(review, sheet)
        if not deductions and not vetoes:
            deductions = {"forms": (Decimal(1), "卷内文书未按顺序编写页码")}
        scored = reviews.review_score(
            actor=supervisor, review=review, deductions=deductions, vetoes=vetoes, note="按系统核查发现逐项确认扣分"
        )
        if index == 0:
            reviews.review_issue(actor=supervisor, review=scored)
