"""A list as agencies exchange it: one sheet, a title row, Chinese column headers, one row per item.

Import is all or nothing (as the officer import, personnel/importer.py): every row is checked first and every
problem reported with its row number, column and rule; a file with any problem saves nothing. A clean file
becomes one new version through `services.list_publish`, in one transaction.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.ledger import blobs
from zhifa.powers import services
from zhifa.powers.choices import ListKind
from zhifa.powers.columns import (
    AGENCY,
    BOOL,
    CHOICE,
    CHOICES,
    COLUMNS,
    COUNT,
    DATE,
    NUMBER_HEADER,
    Column,
    choices_of,
    display,
    labels_in,
)
from zhifa.powers.models import ITEM_KEYS, ListVersion
from zhifa.powers.selectors import item_values

MAX_BYTES = 5 * 1024 * 1024  # a list of 2,000 long rows is well under 2 MB
MAX_ROWS = services.MAX_ITEMS
MAX_LETTERS = 50
HEADER_ROWS = 5  # the header row is looked for among the first rows, below the title
SPLIT = str.maketrans({"，": "、", ",": "、", "；": "、", ";": "、", "/": "、"})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return f"第{self.row}行“{self.column}”：{self.message}" if self.column else f"第{self.row}行：{self.message}"


class ImportRefused(Refusal):
    """A file refused whole: every problem found, each with its row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        more = f"（共{len(errors)}处问题，整个文件未导入）" if len(errors) > 1 else "（整个文件未导入）"
        super().__init__(f"{errors[0]}{more}", field="file")
        self.errors = errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    parts = text.split("-")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            return None
    return None


def _header_map(kind: str, rows: list[tuple[Any, ...]]) -> tuple[int, dict[int, Column]] | None:
    """The header row's index among `rows` and which column each cell is; None when no row has the headers."""
    names = {column.header: column for column in COLUMNS[kind]}
    names |= {alias: column for column in COLUMNS[kind] for alias in column.aliases}
    for index, cells in enumerate(rows):
        found = {n: names[_text(cell)] for n, cell in enumerate(cells) if _text(cell) in names}
        if {column.field for column in found.values()} >= {c.field for c in COLUMNS[kind] if c.required}:
            return index, found
    return None


def _cell(kind: str, column: Column, raw: Any) -> tuple[Any, str | None]:
    """A cell's value for the column, or the problem with it."""
    text = _text(raw)
    if not text:
        if column.required:
            return None, "为必填项"
        return (
            [] if column.form == CHOICES else None if column.form == DATE else False if column.form == BOOL else ""
        ), None
    if column.form == DATE:
        day = _date(raw)
        return (day.isoformat(), None) if day else (None, "不是有效日期，应形如 2026-01-31")
    if column.form == COUNT:
        number = text.removesuffix("次").strip()
        if number.isascii() and number.isdigit() and 1 <= int(number) <= 365:
            return int(number), None
        return None, "应为1至365之间的整数（次数）"
    if column.form == BOOL:
        if text in ("是", "否"):
            return text == "是", None
        return None, "应填“是”或“否”"
    if column.form == CHOICE:
        labels = labels_in(kind, column.field)
        if text in labels:
            return labels[text], None
        return None, f"应为{'、'.join(choices_of(kind, column.field).values())}之一"
    if column.form == CHOICES:
        labels = labels_in(kind, column.field)
        parts = [part.strip() for part in text.translate(SPLIT).split("、") if part.strip()]
        unknown = [part for part in parts if part not in labels]
        if unknown:
            return None, f"未知的“{'、'.join(unknown)}”，可选：{'、'.join(dict.fromkeys(labels))}"
        return list(dict.fromkeys(labels[part] for part in parts)), None
    if len(text) > column.max_length:
        return None, f"不能超过{column.max_length}字"
    if column.field == "letter_sha256":
        text = text.lower()
        if not blobs.HEX64.fullmatch(text):
            return None, "SHA-256 校验值应为64位十六进制数字"
    return text, None


def read_rows(kind: str, upload: IO[bytes]) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """The sheet's items as (row number, values), and the problems of form: missing columns, empty required
    cells, bad dates, unknown labels, over-long text. Blank rows are skipped."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused([RowError(0, "", "文件不是有效的 Excel（.xlsx）文件，请使用导出的清单或模板")]) from error
    try:
        sheet = workbook.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        top = [tuple(row) for _, row in zip(range(HEADER_ROWS), cells, strict=False)]
        found = _header_map(kind, top)
        if found is None:
            required = "、".join(c.header for c in COLUMNS[kind] if c.required)
            message = f"前{HEADER_ROWS}行中找不到表头：{ListKind(kind).label}应有以下列：{required}"
            return [], [RowError(0, "", message)]
        header_index, columns = found
        items: list[tuple[int, dict[str, Any]]] = []
        errors: list[RowError] = []
        rows = [*top[header_index + 1 :], *(tuple(row) for row in cells)]
        for number, row in enumerate(rows, start=header_index + 2):
            if all(_text(cell) == "" for cell in row):
                continue
            if len(items) >= MAX_ROWS:
                return [], [RowError(number, "", f"一个清单最多{MAX_ROWS}项，文件超过了这一数量")]
            values: dict[str, Any] = {}
            for column in COLUMNS[kind]:
                raw = next((row[n] for n, c in columns.items() if c is column and n < len(row)), None)
                value, problem = _cell(kind, column, raw)
                if problem:
                    errors.append(RowError(number, column.header, problem))
                values[column.field] = value
            items.append((number, values))
    finally:
        workbook.close()
    if not items and not errors:
        errors.append(RowError(0, "", "文件中没有数据行"))
    return items, errors


def check_rows(
    actor: User,
    agency: Agency,
    kind: str,
    rows: list[tuple[int, dict[str, Any]]],
    letter_names: set[str],
) -> list[RowError]:
    """The rules of each item (services.item_problems) and of the list (no key twice), by row."""
    errors: list[RowError] = []
    headers = {c.field: c.header for c in COLUMNS[kind]}
    key = ITEM_KEYS[kind]
    seen: dict[str, int] = {}
    agencies = services.agencies_named(kind, [values for _, values in rows])
    for position, (number, values) in enumerate(rows, start=1):
        if kind == ListKind.BODIES and values.get("letter_name") and not values.get("letter_sha256"):
            if values["letter_name"] not in letter_names:
                errors.append(
                    RowError(number, "委托书文件名", f"未随清单上传名为“{values['letter_name']}”的委托书文件")
                )
                continue
            values = {**values, "letter_sha256": "0" * 64}  # stands for the file until it is stored
        _, problems = services.item_problems(agency, kind, position, values, agencies)
        for field, message in problems:
            if field == "letter_sha256" and values.get("letter_sha256") == "0" * 64:
                continue  # the file itself is stored once the whole file is found clean
            errors.append(RowError(number, headers.get(field, ""), message))
        identity = str(values.get(key) or "")
        if identity and identity in seen:
            errors.append(RowError(number, headers[key], f"与第{seen[identity]}行重复"))
        seen.setdefault(identity, number)
    return errors


def import_version(
    *,
    actor: User,
    agency: Agency,
    kind: str,
    upload: IO[bytes],
    size: int,
    effective_from: date,
    source: str,
    reason: str,
    letters: Mapping[str, IO[bytes]] | None = None,
) -> ListVersion:
    """Publish a new version from a spreadsheet: the whole file checked first, then saved whole, or nothing.

    `letters`: the entrustment letters sent with it, by file name, as the sheet's 委托书文件名 names them.
    Raises ImportRefused (every problem by row and column) or a Refusal from the service.
    """
    letters = letters or {}
    from zhifa.core.permissions import require_role

    require_role(actor, services.EDITORS, agency=agency, doing=f"发布{ListKind(kind).label}")
    if size > MAX_BYTES:
        raise ImportRefused([RowError(0, "", f"文件过大：清单文件不得超过 {MAX_BYTES // 1024 // 1024} MB")])
    if len(letters) > MAX_LETTERS:
        raise ImportRefused([RowError(0, "", f"一次最多上传{MAX_LETTERS}份委托书")])
    rows, errors = read_rows(kind, upload)
    bad = {error.row for error in errors}
    errors += check_rows(actor, agency, kind, [row for row in rows if row[0] not in bad], set(letters))
    if errors:
        errors.sort(key=lambda error: error.row)
        raise ImportRefused(errors)
    stored: dict[str, str] = {}
    for _, values in rows:
        name = values.get("letter_name") or ""
        if name and not values.get("letter_sha256"):
            if name not in stored:
                letter = letters[name]
                letter.seek(0)
                stored[name] = blobs.store(letter, content_type=_content_type(name)).sha256
            values["letter_sha256"] = stored[name]
    return services.list_publish(
        actor=actor,
        agency=agency,
        kind=kind,
        effective_from=effective_from,
        source=source,
        reason=reason,
        items=[values for _, values in rows],
    )


def _content_type(name: str) -> str:
    lower = name.lower()
    for ending, kind in (
        (".pdf", "application/pdf"),
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".png", "image/png"),
    ):
        if lower.endswith(ending):
            return kind
    return "application/octet-stream"


def _sheet(kind: str, title: str, values: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(ListKind(kind).label)
    columns = COLUMNS[kind]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns) + 1)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.append([NUMBER_HEADER, *(column.header for column in columns)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, item in enumerate(values, start=1):
        sheet.append([number, *(display(kind, column, item.get(column.field)) for column in columns)])
    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(columns, start=2):
        letter = sheet.cell(row=2, column=index).column_letter
        sheet.column_dimensions[letter].width = 40 if column.max_length > 200 else 18
        for row in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
            for cell in row:
                cell.number_format = "@"  # text: Excel keeps long codes intact
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_version(version: ListVersion) -> bytes:
    """The version as a spreadsheet in the layout the import reads."""
    title = (
        f"{version.agency.name}{version.get_kind_display()}"
        f"（第{version.number}版，{version.effective_from:%Y年%m月%d日}起施行，{version.source}）"
    )
    return _sheet(version.kind, title, item_values(version))


def template(agency: Agency, kind: str) -> bytes:
    """An empty sheet with the title and headers."""
    return _sheet(kind, f"{agency.name}{ListKind(kind).label}", [])


def export_name(version: ListVersion) -> str:
    return f"{version.agency.name}{version.get_kind_display()}-第{version.number}版-{version.effective_from}.xlsx"


# The form of every column, for the page that explains the layout.
FORMS = {
    DATE: "日期，如 2026-01-31",
    BOOL: "是 / 否",
    COUNT: "整数，如 2",
    CHOICE: "可选值之一",
    CHOICES: "一项或多项，以“、”分隔",
    AGENCY: "系统中的机关全称",
}
