"""The folder export (归档文件夹): one ZIP with the catalogue as PDF and as a spreadsheet, every file of the case
file under its catalogue number and title, and the SHA-256 of each (SHA256SUMS, as `sha256sum -c` reads it).

The same case file gives the same bytes: every member carries the archiving date, in catalogue order, so an
archived case exported twice is one file in the evidence store, not two.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone

from zhifa.archives.binder import Catalogue, Item
from zhifa.ledger import blobs

# Kinds mimetypes does not name (or names oddly) on every system.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}
# Already compressed: stored as they are (deflating a video costs time and saves nothing).
STORED_PREFIXES = ("image/", "audio/", "video/")
UNSAFE = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')
CATALOGUE = "00-卷内目录"


def safe_name(text: str, limit: int = 60) -> str:
    """A file name every archive system accepts: no path or reserved characters, at most `limit` characters."""
    cleaned = UNSAFE.sub("_", text).strip(" ._") or "文件"
    return cleaned[:limit]


def extension(item: Item) -> str:
    suffix = Path(item.file_name).suffix.lower() if item.file_name else ""
    if re.fullmatch(r"\.[a-z0-9]{1,6}", suffix):
        return suffix
    return EXTENSIONS.get(item.content_type) or mimetypes.guess_extension(item.content_type or "") or ".bin"


def member_name(item: Item) -> str:
    return f"{item.number:03d}-{safe_name(item.title)}{extension(item)}"


def _moment(cat: Catalogue) -> tuple[int, int, int, int, int, int]:
    day = cat.archived_on or timezone.localdate()
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)


def _info(name: str, moment: tuple[int, int, int, int, int, int], content_type: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment)
    info.create_system = 3  # Unix, whatever the server's system
    info.external_attr = 0o644 << 16
    stored = content_type.startswith(STORED_PREFIXES)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def spreadsheet(cat: Catalogue) -> bytes:
    """The catalogue as an .xlsx (the agencies' archive systems import it), with fixed dates inside."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "卷内目录"
    sheet.append(["案卷题名", cat.file_title, "案件编号", cat.case_number])
    sheet.append(["保管期限", cat.retention.label, "依据", cat.retention.source])
    sheet.append([])
    sheet.append(["序号", "题名", "日期", "类别", "页号", "文件名", "SHA-256", "大小（字节）"])
    for item in cat.items:
        name = "" if item.same_as is not None else member_name(item)
        sheet.append(
            [item.number, item.title, item.on_date, item.kind_label, item.page_range, name, item.sha256, item.size]
        )
    for letter, width in zip("ABCDEFGH", (8, 48, 12, 12, 10, 40, 68, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    fixed = datetime.combine(cat.archived_on or date(2000, 1, 1), datetime.min.time())
    book.properties.created = fixed
    book.properties.modified = fixed
    raw = io.BytesIO()
    book.save(raw)
    # openpyxl stamps each member, and the properties' "modified", with the time it saves: rewrite them with the
    # archiving date.
    from openpyxl.xml.functions import tostring

    book.properties.modified = fixed
    core = tostring(book.properties.to_tree())
    out = io.BytesIO()
    moment = _moment(cat)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = core if member.filename == "docProps/core.xml" else source.read(member)
            target.writestr(_info(member.filename, moment, "text/xml"), data)
    return out.getvalue()


def write_zip(cat: Catalogue, front_pdf: bytes, out: IO[bytes]) -> None:
    """Write the folder export to `out`. Every stored file is re-hashed as it is copied (blobs.open_verified)."""
    root = safe_name(f"案卷{cat.case.pk}-{cat.case_number or cat.file_title}", 80)
    moment = _moment(cat)
    sums: list[tuple[str, str]] = []
    files: dict[str, str] = {}
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:

        def put(name: str, data: bytes, content_type: str) -> None:
            archive.writestr(_info(f"{root}/{name}", moment, content_type), data)
            sums.append((hashlib.sha256(data).hexdigest(), name))

        put(f"{CATALOGUE}.pdf", front_pdf, "application/pdf")
        put(f"{CATALOGUE}.xlsx", spreadsheet(cat), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        for item in cat.items:
            if item.same_as is not None:
                continue
            name = member_name(item)
            info = _info(f"{root}/{name}", moment, item.content_type)
            with archive.open(info, "w", force_zip64=item.size > 2**31) as member:
                for chunk in blobs.open_verified(item.sha256):
                    member.write(chunk)
            sums.append((item.sha256, name))
            files[str(item.number)] = name
        manifest = {"format": "zhifa-case-file/1", **cat.as_data(), "files": files}
        put("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode(), "application/json")
        lines = "".join(f"{digest}  {name}\n" for digest, name in sums)
        archive.writestr(_info(f"{root}/SHA256SUMS", moment, "text/plain"), lines.encode())


def build(cat: Catalogue, front_pdf: bytes) -> IO[bytes]:
    """The folder export in a temporary file beside the uploads' spool (a case's recordings may be large)."""
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    spool.mkdir(parents=True, exist_ok=True)
    handle = tempfile.TemporaryFile(prefix="case-file-", dir=spool)  # noqa: SIM115 - the caller closes it
    write_zip(cat, front_pdf, handle)
    handle.seek(0)
    return handle
