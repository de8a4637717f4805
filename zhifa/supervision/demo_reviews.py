"""Demo: one case-file review round by the supervisor over the files the branches closed in the past year — drawn
at random from a recorded seed, a few files scored from their findings, two sheets issued, and the branch's head
objecting to the second (行政执法监督条例 第三十条), the supervisor answering that the objection does not stand
(issue 18, item 3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.supervision import review_criteria, reviews
from zhifa.supervision.demo_notices import _branch_login

SCORED = 3  # files scored; the first two get their sheets (a quarter of a second each to render)
ISSUED = 2
OBJECTION = "评查认定的问题在卷内已有相应材料（见卷内补充说明），不应扣分，请求复核并重新评分。"
ANSWER = "经复核，所称材料系评查后补入，评查时卷内未附，扣分依据充分，维持评查结果。"


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
    issued = []
    for index, review in enumerate(round_.reviews.order_by("pk")[:SCORED]):
        deductions, vetoes = reviews.prefill(review, sheet)
        if not deductions and not vetoes:
            deductions = {"forms": (Decimal(1), "卷内文书未按顺序编写页码")}
        scored = reviews.review_score(
            actor=supervisor, review=review, deductions=deductions, vetoes=vetoes, note="按系统核查发现逐项确认扣分"
        )
        if index < ISSUED:
            issued.append(reviews.review_issue(actor=supervisor, review=scored))
    # The reviewed branch's head (the login that answers the supervisor's instruments) objects to the second sheet.
    officer = User.objects.get(username="officer")
    objected = next((review for review in issued[1:] if review.agency_id == officer.agency_id), None)
    if objected is None:
        return
    head = _branch_login(officer.agency)
    objected = reviews.review_object(actor=head, review=objected, text=OBJECTION)
    reviews.review_answer(actor=supervisor, review=objected, upheld=False, text=ANSWER)
