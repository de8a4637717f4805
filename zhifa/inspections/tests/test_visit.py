"""The visit, first half: the forms for plans and for-cause inspections, the inspection code (检查码) issued only
for an on-site visit by two certified officers, the public page answering from the record without private data,
the scan at the door recorded once, the officer's phone page."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from zhifa.core.errors import Refusal
from zhifa.inspections import services
from zhifa.inspections.choices import Cause, InspectionState, RelationKind, Source
from zhifa.inspections.models import Inspection
from zhifa.ledger.models import Entry
from zhifa.personnel.services import certificate_suspend
from zhifa.testing.factories import TODAY, give_certificate, make_officer

PRIVATE = "举报人王某某，电话13912345678"


def _inspection(ground: Any, *, days: int = 0, off_site: bool = False, officers: Any = None) -> Inspection:
    world = ground.world
    return services.inspection_create(
        actor=world.officer_user,
        agency=world.branch,
        target=ground.target,
        source=Source.FOR_CAUSE,
        cause=Cause.COMPLAINT,
        reason=f"{PRIVATE}反映该厂收购来源不明的木材",
        item_codes=["JCX-001"],
        officers=officers or [world.officer, world.colleague],
        planned_on=TODAY + timedelta(days=days),
        off_site=off_site,
    )


def _entries(inspection: Inspection, action: str) -> list[dict[str, Any]]:
    entries = Entry.objects.filter(subject=f"inspections.inspection:{inspection.pk}", action=action)
    return [json.loads(entry.facts.facts) for entry in entries.select_related("facts")]


def test_a_code_only_for_an_on_site_visit_by_two_officers_certified_on_the_day(ground: Any) -> None:
    world = ground.world
    with pytest.raises(Refusal, match="非现场检查不入企"):
        services.inspection_issue_code(actor=world.officer_user, inspection=_inspection(ground, off_site=True))
    later = _inspection(ground, days=5)
    certificate = world.colleague.certificates.get()
    certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY + timedelta(days=3), reason="停职")
    with pytest.raises(Refusal, match="两名以上"):
        services.inspection_issue_code(actor=world.officer_user, inspection=later)
    assert Inspection.objects.get(pk=later.pk).state == InspectionState.PLANNED

    issued = services.inspection_issue_code(actor=world.officer_user, inspection=_inspection(ground))
    assert issued.state == InspectionState.CODE_ISSUED
    assert len(issued.code_token) == 43
    [facts] = _entries(issued, "inspection.code_issued")
    assert issued.code_token not in json.dumps(facts)
    assert sorted(number for _name, _pk, number in facts["officers"]) == sorted(
        [world.officer.certificates.get().number, certificate.number]
    )
    with pytest.raises(Refusal, match="已生成检查码"):
        services.inspection_issue_code(actor=world.officer_user, inspection=issued)


def test_the_public_page_answers_from_the_record_and_a_scan_is_recorded_once(ground: Any) -> None:
    world = ground.world
    inspection = services.inspection_issue_code(actor=world.officer_user, inspection=_inspection(ground))
    url = f"/public/inspections/code/{inspection.code_token}/"
    business = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) AppleWebKit MicroMessenger/8.0", REMOTE_ADDR="10.1.2.3")
    page = business.get(url).content.decode()
    number = world.officer.certificates.get().number
    for shown in (world.branch.name, ground.target.name, "甲执法", "乙执法", f"/public/certificates/{number}/"):
        assert shown in page
    for shown in ("检查事项JCX-001", "《中华人民共和国森林法》第六十六条", "有因检查", "投诉举报", "尚未扫码确认"):
        assert shown in page
    assert "13912345678" not in page
    assert "王某某" not in page
    assert "收购来源不明" not in page
    assert business.get("/public/inspections/code/" + "x" * 43 + "/").status_code == 404

    staff = Client()
    staff.force_login(world.officer_user)
    assert staff.post(url).status_code == 403  # the officers cannot confirm their own arrival
    for _ in range(2):
        answer = business.post(url)
        assert answer.status_code == 200
        assert "已于" in answer.content.decode()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ON_SITE
    assert inspection.code_scanned_at is not None
    [facts] = _entries(inspection, "inspection.code_scanned")
    assert facts["network"] == "10.1.2.0/24"
    assert facts["agent"] == "微信"


def test_the_forms_refuse_an_unlisted_item_and_a_related_officer(ground: Any) -> None:
    world = ground.world
    client = Client()
    client.force_login(world.officer_user)
    plan = {
        "year": TODAY.year,
        "kind": "routine",
        "title": "木材经营加工企业双随机抽查计划",
        "domains": ["forestry"],
        "items": ["JCX-001", "JCX-999"],
        "frequency": "每年1次",
        "starts_on": (TODAY + timedelta(days=1)).isoformat(),
        "ends_on": f"{TODAY.year}-12-31",
        "ratio_A": "3",
    }
    page = client.post("/inspections/plans/new/", plan).content.decode()
    assert "检查事项 JCX-999 不在" in page
    assert "清单之外无检查" in page
    made = client.post("/inspections/plans/new/", plan | {"items": ["JCX-001"]})
    assert made.status_code == 302
    edited = client.post(made["Location"] + "edit/", plan | {"items": ["JCX-001", "JCX-002"], "ratio_B": "5"})
    assert edited.status_code == 302
    [update] = list(Entry.objects.filter(action="inspection_plan.update").select_related("facts"))
    assert json.loads(update.facts.facts)["changed"]["ratios"] == [{"A": 3}, {"A": 3, "B": 5}]

    services.relation_record(
        actor=world.officer_user,
        officer=world.colleague,
        target=ground.target,
        kind=RelationKind.KINSHIP,
        reason="配偶",
    )
    form = client.get(f"/inspections/new/?target={ground.target.pk}").content.decode()
    assert "有登记的回避关系" in form
    inspection = {
        "cause": "complaint",
        "reason": "群众举报",
        "items": ["JCX-001"],
        "officers": [world.officer.pk, world.colleague.pk],
        "planned_on": TODAY.isoformat(),
    }
    page = client.post(f"/inspections/new/?target={ground.target.pk}", inspection).content.decode()
    assert "乙执法 与 甲木材厂 有登记的近亲属关系，应当回避" in page
    assert not Inspection.objects.exists()


def test_the_phone_page_lists_only_the_officers_own_inspections(ground: Any) -> None:
    world = ground.world
    third = make_officer(world.admin, world.branch, "戊执法")
    give_certificate(world.admin, third)
    mine = services.inspection_issue_code(actor=world.officer_user, inspection=_inspection(ground))
    others = _inspection(ground, days=1, officers=[world.colleague, third])
    client = Client()
    client.force_login(world.officer_user)
    page = client.get("/inspections/mine/").content.decode()
    assert f'id="visit-{mine.pk}"' in page
    assert "<svg" in page
    assert f'id="visit-{others.pk}"' not in page
    assert "我的检查" in client.get("/inspections/list/").content.decode()
