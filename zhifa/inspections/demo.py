"""Demo inspections (演示数据): the reserve bureau's Hohhot branch keeps a directory of 30 businesses (imported
from a CSV, one ledger entry), a published yearly plan on its bureau's inspection-item list, a recorded relation,
two for-cause inspections of one A-grade business — the second over its cap of one a year, flagged — five
on-site visits today by the `officer` login and a colleague in every state of the visit (code issued, checked in,
recorded with an inquiry and its result not yet told, told and published, a case lead opened and objected to), a
special plan's two off-site reviews of one business (the repeated-inspection warning; the second's result not told
in time), and one double-random draw of the plan, its seed a later ledger checkpoint, done end to end (its page:
/public/inspections/draws/<id>/), one drawn inspection cancelled by the head."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils import timezone

from zhifa.core.models import Agency, User
from zhifa.core.validators import credit_code_check_char
from zhifa.documents.choices import DocumentKind
from zhifa.inspections import documents, importer, services, visit
from zhifa.inspections.choices import (
    ActKind,
    Cause,
    ObjectionKind,
    Outcome,
    PlanKind,
    RelationKind,
    ReviewMethod,
    SeedKind,
    Source,
    ToldHow,
)
from zhifa.inspections.models import Inspection, InspectionTarget
from zhifa.inspections.selectors import inspector_pool
from zhifa.ledger.services import checkpoint_issue
from zhifa.personnel.models import Officer
from zhifa.supervision.warning_rules import RULES
from zhifa.supervision.warnings import warnings_run

DEMO = "演示数据"
PLACES = ("新城", "赛罕", "回民", "玉泉", "土左", "金川", "如意", "哈拉沁", "乌素图", "毕克齐")
TRADES = (
    ("木材加工厂", "forestry"),
    ("木业有限公司", "forestry"),
    ("林木种苗专业合作社", "forestry"),
    ("花卉苗木有限公司", "forestry"),
    ("生态旅游开发有限公司", "nature_reserve"),
)
GRADES = "ABBBCCD"  # most businesses in the middle, as a directory usually is


def _rows() -> list[list[str]]:
    rows = []
    for n in range(30):
        trade, domain = TRADES[n % len(TRADES)]
        first17 = f"91150105{20260000 + n * 37:09d}"
        risk, credit = GRADES[n % len(GRADES)], GRADES[(n * 3 + 1) % len(GRADES)]
        place = PLACES[n % len(PLACES)]
        rows.append(
            [
                f"呼和浩特市{place}{trade}（{DEMO}{n + 1:02d}）",
                first17 + credit_code_check_char(first17),
                f"内蒙古自治区呼和浩特市{place}路{n + 1}号",
                domain,
                risk,
                credit,
            ]
        )
    return rows


def load_inspections(today: date) -> None:
    officer = User.objects.select_related("agency").get(username="officer")
    head = User.objects.get(username="approver")
    branch = officer.agency
    assert branch is not None
    text = "名称,统一社会信用代码,地址,执法领域,风险等级,信用等级\n"
    text += "".join(",".join(row) + "\n" for row in _rows())
    data = text.encode()
    importer.targets_import(
        actor=officer, agency=branch, name=f"检查对象名录库（{DEMO}）.csv", upload=io.BytesIO(data), size=len(data)
    )

    # The yearly plan: approved by the head before it starts (海南条例 第十五条), then published.
    starts = today + timedelta(days=1)
    code = "DQS"
    plan = services.plan_create(
        actor=officer,
        agency=branch,
        kind=PlanKind.ROUTINE,
        title=f"{branch.name}{starts.year}年度涉企行政检查计划（{DEMO}）",
        year=starts.year,
        domains=["forestry"],
        risk_grades=["A", "B", "C", "D"],
        item_codes=[f"{code}-JCX-001", f"{code}-JCX-002"],
        frequency="同一企业每年不超过1次",
        ratios={"A": 3, "B": 5, "C": 10, "D": 20},
        starts_on=starts,
        ends_on=date(starts.year, 12, 31),
    )
    services.plan_approve(actor=head, plan=plan)
    plan = services.plan_publish(actor=officer, plan=plan)
    # The double-random draw (双随机): frozen and published now, its seed the first ledger checkpoint signed at
    # least one entry after the freeze; drawn below once the day's work has grown the ledger and it is signed.
    draw = services.draw_freeze(
        actor=officer,
        plans=[plan],
        announcement=services.draw_announcement(kind=SeedKind.CHECKPOINT, entries_ahead=1),
    )

    # Two for-cause inspections of one A-grade timber business: its cap is once a year (A类), so the second,
    # outside the cap, passes but is flagged for the supervisor.
    target = (
        InspectionTarget.objects.filter(agency=branch, domain="forestry", credit_grade="A", name__contains="木")
        .order_by("pk")
        .first()
    )
    assert target is not None
    pool = [member.officer for member in inspector_pool(branch, today) if "forestry" in member.domains]
    officers = pool[:2]
    if len(pool) > 2:
        services.relation_record(
            actor=officer,
            officer=pool[2],
            target=target,
            kind=RelationKind.KINSHIP,
            reason=f"其配偶为该企业股东（{DEMO}）",
        )
    for cause, reason, day in (
        (Cause.COMPLAINT, "群众举报该厂收购来源不明的木材", today - timedelta(days=20)),
        (Cause.MONITORING, "木材运输数据监测显示该厂入库量与采伐许可量明显不符", today),
    ):
        services.inspection_create(
            actor=officer,
            agency=branch,
            target=target,
            source=Source.FOR_CAUSE,
            cause=cause,
            reason=f"{reason}（{DEMO}）",
            item_codes=[f"{code}-JCX-002"],
            officers=officers,
            planned_on=max(day, date(today.year, 1, 1)),
        )

    # The visit (扫码入企): two complaints about other businesses, visited today by the `officer` login and a
    # colleague; both codes issued, the second scanned by the business at the door.
    mine = Officer.objects.filter(user=officer).first()
    team = ([mine] if mine in pool else []) + [someone for someone in pool if someone != mine]
    team = team[:2]
    visited = (
        InspectionTarget.objects.filter(agency=branch, domain="forestry")
        .exclude(pk=target.pk)
        .exclude(credit_grade="A")
        .order_by("pk")[:5]
    )
    for n, business in enumerate(visited):
        inspection = services.inspection_create(
            actor=officer,
            agency=branch,
            target=business,
            source=Source.FOR_CAUSE,
            cause=Cause.COMPLAINT,
            reason=f"群众投诉该企业违规堆放木材加工废料（{DEMO}）",
            item_codes=[f"{code}-JCX-001"],
            officers=team,
            planned_on=today,
        )
        inspection = services.inspection_issue_code(actor=officer, inspection=inspection)
        if n >= 1:
            scan = services.inspection_record_scan(token=inspection.code_token, network="192.0.2.0/24", agent="微信")
            inspection = scan.inspection
        if n >= 2:
            _visit_to(officer, head, inspection, step=n)
    _special(officer, head, branch, code, team, today)

    # The checkpoint the draw named: signed now (the ledger grew past its size); its root is the seed.
    checkpoint = checkpoint_issue()
    draw = services.draw_seed(actor=officer, draw=draw, value=bytes(checkpoint.root).hex())
    draw = services.draw_run(actor=officer, draw=draw)
    # One drawn business has been deregistered since: its inspection cancelled by the head, with the reason.
    drawn = draw.inspections.order_by("pk").first()
    if drawn is not None:
        visit.inspection_cancel(actor=head, inspection=drawn, reason=f"该企业已注销登记（{DEMO}）")
    # The supervisor's warnings over inspections, as of the demo's day (the repeated special inspections above).
    warnings_run(today, codes=sorted(code for code in RULES if code.startswith("inspection.")))


def _visit_to(officer: User, head: User, inspection: Inspection, *, step: int) -> None:
    """Today's visits carried on: 2 — recorded with an inquiry, the result (ordered to correct) not yet told;
    3 — no problem, told on the spot and published; 4 — a case lead opened, told, and the business objects."""
    scanned = inspection.code_scanned_at
    assert scanned is not None
    visit.inspection_record_visit(
        actor=officer,
        inspection=inspection,
        started_at=scanned - timedelta(minutes=1),  # the business confirmed a moment after the officers arrived
        ended_at=timezone.now(),
        present=f"企业负责人（{DEMO}）",
        findings="木材加工废料堆放于厂区东侧空地，未设防火隔离带" if step != 3 else "厂区整洁，废料按规定处置",
        statement="废料将于本周内清运" if step == 2 else "",
    )
    if step == 2:
        visit.inspection_record_act(
            actor=officer,
            inspection=inspection,
            kind=ActKind.INQUIRY,
            person="企业负责人",
            text="问：废料堆放多久了？答：约两个月。",
        )
    outcomes = {2: Outcome.CORRECTED, 3: Outcome.NO_PROBLEM, 4: Outcome.CASE_OPENED}
    result = visit.inspection_record_result(
        actor=officer,
        inspection=inspection,
        outcome=outcomes[step],
        findings="" if step == 3 else "木材加工废料堆放未设防火隔离带，责令三日内清运",
        case_title=f"涉嫌违规处置木材加工废料案（{DEMO}）" if step == 4 else "",
    )
    if step == 2:
        return
    how = ToldHow.ON_THE_SPOT
    if step == 4:  # told by serving the numbered result notice (行政检查结果告知书), as a case lead was opened
        documents.issue(actor=officer, inspection=result, kind=DocumentKind.INSPECTION_RESULT)
        how = ToldHow.SERVED
    result = visit.inspection_tell(actor=officer, inspection=result, how=how)
    if step == 3:
        visit.inspection_publish(actor=officer, inspection=result)
    if step == 4:
        visit.objection_file(
            token=result.code_token,
            kind=ObjectionKind.OBJECTION,
            text=f"废料系临时堆放，已于当日清运，不应登记案源（{DEMO}）",
            network="192.0.2.0/24",
        )


def _special(officer: User, head: User, branch: Agency, code: str, team: list[Officer], today: date) -> None:
    """A special rectification (专项): approved late in an emergency, two off-site reviews of one business within
    the 60 days — the repeated-inspection warning —, the first's result still to make, the second's made ten days
    ago and never told (late)."""
    starts = max(today - timedelta(days=40), date(today.year, 1, 1))
    plan = services.plan_create(
        actor=officer,
        agency=branch,
        kind=PlanKind.SPECIAL,
        title=f"木材加工企业防火安全专项检查（{DEMO}）",
        year=today.year,
        domains=["forestry"],
        risk_grades=[],
        item_codes=[f"{code}-JCX-001"],
        frequency="专项期间1次",
        ratios={},
        starts_on=starts,
        ends_on=date(today.year, 12, 31),
        approval_document=f"大青山市人民政府办公室关于开展木材加工企业防火安全专项检查的通知（{DEMO}）",
        approval_body="大青山市人民政府",
        approval_date=starts,
    )
    services.plan_approve(actor=head, plan=plan, late_reason=f"森林防火紧急情况，事后补批（{DEMO}）")
    plan = services.plan_publish(actor=officer, plan=plan)
    business = (
        InspectionTarget.objects.filter(agency=branch, domain="forestry", credit_grade__in=["C", "D"])
        .order_by("-pk")
        .first()
    )
    assert business is not None
    for day, late in ((starts, False), (max(starts, today - timedelta(days=12)), True)):
        inspection = services.inspection_create(
            actor=officer,
            agency=branch,
            target=business,
            source=Source.SPECIAL,
            reason=f"防火安全专项检查（{DEMO}）",
            plan=plan,
            item_codes=[f"{code}-JCX-001"],
            officers=team,
            planned_on=day,
            off_site=True,
        )
        inspection = visit.inspection_review_off_site(
            actor=officer,
            inspection=inspection,
            method=ReviewMethod.SMART,
            note="调取厂区视频监控和消防设施在线监测数据核查",
        )
        if late:  # the first's result is still to be made (off-site reviewed); the second's was made 10 days ago
            visit.inspection_record_result(
                actor=officer,
                inspection=inspection,
                outcome=Outcome.CORRECTED,
                findings="灭火器压力不足，责令更换",
                on_date=max(day, today - timedelta(days=10)),
            )
