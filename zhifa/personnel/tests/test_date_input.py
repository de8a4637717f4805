"""Date fields render as the browser's date picker, whose value must be ISO 8601 in every language."""

from __future__ import annotations

import datetime

from django.utils import translation

from zhifa.personnel.forms import ReasonForm


def test_a_date_field_renders_an_iso_value_in_chinese_and_english():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            form = ReasonForm(initial={"on_date": datetime.date(2026, 3, 9)})
            assert 'value="2026-03-09"' in str(form["on_date"]), language
