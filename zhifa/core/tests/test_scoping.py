"""Nobody sees another agency's people: the scoping helper and every page that lists or shows them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.core.choices import Role
from zhifa.core.models import Agency
from zhifa.core.scoping import restrict, visible_agencies
from zhifa.personnel.models import Certificate, Officer
from zhifa.personnel.selectors import officer_list_for
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(o.name for o in queryset)


def test_an_officer_sees_his_own_agency_only(world):
    assert list(visible_agencies(world.officer_user)) == [world.branch]
    assert names(officer_list_for(world.officer_user)) == ["丁辅助", "乙执法", "甲执法"]


def test_a_supervisor_sees_his_agency_and_below_but_not_another_tree(world):
    seen = set(visible_agencies(world.supervisor))
    assert seen == {world.bureau, world.branch, world.sibling}
    assert "丙执法" in names(officer_list_for(world.supervisor))
    assert world.elsewhere not in seen


def test_a_supervisor_of_a_branch_does_not_see_his_parent_or_sibling(world):
    local = make_user("local-supervisor", world.branch, Role.SUPERVISOR)
    assert set(visible_agencies(local)) == {world.branch}


def test_the_outsider_sees_nothing_of_this_tree(world):
    assert names(officer_list_for(world.outsider)) == []
    certificates = restrict(Certificate.objects.all(), world.outsider, via="officer__agency")
    assert not certificates.exists()


def test_a_user_without_agency_or_roles_sees_nothing(world):
    nobody = make_user("nobody", None)
    assert not visible_agencies(nobody).exists()
    assert not restrict(Officer.objects.all(), nobody).exists()
    roleless = make_user("roleless", world.bureau)
    assert list(visible_agencies(roleless)) == [world.bureau]


def test_pages_do_not_leak_other_agencies(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("officer_detail", args=[world.officer.pk])).status_code == 404
    assert client.get(reverse("agency_detail", args=[world.branch.pk])).status_code == 403
    certificate = world.officer.certificates.get()
    assert client.get(reverse("certificate_action", args=[certificate.pk, "suspend"])).status_code == 404
    listing = client.get(reverse("officer_list")).content.decode()
    assert "甲执法" not in listing
    tree = client.get(reverse("agency_tree")).content.decode()
    assert "测试管理局" not in tree
    assert "外地林业局" in tree


def test_search_cannot_widen_scope_with_a_foreign_agency_id(client, world):
    client.force_login(world.officer_user)
    response = client.get(reverse("officer_list"), {"agency": world.sibling.pk})
    # The form refuses an agency outside the choices, so the list falls back to the own scope.
    assert "丙执法" not in response.content.decode()


def test_every_agency_path_is_a_prefix_of_its_descendants(world):
    for agency in Agency.objects.all():
        for child in agency.children.all():
            assert child.path.startswith(agency.path)
            assert child.depth == agency.depth + 1
    assert list(world.branch.ancestors()) == [world.bureau]
