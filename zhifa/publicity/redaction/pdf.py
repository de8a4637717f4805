"""A decision's PDF: its text, what the automatic pass finds in it page by page, and the check that a PDF to be
published no longer shows a confirmed term.

pypdf (pure Python, BSD) reads the text. Extracted text breaks lines and puts spaces wherever the layout did, so
the check compares without any white space, after making full-width characters half-width.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from zhifa.publicity.redaction.base import normalise

if TYPE_CHECKING:
    from zhifa.publicity.redaction.base import Finding, Known


class UnreadablePdf(ValueError):
    """The bytes are not a PDF pypdf can read, or the PDF is encrypted."""


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, in order."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadablePdf("PDF 文件已加密，无法读取其中的文字")
        return [page.extract_text() or "" for page in reader.pages]
    except UnreadablePdf:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadablePdf(f"无法读取 PDF 文件（{error}）") from error


def pdf_text(data: bytes) -> str:
    """The PDF's text, pages separated by a form feed (\\f)."""
    return "\f".join(pdf_pages(data))


def find_in_pdf(data: bytes, *, known: Known | None = None, guess_names: bool = True) -> list[Finding]:
    """What `find` gives on each page, with `page` set (from 1) and offsets within that page's text."""
    from zhifa.publicity.redaction import find

    found: list[Finding] = []
    for number, page in enumerate(pdf_pages(data), start=1):
        found += [replace(finding, page=number) for finding in find(page, known=known, guess_names=guess_names)]
    return found


_NUMBER_SEPARATORS = re.compile(r"[\s()\-–—]")


def _squeezed(text: str) -> str:
    return "".join(normalise(text).split())


def leaks(pdf: bytes, terms: Iterable[str]) -> list[str]:
    """The terms (confirmed as masked) that the PDF's text still contains, ignoring white space and width; a number
    is also found written with other separators (138-0013-8000 for 13800138000). The check errs towards a leak:
    a number is looked for in the text with every separator taken out, where it could also span two numbers."""
    text = pdf_text(pdf)
    squeezed_text = _squeezed(text)
    number_text = _NUMBER_SEPARATORS.sub("", normalise(text)).upper()
    shown = []
    for term in terms:
        squeezed = _squeezed(term)
        number = _NUMBER_SEPARATORS.sub("", normalise(term)).upper()
        is_number = len(number) >= 7 and number.isalnum() and number.isascii() and any(c.isdigit() for c in number)
        if term in shown or not squeezed:
            continue
        if squeezed in squeezed_text or (is_number and number in number_text):
            shown.append(term)
    return shown
