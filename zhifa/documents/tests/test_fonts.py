"""Without a Chinese font, rendering stops with a message saying what to install — never a PDF of empty boxes."""

from __future__ import annotations

import os
import re

import pytest

from zhifa.documents import fonts
from zhifa.documents.choices import DocumentKind
from zhifa.documents.fonts import BODY_FAMILIES, TITLE_FAMILIES, MissingFont, chinese_fonts
from zhifa.documents.rendering import render_pdf
from zhifa.documents.tests.samples import SITE, sample


@pytest.fixture
def fresh_check():
    fonts._checked.cache_clear()
    yield
    fonts._checked.cache_clear()


def test_this_machine_has_the_noto_cjk_fonts_the_stylesheet_asks_for():
    # scripts/system-deps.sh installs fonts-noto-cjk; CI would render with a fallback font otherwise.
    assert "Noto Serif CJK SC" in chinese_fonts()


def test_fontconfig_without_chinese_fonts_is_reported(tmp_path):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path) + "</cachedir></fontconfig>")
    assert chinese_fonts({**os.environ, "FONTCONFIG_FILE": str(empty)}) == []


def test_rendering_without_a_chinese_font_stops_with_what_to_install(monkeypatch, fresh_check):
    monkeypatch.setattr(fonts, "chinese_fonts", list)
    with pytest.raises(MissingFont, match="fonts-noto-cjk"):
        render_pdf(DocumentKind.SERVICE_PROOF, sample(DocumentKind.SERVICE_PROOF), site_base=SITE)


def test_without_fc_list_rendering_stops_too(monkeypatch, fresh_check):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingFont, match="fontconfig"):
        render_pdf(DocumentKind.SERVICE_PROOF, sample(DocumentKind.SERVICE_PROOF), site_base=SITE)


def test_family_names_are_css_identifiers():
    # The stylesheet writes them without quotes (quotes would be HTML-escaped in the template).
    for name in TITLE_FAMILIES + BODY_FAMILIES:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*( [A-Za-z0-9_]+)*", name), name
