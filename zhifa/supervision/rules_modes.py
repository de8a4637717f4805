"""Warning rules of key-point supervision (快速预警, 行政执法监督条例 第三十七条)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy as _

from zhifa.supervision.models.modes import FocusForm, FocusMatter, FocusState
from zhifa.supervision.warning_rules import Finding, WarningRule, register


def overdue_listed_matters(today: date) -> Iterator[Finding]:
    """A matter under 挂牌督办 still open after its deadline: the supervised agency has not finished it in time."""
    rows = FocusMatter.objects.filter(form=FocusForm.LISTED, state=FocusState.OPEN, deadline__lt=today)
    for matter in rows.select_related("agency").order_by("pk"):
        assert matter.deadline is not None
        late = (today - matter.deadline).days
        yield Finding(
            agency_id=matter.agency_id,
            key=f"focus:{matter.pk}:{matter.deadline.isoformat()}",
            detail=(
                f"{matter.agency.name}挂牌督办的事项（{matter.reason[:40]}）应于{matter.deadline:%Y-%m-%d}前办结，"
                f"已逾期{late}日"
            ),
            case_id=matter.case_id,
        )


register(
    WarningRule(
        code="modes.listed_overdue",
        name=_("挂牌督办事项逾期未办结"),
        source="行政执法监督条例 第十四条至第二十一条（重点监督）、第三十七条",
        find=overdue_listed_matters,
        level="alert",
    )
)
