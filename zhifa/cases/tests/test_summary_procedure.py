"""The summary procedure (简易程序) made whole: jurisdiction and prescription checked as at filing, the party told
and heard, the receipt or its refusal recorded, and the numbered decision made by the act itself, on the spot."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from zhifa.api.models import ApiToken
from zhifa.cases.models import Case, CaseDocument
from zhifa.cases.tests.desk import ON_THE_SPOT, Desk
from zhifa.cases.workflow import State
from zhifa.core.choices import Domain
from zhifa.documents.models import DocumentSequence
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob, Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)  # the day of the act and of ON_THE_SPOT's violation
MM = 72 / 25.4  # points per millimetre


@pytest.fixture
def desk(world, evidence, time_machine):
    # The document's number carries the year it is made in, and its date is the day it is made: set the clock.
    time_machine.move_to(at(TODAY))
    world.branch.short_name = "测甲"
    world.branch.save()
    return Desk(world, evidence)


@pytest.fixture
def spot(world):
    return {**ON_THE_SPOT, "officers": [world.officer, world.colleague]}


def pdf_of(document: CaseDocument) -> PdfReader:
    return PdfReader(io.BytesIO(b"".join(blobs.open_verified(document.sha256))))


def text_of(document: CaseDocument) -> str:
    """The PDF's text without white space: lines break anywhere in Chinese text."""
    return "".join("".join(page.extract_text().split()) for page in pdf_of(document).pages)


def test_an_act_outside_the_agencys_sector_or_territory_is_refused(desk, world, spot):
    refusal = desk.refused("decide_on_the_spot", DAY, **{**spot, "domain": Domain.MARKET})
    assert (refusal.field, refusal.rule) == ("domain", "行政处罚法 第二十二条、第二十六条")
    assert "无管辖权" in refusal.message
    # An agency that lists its areas acts only there (the areas of the stations below it count too).
    world.branch.jurisdiction = ["新城区"]
    world.branch.save()
    world.bureau.jurisdiction = ["全市"]  # the bureau above: not the branch's territory
    world.bureau.save()
    assert desk.refused("decide_on_the_spot", DAY, **spot).field == "area"
    refusal = desk.refused("decide_on_the_spot", DAY, **spot, area="全市")
    assert (refusal.field, refusal.rule) == ("area", "行政处罚法 第二十二条")
    assert "不在测试管理局甲分局的管辖区域（新城区）内" in refusal.message
    case = desk("decide_on_the_spot", DAY, **spot, area="新城区")
    assert case.records.get().data["area"] == "新城区"


def test_a_time_barred_act_is_refused_and_the_act_date_is_required(desk, spot):
    refusal = desk.refused("decide_on_the_spot", DAY, **{**spot, "act_ended_on": None})
    assert (refusal.field, refusal.rule) == ("act_ended_on", "行政处罚法 第三十六条")
    assert "当场作出处罚决定前须确定违法行为终了" in refusal.message
    # Two years from the act: found on the last day it may still be penalised, not the day after.
    refusal = desk.refused("decide_on_the_spot", DAY, **{**spot, "act_ended_on": date(2024, 11, 19)})
    assert (refusal.field, refusal.rule) == ("act_ended_on", "行政处罚法 第三十六条")
    assert "已过追责时效" in refusal.message
    assert desk.refused("decide_on_the_spot", DAY, **{**spot, "act_ended_on": date(2026, 11, 21)}).field == (
        "act_ended_on"
    )
    case = desk("decide_on_the_spot", DAY, **{**spot, "act_ended_on": date(2024, 11, 20)})
    assert case.act_ended_on == date(2024, 11, 20)


def test_the_party_is_told_and_heard_and_the_receipt_recorded_before_the_decision(desk, spot):
    refusal = desk.refused("decide_on_the_spot", DAY, **{**spot, "told": False})
    assert (refusal.field, refusal.rule) == ("told", "行政处罚法 第四十四条、第六十二条")
    refusal = desk.refused("decide_on_the_spot", DAY, **{**spot, "no_statement": False})
    assert (refusal.field, refusal.rule) == ("statement", "行政处罚法 第四十五条、第六十二条")
    said = {**spot, "no_statement": False, "statement": "不知道林区禁止用火"}
    assert desk.refused("decide_on_the_spot", DAY, **{**said, "no_statement": True}).field == "no_statement"
    # What the party said is answered: adopted or not, and why (复核).
    assert desk.refused("decide_on_the_spot", DAY, **said).field == "defence_answer"
    refusal = desk.refused("decide_on_the_spot", DAY, **said, defence_answer="not_adopted")
    assert (refusal.field, refusal.rule) == ("defence_reasons", "行政处罚法 第四十五条第一款")
    refusal = desk.refused("decide_on_the_spot", DAY, **{**spot, "party_receipt": ""})
    assert (refusal.field, refusal.rule) == ("party_receipt", "行政处罚法 第五十二条")
    case = desk("decide_on_the_spot", DAY, **said, defence_answer="not_adopted", defence_reasons="林区入口设有告示")
    facts = case.records.get().data
    assert facts["statement"] == "不知道林区禁止用火"
    assert facts["defence"] == {"answer": "not_adopted", "reasons": "林区入口设有告示"}
    assert facts["party_receipt"] == "signed"


def test_the_act_issues_the_numbered_decision_with_what_article_52_requires(desk, spot):
    case = desk("decide_on_the_spot", DAY, **spot, party_id_number="150102198003150010")
    document = case.documents.get()
    assert (document.kind, document.number) == ("summary_decision", "测甲当罚字〔2026〕第1号")
    act = Entry.objects.get(action="case.decide_on_the_spot")
    assert document.documents_entry == act.index
    text = text_of(document)
    assert "当场行政处罚决定书" in text
    assert "测甲当罚字〔2026〕第1号" in text
    assert "当事人：王某" in text
    assert "公民身份号码：150102198003150010" in text
    assert "时间：2026年11月20日15时40分" in text
    assert "地点：二号林班防火检查站" in text
    assert "王某在林区野外用火" in text  # the party's act
    assert "违反了森林防火条例第二十五条" in text
    assert "依据森林防火条例第五十条" in text  # the basis and the kind
    assert "罚款金额：人民币50.00元（大写：伍拾元整）" in text
    assert "自收到本决定书之日起十五日内" in text  # not collected on the spot: paid at the bank (art. 67)
    assert "当事人的陈述、申辩：当事人未提出陈述、申辩。" in text
    # Remedies: reconsideration first for an on-the-spot penalty (行政复议法 第二十三条), then the court.
    assert "应当先在收到本决定书之日起六十日内向本机关的上一级主管部门或者本级人民政府申请行政复议" in text
    assert "也可以通过本机关提交行政复议申请" in text
    assert "收到行政复议决定书之日起十五日内向有管辖权的人民法院提起行政诉讼" in text
    assert "甲执法（执法证号：" in text
    assert "乙执法（执法证号：" in text
    assert "测试管理局甲分局（印章）" in text
    assert "当事人签收：" in text
    assert bytes(act.leaf_hash).hex() in text  # the act's entry hash, as on every document
    # Printed from a phone on an 80 mm roll.
    assert all(round(float(page.mediabox.width) / MM) == 80 for page in pdf_of(document).pages)
    # The reconsideration period runs; no period to sue does (reconsideration first).
    assert {d.period for d in case.deadlines.all()} == {"summary_report", "payment", "reconsideration"}
    # Filing with the agency within its period keeps working.
    case = desk("report_summary", DAY)
    assert case.state == State.EXECUTING
    assert [e.action for e in Entry.objects.filter(subject=act.subject).order_by("index")] == desk.done
    assert verify_ledger().ok


def test_a_refusal_to_sign_a_statement_and_a_fine_collected_are_printed(desk, spot):
    case = desk(
        "decide_on_the_spot",
        DAY,
        **{**spot, "no_statement": False, "party_receipt": "refused", "collected": True},
        statement="火已熄灭，请求免予处罚",
        defence_answer="partly",
        defence_reasons="初次违法，按下限处罚",
    )
    text = text_of(case.documents.get())
    assert "当事人的陈述、申辩：火已熄灭，请求免予处罚" in text
    assert "复核意见：部分成立，部分采纳：初次违法，按下限处罚" in text
    assert "当事人拒绝签收" in text
    assert "当事人签收：" not in text
    assert "罚款已由执法人员当场收缴" in text  # art. 68, against the official receipt (art. 70)
    assert "十五日内" not in text.split("如不服")[0]  # no bank payment to make


def test_a_refused_act_issues_no_document_and_uses_no_number(desk, spot, settings, tmp_path):
    entries, stored = Entry.objects.count(), list(Blob.objects.values_list("sha256", flat=True))
    desk.refused("decide_on_the_spot", DAY, **{**spot, "act_ended_on": date(2020, 1, 1)})
    desk.refused("decide_on_the_spot", DAY, **{**spot, "told": False})
    assert not CaseDocument.objects.exists()
    assert not DocumentSequence.objects.exists()
    assert Entry.objects.count() == entries
    assert list(Blob.objects.values_list("sha256", flat=True)) == stored
    assert not Case.objects.exists()
    # A failure after the number is drawn — the evidence store cannot take the PDF — takes the number back too.
    good = settings.STORAGES["evidence"]
    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")
    settings.STORAGES = {**settings.STORAGES, "evidence": {**good, "OPTIONS": {"location": str(blocked / "store")}}}
    with pytest.raises(NotADirectoryError):
        desk("decide_on_the_spot", DAY, **spot)
    assert not DocumentSequence.objects.exists()
    assert not Case.objects.exists()
    assert Entry.objects.count() == entries
    settings.STORAGES = {**settings.STORAGES, "evidence": good}
    case = desk("decide_on_the_spot", DAY, **spot)
    assert case.documents.get().number == "测甲当罚字〔2026〕第1号"


def test_the_officers_page_offers_the_decision_to_print_at_once(client, desk, world, spot):
    client.force_login(world.officer_user)
    form = {
        **spot,
        "on_date": DAY.isoformat(),
        "officers": [officer.pk for officer in spot["officers"]],
        "act_ended_on": "2026-11-20",
        "penalty_kinds": ["fine"],
        "fine": "50",
        "certificates_shown": "on",
        "told": "on",
        "no_statement": "on",
    }
    response = client.post("/cases/open/decide_on_the_spot/", form, follow=True)
    case = Case.objects.get()
    document = case.documents.get()
    page = response.content.decode()
    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert f'id="print-on-the-spot" href="/evidence/{document.sha256}"' in page
    assert "打印当场行政处罚决定书" in page


def test_the_api_returns_the_decisions_link(desk, world, spot):
    _, secret = ApiToken.issue(world.officer_user, "field app")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    fields = {
        **spot,
        "on_date": DAY.isoformat(),
        "act_ended_on": "2026-11-20",
        "officers": [officer.pk for officer in spot["officers"]],
        "fine": "50",
    }
    response = api.post("/api/v1/cases", {"action": "decide_on_the_spot", "fields": fields}, "application/json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    (document,) = response.json()["documents"]
    assert (document["kind"], document["number"]) == ("summary_decision", "测甲当罚字〔2026〕第1号")
    assert (
        document["pdf"] == f"/api/v1/cases/{case.pk}/documents/summary_decision/pdf?entry={document['documents_entry']}"
    )
    pdf = api.get(document["pdf"])
    assert pdf["Content-Type"] == "application/pdf"
    assert Decimal(response.json()["fine"]) == Decimal(50)
