"""The officer list exported to Excel in the import's columns: edited and imported again, it updates the same
officers (position, mobile number, a new certificate) and registers the rows added to it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhifa.ledger.models import Entry
from zhifa.personnel.importer import COLUMNS, EXPORT_ONLY, import_officers
from zhifa.personnel.models import Officer
from zhifa.testing.factories import TODAY, at, id_number

pytestmark = pytest.mark.django_db


def test_an_exported_list_edited_and_imported_again_updates_the_officers(client, world, time_machine):
    time_machine.move_to(at(TODAY))
    client.force_login(world.supervisor)
    response = client.get(reverse("officer_export"), {"agency": world.branch.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS + EXPORT_ONLY
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"甲执法", "乙执法", "丁辅助"}  # the filter: the branch's officers only
    first = by_name["甲执法"]
    certificate = world.officer.certificates.get()
    assert first["身份证号"] == world.officer.id_number
    assert first["证件编号"] == certificate.number
    assert first["证件有效期至"] == certificate.valid_until.isoformat()
    assert first["年审到期日"] == certificate.review_due.isoformat()
    assert (first["证件状态"], first["登录账号"]) == ("有效", "officer")
    assert Entry.objects.filter(action="officer.export").count() == 1

    # Edit: 甲执法's position; add a new person at the end; import the file as it is.
    header = rows[0]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == "甲执法":
            cells[header.index("职务")].value = "副队长"
    sheet.append(["新来者", "女", id_number(), "测试管理局甲分局", "执法辅助人员", "协管员", "", "", "", "", "", ""])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    result = import_officers(actor=world.supervisor, upload=upload)
    assert result.ok, result.errors
    assert [o.name for o in result.officers] == ["新来者"]
    assert [o.name for o in result.updated] == ["甲执法"]
    assert result.unchanged == 2
    assert Officer.objects.get(pk=world.officer.pk).position == "副队长"
    assert Entry.objects.filter(action="officer.update").count() == 1


def test_a_reimported_row_may_not_change_who_the_officer_is(world):
    import_file = io.BytesIO()
    book = Workbook()
    book.active.append(COLUMNS)
    o = world.colleague
    book.active.append(
        [o.name + "改", "男", o.id_number, "测试管理局乙分局", "行政执法人员", "", "", "", "", "", "", ""]
    )
    book.save(import_file)
    import_file.seek(0)
    result = import_officers(actor=world.admin, upload=import_file)
    found = {e.column: e.message for e in result.errors}
    assert found["姓名"].startswith("与系统中登记的“乙执法”不符")
    assert "调动请在人员页面办理" in found["所属机关"]
    assert Officer.objects.get(pk=o.pk).name == "乙执法"


def test_only_the_personnel_administrators_export(client, world):
    client.force_login(world.officer_user)
    assert client.get(reverse("officer_export")).status_code == 403


def test_an_unchanged_export_imports_as_nothing_to_change(client, world, time_machine):
    time_machine.move_to(at(TODAY))
    client.force_login(world.admin)
    exported = io.BytesIO(client.get(reverse("officer_export"), {"agency": world.branch.pk}).content)
    exported.name = "officers.xlsx"
    before = Entry.objects.count()
    page = client.post(reverse("officer_import"), {"file": exported}, follow=True).content.decode()
    assert "已导入 0 名人员，更新 0 名，3 名无变化" in page
    assert Entry.objects.count() == before
