"""类案推送: the closed cases most like a case — the same violation first, then the nearest facts — in the same
province, without the case itself, without a party's name or number, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.cases.models import Case, Party
from zhifa.cases.tests.desk import Desk
from zhifa.cases.workflow import State
from zhifa.core.choices import Domain
from zhifa.laws import similar
from zhifa.laws.choices import SimilarOutcome, Tier
from zhifa.laws.loader import load
from zhifa.laws.models import CaseText, Violation
from zhifa.laws.similar_text import redact, terms
from zhifa.testing.factories import TODAY, at, make_user

pytestmark = pytest.mark.django_db

POPLARS = "当事人在青山镇二号林班未办理林木采伐许可证，擅自滥伐杨树35株，立木蓄积4.2立方米"
FOREST_LAND = "当事人未经批准擅自非法占用林地2.1亩修建养殖场，改变林地用途，林地上原有植被被毁坏"


@pytest.fixture(autouse=True)
def _fresh_index(time_machine):
    time_machine.move_to(at(TODAY))
    similar.forget()  # a copy in memory from an earlier test's rolled-back rows must not be read
    yield
    similar.forget()


@pytest.fixture
def logging_(db):
    return Violation.objects.create(code="forestry-indiscriminate-logging", name="滥伐林木", domain=Domain.FORESTRY)


@pytest.fixture
def occupying(db):
    return Violation.objects.create(code="forestry-occupying-land", name="非法占用林地", domain=Domain.FORESTRY)


def make_case(world, agency, facts, *, violation=None, state=State.CLOSED, decided_on=date(2026, 6, 1), **extra):
    case = Case.objects.create(
        agency=agency,
        domain=Domain.FORESTRY,
        state=state,
        title=extra.pop("title", "林业行政处罚案件"),
        lead_source="inspection",
        lead_summary=extra.pop("lead_summary", "巡护发现"),
        received_on=date(2026, 1, 5),
        facts_found=facts,
        violation=violation,
        decided_on=decided_on if state == State.CLOSED else None,
        closed_on=decided_on if state == State.CLOSED else None,
        penalty_kinds=["fine"],
        fine=Decimal(3000),
        created_by=world.admin,
        **extra,
    )
    if state == State.CLOSED:
        similar.index_case(case)
    return case


def ids(found):
    return [item.case_id for item in found]


def test_the_same_violation_comes_first_and_among_it_the_nearest_facts(world, logging_, occupying):
    poplars = make_case(world, world.branch, POPLARS.replace("35", "12"), violation=logging_)
    land = make_case(world, world.sibling, FOREST_LAND, violation=logging_)
    # Closer in words, but another violation: after every case of the same violation.
    near_words = make_case(world, world.branch, POPLARS, violation=occupying)
    unrelated = make_case(
        world, world.branch, "超标排放水污染物", violation=occupying, title="排污", lead_summary="群众举报"
    )
    facts = "张某滥伐杨树20株，未办理采伐许可证"
    query = make_case(world, world.branch, facts, violation=logging_, state=State.INVESTIGATING)
    found = similar.similar_cases(query, actor=world.officer_user)
    assert ids(found) == [poplars.pk, land.pk, near_words.pk]
    assert unrelated.pk not in ids(found)
    assert [item.same_violation for item in found] == [True, True, False]
    assert found[0].score > found[1].score


def test_a_case_of_the_same_violation_without_a_word_in_common_still_comes_before_others(world, logging_, occupying):
    other = make_case(world, world.branch, POPLARS, violation=occupying)
    same = make_case(world, world.branch, "超标排放水污染物", violation=logging_)
    query = make_case(world, world.branch, POPLARS, violation=logging_, state=State.INVESTIGATING)
    assert ids(similar.similar_cases(query, actor=world.officer_user)) == [same.pk, other.pk]


def test_the_case_itself_and_another_provinces_cases_are_left_out(world, logging_):
    mine = make_case(world, world.branch, POPLARS, violation=logging_)
    twin = make_case(world, world.branch, POPLARS, violation=logging_)
    elsewhere = make_case(world, world.elsewhere, POPLARS, violation=logging_)
    found = ids(similar.similar_cases(mine, actor=world.officer_user))
    assert found == [twin.pk]
    assert elsewhere.pk not in found
    # The other province sees its own only, and none of ours.
    outsider = make_user("elsewhere_officer", world.elsewhere, "officer")
    assert ids(similar.similar_cases(elsewhere, actor=outsider)) == []


def test_an_actor_who_may_not_see_the_case_gets_nothing(world, logging_):
    make_case(world, world.branch, POPLARS, violation=logging_)
    query = make_case(world, world.branch, POPLARS, violation=logging_, state=State.INVESTIGATING)
    assert similar.similar_cases(query, actor=world.outsider) == []


def test_no_party_name_or_number_is_shown_and_the_outcome_is(world, logging_, client):
    facts = "当事人赵六（身份证号150102198001010011，电话13912345678）在青山镇滥伐杨树35株，赵六承认事实"
    other = make_case(world, world.sibling, facts, violation=logging_, title="赵六滥伐林木案", tier=Tier.LIGHTER)
    party = Party.objects.create(kind="citizen", name="赵六", id_number="", phone="13912345678")
    other.parties.add(party)
    similar.index_case(other)  # again, now that the party is known
    query = make_case(world, world.branch, "钱七滥伐杨树20株", violation=logging_, state=State.INVESTIGATING)
    [item] = similar.similar_cases(query, actor=world.officer_user)
    shown = " ".join(str(value) for value in vars(item).values())
    for secret in ("赵六", "150102198001010011", "13912345678"):
        assert secret not in shown
        assert secret not in CaseText.objects.get(case=other).tokens
    assert item.excerpt.startswith("当事人×××（身份证号×××，电话×××）在青山镇滥伐杨树35株")
    assert (item.agency, item.violation, item.tier) == ("测试管理局乙分局", "滥伐林木", "从轻")
    assert item.outcome == "给予行政处罚"
    assert (item.penalty_kinds, item.fine, item.decided_on) == (["罚款"], Decimal(3000), date(2026, 6, 1))

    client.force_login(world.officer_user)
    page = client.get(f"/cases/{query.pk}/").content.decode()
    panel = page[page.index('id="case-similar"') :]
    assert "测试管理局乙分局" in panel
    assert "在青山镇滥伐杨树35株" in panel
    assert "赵六" not in page

    _, secret = ApiToken.issue(world.officer_user, "test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = api.get(f"/api/v1/cases/{query.pk}/similar")
    assert answer.status_code == 200
    [row] = answer.json()
    assert (row["violation"], row["fine"], row["outcome"]) == ("滥伐林木", "3000.00", "给予行政处罚")
    assert "case_id" not in row
    assert "赵六" not in answer.content.decode()
    assert api.get(f"/api/v1/cases/{query.pk}/similar?limit=0").status_code == 422
    # Outside the caller's scope, the case is not found.
    _, outsider_secret = ApiToken.issue(world.outsider, "test")
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {outsider_secret}")
    assert outsider.get(f"/api/v1/cases/{query.pk}/similar").status_code == 404


def test_redaction_takes_names_and_numbers_by_their_shape():
    text = "张三丰（身份证150102198001010011、统一社会信用代码91150102MA0N8P5X2K、电话0471-6912345）"
    assert redact(text, ["张三丰", ""]) == "×××（身份证×××、统一社会信用代码×××、电话×××）"


def test_segmentation_drops_stop_words_numbers_and_single_characters():
    words = terms("当事人张某于2025年3月在二号林班滥伐杨树12株，修建养殖场")
    assert "滥伐" in words
    assert "杨树" in words
    assert "养殖" in words
    assert "养殖场" in words
    assert "林班" in words
    assert not {"当事人", "2025", "12", "张", "某", "于", "年", "株"} & set(words)


def test_a_case_is_indexed_when_it_is_closed_through_the_services(world, evidence, logging_):
    load(Path(__file__).parent / "data")  # the violation's rules and benchmark, for the report's proposal
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    on = date(2026, 11, 3)
    desk("file", on, violation=logging_)
    desk("assign", on, lead=desk.team[0], others=desk.team[1:], declared=desk.team)
    desk("add_evidence", on, officers=desk.team, kind="object", summary="伐桩照片", evidence=[desk.photo])
    # The assistant proposes no penalty for a first offence corrected in time: the report proposes none.
    desk(
        "report",
        date(2026, 11, 5),
        violation=logging_,
        circumstances=["first_offence"],
        facts_found="张某初次滥伐杨树2株，及时补种",
        penalty_text="建议不予处罚",
    )
    desk("submit_approval", date(2026, 11, 5))
    desk("decide_no_penalty", date(2026, 11, 6), ground="first_offence", reason="首违不罚，已补种", education="宣讲")
    assert not CaseText.objects.filter(case=desk.case).exists()
    desk("close", date(2026, 11, 9))
    row = CaseText.objects.get(case=desk.case)
    assert (row.outcome, row.no_penalty_ground) == (SimilarOutcome.NO_PENALTY, "first_offence")
    assert row.violation_id == logging_.pk
    assert "张某" not in row.excerpt  # the party's name, as the lead registered it
    query = make_case(world, world.branch, "滥伐杨树5株", violation=logging_, state=State.INVESTIGATING)
    [item] = similar.similar_cases(query, actor=world.officer_user)
    assert item.outcome.startswith("不予行政处罚：初次违法")
    assert (item.penalty_kinds, item.fine) == ([], None)


def test_the_copy_in_memory_follows_new_rows_and_a_rebuild_gives_the_same_list(world, logging_, occupying):
    for number in range(6):
        make_case(world, world.branch, POPLARS.replace("35", str(10 + number)), violation=logging_)
        make_case(world, world.sibling, FOREST_LAND, violation=occupying)
    query = make_case(world, world.branch, "滥伐杨树20株，占用林地", violation=logging_, state=State.INVESTIGATING)
    first = ids(similar.similar_cases(query, actor=world.officer_user, limit=8))
    latest = make_case(world, world.branch, "滥伐杨树20株，占用林地", violation=logging_, decided_on=date(2026, 7, 1))
    grown = ids(similar.similar_cases(query, actor=world.officer_user, limit=8))  # appended to the copy
    assert grown[0] == latest.pk
    assert grown[1:] == first[:7]
    similar.forget()
    assert ids(similar.similar_cases(query, actor=world.officer_user, limit=8)) == grown  # built anew
    out = io.StringIO()
    call_command("laws", "reindex", stdout=out)
    assert "类案索引已重建" in out.getvalue()
    assert ids(similar.similar_cases(query, actor=world.officer_user, limit=8)) == grown


def test_the_ranking_is_fixed_for_fixed_data(world, logging_, occupying):
    """The same list, in the same order, on SQLite and PostgreSQL (run this file under zhifa.testing.postgres):
    cases are created in a fixed order, so their ranks are known, whatever their ids."""
    made = {}
    texts = {
        "a": (POPLARS, logging_, date(2026, 3, 1)),
        "b": (POPLARS, logging_, date(2026, 4, 1)),  # the same words, decided later: before a
        "c": ("擅自滥伐杨树10株", logging_, date(2026, 5, 1)),
        "d": (FOREST_LAND, logging_, date(2026, 5, 2)),
        "e": ("滥伐杨树和柳树共计200株，情节严重", occupying, date(2026, 5, 3)),
        "f": (FOREST_LAND, occupying, date(2026, 5, 4)),
    }
    for key, (facts, violation, day) in texts.items():
        made[make_case(world, world.branch, facts, violation=violation, decided_on=day).pk] = key
    query = make_case(world, world.branch, POPLARS, violation=logging_, state=State.INVESTIGATING)
    found = similar.similar_cases(query, actor=world.officer_user)
    assert [made[pk] for pk in ids(found)] == ["b", "a", "c", "d", "e", "f"]
    assert found[0].score == found[1].score
