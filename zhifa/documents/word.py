"""Enforcement documents as Word drafts (.docx): the PDF's own text, in a GB/T 9704 template the officer edits.

`render_docx(kind, context, ...)` fills docx/base.docx (built by docx/build.py) with docxtpl: the heading, the
number (or 「（草稿）」 before the document is issued) and a note in the page header; the body is the document's
own Django template (the one the PDF is printed from, from the same `contexts.CONTEXTS[kind]` dataclass) read
back into Word paragraphs and tables. One template per kind thus serves both: a sentence corrected in
penalty_decision.html is corrected in the PDF and in the draft alike, and no kind can be left without a draft.

A draft is a working copy: it is never stored, numbered or recorded; the issued PDF stays the record (the case
page says so). The PDF's footer — the ledger entry's hash and the QR code — is left out: it vouches for the
PDF only.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from lxml import html as lxml_html

from zhifa.documents.choices import DocumentKind
from zhifa.documents.contexts import Document
from zhifa.documents.docx import build as layout
from zhifa.documents.formatting import heading_lines
from zhifa.documents.rendering import render_html

TEMPLATE = Path(layout.__file__).with_name("base.docx")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFT = "（草稿）"

# The heading's lines in the template's type area (156 mm): the agency at 20 pt (22 a line: Word adds no
# letter spacing), the title at 22 pt (20 a line); a little less, as Word's fallback fonts run wider.
AGENCY_PER_LINE = 21
TITLE_PER_LINE = 19
TYPE_AREA = Mm(156)
_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # HTML white space: not the ideographic space (　) of blanks to sign on
# A space the template's line breaks left beside a Chinese character or full-width mark (承办人： 李执法): Chinese
# puts none there.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK}]) | (?=[{_CJK}])")
# The PDF's heading and footer: printed by the template's own fields, or not at all in a draft.
_SKIPPED = {"footer", "agency", "number", "rule"}


@dataclass(frozen=True)
class _Style:
    """How a block of the document's HTML is set: the paragraph style, and whether it is a table cell's."""

    paragraph: str = "Normal"
    cell: bool = False


def render_docx(kind: DocumentKind | str, context: Document, *, number: str, header_note: str, site_base: str) -> bytes:
    """The document as .docx bytes: `number` is printed under the title (the issued number, or DRAFT)."""
    kind = DocumentKind(kind)
    page = lxml_html.document_fromstring(render_html(kind, context, site_base=site_base))
    template = DocxTemplate(str(TEMPLATE))
    body = template.new_subdoc()
    _blocks(body.subdocx, page.body, _Style())
    template.render(
        {
            "header_note": header_note,
            "agency_lines": heading_lines(context.agency_name, AGENCY_PER_LINE),
            "title_lines": heading_lines(context.title, TITLE_PER_LINE),
            "number": number,
            "body": body,
        },
        autoescape=True,
    )
    properties = template.docx.core_properties
    properties.title = f"{context.title}（{number}）" if number != DRAFT else f"{context.title}{DRAFT}"
    properties.author = context.agency_name
    properties.comments = header_note
    saved = io.BytesIO()
    template.save(saved)
    return saved.getvalue()


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _blocks(document: Any, parent: Any, style: _Style) -> None:
    """Each block element of `parent` as paragraphs and tables added to `document` (a python-docx Document)."""
    for element in parent:
        if not isinstance(element.tag, str) or _classes(element) & _SKIPPED or element.tag in {"h1", "img", "style"}:
            continue
        classes = _classes(element)
        if element.tag == "div":
            inner = style
            if classes & {"lines", "signs", "qa"}:
                inner = _Style(layout.FLUSH)
            if "signature" in classes:
                inner = _Style(layout.SIGNATURE)
            _blocks(document, element, inner)
        elif element.tag == "p":
            name = layout.FLUSH if "flush" in classes and style.paragraph == "Normal" else style.paragraph
            _inline(document.add_paragraph(style=name), element)
        elif element.tag == "h2":
            _inline(document.add_paragraph(style=layout.HEADING), element)
        elif element.tag in {"ol", "ul"}:
            items = [item for item in element if item.tag == "li"]
            for position, item in enumerate(items, start=1):
                paragraph = document.add_paragraph(style=style.paragraph)
                paragraph.add_run(f"{position}. " if element.tag == "ol" else "· ")
                _inline(paragraph, item)
        elif element.tag == "table":
            _table(document, element)
        else:  # any other block (none today): its text, not lost
            _inline(document.add_paragraph(style=style.paragraph), element)


def _inline(paragraph: Paragraph, element: Any, *, bold: bool = False) -> None:
    """The text of `element` and its inline children into `paragraph`: <br> breaks the line, <span class=speaker>,
    <strong>, <b> and <th> are bold. White space as HTML collapses it, trimmed at the paragraph's ends."""
    start = len(paragraph.runs)
    _runs(paragraph, element, bold=bold)
    runs = paragraph.runs[start:]
    if runs:
        runs[0].text = runs[0].text.lstrip(" ")
        runs[-1].text = runs[-1].text.rstrip(" ")


def _runs(paragraph: Paragraph, element: Any, *, bold: bool) -> None:
    if element.text:
        _text(paragraph, element.text, bold)
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == "br":
            paragraph.add_run().add_break()
        else:
            strong = bold or child.tag in {"strong", "b", "th"} or "speaker" in _classes(child)
            _runs(paragraph, child, bold=strong)
        if child.tail:
            _text(paragraph, child.tail, bold)


def _text(paragraph: Paragraph, text: str, bold: bool) -> None:
    text = _SPACE_BY_CJK.sub("", _SPACE.sub(" ", text))
    if text.strip(" ") or (text and paragraph.runs):
        run = paragraph.add_run(text)
        if bold:
            run.bold = True


def _table(document: Any, element: Any) -> None:
    """An HTML table as a Word table: `colspan` merges cells, <th> is bold; label columns narrower."""
    rows = [[cell for cell in row if cell.tag in {"th", "td"}] for row in element.iter("tr")]
    rows = [row for row in rows if row]
    if not rows:
        return
    width = max(sum(int(cell.get("colspan", "1")) for cell in row) for row in rows)
    table: Table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    labels = [0] * width  # how many single cells of each column are headings (th)
    for row_index, row in enumerate(rows):
        column = 0
        for cell in row:
            span = int(cell.get("colspan", "1"))
            target: _Cell = table.cell(row_index, column)
            if span > 1:
                target = target.merge(table.cell(row_index, column + span - 1))
            elif cell.tag == "th":
                labels[column] += 1
            paragraph = target.paragraphs[0]
            paragraph.style = document.styles[layout.CELL]
            if cell.tag == "th" and row_index == 0 and all(c.tag == "th" for c in row):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _inline(paragraph, cell, bold=cell.tag == "th")
            column += span
    # Label columns (mostly <th>) take two shares of the width, the others three; a 序号 column one.
    shares = [2 if labels[i] * 2 > len(rows) else 3 for i in range(width)]
    if rows[0][0].text_content().strip() == "序号":
        shares[0] = 1
    for index, column_ in enumerate(table.columns):
        column_width = int(TYPE_AREA * shares[index] / sum(shares))
        for table_cell in column_.cells:
            table_cell.width = column_width
