"""Every kind of document also comes as a Word draft: the PDF's text in the GB/T 9704 template, which python-docx
reads back; the template is the output of its build script."""

from __future__ import annotations

import io
from functools import cache

import pytest
from docx import Document
from docx.shared import Pt

from zhifa.documents.choices import DocumentKind
from zhifa.documents.docx import build
from zhifa.documents.tests.samples import AGENCY, CITIZEN, FACTS, FINE_CAPITALS, SITE, entry_hash, number, sample
from zhifa.documents.word import DRAFT, TEMPLATE, render_docx


@cache
def draft_of(kind: DocumentKind, printed: str = DRAFT) -> bytes:
    return render_docx(kind, sample(kind), number=printed, header_note="草稿：不是正式文书", site_base=SITE)


def text_of(data: bytes) -> str:
    """All the document's text, paragraphs and table cells, without white space."""
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "".join("".join(parts).split())


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_comes_as_a_word_draft_with_its_heading_and_party(kind):
    data = draft_of(kind)
    document = Document(io.BytesIO(data))
    heading = [p.text for p in document.paragraphs[:3]]
    assert heading == [AGENCY, str(kind.label), DRAFT]
    text = text_of(data)
    assert CITIZEN.name in text
    assert entry_hash(kind) not in text  # the PDF's footer vouches for the PDF only
    assert "{{" not in text  # every field of the template filled
    assert "{%" not in text


def test_the_decision_states_the_facts_the_penalty_and_the_issued_number():
    kind = DocumentKind.PENALTY_DECISION
    text = text_of(draft_of(kind, str(number(kind))))
    assert "大青保罚决字〔2026〕第12号" in text
    assert "".join(FACTS.split()) in text
    assert f"罚款金额：人民币1,500.00元（大写：{FINE_CAPITALS}）" in text
    assert "依据《中华人民共和国森林法》第七十六条第二款" in text
    # What the PDF bolds and breaks stays so: the evidence numbered, the date signed on the right.
    document = Document(io.BytesIO(draft_of(kind)))
    evidence = [p.text for p in document.paragraphs if p.text.startswith(("1. ", "2. ", "3. "))]
    assert len(evidence) == 3
    assert document.paragraphs[-1].text == "2026年11月23日"
    assert document.paragraphs[-1].style.name == build.SIGNATURE


def test_a_form_keeps_its_table_with_merged_cells():
    document = Document(io.BytesIO(draft_of(DocumentKind.FILING_APPROVAL)))
    (table,) = document.tables
    first = table.rows[0].cells
    assert [first[0].text, first[1].text] == ["案由", "张某某滥伐林木案"]
    assert first[1]._tc is first[3]._tc  # colspan=3: one merged cell
    assert first[0].paragraphs[0].runs[0].bold  # <th>


def test_the_inventory_lists_each_item_in_a_row():
    document = Document(io.BytesIO(draft_of(DocumentKind.SEIZURE_INVENTORY)))
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "名称", "数量", "规格或存放地点"]
    assert rows[1][:3] == ["1", "油锯", "1台"]


def test_the_page_is_laid_out_after_gb_t_9704():
    document = Document(io.BytesIO(draft_of(DocumentKind.INVESTIGATION_REPORT)))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [210, 297, 37, 35, 28, 26]  # stored in twips: whole mm
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)  # 3号
    assert normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "仿宋_GB2312"
    )
    assert document.styles[build.TITLE].font.size == Pt(22)  # 2号
    # The page number: a PAGE field between em dashes, right on odd pages and left on even ones.
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == even.text == "— 1 —"
    assert "PAGE" in odd._p.xml
    assert "PAGE" in even._p.xml
    assert section.header.paragraphs[0].text == "草稿：不是正式文书"


def test_a_long_agency_name_breaks_evenly():
    kind = DocumentKind.SEIZURE_DECISION
    long_name = "内蒙古自治区大青山国家级自然保护区管理局乌兰察布分局"
    document_ = type(sample(kind))(**{**vars(sample(kind)), "agency_name": long_name})
    data = render_docx(kind, document_, number=DRAFT, header_note="", site_base=SITE)
    lines = [p.text for p in Document(io.BytesIO(data)).paragraphs[:2]]
    assert lines == ["内蒙古自治区大青山国家级自然保护区", "管理局乌兰察布分局"]


def test_the_template_is_its_build_scripts_output():
    # Regenerate with `python -m zhifa.documents.docx.build` after changing the script, and commit both.
    assert build.to_bytes(build.build()) == TEMPLATE.read_bytes()


def test_the_cases_text_is_text_in_word_too():
    # Markup or template syntax typed into a case is printed as typed: escaped for the XML, never evaluated.
    kind = DocumentKind.HEARING_NOTICE
    tricky = sample(kind)
    place = '<img src="file:///etc/passwd">{{ 7*7 }}{%p if 1 %}&会议室'
    hostile = type(tricky)(**{**vars(tricky), "place": place})
    data = render_docx(kind, hostile, number=DRAFT, header_note="{{ header_note }}", site_base=SITE)
    text = text_of(data)
    assert "".join(place.split()) in text
    assert Document(io.BytesIO(data)).sections[0].header.paragraphs[0].text == "{{ header_note }}"
