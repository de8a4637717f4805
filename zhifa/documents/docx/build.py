"""Builds base.docx, the Word template every document's draft is filled into (zhifa/documents/word.py).

Run `python -m zhifa.documents.docx.build` after changing this file and commit both: the .docx is what
docxtpl fills, this script is what a reviewer reads. The same script writes the same bytes (fixed zip times),
and a test checks that the committed file is this script's output.

The layout follows GB/T 9704-2012 《党政机关公文格式》: A4; margins top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm (5.2.1: a 156 mm × 225 mm type area); the title in 2号小标宋 (22 pt), the body in 3号仿宋_GB2312
(16 pt) at 22 lines a page (a fixed 28.95 pt line), first-level headings in 黑体 (7.3.3); the page number in
4号 (14 pt) half-width 宋体 Arabic numerals between em dashes, 7 mm under the type area, odd pages on the right
and even pages on the left, one character in from the edge (7.5). Word has no font fallback list: each style
names the GB font and the font table gives Word the common Windows font to use when it is missing (altName:
方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋); LibreOffice maps them to the Noto CJK fonts the server has.

The template's fields (docxtpl, Jinja2): `header_note` (draft or copy), `agency_lines` and `title_lines`
(the heading in even lines, formatting.heading_lines), `number` (the document number, or 「（草稿）」), and
`body`, a sub-document built from the document's own template (word.py) with the paragraph styles below.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

TEMPLATE = Path(__file__).with_name("base.docx")

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# What Word uses when a named font is missing (the font table's altName): the fonts every Chinese Windows has.
ALTERNATES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", PAGE_NUMBER_FONT: "SimSun"}

BODY_SIZE = Pt(16)  # 3号
LINE = Pt(28.95)  # 225 mm over 22 lines (GB/T 9704 5.2.2)
CHARACTER = Pt(16)  # one character of the body, for indents

# The styles word.py uses, by name.
AGENCY = "Zhifa Agency"
TITLE = "Zhifa Title"
NUMBER = "Zhifa Number"
HEADING = "Zhifa Heading"
FLUSH = "Zhifa Flush"
SIGNATURE = "Zhifa Signature"
CELL = "Zhifa Cell"
NOTE = "Zhifa Note"
PAGE_NUMBER = "Zhifa Page Number"

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's time: the same script gives the same bytes


def _fonts(element: object, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set the run fonts of a style's or a run's rPr: Chinese text in `east_asian`, Latin and digits in `latin`."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian), ("w:cs", latin)):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(
    document: WordDocument,
    name: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    line: Pt | None = LINE,
    before: Pt | None = None,
    after: Pt | None = None,
) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = size
    style.font.bold = bold
    _fonts(style.element, font, PAGE_NUMBER_FONT if font == PAGE_NUMBER_FONT else LATIN_FONT)
    layout = style.paragraph_format
    layout.alignment = align
    layout.first_line_indent = 2 * CHARACTER if indent else Pt(0)
    layout.space_before = before or Pt(0)
    layout.space_after = after or Pt(0)
    if line is None:
        layout.line_spacing = 1.2
    else:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = line
    return style


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field (PAGE) the word processor computes: begin, instruction, separate, a shown value, end."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {text} "
            run._r.append(code)
        elif kind == "text":
            run.text = text or ""
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.style = PAGE_NUMBER
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    # One character (4号, 14 pt) in from the outer edge of the type area (GB/T 9704 7.5).
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        layout.right_indent = Pt(14)
    else:
        layout.left_indent = Pt(14)
    paragraph.add_run("— ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" —")


def _alternate_fonts(document: WordDocument) -> None:
    """Name each GB font in the font table with the Windows font Word substitutes when it is missing."""
    # python-docx has no API for the font table: it is the part the document part relates to as fontTable.
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            table = rel.target_part
            break
    else:  # pragma: no cover - python-docx's default template has one
        raise RuntimeError("the default template has no font table")
    from lxml import etree

    root = etree.fromstring(table.blob)
    for name, alternate in ALTERNATES.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), alternate)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if name == HEADING_FONT else "roman")
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build() -> WordDocument:
    document = Document()
    properties = document.core_properties
    properties.author = "Zhifa"
    properties.title = "执法文书（Word 草稿模板）"
    properties.comments = "Built by zhifa/documents/docx/build.py; GB/T 9704-2012 layout."
    # Only Dublin Core fields: once docxcompose is loaded (docxtpl's sub-documents), python-docx writes the
    # cp: ones (revision, lastModifiedBy) in another namespace, and the build would depend on import order.

    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.first_line_indent = 2 * CHARACTER
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_after = Pt(0)

    _style(document, AGENCY, font=TITLE_FONT, size=Pt(20), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(34))
    _style(
        document,
        TITLE,
        font=TITLE_FONT,
        size=Pt(22),
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(36),
        before=Pt(4),
    )
    _style(document, NUMBER, align=WD_ALIGN_PARAGRAPH.RIGHT, after=Pt(14))
    heading = _style(document, HEADING, font=HEADING_FONT, before=Pt(6))
    heading.paragraph_format.keep_with_next = True
    _style(document, FLUSH)
    signature = _style(document, SIGNATURE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = 4 * CHARACTER  # 成文日期右空四字 (GB/T 9704 7.3.5.1)
    _style(document, CELL, size=Pt(12), align=WD_ALIGN_PARAGRAPH.LEFT, line=None)
    note = _style(document, NOTE, size=Pt(10.5), align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    note.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _style(document, PAGE_NUMBER, font=PAGE_NUMBER_FONT, size=Pt(14), line=None)

    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The number's top 7 mm under the type area: 35 − 7 mm from the page's foot, less its line (about 5 mm).
    section.footer_distance = Mm(23)
    document.settings.odd_and_even_pages_header_footer = True
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.style = NOTE
        paragraph.text = "{{ header_note }}"
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    body = document.paragraphs[0] if document.paragraphs else None
    if body is not None:  # pragma: no cover - python-docx's default template has an empty body
        body._p.getparent().remove(body._p)
    for style, text in (
        (AGENCY, "{%p for line in agency_lines %}"),
        (AGENCY, "{{ line }}"),
        (AGENCY, "{%p endfor %}"),
        (TITLE, "{%p for line in title_lines %}"),
        (TITLE, "{{ line }}"),
        (TITLE, "{%p endfor %}"),
        (NUMBER, "{{ number }}"),
        (FLUSH, "{{p body }}"),
    ):
        document.add_paragraph(text, style=style)
    _alternate_fonts(document)
    return document


def to_bytes(document: WordDocument) -> bytes:
    """The document as .docx bytes with fixed member times, so the same build gives the same file."""
    saved = io.BytesIO()
    document.save(saved)
    fixed = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return fixed.getvalue()


def main() -> None:
    TEMPLATE.write_bytes(to_bytes(build()))
    print(f"wrote {TEMPLATE}")


if __name__ == "__main__":
    main()
