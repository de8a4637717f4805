"""The case page's step bar: the procedure's main line, with the side steps the case went through at their place.

Pure: it reads the workflow table and the list of acts taken (the ledger's `case.<action>` entries, oldest first),
so it tests without a database. A side step — 法制审核 between 调查终结 and 待负责人审批, 集体讨论 after the approval
was asked, the hearing after the notice, an end branch (不予立案, 不予处罚, 终止调查, 移送) where the case left the
line — is drawn only when the case is in it, went through it, or must still go through it (a major case's review).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from zhifa.cases.workflow import ACTIONS, STATE_LABELS, State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The main line of the ordinary procedure, and of the summary one (当场处罚, 行政处罚法 第五十一条).
MAIN_LINE = (
    State.LEAD,
    State.FILED,
    State.INVESTIGATING,
    State.REPORTED,
    State.APPROVING,
    State.APPROVED,
    State.NOTIFIED,
    State.DECIDED,
    State.EXECUTING,
    State.CLOSED,
    State.ARCHIVED,
)
SUMMARY_LINE = (State.SUMMARY_DECIDED, State.EXECUTING, State.CLOSED, State.ARCHIVED)

# Side states with a fixed place: the main-line state they follow, in the order drawn.
FIXED_PLACE: dict[State, State] = {
    State.NOT_FILED: State.LEAD,
    State.LEGAL_REVIEW: State.REPORTED,  # 行政处罚法 第五十八条: before the head decides
    State.COLLECTIVE: State.APPROVING,  # 第五十七条第二款: the heads discuss what the head was asked to approve
    State.HEARING_REQUESTED: State.NOTIFIED,
    State.HEARING_SCHEDULED: State.NOTIFIED,
    State.HEARD: State.NOTIFIED,
    State.COURT: State.EXECUTING,
}
# End branches: where the case leaves the line it is drawn after the step it left from.
END_BRANCHES = frozenset({State.NOT_FILED, State.NO_PENALTY, State.TERMINATED, State.HANDED_OVER, State.CRIMINAL_ENDED})
# Acts that leave the state as it is but are a step of their own: the review after a hearing (第五十八条).
SIDE_ACTS: dict[str, State] = {"review_after_hearing": State.NOTIFIED}
SIDE_ACT_LABELS: dict[str, StrOrPromise] = {"review_after_hearing": _("听证后法制审核")}

# Acts open to a user that the case page offers after his ordinary ones, as plain buttons: they take the case off
# its line or answer an exception (a recusal, a transfer, an end, an extension), and are seldom the next step.
EXCEPTIONAL_ACTIONS = frozenset(
    {
        "request_recusal",
        "challenge_chair",
        "propose_transfer",
        "terminate",
        "transfer_jurisdiction",
        "transfer_to_judiciary",
        "decide_no_penalty",
        "extend_decision",
        "extend_decision_further",
        "extend_review",
        "extend_seizure",
    }
)


@dataclass(frozen=True)
class Step:
    key: str
    label: StrOrPromise
    # "done", "current", "skipped" (the case did not pass it), "todo"; for a side step after the current one,
    # "passed" (the case went through it before coming back) or "required" (it still must).
    status: str
    side: bool = False

    @property
    def current(self) -> bool:
        return self.status == "current"

    @property
    def done(self) -> bool:
        return self.status == "done"


def path_of(actions: Iterable[str]) -> tuple[list[State], set[str]]:
    """The states a case entered, in order, and the side acts it took, from its acts' names (`case.file`, …)."""
    states: list[State] = []
    acts: set[str] = set()
    for name in actions:
        name = name.removeprefix("case.")
        action = ACTIONS.get(name)
        if action is None:
            continue
        if action.target is not None:
            states.append(action.target)
        if name in SIDE_ACTS:
            acts.add(name)
    return states, acts


def step_bar(
    procedure: str,
    current: State,
    path: list[State],
    acts: AbstractSet[str] = frozenset(),
    *,
    required: Iterable[State] = (),
) -> list[Step]:
    """The steps to draw for a case now in `current`, which entered the states of `path` in order (and took the side
    `acts`); `required` are side states it must still pass (法制审核 for a major case)."""
    line = SUMMARY_LINE if procedure == "summary" else MAIN_LINE
    if not path or path[-1] != current:
        path = [*path, current]
    visited = set(path)
    if len(path) == 1 and current in line:
        visited |= set(line[: line.index(current)])  # a case without acts recorded: assume the line was followed
    slots = _slots(line, path, acts, required)
    position = next(i for i, (key, _label, _side) in enumerate(slots) if key == current.value)
    ended = current in END_BRANCHES
    steps = []
    for i, (key, label, side) in enumerate(slots):
        passed = key in visited or key in acts
        if i == position:
            status = "current"
        elif i < position:
            status = "done" if passed else "skipped"
        elif side:
            status = "passed" if passed else "required"
        elif ended and (current == State.NOT_FILED or key not in (State.CLOSED, State.ARCHIVED)):
            status = "skipped"  # the case left the line: what lies between is not done, only its closing
        else:
            status = "todo"
        steps.append(Step(key, label, status, side))
    return steps


def _slots(
    line: tuple[State, ...], path: list[State], acts: AbstractSet[str], required: Iterable[State]
) -> list[tuple[str, StrOrPromise, bool]]:
    place: dict[State, State] = {}  # each side state drawn, and the main-line state it follows
    for i, state in enumerate(path):
        if state in line or state in place:
            continue
        if state in FIXED_PLACE and FIXED_PLACE[state] in line:
            place[state] = FIXED_PLACE[state]
        else:  # an end branch: after the step the case left from
            before = path[i - 1] if i else line[0]
            place[state] = before if before in line else place.get(before, line[0])
    for state in required:
        if state not in place and FIXED_PLACE.get(state) in line:
            place[state] = FIXED_PLACE[state]
    slots: list[tuple[str, StrOrPromise, bool]] = []
    for main in line:
        slots.append((main.value, STATE_LABELS[main], False))
        # Fixed side steps in the table's order, the side acts, then the branches in the order taken.
        fixed = [s for s in FIXED_PLACE if place.get(s) == main]
        branches = [s for s in place if place[s] == main and s not in FIXED_PLACE]
        slots.extend((s.value, STATE_LABELS[s], True) for s in fixed)
        slots.extend((act, SIDE_ACT_LABELS[act], True) for act in sorted(acts) if SIDE_ACTS[act] == main)
        slots.extend((s.value, STATE_LABELS[s], True) for s in branches)
    return slots
