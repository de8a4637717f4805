"""An agency's case settings: inherited down the tree, changed only by its editors and recorded, printed on
the decision, and deciding with the confiscated value whether a hearing is offered (行政处罚法 第六十三条)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import agency_settings, issuing, rules, selectors, services
from zhifa.cases.choices import PartyKind
from zhifa.cases.models import CaseSettings
from zhifa.cases.tests.desk import ON_THE_SPOT, SMALL_FINE_REPORT, Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db

BUREAU = {
    "reconsideration_body": "测试省林业和草原局",
    "payment_bank": "测试银行营业部",
    "large_amount_citizen": "3000",
    "large_amount_organisation": "50000",
    "large_amount_source": "测试省林业行政处罚听证规定",
}


@pytest.mark.parametrize(
    ("kinds", "fine", "confiscated", "party", "expected"),
    [
        # RULES.md: heavy penalties always; "large" fines and confiscations each against the threshold.
        (["revoke_licence"], None, None, PartyKind.CITIZEN, True),
        (["fine"], Decimal(4999), None, PartyKind.CITIZEN, False),
        (["fine"], Decimal(5000), None, PartyKind.CITIZEN, True),  # "以上" includes the number
        (["fine"], Decimal(99999), None, PartyKind.ORGANISATION, False),
        (["fine"], Decimal(100000), None, PartyKind.ORGANISATION, True),
        (["confiscate_gains"], None, Decimal(5000), PartyKind.CITIZEN, True),
        # A fine and a confiscation below the threshold are not added up.
        (["fine", "confiscate_property"], Decimal(3000), Decimal(3000), PartyKind.CITIZEN, False),
    ],
)
def test_the_hearing_right_counts_fines_and_confiscations_apart(kinds, fine, confiscated, party, expected):
    assert rules.hearing_right(kinds, fine, party, confiscated=confiscated) is expected


@pytest.mark.parametrize(
    ("fine", "confiscated", "expected"),
    [
        # A rule that sets confiscations apart (here 20,000 for a citizen) is used for them, not for fines.
        (None, Decimal(19999), False),
        (None, Decimal(20000), True),
        (Decimal(5000), None, True),
        (Decimal(4999), Decimal(19999), False),
    ],
)
def test_a_separate_large_amount_for_confiscations(fine, confiscated, expected):
    apart: dict[str, Decimal] = {PartyKind.CITIZEN: Decimal(20000), PartyKind.ORGANISATION: Decimal(200000)}
    kinds = ["fine", "confiscate_gains"]
    got = rules.hearing_right(kinds, fine, PartyKind.CITIZEN, confiscated=confiscated, large_confiscation=apart)
    assert got is expected


def test_settings_are_inherited_from_the_agency_above_and_recorded(world):
    defaults = agency_settings.in_force(world.branch)
    assert defaults.set_by["court"] is None
    assert defaults.large_amount[PartyKind.CITIZEN] == Decimal(5000)

    editor = make_user("bureau-admin", world.bureau, Role.SYSADMIN)
    agency_settings.update(editor, world.bureau, BUREAU)
    agency_settings.update(editor, world.branch, {"court": "测试区人民法院", "payment_bank": ""})
    branch = agency_settings.in_force(world.branch)
    assert branch.court == "测试区人民法院"
    assert branch.set_by["court"] == world.branch
    assert branch.reconsideration_body == "测试省林业和草原局"
    assert branch.set_by["reconsideration_body"] == world.bureau
    assert branch.payment_bank == "测试银行营业部"  # blank at the branch: the bureau's
    assert branch.large_amount[PartyKind.CITIZEN] == Decimal(3000)
    assert agency_settings.in_force(world.sibling).court == "有管辖权的人民法院"

    entry = Entry.objects.filter(action="case_settings.update").latest("index")
    assert entry.subject == f"cases.casesettings:{world.branch.pk}"
    assert verify_ledger().ok


def test_bad_settings_and_outsiders_are_refused_and_change_nothing(world):
    editor = make_user("bureau-admin", world.bureau, Role.SYSADMIN)
    with pytest.raises(Refusal, match="只有系统管理员、案件审批人可以修改办案设置"):
        agency_settings.update(world.officer_user, world.branch, BUREAU)
    branch_admin = make_user("branch-admin", world.branch, Role.SYSADMIN)
    with pytest.raises(Refusal, match="不在您的管辖范围内"):
        agency_settings.update(branch_admin, world.bureau, BUREAU)
    with pytest.raises(Refusal) as refused:
        agency_settings.update(editor, world.bureau, {**BUREAU, "large_amount_organisation": ""})
    assert refused.value.field == "large_amount_organisation"
    with pytest.raises(Refusal) as refused:
        agency_settings.update(editor, world.bureau, {**BUREAU, "large_amount_source": ""})
    assert refused.value.field == "large_amount_source"
    assert "依据" in refused.value.message
    assert not CaseSettings.objects.exists()
    assert not Entry.objects.filter(action="case_settings.update").exists()


def test_the_agencys_threshold_and_the_confiscated_value_open_the_hearing(world, evidence):
    agency_settings.update(world.admin, world.bureau, BUREAU)  # citizen 3,000 here
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    report = {
        "facts_found": "张某非法猎捕野生动物，违法所得4000元",
        "legal_basis": "野生动物保护法 第四十八条",
        "penalty_basis": "野生动物保护法 第四十八条",
        "penalty_kinds": ["fine", "confiscate_gains"],
        "fine": Decimal(2000),
        "penalty_text": "没收违法所得4000元，并处罚款2000元",
        "discretion_reasons": "一般情节，按裁量基准中间档处罚",
    }
    refused = desk.refused("report", date(2026, 10, 14), **report)
    assert refused.field == "confiscated"
    desk("report", date(2026, 10, 14), **report, confiscated=Decimal(4000))
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    case = desk("notify", date(2026, 10, 16), rights_stated=True)
    # The fine alone (2,000) is under the bureau's 3,000; the 4,000 confiscated is not.
    assert case.hearing_right
    assert case.proposed_confiscated == Decimal(4000)
    desk("record_statement", date(2026, 10, 26), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    refused = desk.refused(
        "decide", date(2026, 10, 27), **{**report, "penalty_text": "加重"}, confiscated=Decimal(5000)
    )
    assert refused.field == "confiscated"
    assert "第四十五条" in str(refused)
    case = desk("decide", date(2026, 10, 27), **report, confiscated=Decimal(4000))
    decision = issuing.issue_document(desk.approver, case, "penalty_decision")
    text = text_of(decision)
    # The value confiscated is printed as its own number, on the notice as on the decision.
    confiscated = "没收违法所得、非法财物的价值：人民币4,000.00元（大写：肆仟元整）"
    assert confiscated in text
    assert "拟" + confiscated in text_of(case.documents.get(kind="advance_notice"))
    assert "测试省林业和草原局申请行政复议" in text
    assert "有管辖权的人民法院" in text
    assert "测试银行营业部" in text


def test_the_settings_page_shows_where_each_value_comes_from(client, world):
    editor = make_user("bureau-admin", world.bureau, Role.SYSADMIN)
    client.force_login(editor)
    response = client.post(f"/cases/settings/{world.bureau.pk}/", {**BUREAU, "court": "测试中级人民法院"})
    assert response.status_code == 302
    page = client.get(f"/cases/settings/{world.branch.pk}/").content.decode()
    assert "<td>测试中级人民法院</td><td>测试管理局</td>" in page  # the value and whom it comes from
    assert "测试省林业行政处罚听证规定" in page
    assert "核查案源、决定是否立案（工作日）</th><td>15<br>" in page  # the default, with its source
    client.post(f"/cases/settings/{world.branch.pk}/", {"statement_days": "7", "periods_source": "某规定"})
    page = client.get(f"/cases/settings/{world.branch.pk}/").content.decode()
    assert '陈述、申辩期限（工作日）</th><td>7<br><small class="muted">某规定</small></td><td>本机关</td>' in page
    bad = client.post(f"/cases/settings/{world.branch.pk}/", {"large_amount_citizen": "-1"}).content.decode()
    assert "应大于零" in bad
    client.force_login(world.officer_user)
    page = client.get(f"/cases/settings/{world.branch.pk}/").content.decode()
    assert "修改本机关的设置" not in page
    assert "测试中级人民法院" in page


def test_notify_keeps_to_the_hearing_right_the_notice_states(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    report = {
        "facts_found": "张某滥伐林木",
        "legal_basis": "森林法 第七十六条",
        "penalty_basis": "森林法 第七十六条",
        "penalty_kinds": ["fine"],
        "fine": Decimal(6000),
        "penalty_text": "罚款六千元",
        "discretion_reasons": "一般情节，按裁量基准中间档处罚",
    }
    desk("report", date(2026, 10, 14), **report)
    desk("submit_approval", date(2026, 10, 14))
    case = desk("approve", date(2026, 10, 15))
    notice = issuing.issue_document(desk.officer, case, "advance_notice")  # 6,000 ≥ 5,000: a hearing
    assert "听证" in text_of(notice)
    # The bureau raises its amount after the notice was made; the party keeps what the notice told him.
    agency_settings.update(world.admin, world.bureau, {**BUREAU, "large_amount_citizen": "10000"})
    case = desk("notify", date(2026, 10, 16), rights_stated=True)
    assert case.hearing_right
    assert "hearing_request" in {d.period for d in case.deadlines.filter(stopped_on=None)}
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    # A decision may not confiscate what the notice did not state.
    refused = desk.refused("decide", date(2026, 10, 30), **report, confiscated=Decimal(100))
    assert refused.field == "confiscated"
    assert "告知书未载明没收的价值" in refused.message


SECTOR = {
    "lead_check_days": 10,
    "statement_days": 7,
    "decision_extension_days": 15,
    "summary_report_days": 3,
    "periods_source": "测试省林业行政处罚程序规定",
    "large_confiscation_citizen": "20000",
    "large_confiscation_organisation": "200000",
    "large_amount_source": "测试省林业行政处罚听证规定",
}


def test_the_sectors_periods_and_confiscation_amount_are_agency_data(world, evidence):
    defaults = agency_settings.in_force(world.branch)
    # No extension of the decision period unless a rule the agency names provides one (处罚法 第六十条).
    assert defaults.periods == {
        "filing": 15,
        "statement": 5,
        "decision_extension": 0,
        "summary_report": 5,
        "legal_review": 5,
        "major_filing": 15,
    }
    assert "不得延长" in defaults.periods_source["decision_extension"]
    assert defaults.large_confiscation is None  # confiscations use the fine's amount
    with pytest.raises(Refusal) as refused:
        agency_settings.update(world.admin, world.bureau, {**SECTOR, "periods_source": ""})
    assert refused.value.field == "periods_source"
    with pytest.raises(Refusal) as refused:
        agency_settings.update(world.admin, world.bureau, {**SECTOR, "statement_days": 0})
    assert refused.value.field == "statement_days"
    agency_settings.update(world.admin, world.bureau, SECTOR)
    branch = agency_settings.in_force(world.branch)
    assert branch.periods == {
        "filing": 10,
        "statement": 7,
        "decision_extension": 15,
        "summary_report": 3,
        "legal_review": 5,
        "major_filing": 15,
    }
    assert branch.set_by["statement"] == world.bureau
    assert branch.periods_source["statement"] == "测试省林业行政处罚程序规定"
    assert branch.large_confiscation == {PartyKind.CITIZEN: Decimal(20000), PartyKind.ORGANISATION: Decimal(200000)}

    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    report = {
        "facts_found": "张某非法收购木材，违法所得6000元",
        "legal_basis": "森林法 第七十八条",
        "penalty_basis": "森林法 第七十八条",
        "penalty_kinds": ["confiscate_gains"],
        "confiscated": Decimal(6000),
        "penalty_text": "没收违法所得6000元",
        "discretion_reasons": "一般情节，按裁量基准中间档处罚",
    }
    desk("report", date(2026, 10, 14), **report)
    desk("submit_approval", date(2026, 10, 14))
    case = desk("approve", date(2026, 10, 15))
    notice = issuing.issue_document(desk.officer, case, "advance_notice")
    assert "收到本告知书之日起七日内" in text_of(notice)
    # 6,000 is "large" for a fine, not for a confiscation under the bureau's rule: no hearing.
    assert "听证" not in text_of(notice)
    # The bureau shortens the period after the notice was made: the party keeps the seven days it was told.
    agency_settings.update(world.admin, world.bureau, {"statement_days": 3})
    case = desk("notify", date(2026, 10, 16), rights_stated=True)
    assert not case.hearing_right
    statement = case.deadlines.get(period="statement")
    assert statement.due_on == date(2026, 10, 27)  # seven working days after Friday 16 October
    # The decision period is extended by the bureau's 15 days, from the end of the 90.
    case = desk("extend_decision", date(2026, 10, 20), reason="需补充鉴定")
    extension = case.deadlines.get(period="decision_extension")
    assert (extension.started_on, extension.due_on) == (date(2027, 1, 11), date(2027, 1, 26))
    # 2027's holidays are not loaded: the due date is provisional, and recomputed with the same 15 days.
    shown = selectors.deadline_view(extension, date(2026, 10, 20))
    assert (shown.due_on, shown.provisional, shown.source) == (date(2027, 1, 26), True, "测试省林业行政处罚程序规定")
    assert verify_ledger().ok


def test_an_on_the_spot_decision_is_reported_within_the_agencys_days(world):
    agency_settings.update(world.admin, world.bureau, SECTOR)
    give = {"on_date": date(2026, 11, 20), "officers": [world.officer, world.colleague], "domain": "forestry"}
    case = services.perform(
        world.officer_user,
        "decide_on_the_spot",
        {**ON_THE_SPOT, **give, "penalty_kinds": ["warning"], "fine": None},
        agency=world.branch,
    )
    # Three working days after Friday 20 November 2026.
    assert case.deadlines.get(period="summary_report").due_on == date(2026, 11, 25)


def test_a_sector_or_local_rule_adds_penalty_kinds_that_open_the_hearing(world, evidence):
    # 行政处罚法 第六十三条第一款第六项: the law's list plus those other rules add. The ecology rule's list ships with
    # the system; a province's own list is the agency's data, with its source, inherited and joined downwards.
    in_force = agency_settings.in_force(world.branch)
    assert rules.hearing_right(["suspend_licence"], None, PartyKind.CITIZEN) is False
    ecology = agency_settings.more_hearing_kinds("ecology", in_force)
    assert ecology == {"suspend_licence": rules.SECTOR_HEARING_KINDS["ecology"].source}
    assert rules.hearing_right(["suspend_licence"], None, PartyKind.CITIZEN, more_kinds=ecology) is True
    assert agency_settings.more_hearing_kinds("forestry", in_force) == {}

    with pytest.raises(Refusal, match="请填写规定听证范围的依据"):
        agency_settings.update(world.admin, world.bureau, {"hearing_kinds": ["suspend_licence"]})
    agency_settings.update(
        world.admin, world.bureau, {"hearing_kinds": ["suspend_licence"], "hearing_kinds_source": "测试省听证规定"}
    )
    recorded = json.loads(Entry.objects.filter(action="case_settings.update").latest("index").facts.facts)
    assert recorded["hearing_kinds"] == ["suspend_licence"]
    assert recorded["hearing_kinds_source"] == "测试省听证规定"

    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    report = {
        **SMALL_FINE_REPORT,
        "penalty_kinds": ["suspend_licence"],
        "fine": None,
        "penalty_text": "暂扣林木采伐许可证三个月",
    }
    desk("report", date(2026, 10, 14), **report)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    case = desk("notify", date(2026, 10, 16), rights_stated=True)
    assert case.hearing_right  # the branch follows the bureau's list
    assert "有权要求举行听证" in text_of(case.documents.get(kind="advance_notice"))
    assert verify_ledger().ok


def test_the_settings_page_lists_the_added_hearing_kinds_with_their_sources(client, world):
    world.bureau.domains = ["forestry", "ecology"]
    world.bureau.save(update_fields=["domains"])
    client.force_login(make_user("bureau-admin", world.bureau, Role.SYSADMIN))
    page = client.get(f"/cases/settings/{world.bureau.pk}/").content.decode()
    assert '暂扣许可证件<br><small class="muted">生态环境：生态环境行政处罚办法' in page
    # Only the kinds the law does not list already are offered.
    assert 'value="suspend_licence"' in page
    assert 'value="revoke_licence"' not in page
