"""Each list's columns, in the order and with the Chinese headers agencies already use in their spreadsheets.

One table drives the Excel import and export, the pages, the API, the ledger facts and the diff between
versions, so that a column is named the same everywhere. An item's *values* are plain JSON values keyed by
field: text, ISO dates, booleans, lists of choice values, and an agency by its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.powers.choices import BodyKind, InspectionMethod, ListKind, PowerKind
from zhifa.powers.models import EnforcementBody, InspectionCap, InspectionItem, Power

# How a column's cell is read and written.
TEXT, DATE, BOOL, CHOICE, CHOICES, AGENCY, COUNT = "text", "date", "bool", "choice", "choices", "agency", "count"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    form: str = TEXT
    required: bool = True
    max_length: int = 200
    aliases: tuple[str, ...] = ()  # other headers agencies use for the same column


LONG = 5000
COLUMNS: dict[str, tuple[Column, ...]] = {
    ListKind.BODIES: (
        Column("主体名称", "name"),
        Column("主体类别", "kind", CHOICE, aliases=("主体性质",)),
        Column("职权依据", "basis", max_length=LONG, aliases=("设定依据",)),
        Column("执法领域", "domains", CHOICES, required=False),
        Column("管辖区域", "jurisdiction", required=False),
        Column("委托机关", "principal", AGENCY, required=False),
        Column("委托事项和权限", "scope", max_length=LONG, required=False, aliases=("委托事项",)),
        Column("委托期限起", "entrusted_from", DATE, required=False),
        Column("委托期限至", "entrusted_until", DATE, required=False),
        Column("委托书文件名", "letter_name", required=False),
        Column("委托书SHA-256", "letter_sha256", required=False, max_length=64),
    ),
    ListKind.POWERS: (
        Column("事项编码", "code", max_length=50, aliases=("编码",)),
        Column("事项名称", "name", aliases=("职权名称",)),
        Column("职权类型", "kind", CHOICE, aliases=("事项类型",)),
        Column("实施依据", "basis", max_length=LONG, aliases=("设定依据",)),
        Column("实施主体", "acting_body"),
        Column("办理流程", "workflow", max_length=LONG, aliases=("运行流程", "办理流程/运行流程")),
        Column("责任事项", "duties", max_length=LONG),
        Column("追责情形", "accountability", max_length=LONG),
        Column("监督方式", "supervision", aliases=("监督方式/电话", "监督电话")),
    ),
    ListKind.INSPECTIONS: (
        Column("事项编码", "code", max_length=50, aliases=("编码",)),
        Column("事项名称", "name", aliases=("检查事项名称",)),
        Column("检查主体", "inspecting_body", aliases=("实施主体",)),
        Column("检查依据", "basis", max_length=LONG),
        Column("检查对象", "subject"),
        Column("检查方式", "methods", CHOICES),
        Column("是否双随机抽查", "random_check", BOOL, aliases=("双随机抽查",)),
        Column("抽查比例", "ratio", required=False),
        Column("抽查频次", "frequency", required=False, aliases=("检查频次",)),
    ),
    ListKind.CAPS: (
        Column("上限编码", "code", max_length=50, aliases=("编码",)),
        Column("执法领域", "domain", CHOICE, aliases=("领域",)),
        Column("检查主体", "inspecting_body"),
        Column("层级", "level", aliases=("检查层级",)),
        Column("适用企业", "scope", aliases=("企业范围", "检查对象")),
        Column("每年检查次数上限", "max_per_year", COUNT, aliases=("年度检查次数上限", "次数上限")),
        Column("依据", "basis", max_length=LONG, aliases=("设定依据",)),
    ),
}
# Every sheet starts with its running number, which is not an item's value (the order of the rows is).
NUMBER_HEADER = "序号"


def choices_of(kind: str, field: str) -> dict[str, str]:
    """value → Chinese label of a choice column."""
    table: dict[tuple[str, str], Any] = {
        (ListKind.BODIES, "kind"): BodyKind,
        (ListKind.BODIES, "domains"): Domain,
        (ListKind.POWERS, "kind"): PowerKind,
        (ListKind.INSPECTIONS, "methods"): InspectionMethod,
        (ListKind.CAPS, "domain"): Domain,
    }
    return {str(value): str(label) for value, label in table[(kind, field)].choices}


def labels_in(kind: str, field: str) -> dict[str, str]:
    """Chinese label (and its short forms: 处罚 for 行政处罚, 现场 for 现场检查) → value, for reading cells."""
    found: dict[str, str] = {}
    for value, label in choices_of(kind, field).items():
        found[label] = value
        found.setdefault(label.removeprefix("行政"), value)
        if field == "methods":
            found.setdefault(label.removesuffix("检查"), value)
    if (kind, field) == (ListKind.POWERS, "kind"):
        found["其他"] = PowerKind.OTHER
        found["其他职权"] = PowerKind.OTHER
    return found


Item = EnforcementBody | Power | InspectionItem | InspectionCap


def values_of(kind: str, item: Item) -> dict[str, Any]:
    """An item's values, JSON-ready: what the ledger records, the API returns and the diff compares."""
    found: dict[str, Any] = {}
    for column in COLUMNS[kind]:
        value = getattr(item, column.field)
        if column.form == DATE:
            value = value.isoformat() if value else None
        elif column.form == AGENCY:
            value = value.name if value else ""
        elif column.form == CHOICES:
            value = list(value)
        found[column.field] = value
    return found


def display(kind: str, column: Column, value: Any) -> str:
    """A value as a person reads it, and as the Excel export writes it."""
    if value is None or value == "":
        return ""
    if column.form == CHOICE:
        return choices_of(kind, column.field).get(value, str(value))
    if column.form == CHOICES:
        labels = choices_of(kind, column.field)
        return "、".join(labels.get(v, str(v)) for v in value)
    if column.form == BOOL:
        return "是" if value else "否"
    if column.form == DATE and isinstance(value, date):
        return value.isoformat()
    return str(value)


def displayed(kind: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(header, text) of each column of an item's values."""
    return [(column.header, display(kind, column, values.get(column.field))) for column in COLUMNS[kind]]


def model_fields(kind: str, values: Mapping[str, Any], agencies: Mapping[str, Agency]) -> dict[str, Any]:
    """The model fields for an item's values; an agency named is looked up in `agencies` (by name)."""
    fields: dict[str, Any] = {}
    for column in COLUMNS[kind]:
        value = values.get(column.field)
        if column.form == DATE:
            value = date.fromisoformat(value) if value else None
        elif column.form == AGENCY:
            value = agencies.get(value) if value else None
        elif column.form == BOOL:
            value = bool(value)
        elif column.form == COUNT:
            value = int(value) if isinstance(value, int | str) and str(value).strip() else None
        elif column.form == CHOICES:
            value = list(value or [])
        elif value is None:
            value = ""
        fields[column.field] = value
    return fields


def header_of(kind: str, field: str) -> str:
    return next(column.header for column in COLUMNS[kind] if column.field == field)
