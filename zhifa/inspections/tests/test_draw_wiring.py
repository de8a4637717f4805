"""The draw wired into the app: the inputs' hash in the ledger before the seed, the seed checked against the
announced checkpoint, the run making inspections (two officers, none over the cap, none with a relation), the
recomputation by `zhifa inspections redraw` and by the standalone `python -m zhifa_draw`."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from zhifa.core.errors import Refusal
from zhifa.inspections import services
from zhifa.inspections.choices import DrawState, PlanKind, RelationKind, Source
from zhifa.inspections.models import Inspection, RandomInspection
from zhifa.inspections.selectors import cap_state
from zhifa.ledger.models import Entry
from zhifa.ledger.services import checkpoint_issue
from zhifa.testing.factories import TODAY, credit_code, give_certificate, make_officer

ROOT = Path(__file__).resolve().parents[3]


def _frozen(ground: Any) -> RandomInspection:
    world = ground.world
    plan = services.plan_create(
        actor=world.officer_user,
        agency=world.branch,
        kind=PlanKind.ROUTINE,
        title="2026年度木材经营加工企业双随机抽查计划",
        year=TODAY.year,
        domains=["forestry"],
        item_codes=["JCX-001", "JCX-002"],
        frequency="每年1次",
        starts_on=TODAY + timedelta(days=1),
        ends_on=date(TODAY.year, 12, 31),
        ratios={"A": 100, "B": 100},
    )
    services.plan_approve(actor=ground.head, plan=plan)
    plan = services.plan_publish(actor=world.officer_user, plan=plan)
    values = {"address": "某路2号", "domain": "forestry", "risk_grade": "A", "credit_grade": "A"}
    full = services.target_create(
        actor=world.officer_user, agency=world.branch, values={"name": "丙木业", "credit_code": credit_code(), **values}
    )
    # 丙木业 (credit A: once a year) is inspected already: the draw must leave it out.
    services.inspection_create(
        actor=world.officer_user,
        agency=world.branch,
        target=full,
        source=Source.ROUTINE,
        plan=plan,
        reason="年度抽查",
        item_codes=["JCX-001"],
        officers=[world.officer, world.colleague],
        planned_on=TODAY + timedelta(days=2),
    )
    third = make_officer(world.admin, world.branch, "戊执法")
    give_certificate(world.admin, third)
    services.relation_record(
        actor=world.officer_user, officer=third, target=ground.target, kind=RelationKind.KINSHIP, reason="其兄为股东"
    )
    announcement = services.draw_announcement(kind="checkpoint", entries_ahead=1)
    return services.draw_freeze(actor=world.officer_user, plans=[plan], announcement=announcement)


def test_freeze_seed_run_and_recompute(ground: Any, tmp_path: Path) -> None:
    world = ground.world
    draw = _frozen(ground)
    entry = Entry.objects.get(index=draw.inputs_entry)
    assert entry.action == "inspection.draw_frozen"
    assert entry.files == [draw.inputs_sha256]
    size = draw.announcement["tree_size"]
    assert draw.state == DrawState.FROZEN
    assert not draw.seed_value
    assert entry.index < size
    with pytest.raises(Refusal, match="尚未产生"):
        services.draw_seed(actor=world.officer_user, draw=draw, value="ab" * 32)

    services.target_create(
        actor=world.officer_user,
        agency=world.branch,
        values={"name": "丁苗圃", "credit_code": credit_code(), "address": "某路3号", "domain": "forestry"}
        | {"risk_grade": "C", "credit_grade": "C"},
    )
    checkpoint = checkpoint_issue()
    assert checkpoint.size >= size
    with pytest.raises(Refusal, match="根哈希"):
        services.draw_seed(actor=world.officer_user, draw=draw, value="ab" * 32)
    root = bytes(checkpoint.root).hex()
    draw = services.draw_seed(actor=world.officer_user, draw=draw, value=root)
    draw = services.draw_run(actor=world.officer_user, draw=draw)
    with pytest.raises(Refusal, match="只进行一次"):
        services.draw_run(actor=world.officer_user, draw=draw)

    made = list(Inspection.objects.filter(draw=draw).prefetch_related("officers").select_related("target"))
    drawn = {row["target"] for row in draw.result["targets"]}
    assert {f"T{i.target.pk}" for i in made} == drawn == {f"T{ground.target.pk}", f"T{ground.other.pk}"}
    for inspection in made:
        assert inspection.source == Source.ROUTINE
        assert inspection.plan == draw.plan
        names = {officer.name for officer in inspection.officers.all()}
        assert len(names) >= 2
        assert inspection.target != ground.target or "戊执法" not in names
        state = cap_state(inspection.target, world.branch, TODAY.year)
        assert state.count <= state.cap.max_per_year
    assert not draw.shortfalls

    out = StringIO()
    call_command("inspections", "redraw", str(draw.pk), stdout=out)
    assert "一致" in out.getvalue()
    assert "python -m zhifa_draw recompute" in out.getvalue()

    page = Client().get(f"/public/inspections/draws/{draw.pk}/")
    assert page.status_code == 200
    assert draw.result_sha256 in page.content.decode()
    published = tmp_path / "published.json"
    download = Client().get(f"/public/inspections/draws/{draw.pk}/inputs.json")
    published.write_bytes(download.getvalue())
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhifa_draw",
            "recompute",
            str(published),
            "--seed-value",
            root,
            "--expect-inputs-sha256",
            draw.inputs_sha256,
            "--expect-result-sha256",
            draw.result_sha256,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    RandomInspection.objects.filter(pk=draw.pk).update(result_sha256="0" * 64)
    with pytest.raises(SystemExit) as exited:  # a tampered stored result is detected
        call_command("inspections", "redraw", str(draw.pk), stdout=StringIO())
    assert exited.value.code == 1
    assert draw.announcement["log"] == settings.LEDGER_ORIGIN


def test_the_plan_page_offers_the_freeze_to_planners_only(ground: Any) -> None:
    world = ground.world
    draw = _frozen(ground)
    # As if drawn (a new draw may be frozen once the last one is done).
    done = {"seed_value": "x", "seeded_at": draw.frozen_at, "result_sha256": "0" * 64, "drawn_at": draw.frozen_at}
    RandomInspection.objects.filter(pk=draw.pk).update(state=DrawState.DRAWN, **done)
    officer, supervisor = Client(), Client()
    officer.force_login(world.officer_user)
    supervisor.force_login(world.supervisor)
    url = f"/inspections/plans/{draw.plan.pk}/"
    assert "冻结名录并公布" in officer.get(url).content.decode()
    assert "冻结名录并公布" not in supervisor.get(url).content.decode()
    answer = officer.post(
        url, {"do": "freeze", "seed_kind": "witnesses", "witnesses": "张三\n李四"} | {"inspectors_per_target": 2}
    )
    assert answer.status_code == 302
    frozen = RandomInspection.objects.exclude(pk=draw.pk).get()
    assert frozen.announcement == {"source": "witnesses", "witnesses": ["张三", "李四"]}
    page = officer.get(url).content.decode()
    assert "录入随机种子" in page
    assert "录入随机种子" not in supervisor.get(url).content.decode()
