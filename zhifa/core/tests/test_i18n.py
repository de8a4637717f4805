"""Chinese first, English second, chosen per user; the English catalogue is complete and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def test_english_catalogue_translates_every_message():
    untranslated = [entry.msgid for entry in polib.pofile(str(LOCALE / "django.po")) if not entry.translated()]
    assert untranslated == []


def test_compiled_catalogue_matches_its_source():
    source = {(e.msgid, e.msgstr) for e in polib.pofile(str(LOCALE / "django.po")) if not e.msgid_plural}
    compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(LOCALE / "django.mo")) if not e.msgid_plural}
    assert source == compiled, "run `zhifa compilemessages -l en` after editing django.po"


@pytest.mark.django_db
def test_each_user_sees_his_own_language(client, world):
    client.force_login(world.supervisor)
    assert "执法人员" in client.get(reverse("officer_list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("officer_list")})
    world.supervisor.refresh_from_db()
    assert world.supervisor.language == "en"
    page = client.get(reverse("officer_list")).content.decode()
    assert "<h1>Officers</h1>" in page
    assert 'lang="en"' in page
    # Another user is not affected.
    client.force_login(world.admin)
    assert "<h1>执法人员</h1>" in client.get(reverse("officer_list")).content.decode()


@pytest.mark.django_db
def test_language_switch_refuses_to_redirect_off_site(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
