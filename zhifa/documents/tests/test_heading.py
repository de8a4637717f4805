"""The heading — the agency's name and the document's title — breaks into even lines, never one character alone."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from zhifa.documents.choices import DocumentKind
from zhifa.documents.formatting import heading_lines
from zhifa.documents.rendering import render_pdf
from zhifa.documents.tests.samples import SITE, sample

# The demo's branch (20 characters: "局" was left alone on the receipt's second line) and a longer name still.
BRANCH = "大青山国家级自然保护区管理局乌兰察布分局"
LONG = "内蒙古自治区大青山国家级自然保护区管理局乌兰察布分局"


def heading_of(kind: DocumentKind, agency: str) -> list[str]:
    """The first page's lines of text before the document number: the heading as printed."""
    document = dataclasses.replace(sample(kind), agency_name=agency)
    pdf = render_pdf(kind, document, site_base=SITE)
    lines = [line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()]
    number = str(document.number)
    return lines[: next(i for i, line in enumerate(lines) if number in line)]


@pytest.mark.parametrize(
    ("kind", "agency"),
    [
        (DocumentKind.SUMMARY_DECISION, BRANCH),  # the 80 mm roll
        (DocumentKind.SUMMARY_DECISION, LONG),
        (DocumentKind.APPRAISAL_NOTICE, LONG),  # A4, and the longest title (18 characters)
    ],
)
def test_no_heading_line_is_a_single_character(kind, agency):
    heading = heading_of(kind, agency)
    assert "".join(heading) == agency + kind.label  # all of it, in order, nothing else
    assert all(len(line) >= 2 for line in heading), heading
    assert len(heading) <= 4, heading


def test_a_long_name_breaks_evenly_after_a_units_name():
    assert heading_lines(BRANCH, 19) == ["大青山国家级自然保护区", "管理局乌兰察布分局"]
    assert heading_lines(LONG, 21) == ["内蒙古自治区大青山国家级自然保护区", "管理局乌兰察布分局"]
    assert heading_lines("检测、检验、检疫、技术鉴定期间告知书", 14) == ["检测、检验、检疫、", "技术鉴定期间告知书"]


@pytest.mark.parametrize("per_line", [4, 5, 7, 10, 19, 21])
@pytest.mark.parametrize("length", [1, 2, 5, 9, 20, 21, 22, 26, 41, 60])
def test_lines_fit_and_none_is_a_single_character(per_line, length):
    text = ("大青山国家级自然保护区管理局乌兰察布分局" * 3)[:length]
    lines = heading_lines(text, per_line)
    assert "".join(lines) == text
    assert len(lines) == -(-length // per_line)  # no more lines than the width needs
    assert all(len(line) <= per_line for line in lines)
    assert len(lines) == 1 or all(len(line) >= 2 for line in lines)
