"""The law's pages for staff: violations by domain and words, a violation's rules by date with their provisions'
words and checked marks, the benchmark the reader's agency follows and its versions, the no-penalty lists, the
legal texts with successors; an agency's benchmarks with the upload only for those who may publish; the links in
the navigation; and the /api/v1/laws reads, refused without a token."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from zhifa.api.tests.test_api import Caller
from zhifa.core.choices import Role
from zhifa.laws.loader import load
from zhifa.laws.models import Violation
from zhifa.testing.factories import TODAY, at, make_user

DATA = Path(__file__).parent / "data"


@pytest.fixture
def laws(world, time_machine):
    time_machine.move_to(at(TODAY))
    load(DATA)
    return world


def page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_list_searches_by_name_keyword_and_domain(laws, django_assert_max_num_queries):
    shown = page(laws.officer_user, "/laws/")
    assert "超标排放水污染物" in shown
    assert "滥伐林木" in shown
    assert "超标排放水污染物" not in page(laws.officer_user, "/laws/?q=滥伐")
    forestry = page(laws.officer_user, "/laws/?domain=forestry")
    assert "滥伐林木" in forestry
    assert "测试：新法减轻" not in forestry
    Violation.objects.filter(code="forestry-indiscriminate-logging").update(keywords=["砍树"])
    assert "滥伐林木" in page(laws.officer_user, "/laws/?q=砍树")
    client = Client()
    client.force_login(laws.officer_user)
    # The page's own reads, and the header's: the desk's two counts in the navigation and the officer they are for.
    with django_assert_max_num_queries(15):
        client.get("/laws/")


def test_a_violation_shows_its_rules_by_date_the_benchmark_followed_and_the_no_penalty_items(laws):
    shown = page(laws.officer_user, "/laws/violations/ecology-water-excess-discharge/")
    assert "2018-01-01 起施行的处罚规定" in shown
    assert "2026-08-15 起施行的处罚规定" in shown
    assert "水污染防治法 第八十三条第二项" in shown
    assert "超过水污染物排放标准或者超过重点水污染物排放总量控制指标排放水污染物的" in shown
    assert "未核对原文" in shown
    assert "由 <a" in shown  # the old provision names the code's that took its place
    assert "100,000至1,000,000元" in shown
    # On a day of the old law, its tiers are the benchmark followed (shipped with the data).
    old = page(laws.officer_user, "/laws/violations/ecology-water-excess-discharge/?on=2026-05-01")
    assert "随系统提供的示例基准" in old
    assert "100,000至400,000元" in old
    logging = page(laws.officer_user, "/laws/violations/forestry-indiscriminate-logging/")
    assert "滥伐林木价值3至5倍" in logging
    assert "3至3.6倍（滥伐林木价值）" in logging
    assert "测试林业首违不罚清单" in logging
    assert "2 年内未因同一性质违法行为受过行政处罚" in logging
    missing = Client()
    missing.force_login(laws.officer_user)
    assert missing.get("/laws/violations/no-such-thing/").status_code == 404


def test_a_legal_text_shows_its_versions_provisions_and_successors(laws):
    old = page(laws.officer_user, "/laws/texts/water-law/")
    assert "2017年修正" in old
    assert "2026-08-14 后失效" in old
    assert "生态环境法典 第一千一百零七条第一款</a> 取代" in old
    code = page(laws.officer_user, "/laws/texts/eco-code/")
    assert "取代 <a" in code
    assert "水污染防治法 第八十三条第二项" in code
    assert "中华人民共和国森林法" in page(laws.officer_user, "/laws/texts/")


def test_the_no_penalty_lists_show_validity_and_items(laws):
    shown = page(laws.officer_user, "/laws/no-penalty/")
    assert "测试林业首违不罚清单" in shown
    assert "2024-01-01 至 2028-12-31" in shown
    assert "有效" in shown
    assert "滥伐株数10株以下" in shown


def test_the_agency_page_offers_the_upload_only_to_those_who_may_publish(laws):
    path = f"/laws/benchmarks/{laws.branch.pk}/"
    shown = page(laws.officer_user, path)
    assert "滥伐林木" in shown
    assert "随系统提供的示例基准" in shown
    assert "下载 Excel" in shown
    assert 'id="benchmarks-upload"' not in shown
    client = Client()
    client.force_login(laws.officer_user)
    assert client.post(path, {"source": "x"}).status_code == 404
    reviewer = make_user("reviewer", laws.bureau, Role.LEGAL_REVIEWER)
    assert 'id="benchmarks-upload"' in page(reviewer, path)
    outsider = Client()
    outsider.force_login(laws.outsider)
    assert outsider.get(path).status_code == 404
    assert outsider.get(f"{path}benchmarks.xlsx").status_code == 404


def test_the_navigation_links_the_law_and_the_analytics_to_those_who_may_see_them(laws):
    officer = page(laws.officer_user, "/")
    assert 'href="/laws/"' in officer
    assert 'href="/laws/consistency/"' not in officer
    supervisor = page(laws.supervisor, "/")
    assert 'href="/laws/consistency/"' in supervisor
    anonymous = Client().get("/laws/")
    assert anonymous.status_code == 302


def test_the_api_reads_the_law_and_refuses_without_a_token(laws):
    officer = Caller(laws.officer_user)
    found = officer.get("/laws/violations?domain=forestry&q=滥伐").json()
    assert [v["code"] for v in found] == ["forestry-indiscriminate-logging"]
    detail = officer.get("/laws/violations/ecology-water-excess-discharge?on=2026-05-01").json()
    assert [rule["in_force"] for rule in detail["rules"]] == [False, True]
    old = detail["rules"][1]
    assert old["penalises"][0]["citation"] == "水污染防治法 第八十三条第二项"
    assert old["penalises"][0]["successor"] == "eco-code@2026-08-15:1107.1"
    assert old["benchmark"]["whose"] == "shipped"
    assert [t["tier"] for t in old["benchmark"]["tiers"]] == ["lighter", "ordinary", "heavier"]
    assert officer.get("/laws/violations/no-such-thing").status_code == 404
    lists = officer.get("/laws/no-penalty").json()
    assert lists[0]["in_force"] is True
    assert lists[0]["items"][0]["violation_code"] == "forestry-indiscriminate-logging"
    assert Client().get("/api/v1/laws/violations").status_code == 401
    assert Client().get("/api/v1/laws/no-penalty").status_code == 401
