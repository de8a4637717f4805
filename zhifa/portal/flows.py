"""The public flow charts of the penalty procedures (执法流程图, 118号文 事前公开), drawn from the same workflow table
the cases follow (cases/workflow.py) by the case page's own drawing (cases/diagram): the chart cannot drift from
what the system enforces.

Two charts: the ordinary procedure (普通程序) — every state and every step that changes it — and the summary
procedure (简易程序, 行政处罚法 第五十一条). Steps that keep the case where it is (evidence, recusal, extensions)
are listed in the text version only, to keep the public chart readable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from zhifa.cases.diagram import OutlineState, workflow_outline, workflow_svg
from zhifa.cases.diagram.geometry import PLACES
from zhifa.cases.workflow import ACTIONS, FINAL, STATE_LABELS, Action, State

SUMMARY_ACTIONS = ("decide_on_the_spot", "report_summary", "hand_over_cash", "close", "archive")
SUMMARY_STATES = (State.SUMMARY_DECIDED, State.EXECUTING, State.CLOSED, State.ARCHIVED)
SUMMARY_PLACES = {State.SUMMARY_DECIDED: (0, 0), State.EXECUTING: (1, 0), State.CLOSED: (2, 0), State.ARCHIVED: (3, 0)}


@dataclass(frozen=True)
class Flow:
    key: str
    title: Any
    law: Any
    svg: SafeString
    outline: list[OutlineState]


def _restricted(names: tuple[str, ...] | None, states: tuple[State, ...], *, stays: bool = False) -> list[Action]:
    """The actions among `names` (all when None) between `states`, each with only the sources among them; with
    `stays`, also the steps that keep the case where it is."""
    kept = []
    allowed = set(states)
    for action in ACTIONS.values():
        if names is not None and action.name not in names:
            continue
        if names is None and action.target is None and not stays:
            continue  # a step that keeps the state: listed in the text version, not drawn
        if action.target is not None and action.target not in allowed:
            continue
        sources = tuple(source for source in action.sources if source is None or source in allowed)
        if sources:
            kept.append(replace(action, sources=sources))
    return kept


def _flow(
    key: str, title: Any, law: Any, table: list[Action], states: tuple[State, ...], places: Any, text: list[Action]
) -> Flow:
    labels = {state: STATE_LABELS[state] for state in states}
    # Safe: workflow_svg escapes every text it writes (cases/tests/test_diagram.py checks it).
    svg = mark_safe(  # noqa: S308
        workflow_svg(table=table, labels=labels, places=places, final=FINAL & set(states), id_prefix=key)
    )
    return Flow(key, title, law, svg, workflow_outline(table=text, labels=labels))


def public_flows() -> list[Flow]:
    """The ordinary and the summary procedure, in the current language."""
    ordinary_states = tuple(state for state in State if state != State.SUMMARY_DECIDED)
    return [
        _flow(
            "ordinary",
            _("普通程序"),
            _("行政处罚法 第五十四条至第六十五条"),
            _restricted(None, ordinary_states),
            ordinary_states,
            {state: place for state, place in PLACES.items() if state in ordinary_states},
            _restricted(None, ordinary_states, stays=True),
        ),
        _flow(
            "summary",
            _("简易程序（当场处罚）"),
            _("行政处罚法 第五十一条、第五十二条"),
            _restricted(SUMMARY_ACTIONS, SUMMARY_STATES),
            SUMMARY_STATES,
            SUMMARY_PLACES,
            _restricted(SUMMARY_ACTIONS, SUMMARY_STATES),
        ),
    ]
