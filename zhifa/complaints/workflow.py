"""The complaint's workflow as a table: each action, the states it starts from, where it leads, who takes it.

Pure data: the services enforce it, the staff page asks it which actions to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhifa.complaints.choices import ComplaintState as S
from zhifa.core.choices import Role


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (a re-routing)
    roles: tuple[str, ...]
    source: str = ""
    # True: only staff of the handling agency itself (who read the complainant's identity) take it; a decision
    # of the head (refusing, not inspecting) may also come from an approver of an agency above it.
    same_agency: bool = True


HANDLERS = (Role.OFFICER.value, Role.APPROVER.value)
# Refusing a complaint and deciding not to inspect are decisions of the agency's head (负责人), who approves.
DECIDERS = (Role.APPROVER.value,)

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("accept", "受理", frozenset({S.RECEIVED}), S.ACCEPTED, HANDLERS),
        Action("refuse", "不予受理", frozenset({S.RECEIVED}), S.NOT_ACCEPTED, DECIDERS, same_agency=False),
        Action("route", "改派办理机关", frozenset({S.RECEIVED}), None, HANDLERS),
        Action("transfer", "移送其他机关", frozenset({S.RECEIVED}), S.TRANSFERRED, HANDLERS),
        Action("open_lead", "登记为案源", frozenset({S.ACCEPTED}), S.LEAD_OPENED, (Role.OFFICER.value,)),
        Action(
            "not_inspect",
            "不予检查并告知",
            frozenset({S.RECEIVED, S.ACCEPTED}),
            S.NOT_INSPECTED,
            DECIDERS,
            "海南省涉企行政检查条例（试行）第十三条",
            same_agency=False,
        ),
        Action("answer", "答复办理结果", frozenset({S.ACCEPTED, S.LEAD_OPENED}), S.ANSWERED, HANDLERS),
    )
}


def actions_from(state: str) -> list[Action]:
    return [action for action in ACTIONS.values() if state in action.sources]
