"""The lists' spreadsheets: a clean file becomes a version whole; one bad row refuses the whole file, naming
its row, column and rule, and saves nothing; an exported version imports back to the same items."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Blob, Entry
from zhifa.powers import excel
from zhifa.powers.choices import ListKind
from zhifa.powers.models import ListVersion
from zhifa.powers.selectors import item_values
from zhifa.powers.tests.lists import INSPECTIONS, POWERS, body, power, publish_args, sheet
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(world):
    return make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)


def load(actor, agency, kind, data: bytes, letters=None, **changes):
    return excel.import_version(
        actor=actor,
        agency=agency,
        kind=kind,
        upload=io.BytesIO(data),
        size=len(data),
        letters=letters,
        **publish_args(**changes),
    )


def test_a_clean_sheet_with_a_title_row_and_the_agencies_headers_becomes_a_version(world, reviewer):
    headers = [
        "序号",
        "事项编码",
        "事项名称",
        "职权类型",
        "实施依据",
        "实施主体",
        "运行流程",
        "责任事项",
        "追责情形",
        "监督方式",
    ]
    data = sheet(
        ListKind.POWERS,
        [
            power("TEST-CF-001", "对滥伐林木的行政处罚"),
            power("TEST-XK-001", "林木采伐许可", kind="licence", workflow="受理、审查、决定"),
        ],
        header=headers,
    )
    version = load(reviewer, world.bureau, ListKind.POWERS, data)
    values = item_values(version)
    assert [(v["code"], v["kind"]) for v in values] == [("TEST-CF-001", "penalty"), ("TEST-XK-001", "licence")]
    assert values[1]["workflow"] == "受理、审查、决定"


def test_one_bad_row_refuses_the_whole_file_naming_row_column_and_rule(world, reviewer):
    items = [*INSPECTIONS, {**INSPECTIONS[0], "code": "TEST-JC-003", "name": "无比例"}]
    data = bytearray(sheet(ListKind.INSPECTIONS, items))
    workbook = load_workbook(io.BytesIO(bytes(data)))
    ws = workbook.active
    ws["G4"] = "上门检查"  # row 4 (the second item): 检查方式 unknown
    ws["I5"] = ""  # row 5 (the third item): a random-check item without its ratio
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.ImportRefused) as refused:
        load(reviewer, world.bureau, ListKind.INSPECTIONS, buffer.getvalue())
    errors = [str(error) for error in refused.value.errors]
    assert errors == [
        "第4行“检查方式”：未知的“上门检查”，可选：现场检查、现场、书面检查、书面、数据检查、数据",
        "第5行“抽查比例”：双随机抽查事项应写明抽查比例",
    ]
    assert refused.value.message.startswith("第4行“检查方式”")
    assert "整个文件未导入" in refused.value.message
    assert not ListVersion.objects.exists()
    assert not Entry.objects.filter(action="powers.publish").exists()


def test_a_sheet_without_the_headers_or_with_a_repeated_code_is_refused(world, reviewer):
    with pytest.raises(excel.ImportRefused, match="找不到表头"):
        load(reviewer, world.bureau, ListKind.POWERS, sheet(ListKind.POWERS, POWERS, header=["序号", "名称"]))
    with pytest.raises(excel.ImportRefused) as refused:
        load(reviewer, world.bureau, ListKind.POWERS, sheet(ListKind.POWERS, [POWERS[0], POWERS[0]]))
    assert str(refused.value.errors[0]) == "第4行“事项编码”：与第3行重复"
    with pytest.raises(excel.ImportRefused, match="不是有效的 Excel"):
        load(reviewer, world.bureau, ListKind.POWERS, b"not a workbook")
    with pytest.raises(excel.ImportRefused, match="文件过大"):
        excel.import_version(
            actor=reviewer,
            agency=world.bureau,
            kind=ListKind.POWERS,
            upload=io.BytesIO(b""),
            size=excel.MAX_BYTES + 1,
            **publish_args(),
        )
    assert not ListVersion.objects.exists()


def test_rows_beyond_the_bound_are_refused(world, reviewer, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)  # the bound itself, not our component's behaviour
    items = [power(f"TEST-CF-{n:03d}", f"事项{n}") for n in range(4)]
    with pytest.raises(excel.ImportRefused, match="最多3项"):
        load(reviewer, world.bureau, ListKind.POWERS, sheet(ListKind.POWERS, items))


def test_an_exported_version_imports_back_to_the_same_items(world, reviewer, evidence):
    letter = b"%PDF-1.4 entrustment letter of the service centre"
    bodies = [
        body("测试管理局"),
        body(
            "测试林业服务中心",
            kind="entrusted",
            principal="测试管理局",
            scope="以测试管理局名义实施林木采伐检查",
            entrusted_from="2026-01-01",
            entrusted_until="2027-12-31",
            letter_name="服务中心委托书.pdf",
        ),
    ]
    # The letter goes with the sheet, matched by its file name, and is kept by its SHA-256.
    with pytest.raises(excel.ImportRefused, match=r"未随清单上传名为“服务中心委托书\.pdf”的委托书文件"):
        load(reviewer, world.bureau, ListKind.BODIES, sheet(ListKind.BODIES, bodies))
    first = load(
        reviewer,
        world.bureau,
        ListKind.BODIES,
        sheet(ListKind.BODIES, bodies),
        letters={"服务中心委托书.pdf": io.BytesIO(letter)},
    )
    assert Blob.objects.filter(sha256=item_values(first)[1]["letter_sha256"]).exists()
    exported = excel.export_version(first)
    title = load_workbook(io.BytesIO(exported)).active["A1"].value
    assert title.startswith("测试管理局执法主体清单（第1版，2026年01月01日起施行")
    # The export names the stored letter by its hash, so it imports again without the file: the same items.
    with pytest.raises(Refusal, match="与第1版相比没有任何变化"):
        load(reviewer, world.bureau, ListKind.BODIES, exported, effective_from=date(2026, 6, 1))
    for kind, items in ((ListKind.POWERS, POWERS), (ListKind.INSPECTIONS, INSPECTIONS)):
        version = load(reviewer, world.bureau, kind, sheet(kind, items))
        again = load(reviewer, world.branch, kind, excel.export_version(version))
        assert item_values(again) == item_values(version)
    rows, errors = excel.read_rows(ListKind.BODIES, io.BytesIO(exported))
    assert errors == []
    assert [values for _, values in rows] == item_values(first)


def test_the_yearly_inspection_caps_import_with_their_counts(world, reviewer):
    caps = [
        {
            "code": "SX-001",
            "domain": "forestry",
            "inspecting_body": world.bureau.name,
            "level": "本级",
            "scope": "全部企业",
            "max_per_year": 2,
            "basis": "国办发〔2024〕54号",
        },
        {
            "code": "SX-002",
            "domain": "forestry",
            "inspecting_body": world.bureau.name,
            "level": "本级",
            "scope": "信用风险分类为A类的企业",
            "max_per_year": 1,
            "basis": "国办发〔2024〕54号",
        },
    ]
    version = load(reviewer, world.bureau, ListKind.CAPS, sheet(ListKind.CAPS, caps))
    assert [(v["code"], v["max_per_year"]) for v in item_values(version)] == [("SX-001", 2), ("SX-002", 1)]
    workbook = load_workbook(io.BytesIO(sheet(ListKind.CAPS, caps)))
    ws = workbook.active
    ws["G3"] = "不限"  # row 3, 每年检查次数上限: not a count
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.ImportRefused) as refused:
        load(reviewer, world.bureau, ListKind.CAPS, buffer.getvalue(), effective_from=date(2026, 9, 1))
    assert [str(error) for error in refused.value.errors] == ["第3行“每年检查次数上限”：应为1至365之间的整数（次数）"]
