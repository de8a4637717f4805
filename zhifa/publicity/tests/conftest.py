"""The publication tests' world: a penalty decided just before National Day 2026, its decision document made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhifa.cases import issuing
from zhifa.cases.tests.desk import Desk
from zhifa.testing.factories import at, id_number

ID = id_number()
REPORT = {
    "facts_found": f"张三丰（身份证号码{ID}，电话13800138000）于2026年9月在二号林班滥伐林木12株，其邻居李四见证",
    "legal_basis": "森林法 第五十六条",
    "penalty_basis": "森林法 第七十六条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(1500),
    "penalty_text": "罚款人民币1500元",
    "discretion_reasons": "滥伐数量较少，属一般情节，按裁量基准处罚",
}


@pytest.fixture
def decided(world: Any, evidence: Any, time_machine: Any) -> Desk:
    """A penalty decided on Friday 2026-09-25, the last working day before National Day, with its document."""
    time_machine.move_to(at(date(2026, 9, 25)))
    desk = Desk(world, evidence)
    desk.lead(
        date(2026, 9, 14),
        act_ended_on=date(2026, 9, 10),
        party_name="张三丰",
        party_id_number=ID,
        party_phone="13800138000",
        party_address="云南省昆明市盘龙区青云街道金星村12号",
    )
    desk.investigate(date(2026, 9, 15))
    desk("report", date(2026, 9, 16), **REPORT)
    desk("submit_approval", date(2026, 9, 16))
    desk("approve", date(2026, 9, 17))
    desk("notify", date(2026, 9, 18), rights_stated=True)
    desk("record_statement", date(2026, 9, 21), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    case = desk("decide", date(2026, 9, 25), **REPORT)
    issuing.issue_document(desk.approver, case, "penalty_decision")
    desk.case = case
    return desk


def decision_entry(desk: Desk) -> int:
    return desk.case.records.get(action="decide").entry_index
