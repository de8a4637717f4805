"""The public portal (行政执法公示): a visitor reads the home and each agency's before-enforcement page without
logging in; staff keep their desk at / and find the portal at /public/. An agency's page shows each list's version
in force with its date and history, its officers with a valid certificate (name, number, domains: nothing else),
its catalog and its channels, in a bounded number of queries."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client

from zhifa.cases import major
from zhifa.core.choices import Role
from zhifa.ledger import blobs
from zhifa.personnel.services import certificate_suspend
from zhifa.powers.choices import ListKind
from zhifa.powers.services import list_publish
from zhifa.powers.tests.lists import INSPECTIONS, POWERS, body, power, publish_args
from zhifa.testing.factories import TODAY, at, give_certificate, make_officer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world: Any, time_machine: Any) -> Any:
    """The bureau's three lists (the power list in two versions), its catalog; the branch follows them."""
    time_machine.move_to(at(TODAY))
    reviewer = make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)
    list_publish(actor=reviewer, agency=world.bureau, kind=ListKind.POWERS, items=POWERS, **publish_args())
    list_publish(
        actor=reviewer,
        agency=world.bureau,
        kind=ListKind.POWERS,
        items=[POWERS[0], power("TEST-CF-003", "对非法采伐的行政处罚")],
        **publish_args(effective_from=date(2026, 7, 1), reason="新增非法采伐"),
    )
    list_publish(actor=reviewer, agency=world.bureau, kind=ListKind.INSPECTIONS, items=INSPECTIONS, **publish_args())
    caps = [
        {
            "code": "SX-001",
            "domain": "forestry",
            "inspecting_body": world.bureau.name,
            "level": "市县两级合计",
            "scope": "全部企业",
            "max_per_year": 4,
            "basis": "国办发〔2024〕54号",
        }
    ]
    list_publish(actor=reviewer, agency=world.bureau, kind=ListKind.CAPS, items=caps, **publish_args())
    list_publish(
        actor=reviewer,
        agency=world.bureau,
        kind=ListKind.BODIES,
        items=[body(world.bureau.name), body(world.branch.name, basis="《森林法》第九条；测试省人民政府授权")],
        **publish_args(),
    )
    catalog = {
        "effective_from": "2026-01-01",
        "source": "测试管理局重大执法决定法制审核目录（测管发〔2025〕9号）",
        "fine_citizen": "10000",
        "fine_organisation": "100000",
        "inclusive": "on",
        "after_hearing": "on",
    }
    major.add_version(world.admin, world.bureau, catalog)
    return world


def test_a_visitor_reads_the_portal_home_at_the_root(world: Any) -> None:
    page = Client().get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "行政执法公示平台" in text
    assert f'href="/public/agencies/{world.branch.pk}/"' in text  # the tree of agencies
    assert 'action="/public/decisions/"' in text
    assert 'name="q"' in text
    for link in ("/public/certificates/", "/public/check/", "/public/complaints/", "/public/statistics/"):
        assert f'href="{link}"' in text
    assert 'href="/accounts/login/"' in text  # staff log in from the footer
    assert 'href="#main"' in text
    assert 'id="main"' in text
    assert "<script" not in text  # the home reads without any script


def test_staff_keep_their_desk_at_the_root_and_find_the_portal_at_public(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_user)
    desk = client.get("/").content.decode()
    assert "行政执法公示平台" not in desk
    assert client.get("/public/").status_code == 200


def test_the_agency_page_shows_each_list_in_force_with_its_version_and_history(published: Any) -> None:
    world = published
    text = Client().get(f"/public/agencies/{world.branch.pk}/").content.decode()
    assert "现行第2版 · 2026-07-01 起施行 · 共 2 项" in text  # the power list, followed from the bureau
    assert f"沿用{world.bureau.name}的清单" in text
    assert f'href="/public/agencies/{world.branch.pk}/lists/powers/#list-history"' in text
    assert "现行第1版 · 2026-01-01 起施行 · 共 2 项" in text  # the inspection-item list
    assert "《森林法》第九条；测试省人民政府授权" in text  # the branch's own entry: its legal status and basis
    caps = text[text.index('id="caps"') :]
    assert "市县两级合计" in caps  # the yearly inspection caps (国办发〔2024〕54号), shown on the page itself
    assert "4 次" in caps
    assert "测管发〔2025〕9号" in text  # the catalog of major decisions in force
    assert "有管辖权的人民法院" in text  # the channels: the court by default
    recorded = text[text.index('id="recording-list"') :]
    assert "适用国家规定的事项" in recorded  # no agency list: the national one, with what it records
    assert "查封、扣押" in recorded[: recorded.index("根据情况音像记录")]


def test_the_list_page_shows_the_items_in_force_and_each_version_with_its_changes(published: Any) -> None:
    world = published
    text = Client().get(f"/public/agencies/{world.branch.pk}/lists/powers/").content.decode()
    assert "对非法采伐的行政处罚" in text
    assert "新增：TEST-CF-003 对非法采伐的行政处罚" in text
    assert "删除：TEST-CF-002 对毁坏林木的行政处罚" in text
    assert Client().get(f"/public/agencies/{world.branch.pk}/lists/nonsense/").status_code == 404


def test_officers_are_shown_by_name_number_and_domains_only_and_only_with_a_valid_certificate(
    published: Any,
) -> None:
    world = published
    certificate = world.colleague.certificates.get()
    certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="涉嫌违纪")
    make_officer(world.admin, world.branch, "戊无证")  # no certificate
    text = Client().get(f"/public/agencies/{world.branch.pk}/").content.decode()
    officers = text[text.index('id="officer-list"') : text.index("</table>", text.index('id="officer-list"'))]
    assert world.officer.name in officers
    assert world.officer.certificates.get().number in officers
    assert "林业和草原" in officers
    assert world.colleague.name not in officers  # suspended today
    assert "戊无证" not in officers
    assert world.auxiliary.name not in officers  # auxiliary staff never enforce
    for person in (world.officer, world.colleague):
        assert person.id_number not in text
    assert "性别" not in officers
    assert "手机" not in officers


def test_the_agency_page_costs_a_bounded_number_of_queries(published: Any, django_assert_max_num_queries: Any) -> None:
    world = published
    # More officers cost no more queries (four lists: two each, one count, the caps rows; the recording list, one).
    for n in range(12):
        give_certificate(world.admin, make_officer(world.admin, world.branch, f"执法{n}号"))
    client = Client()
    with django_assert_max_num_queries(28):
        assert client.get(f"/public/agencies/{world.branch.pk}/").status_code == 200


def test_the_sections_read_in_the_portals_frame(published: Any) -> None:
    world = published
    client = Client()
    for path in ("benchmarks", "no-penalty", "legal-review", "procedures"):
        page = client.get(f"/public/agencies/{world.branch.pk}/{path}/")
        assert page.status_code == 200, path
        assert "公示导航" in page.content.decode()
    catalog = client.get(f"/public/agencies/{world.branch.pk}/legal-review/").content.decode()
    assert "现行" in catalog
    assert "测管发〔2025〕9号" in catalog
    flows = client.get("/public/procedures/").content.decode()
    assert "当场作出处罚决定" in flows
    assert "送达行政处罚告知书" in flows
    assert "<svg" in flows


def test_a_version_page_and_its_spreadsheet_are_public(published: Any) -> None:
    world = published
    version = world.bureau.list_versions.get(kind=ListKind.POWERS, number=2)
    text = Client().get(f"/public/lists/versions/{version.pk}/").content.decode()
    assert "与第1版相比" in text
    download = Client().get(f"/public/lists/versions/{version.pk}/xlsx")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_sitemap_lists_the_agency_pages_and_robots_points_to_it(published: Any) -> None:
    world = published
    xml = Client().get("/sitemap.xml").content.decode()
    assert f"/public/agencies/{world.branch.pk}/</loc>" in xml
    assert f"/public/agencies/{world.branch.pk}/lists/powers/</loc>" in xml
    assert "/public/statistics/</loc>" in xml
    robots = Client().get("/robots.txt").content.decode()
    assert "Sitemap: " in robots
    assert "/sitemap.xml" in robots
    assert "Disallow: /" in robots


def test_an_entrustment_letter_is_public_only_when_a_published_list_names_it(
    world: Any, evidence: Any, time_machine: Any
) -> None:
    time_machine.move_to(at(TODAY))
    letter = blobs.store(io.BytesIO(b"%PDF-1.4 entrustment letter"), content_type="application/pdf")
    other = blobs.store(io.BytesIO(b"photo of stumps"), content_type="image/jpeg")
    entrusted = body(
        "测试林业服务中心",
        kind="entrusted",
        basis="《中华人民共和国行政处罚法》第二十条",
        principal=world.bureau.name,
        scope="以测试管理局名义实施林木采伐检查",
        entrusted_from="2026-01-01",
        entrusted_until="2027-12-31",
        letter_name="委托书.pdf",
        letter_sha256=letter.sha256,
    )
    list_publish(
        actor=world.admin,
        agency=world.bureau,
        kind=ListKind.BODIES,
        items=[body(world.bureau.name), entrusted],
        **publish_args(),
    )
    page = Client().get(f"/public/agencies/{world.bureau.pk}/lists/bodies/").content.decode()
    assert f'href="/public/letters/{letter.sha256}"' in page
    served = Client().get(f"/public/letters/{letter.sha256}")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 entrustment letter"  # type: ignore[attr-defined]
    assert Client().get(f"/public/letters/{other.sha256}").status_code == 404  # evidence stays private


def test_a_cached_page_is_rendered_afresh_once_anything_is_recorded(
    published: Any, django_assert_max_num_queries: Any
) -> None:
    world = published
    client = Client()
    url = f"/public/agencies/{world.branch.pk}/lists/inspections/"
    assert "林木采伐情况检查" in client.get(url).content.decode()
    with django_assert_max_num_queries(1):  # the ledger's head; the page itself from the cache
        assert client.get(url).status_code == 200
    list_publish(
        actor=world.admin,
        agency=world.bureau,
        kind=ListKind.INSPECTIONS,
        items=[INSPECTIONS[0]],
        **publish_args(effective_from=date(2026, 11, 1), reason="删除木材经营加工检查"),
    )
    text = client.get(url).content.decode()
    assert "第2版 · 2026-11-01 起施行" in text
    assert "删除：TEST-JC-002 木材经营加工检查" in text
