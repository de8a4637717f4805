"""The directory of businesses from a spreadsheet (.xlsx) or a CSV file: all or nothing.

Every row is checked first and every problem reported with its row number, column and rule; a file with any
problem saves nothing (as the officer and list imports: a half-imported directory would silently change the
population of the next draw). A clean file adds the new businesses and updates those already in the agency's
directory (matched by credit code), in one transaction, with one ledger entry holding the counts and the file's
SHA-256. Rows are never deleted by an import: taking a business out is `services.target_set_active`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from typing import IO, Any
from zipfile import BadZipFile

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhifa.core.choices import Domain
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.validators import credit_code_check_char
from zhifa.inspections.models import InspectionTarget
from zhifa.inspections.services import PLANNERS, TARGET_FIELDS, target_values
from zhifa.ledger.services import record
from zhifa.powers.excel import ImportRefused as ImportRefused  # one row report for every list import
from zhifa.powers.excel import RowError as RowError

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024  # 20,000 rows of 200 bytes are 4 MB
HEADER_ROWS = 5
# The columns, in the template's order: (field, header, other headers accepted).
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("name", "名称", ("企业名称", "单位名称")),
    ("credit_code", "统一社会信用代码", ("信用代码",)),
    ("address", "地址", ("住所", "经营地址")),
    ("domain", "执法领域", ("领域",)),
    ("risk_grade", "风险等级", ("风险分级",)),
    ("credit_grade", "信用等级", ("信用风险分类",)),
)
HEADERS = {field: header for field, header, _ in COLUMNS}
DOMAINS = {str(label): value for value, label in Domain.choices} | {value: value for value in Domain.values}


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int
    unchanged: int
    sha256: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(name: str, data: bytes) -> list[tuple[Any, ...]]:
    """The file's rows, whatever its form: .csv (UTF-8, or GB 18030 as Excel saves it in China) or .xlsx."""
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportRefused([RowError(0, "", "CSV 文件的编码应为 UTF-8 或 GB 18030")])
        return [tuple(row) for row in csv.reader(io.StringIO(text))]
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused([RowError(0, "", "文件不是有效的 Excel（.xlsx）或 CSV 文件，请使用导入模板")]) from error
    try:
        return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    names = {header: field for field, header, _ in COLUMNS} | {
        alias: field for field, _, aliases in COLUMNS for alias in aliases
    }
    for index, cells in enumerate(rows[:HEADER_ROWS]):
        found = {names[_text(cell)]: n for n, cell in enumerate(cells) if _text(cell) in names}
        if set(found) == set(TARGET_FIELDS):
            return index, found
    return None


def read_rows(name: str, data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The file's businesses as (row number, cleaned values), and every problem, by row and column."""
    rows = _table(name, data)
    found = _header(rows)
    if found is None:
        return [], [RowError(0, "", f"前{HEADER_ROWS}行中找不到表头，应有以下列：{'、'.join(HEADERS.values())}")]
    header, columns = found
    values: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows[header + 1 :], start=header + 2):
        if all(_text(cell) == "" for cell in cells):
            continue
        if len(values) >= MAX_ROWS:
            return [], [RowError(number, "", f"一个文件最多{MAX_ROWS}行，请分成几个文件导入")]
        raw = {field: _text(cells[n]) if n < len(cells) else "" for field, n in columns.items()}
        raw["domain"] = DOMAINS.get(raw["domain"], raw["domain"])
        for grade in ("risk_grade", "credit_grade"):
            raw[grade] = raw[grade].upper().removesuffix("类")
        cleaned, problems = target_values(raw)
        for field, message in problems:
            errors.append(RowError(number, HEADERS[field], message))
        code = cleaned["credit_code"]
        if code and code in seen:
            errors.append(RowError(number, HEADERS["credit_code"], f"与第{seen[code]}行重复"))
        seen.setdefault(code, number)
        values.append((number, cleaned))
    if not values and not errors:
        errors.append(RowError(0, "", "文件中没有数据行"))
    return values, errors


def targets_import(*, actor: User, agency: Agency, name: str, upload: IO[bytes], size: int) -> Imported:
    """Import the file into `agency`'s directory: all rows or none (ImportRefused lists every problem)."""
    require_role(actor, PLANNERS, agency=agency, doing="导入检查对象名录库")
    if size > MAX_BYTES:
        raise ImportRefused([RowError(0, "", f"文件过大：不得超过 {MAX_BYTES // 1024 // 1024} MB")])
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRefused([RowError(0, "", f"文件过大：不得超过 {MAX_BYTES // 1024 // 1024} MB")])
    sha256 = hashlib.sha256(data).hexdigest()
    rows, errors = read_rows(name, data)
    if errors:
        raise ImportRefused(sorted(errors, key=lambda error: error.row))
    with transaction.atomic():
        existing = {
            target.credit_code: target
            for target in InspectionTarget.objects.select_for_update().filter(
                agency=agency, credit_code__in=[values["credit_code"] for _, values in rows]
            )
        }
        new, changed = [], []
        for _, values in rows:
            target = existing.get(values["credit_code"])
            if target is None:
                new.append(InspectionTarget(agency=agency, **values))
            elif any(getattr(target, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(target, field, value)
                changed.append(target)
        InspectionTarget.objects.bulk_create(new, batch_size=1000)
        InspectionTarget.objects.bulk_update(changed, [*TARGET_FIELDS[:1], *TARGET_FIELDS[2:]], batch_size=1000)
        result = Imported(len(new), len(changed), len(rows) - len(new) - len(changed), sha256)
        record(
            actor=actor,
            action="inspection_target.import",
            subject=f"inspections.directory:{agency.pk}",
            facts={
                "agency": agency.name,
                "file": name[:200],
                "sha256": sha256,
                "rows": len(rows),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "created_codes": [target.credit_code for target in new],
                "updated_codes": [target.credit_code for target in changed],
            },
            agency=agency,
        )
        return result


def template() -> bytes:
    """An empty sheet with the headers and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "检查对象名录库"
    sheet.append([header for _, header, _ in COLUMNS])
    example = "91530100MA0000001"
    sheet.append(
        ["示例木材加工有限公司", example + credit_code_check_char(example), "某市某区某路1号", "林业和草原", "B", "A"]
    )
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
