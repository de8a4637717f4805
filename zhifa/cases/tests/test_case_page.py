"""The case page puts first what the user can do: his open actions on top, the others folded under 「其他事项」 with
their reasons; its step bar draws the side steps the case went through (法制审核…) at their place."""

from __future__ import annotations

import re
from datetime import date

import pytest

from zhifa.cases import major
from zhifa.cases.steps import path_of, step_bar
from zhifa.cases.tests.desk import APPROVED_REVIEW, Desk
from zhifa.cases.tests.test_review_queue import CATALOG, big
from zhifa.cases.workflow import State
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_test_day(time_machine):
    time_machine.move_to(at(TODAY))


@pytest.fixture
def in_review(world, evidence):
    """A major case (a 20,000 yuan fine) submitted to the legal review on 18 November."""
    desk = Desk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)
    desk.lead(date(2026, 11, 12), act_ended_on=date(2026, 11, 10))
    desk.investigate(date(2026, 11, 13))
    desk("report", date(2026, 11, 18), **big(20000))
    desk("submit_review", date(2026, 11, 18))
    return desk


def actions_of(page: str) -> tuple[list[str], str]:
    """The action links above 「其他事项」, and the folded part itself."""
    section = page.split('id="case-actions"')[1].split("</section>")[0]
    top, _sep, other = section.partition('<details class="other-actions"')
    return re.findall(r'href="/cases/\d+/actions/(\w+)/"', top), other


def test_a_legal_reviewer_sees_his_two_acts_first_and_the_rest_folded_with_reasons(client, in_review):
    client.force_login(in_review.reviewer)
    page = client.get(f"/cases/{in_review.case.pk}/").content.decode()
    usable, other = actions_of(page)
    assert usable == ["pass_review", "return_review"]
    assert page.index('id="case-actions"') < page.index('class="steps"')  # the acts before the procedure
    assert "<summary>其他事项（" in other
    assert "/actions/" not in other  # what he cannot do is not a link
    assert "批准延长法制审核期限" in other
    assert "只有案件审批人可以批准延长法制审核期限" in other  # and says on whom it waits


def test_an_officer_sees_his_open_acts_first_and_his_closed_ones_with_their_rule(client, world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    client.force_login(desk.officer)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    usable, other = actions_of(page)
    assert usable[:3] == ["add_evidence", "record_interview", "record_inspection"]
    assert usable.index("report") < usable.index("request_recusal")  # the exceptional acts after the usual ones
    closed = other.split('id="waiting-on-others"')[0]
    assert "暂不能办理" in closed
    assert "解除查封、扣押" in closed  # his own act, closed now: nothing is seized
    assert "解除查封、扣押" not in usable
    assert re.search(r"解除查封、扣押</span><ul class=\"reasons\"><li>[^<]+</li>", closed)


def test_the_step_bar_draws_the_legal_review_between_the_report_and_the_approval(client, in_review):
    in_review("pass_review", date(2026, 11, 19), **APPROVED_REVIEW)
    client.force_login(in_review.officer)
    page = client.get(f"/cases/{in_review.case.pk}/").content.decode()
    bar = page.split('class="steps"')[1].split("</ol>")[0]
    labels = re.findall(r"<li class=\"([\w ]+)\"[^>]*>(?:<span[^>]*>[^<]*</span>)?([^<]+)", bar)
    order = [label for _cls, label in labels]
    assert order[order.index("调查终结") + 1] == "法制审核"
    assert order[order.index("法制审核") + 1] == "待负责人审批"
    assert ("done side", "法制审核") in labels
    assert '<li class="current" aria-current="step">待负责人审批</li>' in bar


def test_side_steps_and_end_branches_sit_where_the_case_went():
    """Pure: a case heard after the notice, and one ended during the investigation, then closed."""
    heard = "register_lead file assign report submit_approval approve notify request_hearing notify_hearing"
    path, acts = path_of(f"case.{name}" for name in f"{heard} hold_hearing review_after_hearing".split())
    bar = step_bar("ordinary", State.HEARD, path, acts)
    keys = [(s.key, s.status) for s in bar]
    at = keys.index(("notified", "done"))
    assert keys[at + 1 : at + 5] == [
        ("hearing_requested", "done"),
        ("hearing_scheduled", "done"),
        ("heard", "current"),
        ("review_after_hearing", "passed"),
    ]
    assert ("legal_review", "required") not in keys  # neither major nor reviewed: not drawn
    assert (bar[at + 5].key, bar[at + 5].status) == ("decided", "todo")

    path, acts = path_of(["case.register_lead", "case.file", "case.assign", "case.terminate", "case.close"])
    bar = step_bar("ordinary", State.CLOSED, path, acts)
    ended = [(s.key, s.status, s.side) for s in bar]
    assert ended[2:5] == [
        ("investigating", "done", False),
        ("terminated", "done", True),
        ("reported", "skipped", False),
    ]
    assert ("closed", "current", False) in ended

    path, acts = path_of(["case.register_lead", "case.file", "case.assign"])
    major_case = step_bar("ordinary", State.INVESTIGATING, path, acts, required=[State.LEGAL_REVIEW])
    assert ("legal_review", "required") in [(s.key, s.status) for s in major_case]
