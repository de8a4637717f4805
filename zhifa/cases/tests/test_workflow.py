"""The workflow table is sound: every state reachable, every open state has a way on, the final ones none."""

from __future__ import annotations

import dataclasses

from zhifa.cases import workflow
from zhifa.cases.workflow import ACTIONS, Action, State, actions_from
from zhifa.core.choices import Role


def test_the_table_is_sound():
    assert workflow.problems() == []


def test_the_checker_finds_a_broken_table():
    table = [action for action in ACTIONS.values() if action.name != "archive"]  # nothing leads to ARCHIVED
    table.append(dataclasses.replace(ACTIONS["serve"], starts=("no_such_period",)))
    table.append(Action("dead_end", "死路", (State.LEAD,), State.LEAD, ("officer",)))
    found = workflow.problems(table)
    assert "archived: no way to reach it" in found
    assert "closed: no way out of it" in found
    assert "serve: unknown period no_such_period" in found
    assert "two actions share a name" in found


def test_a_case_opens_by_a_lead_or_an_on_the_spot_decision():
    assert [action.name for action in workflow.actions_from(None)] == ["register_lead", "decide_on_the_spot"]


def test_the_decision_waits_for_the_statement_period_and_a_requested_hearing():
    # 行政处罚法 第四十五条、第六十二条、第六十四条
    decide = ACTIONS["decide"]
    # A requested hearing keeps the case in HEARING_REQUESTED / HEARING_SCHEDULED, where decide is not open.
    assert set(decide.sources) == {State.NOTIFIED, State.HEARD}
    assert {"statement_period_over", "within_decision_period", "not_heavier_after_defence"} <= set(decide.guards)
    assert "decision" in decide.stops


def test_investigative_acts_need_two_officers_and_leave_the_state_alone():
    for name in ("add_evidence", "record_interview", "record_inspection", "seize"):
        action = ACTIONS[name]
        assert action.sources == (State.INVESTIGATING,)
        assert action.target is None
        assert "investigators_present" in action.guards
        assert "auxiliary" not in action.roles


def test_filing_checks_prescription_and_starts_the_ninety_days():
    # 行政处罚法 第三十六条、第六十条
    assert "prescription" in ACTIONS["file"].guards
    assert ACTIONS["file"].starts == ("decision",)


def test_every_state_has_a_chinese_label():
    assert set(workflow.STATE_LABELS) == set(State)


def test_every_guard_handler_and_form_the_table_names_exists():
    from zhifa.cases.forms import ACTION_FORMS
    from zhifa.cases.guards import GUARDS
    from zhifa.cases.services import HANDLERS

    for action in ACTIONS.values():
        assert set(action.guards) <= GUARDS.keys(), action.name
        assert action.name in HANDLERS, action.name
        assert action.name in ACTION_FORMS, action.name
    used = {name for action in ACTIONS.values() for name in action.guards}
    assert used == GUARDS.keys(), "a guard no action uses"


def test_every_outcome_of_article_57_is_open_where_the_law_allows_it_and_is_the_heads():
    # 行政处罚法 第五十七条: once the investigation ends, the head decides a penalty, no penalty, to end the case
    # or to transfer it — and may still, after the notice and the hearing, until the decision.
    until_decision = [
        State.REPORTED,
        State.LEGAL_REVIEW,
        State.APPROVING,
        State.COLLECTIVE,
        State.APPROVED,
        State.NOTIFIED,
        State.HEARING_REQUESTED,
        State.HEARING_SCHEDULED,
        State.HEARD,
    ]
    ending = ("terminate", "transfer_jurisdiction", "transfer_to_judiciary")
    for state in until_decision:
        offered = {action.name for action in actions_from(state)}
        assert set(ending) <= offered, state
        if state not in (State.REPORTED, State.LEGAL_REVIEW):  # before the head has the case, it is reported
            assert "decide_no_penalty" in offered, state
    assert {state for state in until_decision if "decide" in {a.name for a in actions_from(state)}} == {
        State.NOTIFIED,
        State.HEARD,
    }
    for name in (*ending, "decide", "decide_no_penalty"):
        assert ACTIONS[name].roles == (Role.APPROVER.value,), name
