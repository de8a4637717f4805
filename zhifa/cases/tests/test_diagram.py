"""The case page draws the whole workflow table: every state and action, marked for the case, escaped, tidy."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from xml.etree import ElementTree

import pytest
from django.utils import translation

from zhifa.cases.diagram import PLACES, geometry, layout, workflow_outline, workflow_svg
from zhifa.cases.tests.desk import Desk
from zhifa.cases.workflow import ACTIONS, STATE_LABELS, Action, State

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """The labels are the Chinese source strings, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 -- our own markup, not untrusted input


def drawn(root: ElementTree.Element, attribute: str, value: str) -> list[ElementTree.Element]:
    return [element for element in root.iter() if element.get(attribute) == value]


def classes(element: ElementTree.Element) -> set[str]:
    return set((element.get("class") or "").split())


def edges(root: ElementTree.Element, action: str) -> list[str]:
    """The classes of the arrows drawn for `action`, one string per arrow."""
    return [e.get("class", "") for e in drawn(root, "data-action", action) if "wf-edge" in classes(e)]


def test_every_state_and_every_action_of_the_table_is_drawn():
    root = parse(workflow_svg())
    for state in State:
        (box,) = drawn(root, "data-state", state.value)
        name = "".join(text.text or "" for text in box.iter(f"{SVG}text") if "wf-name" in classes(text))
        assert name == str(STATE_LABELS[state])
    for action in ACTIONS.values():
        titles = [
            title.text for element in drawn(root, "data-action", action.name) for title in element.iter(f"{SVG}title")
        ]
        assert titles, f"{action.name} is not drawn"
        assert all(str(action.label) in (title or "") for title in titles)


def test_the_drawing_is_an_accessible_svg():
    root = parse(workflow_svg(State.FILED))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert drawn(root, "id", title_id)[0].text == "办案流程图"
    assert drawn(root, "id", desc_id)[0].text.startswith("当前状态：已立案。")


def test_the_case_s_state_its_past_and_what_is_open_now_are_marked():
    done = {"register_lead", "file", "assign", "report", "submit_approval", "approve", "notify", "add_evidence"}
    root = parse(workflow_svg(State.NOTIFIED, done, {"request_hearing", "record_statement"}))
    (current,) = drawn(root, "data-state", "notified")
    assert "current" in classes(current)
    assert current.get("aria-current") == "step"
    assert "visited" in classes(drawn(root, "data-state", "approving")[0])
    assert "idle" in classes(drawn(root, "data-state", "collective")[0])

    assert edges(root, "file") == ["wf-edge done"]
    # approve was taken from APPROVING, the case never went to collective discussion.
    assert sorted(edges(root, "approve")) == ["wf-edge done", "wf-edge idle"]
    assert edges(root, "request_hearing") == ["wf-edge open"]
    assert "wf-edge possible" in edges(root, "decide")  # to be taken from here, though not by this viewer now
    stays = {e.get("data-action"): classes(e) for e in root.iter() if "wf-stay" in classes(e)}
    assert "open" in stays["record_statement"]
    assert "done" in stays["add_evidence"]


def test_every_text_is_escaped():
    labels = {State.LEAD: "<b>案源</b> & 线索", State.FILED: 'Filed "now" & <then>'}
    table = [
        Action("open", "登记<script>alert(1)</script>", (None,), State.LEAD, ("officer",)),
        Action("file", "批准 & <i>立案</i>", (State.LEAD,), State.FILED, ("approver",)),
        Action("note", "记录<备注>&", (State.LEAD,), None, ("officer",)),
    ]
    svg = workflow_svg(State.LEAD, {"open"}, {"file"}, table=table, labels=labels, places={}, final=())
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)  # well-formed, so nothing leaked into the markup
    texts = "".join(root.itertext())
    assert "<b>案源</b> & 线索" in texts
    assert "记录<备注>&" in texts
    assert "登记<script>alert(1)</script>" in texts


def test_the_grid_places_every_state_and_a_new_state_is_still_drawn():
    assert set(PLACES) == set(State)
    # A state the grid does not know (here all of them) gets a column of its own rather than vanishing.
    drawing = layout(places={})
    assert {node.state for node in drawing.nodes} == {state.value for state in State}


def test_the_drawing_is_tidy_nothing_overlaps_and_no_arrow_runs_through_a_box():
    drawing = layout()
    boxes = {node.state: node.rect for node in drawing.nodes}
    labels = [edge.label_box for edge in drawing.edges]
    for one, other in itertools.combinations([*boxes.values(), *labels], 2):
        assert not one.overlaps(other), (one, other)
    for edge in drawing.edges:
        segments = list(itertools.pairwise(edge.points))
        for i, (a, b) in enumerate(segments):
            for state, box in boxes.items():
                at_end = (i == 0 and state == edge.source) or (i == len(segments) - 1 and state == edge.target)
                assert at_end or not box.hits(a, b), (edge.action, edge.source, state)


def test_an_action_from_many_states_is_one_arrow_from_its_tag_and_a_letter_in_each_state():
    """Ending a case or sending it on is allowed from a dozen states: one arrow, not a dozen crossing the page."""
    terminate = ACTIONS["terminate"]
    assert len(terminate.sources) > 3
    root = parse(workflow_svg(State.HEARING_SCHEDULED))
    assert edges(root, "terminate") == ["wf-edge possible"]
    tagged = {
        box.get("data-state")
        for box in drawn(root, "class", "wf-state idle") + drawn(root, "class", "wf-state current")
        for tag in box.iter()
        if tag.get("data-action") == "terminate"
    }
    assert tagged == {str(state) for state in terminate.sources}
    (hub,) = [e for e in drawn(root, "data-action", "terminate") if "wf-hub" in classes(e)]
    (letter,) = [t.text for t in hub.iter(f"{SVG}text")]
    assert f"{letter}终止调查 → 终止调查" in "".join(root.itertext())  # the legend: letter, then action


def test_the_layout_is_computed_once_per_language():
    geometry._layout.cache_clear()
    workflow_svg(State.LEAD)
    workflow_svg(State.FILED, {"file"})
    assert geometry._layout.cache_info().misses == 1


def test_the_outline_lists_the_states_and_their_actions_as_text():
    outline = workflow_outline(State.FILED, {"register_lead", "file"}, {"assign"})
    first = outline[0]
    assert first.label == "新案件"
    assert [(step.name, step.status) for step in first.steps] == [("register_lead", "done"), ("decide_on_the_spot", "")]
    (filed,) = [entry for entry in outline if entry.current]
    assert filed.label == "已立案"
    assert [(step.label, step.target, step.status) for step in filed.steps] == [
        ("指派承办人员", "调查取证", "open"),
        ("终止调查", "终止调查", "possible"),
    ]
    investigating = next(entry for entry in outline if entry.state == "investigating")
    assert ("登记证据", "") in [(step.label, step.target) for step in investigating.steps]
    # approve taken from APPROVING is not shown as taken from collective discussion, where the case never was.
    later = workflow_outline(
        State.APPROVED, {"register_lead", "file", "assign", "report", "submit_approval", "approve"}
    )
    statuses = {(entry.state, step.name): step.status for entry in later for step in entry.steps}
    assert statuses["approving", "approve"] == "done"
    assert statuses["collective", "approve"] == ""


@pytest.mark.django_db
def test_the_case_page_draws_the_workflow_with_the_case_marked(client, world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk("file", date(2026, 11, 3))
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert "办案流程图" in page
    assert "zhifa/diagram.css" in page
    start, end = page.index("<svg"), page.index("</svg>") + len("</svg>")
    root = parse(page[start:end])
    assert "current" in classes(drawn(root, "data-state", "filed")[0])
    assert edges(root, "file") == ["wf-edge done"]
    # Assigning is an approver's act: from here, but not open to this officer.
    assert edges(root, "assign") == ["wf-edge possible"]
    assert "文字版流程" in page
