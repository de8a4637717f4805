"""Every list filters with one markup: a search form whose every control has its label, and a 「筛选」 button; the
agency filter offers only the agencies the user sees, and ignores one he does not."""

from __future__ import annotations

import re

import pytest

from zhifa.core.choices import Role
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


def filter_form(page: str) -> str:
    found = re.search(r'<form class="filters" method="get" role="search" aria-label="[^"]+".*?</form>', page, re.S)
    assert found, "no filter form"
    return found.group(0)


def test_every_list_filters_with_the_common_labelled_markup(client, world):
    auditor = make_user("auditor", world.bureau, Role.AUDITOR)
    pages = [
        (world.admin, "/officers/"),
        (world.officer_user, "/complaints/"),
        (world.officer_user, "/laws/"),
        (world.officer_user, "/laws/texts/"),
        (auditor, "/audit/"),
        (world.supervisor, "/publicity/"),
    ]
    for user, url in pages:
        client.force_login(user)
        form = filter_form(client.get(url).content.decode())
        controls = re.findall(r'<(?:select|input)[^>]*\bid="([^"]+)"', form)
        assert controls, url
        for control in controls:
            assert f'for="{control}"' in form, f"{url}: {control} has no label"
        assert '<button type="submit">筛选</button>' in form, url


def test_the_agency_filter_offers_the_agencies_seen_and_narrows_the_list(client, world):
    client.force_login(world.supervisor)  # the bureau and its two branches
    form = filter_form(client.get("/publicity/").content.decode())
    assert world.branch.name in form
    assert world.sibling.name in form
    assert world.elsewhere.name not in form
    chosen = client.get(f"/publicity/?agency={world.branch.pk}").content.decode()
    assert f'<option value="{world.branch.pk}" selected>' in chosen
    ignored = client.get(f"/publicity/?agency={world.elsewhere.pk}").content.decode()
    assert "selected>" not in filter_form(ignored)  # an agency he does not see is not a choice


def test_the_legal_texts_filter_by_name_and_rank(client, world):
    client.force_login(world.officer_user)
    page = client.get("/laws/texts/?q=不存在的法律名称&level=law").content.decode()
    assert "没有符合条件的法律文本" in page
    assert '<option value="law" selected>' in page


def test_the_user_list_filters_by_name_agency_role_and_state(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    make_user("branch-approver", world.branch, Role.APPROVER)
    make_user("sibling-nobody", world.sibling)
    client.force_login(security)

    def listed(**query: str) -> set[str]:
        page = client.get("/users/", query).content.decode()
        table = page[page.index('id="users"') : page.index("</table>", page.index('id="users"'))]
        return set(re.findall(r'<tr id="user-([^"]+)"', table))

    assert {"admin", "supervisor", "officer", "branch-approver", "sibling-nobody", "security"} <= listed()
    assert listed(q="approver") == {"branch-approver"}
    assert listed(agency=str(world.branch.pk)) == {"officer", "branch-approver"}
    assert listed(role=Role.APPROVER) == {"branch-approver"}
    assert listed(state="no_role") == {"sibling-nobody"}
    assert "outsider" not in listed()  # another agency's login is not his to see, filtered or not
    assert listed(agency=str(world.elsewhere.pk)) >= {"admin", "officer"}  # an agency not offered is ignored
    form = filter_form(client.get("/users/").content.decode())
    assert 'for="id_role"' in form
    assert '<option value="" selected>全部</option>' in form
