"""Warning rules of the instruments and challenges (快速预警, 行政执法监督条例 第三十七条)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from zhifa.core.workdays import add_calendar_days
from zhifa.supervision import notices  # noqa: F401  (registers the instruments' documents, documents.CONTEXTS)
from zhifa.supervision.challenges import OPINION_DAYS, OPINION_SOURCE
from zhifa.supervision.models.challenges import Litigation, Reconsideration
from zhifa.supervision.models.notices import OWING, NoticeKind, SupervisionNotice
from zhifa.supervision.warning_rules import Finding, WarningRule, register


def overdue_corrections(today: date) -> Iterator[Finding]:
    """督办函, 意见书 and 决定书 whose correction report is past its date and not in."""
    rows = SupervisionNotice.objects.filter(
        kind__in=[NoticeKind.URGING, NoticeKind.OPINION, NoticeKind.DECISION], state__in=OWING, due_on__lt=today
    ).select_related("agency")
    for notice in rows.order_by("pk"):
        assert notice.due_on is not None
        late = (today - notice.due_on).days
        yield Finding(
            agency_id=notice.agency_id,
            key=f"notice:{notice.pk}:{notice.due_on.isoformat()}",
            detail=(
                f"{notice.agency.name}收到的{notice.number}（{notice.get_kind_display()}）应于"
                f"{notice.due_on:%Y-%m-%d}前报送整改情况，已逾期{late}日未报送"
            ),
            case_id=notice.case_id,
        )


def unanswered_reconsideration_opinions(today: date) -> Iterator[Finding]:
    """A 行政复议意见书 whose correction is not reported within 60 days of receipt."""
    # A cheap bound first (a period ending on a rest day runs a few days more), then the exact due date.
    rows = Reconsideration.objects.filter(
        opinion_received_on__isnull=False,
        opinion_answered_on__isnull=True,
        opinion_received_on__lt=today - timedelta(days=OPINION_DAYS),
    ).select_related("agency", "case")
    for row in rows.order_by("pk"):
        assert row.opinion_received_on is not None
        due = add_calendar_days(row.opinion_received_on, OPINION_DAYS).date
        if due >= today:
            continue
        yield Finding(
            agency_id=row.agency_id,
            key=f"reconsideration_opinion:{row.pk}",
            detail=(
                f"{row.agency.name}于{row.opinion_received_on:%Y-%m-%d}收到{row.body}的行政复议意见书，"
                f"应于{due:%Y-%m-%d}前报送纠正情况，至今未报送"
            ),
            case_id=row.case_id,
        )


def head_absent_from_court(today: date) -> Iterator[Finding]:
    """A hearing held where the agency head had to appear in court (负责人出庭应诉) and did not."""
    rows = Litigation.objects.filter(head_required=True, hearing_on__lt=today).exclude(head_appeared=True)
    for row in rows.select_related("agency").order_by("pk"):
        yield Finding(
            agency_id=row.agency_id,
            key=f"litigation_head:{row.pk}",
            detail=(
                f"{row.agency.name}在{row.court}的行政诉讼（{row.head_required_reason}）须负责人出庭应诉，"
                f"{row.hearing_on:%Y-%m-%d}开庭时负责人未出庭"
            ),
            case_id=row.case_id,
        )


register(
    WarningRule(
        code="notices.correction_overdue",
        name=_("督办函、意见书逾期未报送整改情况"),
        source="行政执法监督条例 第二十七条、第二十八条、第二十九条",
        find=overdue_corrections,
        level="alert",
    )
)
register(
    WarningRule(
        code="notices.reconsideration_opinion_unanswered",
        name=_("行政复议意见书60日内未报送纠正情况"),
        source=OPINION_SOURCE,
        find=unanswered_reconsideration_opinions,
    )
)
register(
    WarningRule(
        code="notices.head_absent_from_court",
        name=_("负责人未按要求出庭应诉"),
        source="行政诉讼法 第三条第三款；seed 000（负责人出庭应诉）",
        find=head_absent_from_court,
    )
)
