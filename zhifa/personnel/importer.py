"""Import officers (and their certificates) from an Excel workbook, all rows or none; export the officer list in
the same columns, so that an exported list can be edited and imported again.

Every row is checked first and every problem reported with its row number and column. Only a file
without a single problem is saved, and then through the same services as the pages, in one
transaction: if a service still refuses a row, nothing of the file stays.

A row whose ID number is already registered (an exported row) updates that officer: his position and mobile
number, and a certificate whose number is new is issued. Name, gender, category and agency are not changed by a
file (a transfer or a correction of identity is done on the officer's page, with its reason); a row that differs
there is refused, naming the column.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
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
# The export adds these after the import's columns; the import reads past them (they come from the system).
EXPORT_ONLY = ["年审到期日", "证件状态", "人员状态", "登录账号"]
REQUIRED = ["姓名", "性别", "身份证号", "所属机关", "人员类别"]
CERTIFICATE_COLUMNS = ["证件编号", "发证机关", "证件有效期起", "证件有效期至", "执法领域"]
MAX_ROWS = 5000
EXAMPLE_ID_NUMBER = "15010219850101123" + resident_id_check_char("15010219850101123")

_GENDERS = {str(label): value for value, label in Gender.choices}
_KINDS = {str(label): value for value, label in OfficerKind.choices} | {"执法人员": OfficerKind.OFFICER}
_DOMAINS = {str(label): value for value, label in Domain.choices}
_IDENTITY = ("姓名", "性别", "人员类别")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)  # registered by this file
    updated: list[Officer] = field(default_factory=list)  # already registered, changed by this file
    unchanged: int = 0  # already registered, nothing to change

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    agency: Agency | None = None
    known: Officer | None = None  # the officer this row's ID number already belongs to


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
    known_officers = {o.id_number: o for o in Officer.objects.filter(id_number__in=id_numbers).select_related("agency")}
    known_certs = dict(Certificate.objects.filter(number__in=cert_numbers).values_list("number", "officer_id"))
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
            row.known = known_officers.get(id_number)
            if row.known is not None and not can_see_agency(actor, row.known.agency):
                error("身份证号", "该身份证号的人员已在其他机关登记，不在您的管辖范围内")
                row.known = None
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
            if cert_number in known_certs and (row.known is None or known_certs[cert_number] != row.known.pk):
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
            labels = [
                d.strip()
                for d in _text(value.get("执法领域")).replace("，", ",").replace("、", ",").split(",")
                if d.strip()
            ]
            unknown = [label for label in labels if label not in _DOMAINS]
            if unknown:
                error("执法领域", f"未知的执法领域“{'、'.join(unknown)}”，可选：{'、'.join(_DOMAINS)}")
        if row.known is not None:
            _check_known(row, error)
    return errors


def _check_known(row: _Row, error: Any) -> None:
    """An already registered officer: the file may change his position, mobile number and add a certificate."""
    officer, value = row.known, row.values
    assert officer is not None
    registered = {
        "姓名": (officer.name, _text(value.get("姓名"))),
        "性别": (officer.gender, _GENDERS.get(_text(value.get("性别")))),
        "人员类别": (officer.kind, _KINDS.get(_text(value.get("人员类别")))),
    }
    shown = {"姓名": officer.name, "性别": officer.get_gender_display(), "人员类别": officer.get_kind_display()}
    for column in _IDENTITY:
        stored, given = registered[column]
        if given and given != stored:
            error(column, f"与系统中登记的“{shown[column]}”不符；姓名、性别、人员类别请在人员页面更正")
    if row.agency is not None and row.agency != officer.agency:
        error("所属机关", f"该人员登记在“{officer.agency.name}”；调动请在人员页面办理，不能通过导入更改")


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
                officer, changed = _save(actor, row)
                if row.known is None:
                    result.officers.append(officer)
                elif changed:
                    result.updated.append(officer)
                else:
                    result.unchanged += 1
            except Refusal as refusal:
                result.errors.append(RowError(row.number, "", str(refusal)))
            except ValidationError as invalid:
                result.errors.extend(RowError(row.number, "", message) for message in invalid.messages)
            if result.errors:
                transaction.set_rollback(True)
                result.officers.clear()
                result.updated.clear()
                result.unchanged = 0
                break
    return result


def _save(actor: User, row: _Row) -> tuple[Officer, bool]:
    """Register (or update) the row's officer; whether anything changed."""
    value = row.values
    assert row.agency is not None  # check_rows refused rows without one
    with transaction.atomic():
        if row.known is not None:
            return _update(actor, row)
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
                domains=_domains(value),
            )
    return officer, True


def _domains(value: dict[str, Any]) -> list[str]:
    return [
        _DOMAINS[d.strip()]
        for d in _text(value.get("执法领域")).replace("，", ",").replace("、", ",").split(",")
        if d.strip()
    ]


def _update(actor: User, row: _Row) -> tuple[Officer, bool]:
    officer, value = row.known, row.values
    assert officer is not None
    changed = False
    position, phone = _text(value.get("职务")), _text(value.get("手机号"))
    if (position, phone) != (officer.position, officer.phone):
        officer = services.officer_update(actor=actor, officer=officer, position=position, phone=phone)
        changed = True
    cert_number = _text(value.get("证件编号"))
    if cert_number and not officer.certificates.filter(number=cert_number).exists():
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
            domains=_domains(value),
        )
        changed = True
    return officer, changed


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
            "自然保护地、林业和草原",
        ]
    )
    _text_cells(sheet)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append(["姓名、性别、身份证号、所属机关、人员类别", "必填"])
    notes.append(["身份证号", "18位，末位校验码须正确；请以文本格式填写"])
    notes.append(["所属机关", "填写机关全称或统一社会信用代码"])
    notes.append(["人员类别", "行政执法人员 或 执法辅助人员（辅助人员不填证件信息）"])
    notes.append(["执法领域", "、".join(_DOMAINS) + "；多个以顿号或逗号分隔"])
    notes.append(
        [
            "已登记的人员",
            "身份证号已登记的行更新其职务、手机号，并核发新的证件编号；姓名、性别、类别、机关须在人员页面更改",
        ]
    )
    notes.append(
        ["导出的名单", "“执法人员”页面导出的名单列与本模板相同，可修改后重新导入；其后几列（年审到期日等）导入时不读取"]
    )
    notes.append(["导入规则", "任何一行有错误时，整个文件均不导入；请按错误报告修改后重新上传"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cells(sheet: Any) -> None:
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
        for cell in column:
            cell.number_format = "@"  # text, so that Excel keeps 18-digit ID numbers intact


def export_workbook(officers: Iterable[Officer], today: date) -> bytes:
    """The officers (each with his newest certificate) in the import's columns, then EXPORT_ONLY's: edited and
    imported again, it updates the same officers (see the module's note)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "执法人员"
    sheet.append(COLUMNS + EXPORT_ONLY)
    for officer in officers:
        certificates = list(officer.certificates.all())  # prefetched, newest first (officer_list_for)
        newest = certificates[0] if certificates else None
        sheet.append(
            [
                officer.name,
                str(officer.get_gender_display()),
                officer.id_number,
                officer.agency.name,
                str(officer.get_kind_display()),
                officer.position,
                officer.phone,
                newest.number if newest else "",
                newest.issuing_body if newest else "",
                newest.valid_from.isoformat() if newest else "",
                newest.valid_until.isoformat() if newest else "",
                "、".join(newest.domain_labels()) if newest else "",
                newest.review_due.isoformat() if newest else "",
                newest.state_on(today) if newest else "无证件",
                str(officer.get_status_display()),
                officer.user.username if officer.user else "",
            ]
        )
    _text_cells(sheet)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
