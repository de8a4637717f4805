"""The bounds of what a person may type into the permanent record: text lengths and dates.

One place, so that the pages, the API and the forms behind both agree. Services still apply the legal
rules (an act's date not after today, not before the case's receipt); these only stop what no rule would
ever accept — 9 MiB of text in a field that the record keeps forever, or an act in year 1.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Free text: a reason, a summary, facts found, a legal basis. 5,000 characters is several pages.
LONG_TEXT = 5_000
# A name, a place, a title, an address.
SHORT_TEXT = 200
# A transcript typed turn by turn (questions and answers, a hearing's statements).
TRANSCRIPT_TEXT = 50_000

# No act this system records is older: its cases are within the limitation periods (two years, five for
# grave harm: 行政处罚法 第三十六条) of acts committed since it exists, and legacy files come in by import,
# not through these forms. 2000-01-01 rather than 1949-10-01 catches more mistyped years (0206 for 2026
# is refused either way; 1926 only by this one).
EARLIEST_DATE = date(2000, 1, 1)
# An act's date may be at most this far after the server's today: a client whose clock is a little ahead
# near midnight. The services refuse a future act date where the law says so.
ACT_DATE_MARGIN = timedelta(days=1)
# A planned date (a hearing, an extended payment deadline) lies ahead, but within this span.
PLANNED_DATE_SPAN = timedelta(days=5 * 366)


def latest_act_date() -> date:
    return timezone.localdate() + ACT_DATE_MARGIN


def latest_planned_date(span: timedelta = PLANNED_DATE_SPAN) -> date:
    return timezone.localdate() + span


class BoundedDateField(forms.DateField):
    """A date between EARLIEST_DATE and today (plus the margin), or a planned date within PLANNED_DATE_SPAN."""

    default_error_messages = {
        "too_early": _("不能早于 %(limit)s（本系统记录的行为日期下限）"),
        "too_late": _("不能晚于 %(limit)s"),
    }

    def __init__(self, *, planned: bool = False, span: timedelta = PLANNED_DATE_SPAN, **kwargs: Any) -> None:
        self.planned = planned
        self.span = span
        super().__init__(**kwargs)

    def latest(self) -> date:
        return latest_planned_date(self.span) if self.planned else latest_act_date()

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # max depends on the day: ActionForm sets it on each form it builds (bound_date_widgets).
        return {**super().widget_attrs(widget), "min": EARLIEST_DATE.isoformat()}

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if value < EARLIEST_DATE:
            raise forms.ValidationError(
                self.error_messages["too_early"], code="too_early", params={"limit": EARLIEST_DATE.isoformat()}
            )
        latest = self.latest()
        if value > latest:
            raise forms.ValidationError(
                self.error_messages["too_late"], code="too_late", params={"limit": latest.isoformat()}
            )


def bound_date_widgets(form: forms.BaseForm) -> None:
    """Give each bounded date field's picker today's upper limit (the browser then offers no later day)."""
    for field in form.fields.values():
        if isinstance(field, BoundedDateField):
            field.widget.attrs["max"] = field.latest().isoformat()
