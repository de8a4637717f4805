"""The public pages pass axe-core's WCAG 2.1 A/AA rules with no serious or critical violation, in a real browser on a
phone's width and a desk's: the home, an agency's page and its sections, the flow charts, the year's statistics (its
chart drawn), the certificate check with an answer, and the record check."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page

from zhifa.cases import major
from zhifa.cases.tests.desk import ON_THE_SPOT, Desk
from zhifa.core.choices import Role
from zhifa.powers.choices import ListKind
from zhifa.powers.services import list_publish
from zhifa.powers.tests.lists import INSPECTIONS, POWERS, body, power, publish_args
from zhifa.testing.axe import serious_violations
from zhifa.testing.factories import TODAY, at, make_user

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal_world(world: Any, evidence: Any, time_machine: Any) -> Any:
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)  # one fine on the spot, so that the statistics draw their chart
    desk("decide_on_the_spot", date(2026, 11, 20), **ON_THE_SPOT, officers=[world.officer, world.colleague])
    reviewer = make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)
    list_publish(actor=reviewer, agency=world.bureau, kind=ListKind.POWERS, items=POWERS, **publish_args())
    list_publish(
        actor=reviewer,
        agency=world.bureau,
        kind=ListKind.POWERS,
        items=[POWERS[0], power("TEST-CF-003", "对非法采伐的行政处罚")],
        **publish_args(effective_from=date(2026, 7, 1), reason="新增非法采伐"),
    )
    list_publish(actor=reviewer, agency=world.bureau, kind=ListKind.INSPECTIONS, items=INSPECTIONS, **publish_args())
    list_publish(
        actor=reviewer, agency=world.bureau, kind=ListKind.BODIES, items=[body(world.bureau.name)], **publish_args()
    )
    major.add_version(
        world.admin,
        world.bureau,
        {"effective_from": "2026-01-01", "source": "测试目录（测管发〔2025〕9号）", "after_hearing": "on"},
    )
    return world


def test_the_public_pages_have_no_serious_accessibility_violation(
    page: Page, live_server: Any, portal_world: Any, time_machine: Any
) -> None:
    world = portal_world
    certificate = world.officer.certificates.get(status="valid")
    agency = f"/public/agencies/{world.branch.pk}"
    paths = [
        "/",
        "/public/agencies/",
        f"{agency}/",
        f"{agency}/lists/powers/",
        f"{agency}/lists/bodies/",
        f"{agency}/benchmarks/",
        f"{agency}/no-penalty/",
        f"{agency}/legal-review/",
        "/public/procedures/",
        f"/public/certificates/{certificate.number}/",
        "/public/check/",
        "/public/decisions/",
        "/public/repairs/",
        "/public/complaints/",
        "/public/complaints/track/",
        "/public/ledger/checkpoints/",
        "/public/supervision/evaluations/",
        "/public/supervision/bulletins/",
        "/public/supervision/annual-reports/",
    ]
    found: dict[str, list[str]] = {}
    # Every page on a phone's width; the home and the agency's page also on a desk's (the layout differs most).
    for width, checked in ((390, paths), (1280, paths[:3])):
        page.set_viewport_size({"width": width, "height": 900})
        for path in checked:
            page.goto(f"{live_server.url}{path}")
            problems = serious_violations(page)
            if problems:
                found[f"{width}px {path}"] = problems
    time_machine.move_to(at(date(2027, 1, 10)))  # the year 2026 has ended: its statistics are public
    page.goto(f"{live_server.url}/public/statistics/2026/")
    page.wait_for_selector("#statistics-chart svg")
    problems = serious_violations(page)
    if problems:
        found["/public/statistics/2026/"] = problems
    assert not found, "\n".join(f"{where}: {problem}" for where, problems in found.items() for problem in problems)
