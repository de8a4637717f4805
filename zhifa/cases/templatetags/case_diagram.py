"""`{% workflow_diagram case availability %}`: the whole workflow table drawn on the case page (cases/diagram.py)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from zhifa.cases.diagram import workflow_outline, workflow_svg
from zhifa.cases.models import Case
from zhifa.cases.services import Availability
from zhifa.cases.workflow import STATE_LABELS, State
from zhifa.ledger.selectors import entries_about
from zhifa.ledger.state import subject_key

register = template.Library()


def actions_done(case: Case) -> set[str]:
    """The workflow actions taken on the case, from its ledger entries: unlike its records (kept only for
    acts that leave one behind), the ledger has every action, filing and assignment included."""
    names = entries_about([subject_key(case)]).filter(action__startswith="case.").values_list("action", flat=True)
    return {name.removeprefix("case.") for name in names}


@functools.lru_cache(maxsize=1024)
def _drawn(current: State, done: frozenset[str], open_now: frozenset[str], language: str) -> tuple[str, Any]:
    """The drawing for one state, set of acts done and of acts open, in one language: the same for every case
    that shares them (~13 ms to draw; a case page asks for it each time it is read)."""
    return workflow_svg(current, done, open_now), workflow_outline(current, done, open_now)


@register.inclusion_tag("cases/workflow_diagram.html")
def workflow_diagram(case: Case, availability: Iterable[Availability] | None = None) -> dict[str, Any]:
    """The diagram with the case's state, the actions done and, given the page's `availability`, those
    the viewer may take now; without it, the actions from the current state are only shown as possible."""
    current = State(case.state)
    done = frozenset(actions_done(case))
    open_now = frozenset(a.action.name for a in availability or () if a.allowed)
    svg, outline = _drawn(current, done, open_now, get_language() or "")
    return {
        # Safe: workflow_svg escapes every text it writes (a test checks it with a label full of markup).
        "svg": mark_safe(svg),  # noqa: S308
        "outline": outline,
        "state_label": STATE_LABELS[current],
    }
