"""The lists through /api/v1: in force on a date, the versions with their changes, scoped like the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.core.choices import Role
from zhifa.powers.choices import ListKind
from zhifa.powers.services import list_publish
from zhifa.powers.tests.lists import INSPECTIONS, publish_args
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


def caller(user):
    _, secret = ApiToken.issue(user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_list_in_force_on_a_date_and_its_versions(world):
    reviewer = make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)
    first = list_publish(
        actor=reviewer, agency=world.bureau, kind=ListKind.INSPECTIONS, items=INSPECTIONS, **publish_args()
    )
    list_publish(
        actor=reviewer,
        agency=world.bureau,
        kind=ListKind.INSPECTIONS,
        items=INSPECTIONS[:1],
        **publish_args(effective_from=date(2026, 7, 1)),
    )
    api = caller(world.officer_user)
    found = api.get(f"/api/v1/agencies/{world.branch.pk}/lists/inspections?on=2026-06-30").json()
    assert found["version"]["id"] == first.pk
    assert [item["code"] for item in found["version"]["items"]] == ["TEST-JC-001", "TEST-JC-002"]
    assert found["version"]["items"][0]["methods"] == ["onsite", "written"]
    assert api.get(f"/api/v1/agencies/{world.branch.pk}/lists/inspections?on=2025-12-31").json()["version"] is None
    versions = api.get(f"/api/v1/agencies/{world.branch.pk}/lists/inspections/versions").json()
    assert [(v["number"], v["changes"]["removed"]) for v in versions] == [(2, ["TEST-JC-002"]), (1, [])]
    assert api.get(f"/api/v1/lists/versions/{first.pk}").json()["number"] == 1
    assert api.get(f"/api/v1/agencies/{world.elsewhere.pk}/lists/inspections").status_code == 404
    assert caller(world.outsider).get(f"/api/v1/lists/versions/{first.pk}").status_code == 404
    assert Client().get(f"/api/v1/lists/versions/{first.pk}").status_code == 401
