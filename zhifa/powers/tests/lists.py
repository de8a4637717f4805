"""Items of each list for the tests, as values (columns.py), and a spreadsheet made from rows."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from zhifa.powers.choices import ListKind
from zhifa.powers.columns import COLUMNS, display

DAY = date(2026, 1, 1)


def power(code: str, name: str, **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "kind": "penalty",
        "basis": "《中华人民共和国森林法》第七十四条",
        "acting_body": "测试管理局",
        "workflow": "普通程序",
        "duties": "立案、调查、审查、告知、决定、送达、执行",
        "accountability": "不履行或者不正确履行职责的，依法追究责任",
        "supervision": "测试管理局执法监督科 0471-1234567",
        **changes,
    }


def inspection(code: str, name: str, **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "inspecting_body": "测试管理局",
        "basis": "《中华人民共和国森林法》第六十六条",
        "subject": "林木采伐单位",
        "methods": ["onsite", "written"],
        "random_check": True,
        "ratio": "不低于5%",
        "frequency": "每年1次",
        **changes,
    }


def body(name: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "statutory",
        "basis": "《中华人民共和国森林法》第九条",
        "domains": ["forestry"],
        "jurisdiction": "测试市",
        "principal": "",
        "scope": "",
        "entrusted_from": None,
        "entrusted_until": None,
        "letter_name": "",
        "letter_sha256": "",
        **changes,
    }


POWERS = [power("TEST-CF-001", "对滥伐林木的行政处罚"), power("TEST-CF-002", "对毁坏林木的行政处罚")]
INSPECTIONS = [inspection("TEST-JC-001", "林木采伐情况检查"), inspection("TEST-JC-002", "木材经营加工检查")]


def publish_args(**changes: Any) -> dict[str, Any]:
    return {
        "effective_from": DAY,
        "source": "测试管理局权责清单（测管发〔2025〕10号）",
        "reason": "依据机构改革后的职能调整",
        **changes,
    }


def sheet(
    kind: str, items: list[dict[str, Any]], *, title: str = "测试管理局清单", header: list[str] | None = None
) -> bytes:
    """A workbook as agencies send it: the title row, the headers, one row per item (values written as text)."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append([title])
    columns = COLUMNS[kind]
    ws.append(header or ["序号", *(column.header for column in columns)])
    for number, values in enumerate(items, start=1):
        ws.append([number, *(display(kind, column, values.get(column.field)) for column in columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


KINDS = (ListKind.BODIES, ListKind.POWERS, ListKind.INSPECTIONS)
