"""An agency's own benchmark versions (行政处罚法 第三十四条): added, never edited, inherited by the agencies below it,
refused when a tier leaves the legal range (国办发〔2022〕27号) with nothing saved; the Excel export and the import,
all or nothing, naming the row, the column and the rule."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.laws.benchmarks import benchmark_in_force
from zhifa.laws.loader import load
from zhifa.laws.models import DiscretionBenchmark, ViolationRule
from zhifa.laws.selectors import agency_benchmarks
from zhifa.laws.services import TierInput, benchmark_add
from zhifa.laws.spreadsheet import COLUMNS, export_workbook, import_benchmarks
from zhifa.ledger.models import Entry
from zhifa.testing.factories import TODAY, at, make_user

DATA = Path(__file__).parent / "data"
SOURCE = "测试管理局行政处罚裁量基准（测管发〔2026〕3号）"
# The code's rule for excess discharge: 100,000 to 1,000,000 yuan, in force from 2026-08-15, shipped without tiers.
TIERS = [
    TierInput("lighter", ["超标倍数0.5倍以下"], ["fine"], Decimal(100000), Decimal(300000)),
    TierInput("ordinary", ["超标倍数0.5倍以上3倍以下"], ["fine"], Decimal(300000), Decimal(600000)),
    TierInput("heavier", ["超标倍数3倍以上"], ["fine", "stop_production"], Decimal(600000), Decimal(1000000)),
]


@pytest.fixture
def laws(world, time_machine):
    time_machine.move_to(at(TODAY))
    load(DATA)
    world.reviewer = make_user("reviewer", world.bureau, Role.LEGAL_REVIEWER)
    return world


def code_rule() -> ViolationRule:
    return ViolationRule.objects.get(violation__code="ecology-water-excess-discharge", effective_from=date(2026, 8, 15))


def forestry_rule() -> ViolationRule:
    return ViolationRule.objects.get(violation__code="forestry-indiscriminate-logging")


def add(world, tiers=TIERS, *, agency=None, day=TODAY, actor=None):
    return benchmark_add(
        actor=actor or world.reviewer,
        agency=agency or world.bureau,
        rule=code_rule(),
        effective_from=day,
        source=SOURCE,
        tiers=tiers,
    )


def test_a_version_is_added_recorded_and_followed_by_the_agencies_below(laws):
    version = add(laws)
    assert [tier.tier for tier in version.tiers.all()] == ["lighter", "ordinary", "heavier"]
    entry = Entry.objects.get(action="benchmark.add")
    assert entry.agency_id == laws.bureau.pk
    assert benchmark_in_force(laws.branch, code_rule(), TODAY) == version
    followed = {item.rule.pk: item.view for item in agency_benchmarks(laws.branch, TODAY)}
    assert followed[code_rule().pk].whose == "inherited"
    assert followed[code_rule().pk].owner == laws.bureau.name
    # Another tree does not follow it.
    assert benchmark_in_force(laws.elsewhere, code_rule(), TODAY) is None


def test_a_tier_outside_the_legal_range_is_refused_naming_it_and_nothing_is_saved(laws):
    wrong = [*TIERS[:2], TierInput("heavier", ["超标倍数3倍以上"], ["fine"], Decimal(600000), Decimal(1200000))]
    with pytest.raises(Refusal) as refused:
        add(laws, wrong)
    assert "“从重”档" in refused.value.message
    assert "超出法定幅度" in refused.value.message
    assert "“超标排放水污染物”（生态环境法典 第一千一百零七条第一款" in refused.value.message
    assert not DiscretionBenchmark.objects.filter(agency__isnull=False).exists()
    assert not Entry.objects.filter(action="benchmark.add").exists()


def test_a_version_in_force_is_never_changed_a_correction_starts_later(laws, time_machine):
    first = add(laws)
    with pytest.raises(Refusal, match="已发布的版本不再修改"):
        add(laws)
    with pytest.raises(Refusal, match="不能早于今天"):
        add(laws, day=TODAY - timedelta(days=1))
    corrected = [
        TIERS[0],
        TierInput("ordinary", ["超标0.5至3倍"], ["fine"], Decimal(300000), Decimal(600000)),
        TIERS[2],
    ]
    second = add(laws, corrected, day=TODAY + timedelta(days=10))
    assert benchmark_in_force(laws.branch, code_rule(), TODAY) == first
    assert benchmark_in_force(laws.branch, code_rule(), TODAY + timedelta(days=10)) == second
    assert list(first.tiers.get(tier="ordinary").conditions) == ["超标倍数0.5倍以上3倍以下"]


def test_only_the_legal_office_publishes_and_only_for_its_own_tree(laws):
    with pytest.raises(Refusal, match="只有法制审核人员、系统管理员可以发布行政处罚裁量基准"):
        add(laws, actor=laws.officer_user)
    with pytest.raises(Refusal, match="不在您的管辖范围内"):
        add(laws, agency=laws.elsewhere)
    # A branch's own version overrides its bureau's for the branch only.
    add(laws)
    own = add(laws, agency=laws.branch, day=TODAY + timedelta(days=1))
    assert benchmark_in_force(laws.branch, code_rule(), TODAY + timedelta(days=1)) == own
    assert benchmark_in_force(laws.sibling, code_rule(), TODAY + timedelta(days=1)).agency == laws.bureau


def _rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _workbook(rows: list[list[object]]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("benchmarks.xlsx", buffer.getvalue())


def _import(world, rows, agency=None, day=TODAY):
    return import_benchmarks(
        actor=world.reviewer, agency=agency or world.branch, upload=_workbook(rows), effective_from=day, source=SOURCE
    )


def test_the_excel_round_trip_changes_nothing_until_a_tier_is_changed(laws):
    add(laws)  # the bureau's version for the code's rule; the forestry rule has the shipped one
    rows = _rows(export_workbook(laws.branch, TODAY))
    assert rows[0] == COLUMNS
    assert ["滥伐林木", "森林法 第七十六条第二款", "从轻", "滥伐林木价值2000元以下", "罚款", 3, 3.6] in rows
    assert ["超标排放水污染物", "生态环境法典 第一千一百零七条第一款", "从重", "超标倍数3倍以上", "罚款、责令停产停业",
            600000, 1000000] in rows  # fmt: skip
    again = _import(laws, rows)
    assert again.ok, again.errors
    assert (again.added, again.unchanged) == ([], 2)  # inherited benchmarks stay inherited
    changed = [list(row) for row in rows]
    lighter = next(row for row in changed if row[0] == "滥伐林木" and row[2] == "从轻")
    lighter[3] = "滥伐林木价值2000元以下\n已主动补种"
    result = _import(laws, changed)
    assert result.ok, result.errors
    assert len(result.added) == 1
    own = benchmark_in_force(laws.branch, forestry_rule(), TODAY)
    assert own.agency == laws.branch
    assert own.tiers.get(tier="lighter").conditions == ["滥伐林木价值2000元以下", "已主动补种"]
    assert own.tiers.get(tier="ordinary").fine_max == Decimal("4.3")
    assert _rows(export_workbook(laws.branch, TODAY))[1:] == changed[1:]


def test_a_bad_row_refuses_the_whole_file_naming_row_column_and_rule(laws):
    rows = _rows(export_workbook(laws.branch, TODAY))
    for row in rows[1:]:
        row[3] = f"{row[3]}（修订）"  # every rule changed: a clean file would add a version for each
    heavier = next(number for number, row in enumerate(rows, start=1) if row[0] == "滥伐林木" and row[2] == "从重")
    rows[heavier - 1][6] = 6
    unknown = next(number for number, row in enumerate(rows, start=1) if row[0] == "滥伐林木" and row[2] == "一般")
    rows[unknown - 1][4] = "罚金"
    result = _import(laws, rows)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(unknown, "处罚种类")]
    assert "未知的处罚种类“罚金”" in result.errors[0].message
    rows[unknown - 1][4] = "罚款"
    result = _import(laws, rows)
    assert [(e.row, e.column) for e in result.errors] == [(heavier, "罚款上限")]
    assert "“滥伐林木”（森林法 第七十六条第二款" in result.errors[0].message
    assert "“从重”档 4.3–6 超出法定幅度 3–5" in result.errors[0].message
    assert not DiscretionBenchmark.objects.filter(agency__isnull=False).exists()
    assert not Entry.objects.filter(action="benchmark.add").exists()


def test_an_import_by_someone_who_may_not_publish_saves_nothing(laws):
    rows = _rows(export_workbook(laws.branch, TODAY))
    result = import_benchmarks(
        actor=laws.officer_user, agency=laws.branch, upload=_workbook(rows), effective_from=TODAY, source=SOURCE
    )
    assert not result.ok
    assert "只有法制审核人员、系统管理员可以发布" in result.errors[0].message


def test_the_page_uploads_for_the_legal_office(laws, client):
    rows = _rows(export_workbook(laws.branch, TODAY))
    for row in rows[1:]:
        row[3] = f"{row[3]}（修订）"
    client.force_login(laws.reviewer)
    page = f"/laws/benchmarks/{laws.branch.pk}/"
    form = {"file": _workbook(rows), "effective_from": TODAY.isoformat(), "source": SOURCE}
    response = client.post(page, form)
    assert response.status_code == 302, response.content.decode()
    shown = client.get(page).content.decode()
    assert "本机关制定" in shown
    download = client.get(f"{page}benchmarks.xlsx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert str(_rows(download.content)[1][3]).endswith("（修订）")
