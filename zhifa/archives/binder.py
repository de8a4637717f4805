"""The case file (案卷): its catalogue (卷内目录) assembled from the record, and the one-PDF binder made from it.

`catalogue(case)` lists, in procedural order (the case's acts by their place in the ledger), each act's documents
(the issued PDF, then its signed scans) and the act's evidence files, each with its 序号, title, date, kind,
SHA-256 and the pages it takes in the binder. A file that appeared earlier in the file is listed again where it
is cited, as "见序号 n", and takes no pages: the binder holds each file once.

`render_pdf(catalogue)` binds the cover (卷皮), the catalogue and the items into one PDF: PDFs as they are, images
as a page each, recordings and other files as a page saying what they are. The items' pages are numbered from 1
in the upper right corner; the cover and catalogue are not numbered (docs/case-file.md).
"""

from __future__ import annotations

import base64
import io
import json
import logging
import wave
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from zhifa.archives import retention
from zhifa.archives.choices import ItemKind, RetentionKind
from zhifa.cases.models import Case, CaseDocument, CaseRecord
from zhifa.cases.workflow import ACTIONS
from zhifa.core.errors import Refusal
from zhifa.documents.fonts import BODY_FAMILIES, TITLE_FAMILIES, require_chinese_font
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob, Entry, Facts
from zhifa.ledger.state import subject_key
from zhifa.recordings.models import Recording
from zhifa.recordings.rules import is_recording

log = logging.getLogger(__name__)

# The bounds of one binder: what a reviewer downloads and prints stays a file a browser opens. Past them the
# folder export (which streams each file as it is) is the way (docs/case-file.md, "Size").
MAX_PAGES = 3000
MAX_SOURCE_BYTES = 300 * 1024 * 1024  # the PDFs and images read into the binder
# Images are drawn on an A4 page at most 170 × 200 mm: 2,000 pixels on the long side is 250 dpi there.
IMAGE_MAX_PIXELS = 2000

MM = 72 / 25.4  # PDF points per millimetre
# The page number: upper right of each page, 20 mm in from the right edge and 12 mm down, as archives number
# the front of each sheet (页号写在正面右上角).
NUMBER_RIGHT, NUMBER_TOP, NUMBER_SIZE = 20 * MM, 12 * MM, 12


@dataclass(frozen=True)
class FileInfo:
    """How a stored file goes into the binder: `mode` pdf (its own pages), image (one page), or sheet (one page
    saying what the file is: a recording, a file that cannot be printed, a PDF that cannot be read)."""

    mode: str
    pages: int
    note: str = ""
    duration: float | None = None  # seconds, for a recording whose length is cheap to read (WAV)


@dataclass
class Item:
    number: int  # 序号
    title: str
    on_date: date
    kind: ItemKind
    sha256: str
    size: int
    content_type: str
    act: str  # the act's label (立案, 询问…)
    file_name: str = ""
    document_number: str = ""
    info: FileInfo = field(default_factory=lambda: FileInfo("sheet", 1))
    first_page: int | None = None
    same_as: int | None = None  # the 序号 of the item that holds the same file

    @property
    def pages(self) -> int:
        return 0 if self.same_as is not None else self.info.pages

    @property
    def page_range(self) -> str:
        if self.same_as is not None:
            return f"见序号{self.same_as}"
        assert self.first_page is not None
        last = self.first_page + self.pages - 1
        return str(self.first_page) if last == self.first_page else f"{self.first_page}-{last}"

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    def as_data(self) -> dict[str, Any]:
        """The item as the API, the export's facts and the spreadsheet give it."""
        return {
            "number": self.number,
            "title": self.title,
            "date": self.on_date.isoformat(),
            "kind": self.kind.value,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
            "pages": self.page_range,
            "same_as": self.same_as,
        }


@dataclass
class Catalogue:
    """The case file as it is now: the cover's facts, the retention that applies and the items in order."""

    case: Case
    case_number: str
    parties: str
    opened_on: date | None
    closed_on: date | None
    archived_on: date | None
    archivist: str
    retention_kind: RetentionKind
    retention: retention.Retention
    items: list[Item]

    @property
    def total_pages(self) -> int:
        return sum(item.pages for item in self.items)

    @property
    def recordings(self) -> list[Item]:
        return [item for item in self.items if item.kind == ItemKind.RECORDING and item.same_as is None]

    @property
    def file_title(self) -> str:
        """案卷题名: the party and the matter (张某滥伐林木案)."""
        title = self.case.title.rstrip("案")
        return f"{self.parties}{title}案" if self.parties and "、" not in self.parties else f"{title}案"

    @property
    def retention_until(self) -> date | None:
        return self.retention.until(self.archived_on) if self.archived_on is not None else None

    def as_data(self) -> dict[str, Any]:
        return {
            "case": self.case.pk,
            "case_number": self.case_number,
            "title": self.file_title,
            "agency": self.case.agency.name,
            "parties": self.parties,
            "opened_on": self.opened_on.isoformat() if self.opened_on else None,
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "archived_on": self.archived_on.isoformat() if self.archived_on else None,
            "retention": {
                "kind": self.retention_kind.value,
                "period": self.retention.label,
                "years": self.retention.years,
                "source": self.retention.source,
                "until": self.retention_until.isoformat() if self.retention_until else None,
            },
            "total_pages": self.total_pages,
            "items": [item.as_data() for item in self.items],
        }


# The documents whose number is the case's number (案号), as on the case page.
CASE_NUMBER_KINDS = ("filing_approval", "summary_decision")


def _kind_word(content_type: str) -> str:
    major = content_type.split("/")[0]
    if major == "image":
        return "照片"
    if major == "audio":
        return "录音"
    if major == "video":
        return "录像"
    if content_type == "application/pdf":
        return "书面材料"
    return "电子数据"


def _act_dates(
    entries: list[Entry], records: dict[int, CaseRecord]
) -> tuple[dict[int, date], dict[int, dict[str, str]]]:
    """Each act's date and its files' original names: from its case record, else from its entry's facts."""
    dates: dict[int, date] = {}
    names: dict[int, dict[str, str]] = {}
    missing = [entry.index for entry in entries if entry.index not in records]
    facts = dict(Facts.objects.filter(entry_id__in=missing).values_list("entry_id", "facts")) if missing else {}
    for entry in entries:
        record = records.get(entry.index)
        if record is not None:
            dates[entry.index] = record.on_date
            names[entry.index] = dict(record.data.get("file_names") or {})
            continue
        text = facts.get(entry.index)
        found = json.loads(text) if text else {}  # erased facts: the day it was recorded, and no names
        try:
            dates[entry.index] = date.fromisoformat(found["on_date"])
        except (KeyError, TypeError, ValueError):
            dates[entry.index] = timezone.localdate(entry.recorded_at)
        names[entry.index] = dict(found.get("file_names") or {})
    return dates, names


def catalogue(case: Case) -> Catalogue:
    """The 卷内目录 of `case` in procedural order, with the pages each item takes in the binder."""
    with translation.override("zh-hans"):
        return _catalogue(case)


def _catalogue(case: Case) -> Catalogue:
    case = Case.objects.select_related("agency").get(pk=case.pk)
    acts = list(
        Entry.objects.filter(subject=subject_key(case), action__startswith="case.")
        .only("index", "action", "files", "recorded_at")
        .order_by("index")
    )
    records = {record.entry_index: record for record in case.records.all()}
    documents: dict[int, list[CaseDocument]] = {}
    for document in case.documents.order_by("entry_index"):
        documents.setdefault(document.documents_entry, []).append(document)
    dates, names = _act_dates(acts, records)
    signed_at = dict(
        Entry.objects.filter(
            index__in=[d.signed_entry for ds in documents.values() for d in ds if d.signed_entry is not None]
        ).values_list("index", "recorded_at")
    )
    wanted = {d.sha256 for ds in documents.values() for d in ds}
    wanted |= {digest for ds in documents.values() for d in ds for digest in d.signed_files}
    wanted |= {digest for act in acts for digest in act.files}
    # The case's numbered recordings (recordings/): each listed with its number; those attached after their act,
    # and the clips and transcripts made from them, listed after the act they record.
    recordings = list(Recording.objects.filter(case=case).order_by("number", "part"))
    numbered = {recording.sha256: recording for recording in recordings}
    afterwards: dict[int, list[Recording]] = {}
    for recording in recordings:
        afterwards.setdefault(recording.act_entry, []).append(recording)
    wanted |= set(numbered)
    stored = {blob.sha256: blob for blob in Blob.objects.filter(sha256__in=wanted)}

    items: list[Item] = []

    def add(kind: ItemKind, title: str, on_date: date, digest: str, act: str, **extra: Any) -> None:
        blob = stored.get(digest)
        content_type = blob.content_type if blob is not None else ""
        if kind == ItemKind.EVIDENCE and is_recording(content_type):
            kind = ItemKind.RECORDING
        size = blob.size if blob is not None else 0
        item = Item(len(items) + 1, title, on_date, kind, digest, size, content_type, act, **extra)
        items.append(item)

    for act in acts:
        name = act.action.removeprefix("case.")
        label = str(ACTIONS[name].label) if name in ACTIONS else name
        for document in documents.pop(act.index, []):
            _document_items(add, document, label, signed_at)
        for digest in act.files:
            original = names[act.index].get(digest, "")
            word = _kind_word(stored[digest].content_type if digest in stored else "")
            title = f"{label}：{original or word}"
            if digest in numbered:
                title += f"（音像记录第{numbered[digest].label}号）"
            add(ItemKind.EVIDENCE, title, dates[act.index], digest, label, file_name=original)
        for recording in afterwards.pop(act.index, []):
            if recording.sha256 in act.files:
                continue
            title = f"{label}：音像记录第{recording.label}号（{recording.get_derivation_display()}）"
            add(ItemKind.EVIDENCE, title, timezone.localdate(recording.received_at), recording.sha256, label)
    for leftover in documents.values():  # a document of an act not recorded as a case act (none today)
        for document in leftover:
            _document_items(add, document, str(document.get_kind_display()), signed_at)
    _paginate(items)
    return _with_cover(case, items)


def _document_items(add: Any, document: CaseDocument, act: str, signed_at: dict[int, Any]) -> None:
    title = f"{document.get_kind_display()} {document.number}"
    add(ItemKind.DOCUMENT, title, document.issued_on, document.sha256, act, document_number=document.number)
    moment = signed_at.get(document.signed_entry) if document.signed_entry is not None else None
    day = timezone.localdate(moment) if moment is not None else document.issued_on
    many = len(document.signed_files) > 1
    for number, digest in enumerate(document.signed_files, start=1):
        suffix = f"签字件{number}" if many else "签字件"
        add(ItemKind.SIGNED, f"{title}（{suffix}）", day, digest, act, document_number=document.number)


def _paginate(items: list[Item]) -> None:
    first: dict[str, int] = {}
    page = 1
    for item in items:
        if item.sha256 in first:
            item.same_as = first[item.sha256]
            continue
        first[item.sha256] = item.number
        item.info = file_info(item.sha256, item.content_type, item.size)
        item.first_page = page
        page += item.pages


def _with_cover(case: Case, items: list[Item]) -> Catalogue:
    numbers = {d.kind: d.number for d in case.documents.all() if d.kind in CASE_NUMBER_KINDS}
    number = next((numbers[kind] for kind in CASE_NUMBER_KINDS if kind in numbers), "")
    archive = case.records.filter(action="archive").select_related("created_by").order_by("-entry_index").first()
    archivist = ""
    if archive is not None:
        who = archive.created_by
        archivist = who.get_full_name() or who.username
    kind = retention.case_kind(case)
    day = archive.on_date if archive is not None else timezone.localdate()
    return Catalogue(
        case=case,
        case_number=number,
        parties="、".join(party.name for party in case.parties.order_by("pk")),
        opened_on=case.filed_on or case.received_on,
        closed_on=case.closed_on,
        archived_on=archive.on_date if archive is not None else None,
        archivist=archivist,
        retention_kind=kind,
        retention=_sealed_retention(archive, kind) or retention.in_force(case.agency, kind, day),
        items=items,
    )


def _sealed_retention(archive: CaseRecord | None, kind: RetentionKind) -> retention.Retention | None:
    """The retention the archive act sealed in its facts: a version added afterwards, even dated before the
    archiving day, does not change what the file was archived with."""
    sealed = (archive.data.get("retention") if archive is not None else None) or {}
    if "source" not in sealed:
        return None
    years = sealed.get("years")
    return retention.Retention(kind, int(years) if years is not None else None, str(sealed["source"]))


# A stored file never changes (it is named by its hash): what it takes in the binder is computed once a process.
@lru_cache(maxsize=4096)
def file_info(sha256: str, content_type: str, size: int = 0) -> FileInfo:
    if is_recording(content_type):
        return FileInfo("sheet", 1, "音像记录", _duration(sha256, content_type))
    if content_type == "application/pdf" and size > MAX_SOURCE_BYTES:
        # Not read to count its pages (the catalogue is built on every page view and in the archive act): one
        # file over the binder's whole bound could not be bound anyway; the folder keeps it as it is.
        return FileInfo("sheet", 1, "PDF 文件过大，未装订入 PDF 案卷，见归档文件夹中的原文件")
    if content_type == "application/pdf":
        data = _read(sha256)  # a damaged file (BlobCorrupted) stops here: it is never bound as "unreadable"
        try:
            return FileInfo("pdf", len(_pdf_reader(data).pages))
        except Exception:  # any PDF pypdf cannot read gets a page saying so, never a failed binder
            log.warning("binder: the PDF %s cannot be read; a page stands for it", sha256)
            return FileInfo("sheet", 1, "PDF 文件无法读取，请查看原文件")
    if content_type.startswith("image/") and content_type != "image/svg+xml":
        return FileInfo("image", 1)
    return FileInfo("sheet", 1, "不能打印的电子文件")


def _read(sha256: str) -> bytes:
    """The stored file's bytes, re-hashed as they are read (a damaged file is never bound)."""
    return b"".join(blobs.open_verified(sha256))


def _pdf_reader(data: bytes) -> Any:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")  # a PDF with only an owner password opens; one that needs a password raises below
    return reader


def _duration(sha256: str, content_type: str) -> float | None:
    """The length of a WAV recording from its header (a few bytes); other formats are not read."""
    if content_type not in {"audio/wav", "audio/x-wav", "audio/wave"}:
        return None
    try:
        with blobs.storage().open(blobs.name_of(sha256), "rb") as handle, wave.open(handle) as audio:
            return float(audio.getnframes() / audio.getframerate())
    except (OSError, EOFError, wave.Error, ZeroDivisionError):
        return None


# --- the binder -----------------------------------------------------------------------------------------------


def _fonts() -> dict[str, str]:
    return {
        "title_fonts": ", ".join([*TITLE_FAMILIES, "serif"]),
        "body_fonts": ", ".join([*BODY_FAMILIES, "serif"]),
    }


def _weasy(html: str) -> bytes:
    require_chinese_font()
    from weasyprint import HTML, URLFetcher

    # Only data: URIs (the images) are loaded; a failure stops the binder rather than leaving a gap.
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render_front(cat: Catalogue) -> bytes:
    """The cover (卷皮) and the catalogue (卷内目录), unnumbered: the folder export's catalogue too."""
    with translation.override("zh-hans"):
        html = render_to_string("archives/binder_front.html", {"cat": cat, **_fonts()})
    return _weasy(html)


def _image_uri(data: bytes) -> str | None:
    """The image re-encoded for the page (at most IMAGE_MAX_PIXELS on its long side), or None if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
            has_alpha = image.mode in {"RGBA", "LA", "P"}
            out = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(out, "PNG", optimize=True)
                mime = "image/png"
            else:
                image.convert("RGB").save(out, "JPEG", quality=85)
                mime = "image/jpeg"
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return f"data:{mime};base64,{base64.b64encode(out.getvalue()).decode()}"


def _sheets(cat: Catalogue, sheet_items: list[Item], images: dict[str, str | None]) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string(
            "archives/binder_sheets.html",
            {"cat": cat, "sheets": [(item, images.get(item.sha256)) for item in sheet_items], **_fonts()},
        )
    return _weasy(html)


def _check_bounds(cat: Catalogue) -> None:
    source = sum(item.size for item in cat.items if item.same_as is None and item.info.mode in {"pdf", "image"})
    if cat.total_pages > MAX_PAGES or source > MAX_SOURCE_BYTES:
        raise Refusal(
            f"案卷共 {cat.total_pages} 页、需合成的文件 {source / 1024 / 1024:.0f} MB，超过一个 PDF 的上限"
            f"（{MAX_PAGES} 页或 {MAX_SOURCE_BYTES // 1024 // 1024} MB）：请导出归档文件夹，其中每个文件保持原样"
        )


def render_pdf(cat: Catalogue) -> bytes:
    """The binder: cover and catalogue, then every item's pages in order, numbered from 1 on the items."""
    from pypdf import PdfWriter

    _check_bounds(cat)
    items = [item for item in cat.items if item.same_as is None]
    contents: dict[str, bytes] = {}
    images: dict[str, str | None] = {}
    for item in items:
        if item.info.mode in {"pdf", "image"}:
            contents[item.sha256] = _read(item.sha256)
        if item.info.mode == "image":
            images[item.sha256] = _image_uri(contents[item.sha256])
    sheet_items = [item for item in items if item.info.mode != "pdf"]
    sheets = _pdf_reader(_sheets(cat, sheet_items, images)) if sheet_items else None
    if sheets is not None and len(sheets.pages) != len(sheet_items):
        raise RuntimeError(f"binder: {len(sheet_items)} sheets rendered on {len(sheets.pages)} pages")
    writer = PdfWriter()
    for page in _pdf_reader(render_front(cat)).pages:
        writer.add_page(page)
    number = 0
    sheet = iter(sheets.pages if sheets is not None else ())
    for item in items:
        pages: Iterable[Any] = _pdf_reader(contents[item.sha256]).pages if item.info.mode == "pdf" else [next(sheet)]
        for page in pages:
            number += 1
            _stamp(writer.add_page(page), number)
    if number != cat.total_pages:
        raise RuntimeError(f"binder: the catalogue counts {cat.total_pages} pages, the binder holds {number}")
    writer.add_metadata({"/Title": f"{cat.file_title} 案卷", "/Producer": "Zhifa"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp(page: Any, number: int) -> None:
    """Write the page number in the upper right corner of the page as it is seen (its crop box, any rotation)."""
    from pypdf import PageObject
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    if page.rotation:
        page.transfer_rotation_to_content()
    box = page.cropbox
    text = str(number)
    width = 0.556 * NUMBER_SIZE * len(text)  # Helvetica's digits are 556/1000 of an em
    x = float(box.right) - NUMBER_RIGHT - width
    y = float(box.top) - NUMBER_TOP
    stamp = PageObject.create_blank_page(width=float(box.width), height=float(box.height))
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    stamp[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/ZhifaPageNumber"): font})}
    )
    content = StreamObject()
    content.set_data(f"BT /ZhifaPageNumber {NUMBER_SIZE} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET".encode())
    stamp[NameObject("/Contents")] = content
    page.merge_page(stamp)
