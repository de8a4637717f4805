"""Demo of the modes of supervision: a case under 挂牌督办 (from a 12345 lead) with its file called up, a 约谈, an
evaluation published on the portal, and an interference record. Made through the services; loaded once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from zhifa.cases.models import Case
from zhifa.core.models import User
from zhifa.supervision import interference, modes
from zhifa.supervision.models.modes import ActKind, Evaluation, SupervisionMode

if TYPE_CHECKING:
    from datetime import date

CONCLUSIONS = ((Decimal("93.5"), "优秀"), (Decimal("86"), "良好"), (Decimal("74.5"), "合格，案卷文书须规范"))


def load_modes(today: date) -> None:
    if Evaluation.objects.exists():
        return
    supervisor = User.objects.select_related("agency").get(username="supervisor")
    top = supervisor.agency
    assert top is not None
    below = Case.objects.filter(agency__path__startswith=top.path).exclude(agency=top).select_related("agency")
    case = below.filter(closed_on__isnull=True).order_by("pk").first() or below.order_by("pk").first()
    if case is not None:
        matter = modes.focus_list(
            actor=supervisor,
            case=case,
            reason="12345 热线多次反映，群众关注度高；请按期依法办结并报告办理结果。",
            deadline=today + timedelta(days=30),
            lead_source="hotline_12345",
            lead_reference=f"12345-{today:%Y%m%d}-0117",
        )
        modes.act_record(
            actor=supervisor,
            kind=ActKind.CALL_UP,
            mode=SupervisionMode.FOCUS,
            matter=matter,
            agency=case.agency,
            case=case,
            done_on=today,
            participants=supervisor.full_name or supervisor.username,
            summary="调阅案卷，核查立案和调查取证情况",
        )
        modes.act_record(
            actor=supervisor,
            kind=ActKind.INTERVIEW,
            mode=SupervisionMode.FOCUS,
            matter=matter,
            agency=case.agency,
            done_on=today,
            participants="执法监督科 2 人",
            counterpart=f"{case.agency.name}负责人",
            summary="约谈负责人，督促按期办结挂牌督办案件",
        )
        recorder = User.objects.filter(username="officer").first()
        if recorder is not None and interference.may_record(recorder, case):
            moment = datetime.combine(today - timedelta(days=2), time(16, 20), tzinfo=timezone.get_default_timezone())
            interference.interference_record(
                actor=recorder,
                case=case,
                person_name="某某",
                person_post="某乡镇党委副书记",
                occurred_at=moment,
                manner="phone",
                request="打电话询问案件进展，要求“考虑当地实际，尽量不要罚款”。",
            )
    branches = list(top.children.order_by("path"))
    if branches:
        modes.evaluation_publish(
            actor=supervisor,
            title=f"{today.year}年度行政执法质效评议",
            period=f"{today.year}年度",
            standards=(
                "一、案卷质量（40 分）：按案卷评查标准抽查评分折算。\n"
                "二、制度落实（30 分）：行政执法公示、全过程记录、重大执法决定法制审核。\n"
                "三、群众评价（30 分）：问卷调查和 12345 热线满意度。\n"
                "90 分以上为优秀，80 分以上为良好，70 分以上为合格。"
            ),
            process="抽查案卷、问卷调查、实地走访、座谈听取意见，评议结果经集体研究确定。",
            results=[modes.ResultLine(branch, *CONCLUSIONS[i % len(CONCLUSIONS)]) for i, branch in enumerate(branches)],
        )
