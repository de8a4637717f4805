"""A list is published in versions, never edited: the version in force on a day, the changes of each version,
who may publish, and the ledger entry written with it (行政执法监督条例 第十七条; 国办发〔2024〕54号)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs, uploads
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.powers.choices import ListKind
from zhifa.powers.models import EnforcementBody, InspectionItem, ListVersion, Power
from zhifa.powers.selectors import diff, inspection_item_listed, list_in_force
from zhifa.powers.services import list_publish
from zhifa.powers.tests.lists import INSPECTIONS, POWERS, body, inspection, power, publish_args
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(world):
    """The bureau's legal office: it keeps the lists."""
    return make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)


def publish(actor, agency, kind, items, **changes):
    return list_publish(actor=actor, agency=agency, kind=kind, items=items, **publish_args(**changes))


def test_each_change_is_a_new_version_and_the_list_in_force_is_the_latest_effective_on_the_day(world, reviewer):
    first = publish(reviewer, world.bureau, ListKind.POWERS, POWERS)
    second = publish(
        reviewer,
        world.bureau,
        ListKind.POWERS,
        [POWERS[0], power("TEST-CF-003", "对非法采伐的行政处罚")],
        effective_from=date(2026, 7, 1),
    )
    assert (first.number, second.number) == (1, 2)
    assert list_in_force(world.bureau, ListKind.POWERS, date(2025, 12, 31)) is None
    assert list_in_force(world.bureau, ListKind.POWERS, date(2026, 6, 30)) == first
    assert list_in_force(world.bureau, ListKind.POWERS, date(2026, 7, 1)) == second
    # A branch without its own list follows its bureau's; the lists are separate from each other.
    assert list_in_force(world.branch, ListKind.POWERS, date(2026, 7, 1)) == second
    assert list_in_force(world.branch, ListKind.INSPECTIONS, date(2026, 7, 1)) is None
    # The first version keeps its items: a published version is never edited.
    assert list(Power.objects.filter(version=first).values_list("code", flat=True)) == ["TEST-CF-001", "TEST-CF-002"]


def test_a_version_is_never_changed_nor_slipped_in_before_the_latest(world, reviewer):
    publish(reviewer, world.bureau, ListKind.POWERS, POWERS)
    with pytest.raises(Refusal) as refused:
        publish(reviewer, world.bureau, ListKind.POWERS, [POWERS[0]])
    assert refused.value.field == "effective_from"
    assert "晚于第1版的施行日期 2026-01-01" in refused.value.message
    with pytest.raises(Refusal, match="没有任何变化"):
        publish(reviewer, world.bureau, ListKind.POWERS, POWERS, effective_from=date(2026, 3, 1))
    assert ListVersion.objects.count() == 1


def test_the_diff_names_items_added_removed_and_the_fields_changed(world, reviewer):
    publish(reviewer, world.bureau, ListKind.POWERS, POWERS)
    changed = power("TEST-CF-001", "对滥伐林木的行政处罚", basis="《中华人民共和国森林法》第七十四条第一款")
    version = publish(
        reviewer,
        world.bureau,
        ListKind.POWERS,
        [power("TEST-CF-003", "对非法采伐的行政处罚"), changed],  # the order of the rows is no change
        effective_from=date(2026, 7, 1),
    )
    changes = diff(version)
    assert [values["code"] for values in changes.added] == ["TEST-CF-003"]
    assert [values["code"] for values in changes.removed] == ["TEST-CF-002"]
    assert len(changes.changed) == 1
    assert changes.changed[0].key == "TEST-CF-001"
    assert changes.changed[0].fields == [
        ("实施依据", "《中华人民共和国森林法》第七十四条", "《中华人民共和国森林法》第七十四条第一款")
    ]


def test_an_unlisted_item_may_not_be_inspected(world, reviewer):
    # 国办发〔2024〕54号: 未列入行政检查事项清单的，不得实施检查.
    publish(reviewer, world.bureau, ListKind.INSPECTIONS, INSPECTIONS)
    publish(reviewer, world.bureau, ListKind.INSPECTIONS, [INSPECTIONS[0]], effective_from=date(2026, 7, 1))
    listed = inspection_item_listed(world.branch, "TEST-JC-002", date(2026, 6, 30))
    assert isinstance(listed, InspectionItem)
    assert listed.name == "木材经营加工检查"
    assert inspection_item_listed(world.branch, "TEST-JC-002", date(2026, 7, 1)) is None  # removed from the list
    assert inspection_item_listed(world.branch, "TEST-JC-001", date(2025, 12, 31)) is None  # before any list
    assert inspection_item_listed(world.elsewhere, "TEST-JC-001", date(2026, 7, 1)) is None  # another agency's


def test_a_random_check_item_publishes_its_ratio_and_frequency(world, reviewer):
    with pytest.raises(Refusal) as refused:
        publish(
            reviewer, world.bureau, ListKind.INSPECTIONS, [INSPECTIONS[0], inspection("TEST-JC-9", "抽查", ratio="")]
        )
    assert refused.value.message == "第2项“抽查比例”：双随机抽查事项应写明抽查比例"
    assert not ListVersion.objects.exists()


def test_only_the_legal_office_or_the_system_administrator_of_the_agency_publishes(world, reviewer):
    for outsider in (
        world.officer_user,
        world.supervisor,
        make_user("far-reviewer", world.elsewhere, Role.LEGAL_REVIEWER),
    ):
        with pytest.raises(Refusal) as refused:
            publish(outsider, world.bureau, ListKind.POWERS, POWERS)
        assert (
            "不能发布权责清单" in refused.value.message or "只有法制审核人员、系统管理员可以" in refused.value.message
        )
    branch_reviewer = make_user("branch-reviewer", world.branch, Role.LEGAL_REVIEWER)
    with pytest.raises(Refusal, match="不在您的管辖范围内"):
        publish(branch_reviewer, world.bureau, ListKind.POWERS, POWERS)
    assert not ListVersion.objects.exists()
    assert publish(world.admin, world.branch, ListKind.POWERS, POWERS).agency == world.branch


def test_an_entrusted_body_names_its_principal_period_and_letter_kept_by_hash(world, reviewer, evidence):
    letter = blobs.store(io.BytesIO(b"%PDF-1.4 entrustment letter"), content_type="application/pdf")
    entrusted = body(
        "测试林业服务中心",
        kind="entrusted",
        basis="《中华人民共和国行政处罚法》第二十条",
        principal="测试管理局",
        scope="以测试管理局名义实施林木采伐检查",
        entrusted_from="2026-01-01",
        entrusted_until="2027-12-31",
        letter_name="委托书.pdf",
    )
    with pytest.raises(Refusal) as refused:
        publish(reviewer, world.bureau, ListKind.BODIES, [body("测试管理局"), entrusted])
    assert refused.value.message == "第2项“委托书SHA-256”：受委托组织应附委托书"
    with pytest.raises(Refusal, match="委托机关应为测试管理局或其下级机关"):
        publish(
            reviewer,
            world.bureau,
            ListKind.BODIES,
            [{**entrusted, "principal": "外地林业局", "letter_sha256": letter.sha256}],
        )
    version = publish(
        reviewer, world.bureau, ListKind.BODIES, [body("测试管理局"), {**entrusted, "letter_sha256": letter.sha256}]
    )
    rows = list(EnforcementBody.objects.filter(version=version))
    assert rows[0].agency == world.bureau  # a body that is an agency in the system is linked to it
    assert rows[1].agency is None
    assert rows[1].principal == world.bureau
    entry = Entry.objects.get(action="powers.publish")
    assert entry.files == [letter.sha256]
    facts = json.loads(entry.facts.facts)
    assert facts["letters"] == [letter.sha256]
    assert facts["items"][1]["letter_sha256"] == letter.sha256
    assert facts["changes"]["added"] == ["测试管理局", "测试林业服务中心"]
    # The system administrator may publish the next version citing the same letter (a published document).
    publish(
        world.admin,
        world.bureau,
        ListKind.BODIES,
        [{**entrusted, "letter_sha256": letter.sha256}],
        effective_from=date(2026, 5, 1),
    )
    assert verify_ledger().ok


def test_the_version_and_its_ledger_entry_are_one_transaction(world, reviewer, evidence):
    # Another agency's upload, not yet recorded, cited by hash: the ledger refuses it when it writes the entry,
    # after the version's rows were written — and none of them stays.
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 another agency's file", content_type="application/pdf")
    foreign = uploads.evidence_receive(actor=world.outsider, upload=upload, expected_sha256="")
    entrusted = body(
        "测试林业服务中心",
        kind="entrusted",
        principal="测试管理局",
        scope="林木采伐检查",
        entrusted_from="2026-01-01",
        entrusted_until="2026-12-31",
        letter_sha256=foreign.sha256,
    )
    with pytest.raises(Refusal, match="管辖范围以外"):
        publish(reviewer, world.bureau, ListKind.BODIES, [entrusted])
    assert not ListVersion.objects.exists()
    assert not EnforcementBody.objects.exists()
    assert not Entry.objects.filter(action="powers.publish").exists()
    publish(reviewer, world.bureau, ListKind.POWERS, POWERS)
    entry = Entry.objects.get(action="powers.publish")
    version = ListVersion.objects.get()
    assert entry.subject == f"powers.listversion:{version.pk}"
    assert entry.actor_id == reviewer.pk


def test_verify_finds_an_item_changed_behind_the_service(world, reviewer):
    version = publish(reviewer, world.bureau, ListKind.POWERS, POWERS)
    assert verify_ledger().ok
    Power.objects.filter(version=version, code="TEST-CF-001").update(accountability="不追责")
    assert not verify_ledger().ok
