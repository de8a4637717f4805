"""The overview's agency table body, built in Python: at province scale it has 500 rows of 16 cells, which Django's
template engine (or format_html per cell) renders in 0.2–0.5 s (bench/supervision_bench.py), plain string building in
a few milliseconds. Same markup as a template would give: the agency's name and the reversed paths are escaped once;
every other value is a whole number."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from zhifa.supervision.overview import AgencyFigures, Overview

register = template.Library()


def _link(n: int | None, href: str, *, bad: bool = False, text: str | None = None) -> str:
    if not n:
        return "0"
    mark = ' class="bad"' if bad else ""
    return f'<a href="{href}"{mark}>{n if text is None else text}</a>'


def _row(o: Overview, row: AgencyFigures, urls: dict[str, str]) -> str:
    pk = int(row.agency.pk)
    cases, officers, warnings = (f"{urls[name]}?agency={pk}" for name in ("cases", "officers", "warnings"))
    cells = [_link(n, f"{cases}&amp;dated={stage}&amp;year={o.year}&amp;sort=newest") for stage, n in row.stage_totals]
    decided = f"{cases}&amp;dated=decided&amp;year={o.year}&amp;sort=newest"
    cells.append(_link(row.timed, decided, text=str(row.median_days)) if row.timed else "—")
    cells.append(str(row.p90_days) if row.timed else "—")
    cells += [
        _link(row.overdue, f"{cases}&amp;due=overdue", bad=True),
        _link(row.near, f"{cases}&amp;due=near"),
        _link(
            row.unpublished,
            urls["publicity"],
            bad=bool(row.unpublished_late),
            text=f"{row.unpublished}（{row.unpublished_late}）",
        ),
        _link(row.reviews_missing, f"{urls['warnings']}?rule=review.missing&amp;agency={pk}", bad=True),
        _link(row.certificates_expiring, f"{officers}&amp;state=expiring"),
        _link(row.certificates_expired, f"{officers}&amp;state=expired", bad=True),
        _link(row.warnings, warnings, bad=True),
    ]
    head = f'<tr id="agency-{pk}"><th scope="row" class="depth-{int(row.agency.depth)}">{escape(row.agency.name)}</th>'
    return head + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


@register.simple_tag
def agency_rows(o: Overview, urls: dict[str, str]) -> SafeString:
    safe_urls = {name: str(escape(url)) for name, url in urls.items()}
    return mark_safe("".join(_row(o, row, safe_urls) for row in o.rows))  # noqa: S308 - names and paths escaped above
