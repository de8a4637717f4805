"""Import officers (and their certificates) from an Excel workbook: all rows or none.

Every row is checked first and every problem reported with its row number and column. Only a file
without a single problem is saved, and then through the same services as the pages, in one
transaction: if a service still refuses a row, nothing of the file stays.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhifa.core.choices import Domain
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.scoping import can_see_agency
from zhifa.core.validators import resident_id_check_char, validate_mobile, validate_resident_id
from zhifa.personnel import services
from zhifa.personnel.choices import Gender, OfficerKind
from zhifa.personnel.models import Certificate, Officer

COLUMNS = [
    "姓名",
    "性别",
    "身份证号",
    "所属机关",
    "人员类别",
    "职务",
    "手机号",
    "证件编号",
    "发证机关",
    "证件有效期起",
    "证件有效期至",
    "执法领域",
]
REQUIRED = ["姓名", "性别", "身份证号", "所属机关", "人员类别"]
CERTIFICATE_COLUMNS = ["证件编号", "发证机关", "证件有效期起", "证件有效期至", "执法领域"]
MAX_ROWS = 5000
EXAMPLE_ID_NUMBER = "15010219850101123" + resident_id_check_char("15010219850101123")

_GENDERS = {str(label): value for value, label in Gender.choices}
_KINDS = {str(label): value for value, label in OfficerKind.choices} | {"执法人员": OfficerKind.OFFICER}
_DOMAINS = {str(label): value for value, label in Domain.choices}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    agency: Agency | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


def _read(upload: IO[bytes]) -> tuple[list[str], list[_Row]]:
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise Refusal("文件不是有效的 Excel（.xlsx）文件，请使用导入模板", field="file") from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(cell) for cell in next(rows, ())]
    parsed = []
    for number, cells in enumerate(rows, start=2):
        values = dict(zip(header, cells, strict=False))
        if all(_text(v) == "" for v in values.values()):
            continue
        parsed.append(_Row(number, values))
        if len(parsed) > MAX_ROWS:
            raise Refusal(f"一次最多导入 {MAX_ROWS} 行", field="file")
    workbook.close()
    return header, parsed


def check_rows(actor: User, header: list[str], rows: list[_Row]) -> list[RowError]:
    errors: list[RowError] = []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        return [RowError(1, column, f"缺少必填列“{column}”，请使用导入模板") for column in missing]
    if not rows:
        return [RowError(2, "", "文件中没有数据行")]

    agencies = {a.name: a for a in Agency.objects.all()} | {a.credit_code: a for a in Agency.objects.all()}
    id_numbers = [_text(r.values.get("身份证号")).upper() for r in rows]
    cert_numbers = [_text(r.values.get("证件编号")) for r in rows]
    known_ids = set(Officer.objects.filter(id_number__in=id_numbers).values_list("id_number", flat=True))
    known_certs = set(Certificate.objects.filter(number__in=cert_numbers).values_list("number", flat=True))
    seen_ids: dict[str, int] = {}
    seen_certs: dict[str, int] = {}

    for row in rows:

        def error(column: str, message: str, row: _Row = row) -> None:
            errors.append(RowError(row.number, column, message))

        value = row.values
        for column in REQUIRED:
            if _text(value.get(column)) == "":
                error(column, f"“{column}”为必填项")
        raw_id = value.get("身份证号")
        id_number = _text(raw_id).upper()
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            error("身份证号", "身份证号须以文本格式填写：Excel 会把18位数字截断为15位有效数字")
        elif id_number:
            try:
                validate_resident_id(id_number)
            except ValidationError as invalid:
                error("身份证号", invalid.messages[0])
            if id_number in known_ids:
                error("身份证号", "该身份证号的人员已在系统中登记")
            if id_number in seen_ids:
                error("身份证号", f"与第{seen_ids[id_number]}行的身份证号重复")
            seen_ids.setdefault(id_number, row.number)
        gender = _text(value.get("性别"))
        if gender and gender not in _GENDERS:
            error("性别", "性别应填“男”或“女”")
        kind = _text(value.get("人员类别"))
        if kind and kind not in _KINDS:
            error("人员类别", "人员类别应填“行政执法人员”或“执法辅助人员”")
        agency_name = _text(value.get("所属机关"))
        if agency_name:
            row.agency = agencies.get(agency_name)
            if row.agency is None:
                error("所属机关", f"系统中没有名为“{agency_name}”的执法机关（可填机关全称或统一社会信用代码）")
            elif not can_see_agency(actor, row.agency):
                error("所属机关", f"“{agency_name}”不在您的管辖范围内")
        phone = _text(value.get("手机号"))
        if phone:
            try:
                validate_mobile(phone)
            except ValidationError as invalid:
                error("手机号", invalid.messages[0])
        cert_number = _text(value.get("证件编号"))
        if cert_number:
            if _KINDS.get(kind) == OfficerKind.AUXILIARY:
                error("证件编号", "执法辅助人员不得持有行政执法证件")
            if cert_number in known_certs:
                error("证件编号", "该证件编号已在系统中登记")
            if cert_number in seen_certs:
                error("证件编号", f"与第{seen_certs[cert_number]}行的证件编号重复")
            seen_certs.setdefault(cert_number, row.number)
            for column in CERTIFICATE_COLUMNS[1:]:
                if _text(value.get(column)) == "":
                    error(column, f"填写了证件编号时，“{column}”为必填项")
            for column in ("证件有效期起", "证件有效期至"):
                if _text(value.get(column)) and _date(value.get(column)) is None:
                    error(column, f"“{column}”不是有效日期，应形如 2026-01-31")
            start, end = _date(value.get("证件有效期起")), _date(value.get("证件有效期至"))
            if start and end and end <= start:
                error("证件有效期至", "证件有效期至应晚于有效期起")
            labels = [d.strip() for d in _text(value.get("执法领域")).replace("，", ",").split(",") if d.strip()]
            unknown = [label for label in labels if label not in _DOMAINS]
            if unknown:
                error("执法领域", f"未知的执法领域“{'、'.join(unknown)}”，可选：{'、'.join(_DOMAINS)}")
    return errors


def import_officers(*, actor: User, upload: IO[bytes]) -> ImportResult:
    """Check the whole file; save all of it, or — at the first problem anywhere — none of it."""
    try:
        header, rows = _read(upload)
    except Refusal as refusal:
        return ImportResult(errors=[RowError(0, "", refusal.message)])
    result = ImportResult(errors=check_rows(actor, header, rows))
    if not result.ok:
        return result
    with transaction.atomic():
        for row in rows:
            try:
                result.officers.append(_save(actor, row))
            except Refusal as refusal:
                result.errors.append(RowError(row.number, "", str(refusal)))
            except ValidationError as invalid:
                result.errors.extend(RowError(row.number, "", message) for message in invalid.messages)
            if result.errors:
                transaction.set_rollback(True)
                result.officers.clear()
                break
    return result


def _save(actor: User, row: _Row) -> Officer:
    value = row.values
    assert row.agency is not None  # check_rows refused rows without one
    with transaction.atomic():
        officer = services.officer_create(
            actor=actor,
            agency=row.agency,
            name=_text(value.get("姓名")),
            gender=_GENDERS[_text(value.get("性别"))],
            id_number=_text(value.get("身份证号")),
            kind=_KINDS[_text(value.get("人员类别"))],
            position=_text(value.get("职务")),
            phone=_text(value.get("手机号")),
        )
        cert_number = _text(value.get("证件编号"))
        if cert_number:
            valid_from, valid_until = _date(value.get("证件有效期起")), _date(value.get("证件有效期至"))
            assert valid_from is not None
            assert valid_until is not None
            services.certificate_issue(
                actor=actor,
                officer=officer,
                number=cert_number,
                issuing_body=_text(value.get("发证机关")),
                valid_from=valid_from,
                valid_until=valid_until,
                domains=[_DOMAINS[d.strip()] for d in _text(value.get("执法领域")).replace("，", ",").split(",")],
            )
    return officer


def template_workbook() -> bytes:
    """The import template: the header row, one example row, and the rules on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "执法人员"
    sheet.append(COLUMNS)
    sheet.append(
        [
            "张三",
            "男",
            EXAMPLE_ID_NUMBER,
            "大青山国家级自然保护区管理局",
            "行政执法人员",
            "科员",
            "13800000000",
            "15010020260001",
            "内蒙古自治区人民政府",
            "2026-01-01",
            "2030-12-31",
            "自然保护地,林业和草原",
        ]
    )
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
        for cell in column:
            cell.number_format = "@"  # text, so that Excel keeps 18-digit ID numbers intact
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append(["姓名、性别、身份证号、所属机关、人员类别", "必填"])
    notes.append(["身份证号", "18位，末位校验码须正确；请以文本格式填写"])
    notes.append(["所属机关", "填写机关全称或统一社会信用代码"])
    notes.append(["人员类别", "行政执法人员 或 执法辅助人员（辅助人员不填证件信息）"])
    notes.append(["执法领域", "、".join(_DOMAINS) + "，多个以逗号分隔"])
    notes.append(["导入规则", "任何一行有错误时，整个文件均不导入；请按错误报告修改后重新上传"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
