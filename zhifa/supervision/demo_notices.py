"""Demo: an instrument of supervision in each state, challenges with outcomes, and what the warnings find.

The supervisor (login "supervisor", at the reserve bureau) addresses the bureau's first branch, whose head logs in
as "approver-branch" (made here: the demo's "approver" sits at the bureau). The services run on `today`; the
notices meant to be overdue are then dated back (their ledger entries keep the day the demo was loaded).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.supervision import challenges, notices
from zhifa.supervision.models.challenges import Litigation, Reconsideration
from zhifa.supervision.models.notices import Measure, NoticeKind, SupervisionNotice

BRANCH_LOGIN = "approver-branch"


def _branch_login(branch: object) -> User:
    from zhifa.demo import _login

    user = User.objects.filter(username=BRANCH_LOGIN).first()
    if user is None:
        head = getattr(branch, "head", None)
        user = _login(BRANCH_LOGIN, head.name if head else "保护站负责人", branch, Role.APPROVER)  # type: ignore[arg-type]
        if head is not None and head.user_id is None:
            head.user = user
            head.save(update_fields=["user"])
    return user


def _back(notice: SupervisionNotice, today: date, days: int, *, due_in: int) -> None:
    """Date a notice issued `days` ago with its report due `due_in` days from today (negative: overdue)."""
    SupervisionNotice.objects.filter(pk=notice.pk).update(
        issued_on=today - timedelta(days=days),
        due_on=today + timedelta(days=due_in),
        objection_due_on=today - timedelta(days=days - 10),
    )
    notice.refresh_from_db()


@transaction.atomic
def load_notices(today: date) -> None:
    if SupervisionNotice.objects.exists():
        return
    supervisor = User.objects.get(username="supervisor")
    officer = User.objects.get(username="officer")
    branch = officer.agency
    assert branch is not None
    agency_side = _branch_login(branch)
    decided = list(Case.objects.filter(agency=branch, decided_on__isnull=False).order_by("pk")[:6])
    case = decided[0] if decided else None

    def make(kind: str, facts: str, request: str, case: Case | None = None) -> SupervisionNotice:
        return notices.notice_create(
            actor=supervisor, kind=kind, agency=branch, case=case, facts=facts, request=request, on_date=today
        )

    # 草拟: an opinion not yet sent.
    make(NoticeKind.OPINION, "该案罚款未说明适用裁量档次的理由。", "补充裁量说理。", case=case)
    # 已提请政府决定 and 政府已批准: two 决定书 on their way.
    proposed = make(NoticeKind.DECISION, "保护站连续两个季度未报送执法统计。", "限期补报并整改统计制度。")
    notices.notice_propose(actor=supervisor, notice=proposed, government="大青山市人民政府")
    approved = make(NoticeKind.DECISION, "保护站执法人员多次无证执法。", "停止无证人员执法，整改证件管理。")
    notices.notice_propose(actor=supervisor, notice=approved, government="大青山市人民政府")
    notices.notice_approve(actor=supervisor, notice=approved, approval_number="大政函〔2026〕18号", approved_on=today)
    # 已发出，待整改: an urging letter due in three weeks.
    issued = make(NoticeKind.URGING, "群众举报的采石场毁林线索受理后60日未立案。", "依法核查并决定是否立案。")
    notices.notice_issue(actor=supervisor, notice=issued, due_on=today + timedelta(days=21))
    # 机关提出异议.
    objected = make(NoticeKind.OPINION, "暂扣物品超过法定期限未作处理。", "依法作出处理决定。")
    notices.notice_issue(actor=supervisor, notice=objected, due_on=today + timedelta(days=30))
    notices.notice_object(actor=agency_side, notice=objected, reasons="已于期限内作出延长决定，期限未超过。")
    # 已报送整改情况, waiting for the supervisor.
    reported = make(NoticeKind.OPINION, "现场检查笔录无当事人签名，亦未注明拒签情况。", "补正笔录并规范制作。")
    notices.notice_issue(actor=supervisor, notice=reported, due_on=today + timedelta(days=15))
    notices.notice_report(
        actor=agency_side, notice=reported, report="已组织全站执法人员学习笔录规范，补正2份笔录。", files=[]
    )
    # 整改退回.
    returned = make(NoticeKind.URGING, "执法决定未在20个工作日内公开。", "公开并建立公开台账。")
    notices.notice_issue(actor=supervisor, notice=returned, due_on=today + timedelta(days=10))
    notices.notice_report(actor=agency_side, notice=returned, report="已公开。", files=[])
    notices.notice_review(
        actor=supervisor,
        notice=returned,
        verdict="returned",
        remarks="未建立公开台账，请补充。",
        due_on=today + timedelta(days=20),
    )
    # 整改已认可, with its result published (通报).
    accepted = make(
        NoticeKind.OPINION,
        "对同类滥伐行为罚款数额差异过大。",
        "统一适用裁量基准。",
        case=decided[1] if len(decided) > 1 else None,
    )
    notices.notice_issue(actor=supervisor, notice=accepted, due_on=today + timedelta(days=30))
    notices.notice_report(actor=agency_side, notice=accepted, report="已按裁量基准重新审查并纠正1件。", files=[])
    notices.notice_review(actor=supervisor, notice=accepted, verdict="accepted", remarks="整改到位。")
    notices.bulletin_publish(
        actor=supervisor,
        notice=accepted,
        title="关于某保护站行政处罚裁量不统一问题整改情况的通报",
        text="经执法监督发现，某保护站对同类滥伐林木行为罚款数额差异过大。该站已按裁量基准重新审查并纠正1件案件，整改到位。",
    )
    # 异议成立，已撤回.
    withdrawn = make(NoticeKind.URGING, "巡护记录缺失。", "补充巡护记录。")
    notices.notice_issue(actor=supervisor, notice=withdrawn, due_on=today + timedelta(days=30))
    notices.notice_object(actor=agency_side, notice=withdrawn, reasons="巡护记录已在系统中，见附件。")
    notices.notice_answer(
        actor=supervisor, notice=withdrawn, outcome="withdrawn", answer="经核实异议成立，撤回本督办函。"
    )
    # Overdue: one urging letter past its date (the warning fires), one escalated to a 决定书 (art. 29).
    overdue = make(NoticeKind.URGING, "投诉举报逾期未答复3件。", "答复投诉举报人并报告。")
    notices.notice_issue(actor=supervisor, notice=overdue, due_on=today + timedelta(days=30))
    _back(overdue, today, 40, due_in=-10)
    ignored = make(NoticeKind.OPINION, "查封期限届满未解除查封。", "立即解除查封并报告。")
    notices.notice_issue(actor=supervisor, notice=ignored, due_on=today + timedelta(days=30))
    _back(ignored, today, 60, due_in=-30)
    notices.notice_escalate(
        actor=supervisor,
        notice=ignored,
        facts="意见书逾期30日未整改，查封仍未解除。",
        request="责令立即解除查封，对相关责任人员依法处理。",
        government="大青山市人民政府",
    )
    # 当场纠正, with a proposal on an officer and a lead moved to the 监察机关.
    spot = make(NoticeKind.ON_THE_SPOT, "暗访发现执法人员未出示执法证件即开展检查。", "当场责令出示证件并规范检查。")
    person = branch.officers.filter(kind="officer").order_by("pk").first()
    if person is not None:
        notices.proposal_make(
            actor=supervisor, notice=spot, officer=person, measure=Measure.CRITICISM, reasons="检查时未出示执法证件。"
        )
    notices.referral_record(
        actor=supervisor,
        notice=spot,
        organ="大青山市监察委员会",
        summary="反映有执法人员收受好处费的线索。",
        referred_on=today,
    )
    _challenges(today, supervisor, decided[2:])


def _challenges(today: date, actor: User, cases: list[Case]) -> None:
    """Reconsiderations and suits on the branch's decided cases: outcomes for the correction rate, a 行政复议意见书
    unanswered past 60 days and a head who did not appear in court (both warned)."""
    if len(cases) < 3:
        return
    first, second, third = cases[:3]
    upheld = challenges.reconsideration_record(actor=actor, case=first, body="大青山市人民政府", applied_on=today)
    challenges.reconsideration_decide(actor=actor, row=upheld, outcome="upheld", decided_on=today)
    changed = challenges.reconsideration_record(actor=actor, case=first, body="大青山市人民政府", applied_on=today)
    challenges.reconsideration_decide(actor=actor, row=changed, outcome="changed", decided_on=today)
    challenges.reconsideration_opinion(actor=actor, row=changed, received_on=today, text="告知程序不完整，应规范。")
    Reconsideration.objects.filter(pk=changed.pk).update(
        applied_on=today - timedelta(days=150),
        decided_on=today - timedelta(days=80),
        opinion_received_on=today - timedelta(days=75),
    )
    suit = challenges.litigation_record(
        actor=actor,
        case=second,
        court="大青山市青山区人民法院",
        filed_on=today,
        head_required=True,
        head_required_reason="法院通知负责人出庭",
    )
    challenges.litigation_hearing(actor=actor, row=suit, hearing_on=today, head_appeared=False)
    Litigation.objects.filter(pk=suit.pk).update(
        filed_on=today - timedelta(days=40), hearing_on=today - timedelta(days=3)
    )
    challenges.litigation_decide(actor=actor, row=suit, outcome="revoked", decided_on=today)
    challenges.litigation_record(actor=actor, case=third, court="大青山市青山区人民法院", filed_on=today)
