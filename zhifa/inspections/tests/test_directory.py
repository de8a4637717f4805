"""The directory of businesses: an import is checked whole (the credit code's GB 32100 check digit, row by row)
and saved whole or not at all; it is one ledger entry; others' agencies see nothing of it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from zhifa.core.validators import credit_code_check_char
from zhifa.inspections import importer
from zhifa.inspections.models import InspectionTarget
from zhifa.inspections.selectors import search_targets
from zhifa.ledger.models import Entry

HEADER = "名称,统一社会信用代码,地址,执法领域,风险等级,信用等级\n"


def _code(n: int) -> str:
    first17 = f"91150102{n:09d}"
    return first17 + credit_code_check_char(first17)


def _import(ground: Any, name: str, data: bytes) -> importer.Imported:
    return importer.targets_import(
        actor=ground.world.officer_user, agency=ground.world.branch, name=name, upload=io.BytesIO(data), size=len(data)
    )


def test_a_valid_csv_and_xlsx_are_imported_with_one_ledger_entry(ground: Any) -> None:
    entries = Entry.objects.count()
    csv = HEADER + f"丙木材厂,{_code(1)},某路2号,林业和草原,A,B类\n丁木材厂,{_code(2)},某路3号,forestry,c,D\n"
    done = _import(ground, "名录.csv", csv.encode("gb18030"))
    assert (done.created, done.updated) == (2, 0)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append(["丙木材厂（更名）", _code(1), "某路2号", "林业和草原", "A", "B"])
    buffer = io.BytesIO()
    book.save(buffer)
    done = _import(ground, "名录.xlsx", buffer.getvalue())
    assert (done.created, done.updated, done.unchanged) == (0, 1, 0)
    assert InspectionTarget.objects.get(credit_code=_code(1)).name == "丙木材厂（更名）"
    assert Entry.objects.count() == entries + 2
    assert Entry.objects.order_by("-index").first().action == "inspection_target.import"


def test_a_bad_check_digit_refuses_the_whole_file_naming_the_row(ground: Any) -> None:
    bad = _code(4)[:-1] + ("0" if _code(4)[-1] != "0" else "1")
    csv = HEADER + f"戊木材厂,{_code(3)},某路4号,林业和草原,A,B\n己木材厂,{bad},某路5号,林业和草原,E,B\n"
    with pytest.raises(importer.ImportRefused) as refused:
        _import(ground, "名录.csv", csv.encode())
    messages = [str(error) for error in refused.value.errors]
    assert "第3行“统一社会信用代码”：统一社会信用代码校验位错误（GB 32100-2015）" in messages
    assert "第3行“风险等级”：风险等级应为A、B、C、D之一" in messages
    assert not InspectionTarget.objects.filter(credit_code=_code(3)).exists()


def test_an_officer_of_another_agency_sees_nothing(ground: Any) -> None:
    world = ground.world
    assert search_targets(world.outsider).count() == 0
    assert search_targets(world.supervisor).count() == 2  # the branch is below the supervisor's bureau
    client = Client()
    client.force_login(world.outsider)
    assert client.get(f"/inspections/targets/{ground.target.pk}/").status_code == 404


def test_the_api_answers_within_the_callers_scope(ground: Any) -> None:
    from zhifa.api.models import ApiToken

    def caller(user: Any) -> Client:
        _, secret = ApiToken.issue(user, "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    officer, outsider = caller(ground.world.officer_user), caller(ground.world.outsider)
    assert len(officer.get("/api/v1/inspections/targets").json()) == 2
    found = officer.get(f"/api/v1/inspections/targets/{ground.target.pk}").json()
    assert (found["cap"]["count"], found["cap"]["cap"]) == (0, 2)
    assert outsider.get("/api/v1/inspections/targets").json() == []
    assert outsider.get(f"/api/v1/inspections/targets/{ground.target.pk}").status_code == 404
