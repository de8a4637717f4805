"""A report as PDF (WeasyPrint, like the enforcement documents) and as Word (python-docx), each with its chart.

The chart is drawn by matplotlib (docs/supervision-reports.md says why): as SVG for the PDF, its text left as text
(`svg.fonttype = none`) so that WeasyPrint sets it in the document's Chinese font and the figures stay searchable;
as PNG for Word, which python-docx can place (it cannot place SVG), drawn with the Chinese font fontconfig finds.
Both are drawn from the report's frozen figures, never from the live record: the file says what was submitted.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from functools import cache
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from zhifa.core.errors import MissingSystemDependency
from zhifa.documents.fonts import BODY_FAMILIES, TITLE_FAMILIES, require_chinese_font
from zhifa.supervision import statistics
from zhifa.supervision.models.reports import AnnualReport
from zhifa.supervision.reports import NARRATIVE

CHART_FIGURES = ("received", "filed", "decisions", "no_penalty", "closed", "overdue")
CHART_LABELS = ("案源登记", "立案", "处罚决定", "不予处罚", "结案", "超期")
CHART_FONT = "Noto Sans CJK SC"  # asked of fontconfig for the PNG; the PDF's SVG uses the document's fonts


def sections(report: AnnualReport) -> list[dict[str, Any]]:
    """The figures under the report's headings, each (heading, value as printed), for both files."""
    total = report.figures.get("total", {})
    out: list[dict[str, Any]] = []
    for key, heading in statistics.SECTIONS:
        rows = [
            (str(label), _printed(name, total.get(name, 0)))
            for name, label, section in statistics.FIELDS
            if section == key
        ]
        if key == "cases":
            rows[4:4] = [(f"其中：{label}（件）", str(n)) for label, n in statistics.kind_rows(total) if n]
        out.append({"heading": str(heading), "rows": rows})
    return out


def _printed(key: str, value: Any) -> str:
    return f"{float(value):,.2f}" if key in statistics.MONEY else str(value)


def narrative(report: AnnualReport) -> list[tuple[str, str]]:
    return [(heading, str(report.narrative.get(key) or "")) for key, heading in NARRATIVE[report.kind]]


def _series(report: AnnualReport) -> tuple[list[str], list[list[int]]]:
    """The bars: one series per agency right below (their subtrees), or the agency's own when none."""
    agencies = report.figures.get("agencies") or []
    if agencies:
        return [a["name"] for a in agencies], [[int(a["figures"][k]) for k in CHART_FIGURES] for a in agencies]
    total = report.figures.get("total", {})
    return [report.agency.name], [[int(total.get(k, 0)) for k in CHART_FIGURES]]


@cache
def _png_font() -> str:
    """The family name of the Chinese font matplotlib draws the PNG with, registered from fontconfig's file."""
    from matplotlib import font_manager

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise MissingSystemDependency("找不到 fc-match，无法为统计图选择中文字体：请安装 fontconfig 和 fonts-noto-cjk")
    path = subprocess.run(  # noqa: S603 - found on PATH, fixed arguments
        [fc_match, "-f", "%{file}", f"{CHART_FONT}:lang=zh"], capture_output=True, text=True, check=True
    ).stdout.strip()
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def chart(report: AnnualReport, fmt: str) -> bytes:
    """The bar chart of the main figures, as "svg" or "png"."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    names, values = _series(report)
    family = [*BODY_FAMILIES, "sans-serif"] if fmt == "svg" else [_png_font()]
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": family, "svg.hashsalt": "zhifa"}):
        figure = Figure(figsize=(6.2, 3.0))
        axes = figure.subplots()
        width = 0.8 / len(names)
        for i, (name, row) in enumerate(zip(names, values, strict=True)):
            positions = [x + i * width - 0.4 + width / 2 for x in range(len(CHART_FIGURES))]
            bars = axes.bar(positions, row, width, label=name)
            axes.bar_label(bars, fontsize=7)
        axes.set_xticks(range(len(CHART_FIGURES)), CHART_LABELS, fontsize=9)
        axes.set_ylabel("件", fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
        if len(names) > 1:
            axes.legend(fontsize=8, frameon=False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else {})
    return out.getvalue()


def document_context(report: AnnualReport) -> dict[str, Any]:
    return {
        "report": report,
        "sections": sections(report),
        "narrative": narrative(report),
        "agencies": [
            {"name": a["name"], "values": [_printed(k, a["figures"].get(k, 0)) for k in CHART_FIGURES]}
            for a in report.figures.get("agencies") or []
        ],
        "chart_labels": CHART_LABELS,
        "title_fonts": ", ".join([*TITLE_FAMILIES, "serif"]),
        "body_fonts": ", ".join([*BODY_FAMILIES, "serif"]),
    }


def render_pdf(report: AnnualReport) -> bytes:
    require_chinese_font()
    svg = base64.b64encode(chart(report, "svg")).decode()
    with translation.override("zh-hans"):
        html = render_to_string(
            "supervision/report_document.html",
            {**document_context(report), "chart": f"data:image/svg+xml;base64,{svg}"},
        )
    from weasyprint import HTML, URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render_docx(report: AnnualReport) -> bytes:
    """The report as a Word file the agency can edit and print: title, narrative, the chart, the figures' tables."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    context = document_context(report)
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    title = document.add_heading(f"{report.agency.name}\n{report.period_label}", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        f"统计期：{report.period_start:%Y年%m月%d日}至{report.period_end:%Y年%m月%d日}；数据截至{report.figures_as_of:%Y年%m月%d日}；"
        f"报送期限：{report.due_on:%Y年%m月%d日}（{report.due_source}）"
    )
    for heading, text in context["narrative"]:
        document.add_heading(heading, level=1)
        for line in (text or "（未填写）").splitlines():
            document.add_paragraph(line)
    document.add_heading("附：统计数据", level=1)
    document.add_picture(io.BytesIO(chart(report, "png")), width=Mm(150))
    for section in context["sections"]:
        document.add_heading(section["heading"], level=2)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in section["rows"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    if context["agencies"]:
        document.add_heading("各下级机关主要数据", level=2)
        table = document.add_table(rows=1, cols=len(CHART_LABELS) + 1)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("机关", *CHART_LABELS), strict=True):
            cell.text = text
        for agency in context["agencies"]:
            for cell, text in zip(table.add_row().cells, (agency["name"], *agency["values"]), strict=True):
                cell.text = text
    document.add_paragraph(f"统计数据 SHA-256：{report.figures_sha256}")
    properties = document.core_properties
    properties.title = report.period_label
    properties.author = report.agency.name
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
