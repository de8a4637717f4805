"""Enforcement documents as PDF: a Django template per kind, WeasyPrint, the check QR code in the footer.

`render_pdf(kind, context, site_base=...)` is the one entry point. The PDF carries, on every page, the hash
of the ledger entry of the act it documents and a QR code of the public check page's address for that hash
(docs/documents.md says why it is that hash and not the PDF's own).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from zhifa.core.errors import MissingSystemDependency
from zhifa.documents.choices import DocumentKind
from zhifa.documents.contexts import CONTEXTS, Document
from zhifa.documents.fonts import BODY_FAMILIES, TITLE_FAMILIES, require_chinese_font

# WeasyPrint reports each step of each document at INFO; the project's log is at INFO by default.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Error correction M (15 %): survives a fold or a stamp's edge over the code. An address of ~120 characters
# makes a version 7 code (45 modules), 0.38 mm a module at 20 mm wide.
QR_ERROR = "m"
QR_BORDER = 4  # the quiet zone the standard asks for, in modules


def check_url(entry_hash: str, *, site_base: str) -> str:
    """The public check page's address for a hash: `<site base>/public/check/?sha256=<hex>`.

    The page (ledger/views.py `check`) takes the hash as the GET parameter `sha256` and looks it up both as
    an entry's leaf hash and as a file's SHA-256.
    """
    parts = urlsplit(site_base)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"site_base must be the installation's public http(s) address, not {site_base!r}")
    return f"{site_base.rstrip('/')}{reverse('ledger_check')}?{urlencode({'sha256': entry_hash})}"


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG data URI, one pixel per module: the stylesheet scales it up without smoothing."""
    return qr_code(url).png_data_uri(scale=1, border=QR_BORDER)


def _families(names: tuple[str, ...], generic: str) -> str:
    # Unquoted: the names are CSS identifiers (a test checks), so autoescaping leaves them alone.
    return ", ".join([*names, generic])


def render_html(kind: DocumentKind | str, context: Document, *, site_base: str) -> str:
    """The document's HTML, always in Chinese whatever the user's language (documents are Chinese only)."""
    kind = DocumentKind(kind)
    expected = CONTEXTS[kind]
    if type(context) is not expected:
        raise TypeError(f"a {kind} is rendered from {expected.__name__}, not {type(context).__name__}")
    url = check_url(context.entry_hash, site_base=site_base)
    with translation.override("zh-hans"):
        return render_to_string(
            f"documents/{kind.value}.html",
            {
                "doc": context,
                "check_url": url,
                "check_page": url.split("?", 1)[0],
                "qr": qr_data_uri(url),
                "title_fonts": _families(TITLE_FAMILIES, "serif"),
                "body_fonts": _families(BODY_FAMILIES, "serif"),
            },
        )


def render_pdf(kind: DocumentKind | str, context: Document, *, site_base: str) -> bytes:
    """The document as PDF bytes (A4). Raises MissingFont when no Chinese font is installed."""
    require_chinese_font()
    html = render_html(kind, context, site_base=site_base)
    # Imported here: loading WeasyPrint (and its default stylesheets) takes a while; most requests need none of it.
    try:
        from weasyprint import HTML, URLFetcher
    except OSError as missing:  # WeasyPrint loads Pango and HarfBuzz with ctypes when imported
        raise MissingSystemDependency(
            f"无法加载 PDF 排版所需的系统库（{missing}）：请执行 apt-get install libpangoft2-1.0-0 "
            "libharfbuzz-subset0（或运行 scripts/system-deps.sh run）。Install Pango and HarfBuzz's subsetter: "
            "apt-get install libpangoft2-1.0-0 libharfbuzz-subset0."
        ) from missing

    # Only data: URIs (the QR code) are loaded; a failure stops the rendering rather than leaving a gap.
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    # No creation date and no file identifier are written, so the same document renders to the same bytes.
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
