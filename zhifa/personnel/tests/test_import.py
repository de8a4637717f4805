"""Excel import: a good file imports whole; a file with any bad row imports nothing and says why."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhifa.personnel.importer import COLUMNS, import_officers, template_workbook
from zhifa.personnel.models import Certificate, Officer
from zhifa.testing.factories import id_number

pytestmark = pytest.mark.django_db


def workbook(rows, header=COLUMNS):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "officers.xlsx"
    return buffer


def row(name, agency, *, ident=None, kind="行政执法人员", cert="", start="2026-01-01", end="2030-12-31"):
    return [
        name,
        "男",
        ident or id_number(),
        agency,
        kind,
        "科员",
        "13800000000",
        cert,
        "测试省人民政府" if cert else "",
        start if cert else "",
        end if cert else "",
        "林业和草原" if cert else "",
    ]


def test_a_good_file_imports_every_row_with_certificates(world):
    result = import_officers(
        actor=world.admin,
        upload=workbook(
            [
                row("导入甲", "测试管理局甲分局", cert="IMP-001"),
                row("导入乙", world.sibling.credit_code, cert="IMP-002"),
                row("导入丙", "测试管理局甲分局", kind="执法辅助人员"),
            ]
        ),
    )
    assert result.ok, result.errors
    assert sorted(o.name for o in result.officers) == ["导入丙", "导入乙", "导入甲"]
    assert Officer.objects.get(name="导入乙").agency == world.sibling
    assert Certificate.objects.get(number="IMP-001").officer.name == "导入甲"
    assert Officer.objects.get(name="导入丙").kind == "auxiliary"


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_row(world):
    taken_cert = world.officer.certificates.get().number
    good_id = id_number()
    bad_id = good_id[:17] + ("1" if good_id[17] != "1" else "2")
    before = Officer.objects.count()
    result = import_officers(
        actor=world.admin,
        upload=workbook(
            [
                row("好人", "测试管理局甲分局", cert="IMP-100"),
                row("坏号", "测试管理局甲分局", ident=bad_id),
                row("重证", "测试管理局甲分局", cert=taken_cert),
                row("无机关", "不存在的局"),
                row("文件内重证", "测试管理局甲分局", cert="IMP-100"),
                row("外地", "外地林业局"),
            ]
        ),
    )
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "身份证号") in found
    assert (4, "证件编号") in found
    assert (5, "所属机关") in found
    assert (6, "证件编号") in found
    assert (7, "所属机关") in found
    assert (2, "身份证号") not in found
    messages = " ".join(e.message for e in result.errors)
    assert "身份证号码校验码不符：按前17位计算，第18位应为" in messages
    assert "该证件编号已在系统中登记" in messages
    assert "系统中没有名为“不存在的局”的执法机关" in messages
    assert "与第2行的证件编号重复" in messages
    assert "不在您的管辖范围内" in messages
    assert Officer.objects.count() == before
    assert not Certificate.objects.filter(number="IMP-100").exists()


def test_numeric_id_cells_are_refused_because_excel_truncates_them(world):
    result = import_officers(
        actor=world.admin,
        upload=workbook([["数字", "男", 150102198001011234, "测试管理局甲分局", "行政执法人员"]]),
    )
    assert "须以文本格式填写" in result.errors[0].message


def test_missing_columns_and_non_excel_files_are_explained(world):
    result = import_officers(actor=world.admin, upload=workbook([["x"]], header=["姓名", "性别"]))
    assert {e.column for e in result.errors} == {"身份证号", "所属机关", "人员类别"}
    result = import_officers(actor=world.admin, upload=io.BytesIO(b"not a workbook"))
    assert "不是有效的 Excel" in result.errors[0].message


def test_the_template_has_the_columns_and_a_valid_example(world):
    book = load_workbook(io.BytesIO(template_workbook()))
    header = [c.value for c in book.worksheets[0][1]]
    assert header == COLUMNS
    example = [c.value for c in book.worksheets[0][2]]
    # The example row itself imports once the agency exists: its ID number is valid.
    example[3] = "测试管理局甲分局"
    result = import_officers(actor=world.admin, upload=workbook([example]))
    assert result.ok, result.errors


def test_the_import_page_shows_the_error_report(client, world):
    client.force_login(world.admin)
    upload = workbook([row("无机关", "不存在的局")])
    response = client.post(reverse("officer_import"), {"file": upload})
    page = response.content.decode()
    assert "未导入任何人员" in page
    assert "不存在的局" in page
    assert client.get(reverse("officer_import_template")).status_code == 200
