"""The demo's reports: in the reserve bureau's tree, the first branch submitted its last quarterly report on time and
the supervisor accepted it, and drafts the next one; the second branch has not submitted its report (late, warned);
the bureau's annual report of the year before is accepted and public when that one is tracked (2026 onwards)."""

from __future__ import annotations

from datetime import date, timedelta

from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.core.services import user_create
from zhifa.supervision import reports
from zhifa.supervision.models.reports import ReportKind

QUARTERLY_TEXT = {
    "work": "本季度开展林区日常巡护和专项执法检查，办理滥伐林木、非法占用林地等案件。",
    "results": "案件均按期立案、办结，行政处罚决定按期公示。",
    "problems": "部分执法人员证件年审临近，基层执法力量不足。",
    "violations": "本季度未发现执法人员新增违法违规行为。",
    "plan": "组织证件年审和执法培训，开展案卷自查。",
}


def load_reports(today: date) -> None:
    # The first tree of the demo (zhifa/demo.py AGENCIES[0]): the reserve bureau and its branches.
    root = Agency.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return
    branches = list(root.children.order_by("path")[:2])
    if len(branches) < 2:
        return
    # The branch's approver (案件审批人) may already be there: the notices' demo answers its instruments with him.
    head = User.objects.filter(username="approver-branch").first() or user_create(
        actor=None,
        username="approver-branch",
        full_name="分局负责人（编制和报送季度报告）",
        agency=branches[0],
        roles=[Role.APPROVER],
        password=_demo_password(),
        must_change_password=False,
    )
    supervisor = User.objects.filter(username="supervisor").first()
    last = reports.latest_due(ReportKind.QUARTERLY, today)
    if last is not None and supervisor is not None:
        year, quarter = last
        due = reports.due_of(ReportKind.QUARTERLY, year, quarter)
        start, _end = reports.period_of(ReportKind.QUARTERLY, year, quarter)
        made_on = max(start, due - timedelta(days=10))
        report = reports.report_create(
            actor=head, agency=branches[0], kind=ReportKind.QUARTERLY, year=year, quarter=quarter, today=made_on
        )
        reports.report_write(actor=head, report=report, narrative=QUARTERLY_TEXT)
        reports.report_submit(actor=head, report=report, today=due - timedelta(days=3))
        reports.report_accept(actor=supervisor, report=report, today=due - timedelta(days=1))
    # The next report, in draft: its figures filled, its text begun.
    year, quarter = reports.next_due(ReportKind.QUARTERLY, today)
    if reports.period_of(ReportKind.QUARTERLY, year, quarter)[0] <= today:
        draft = reports.report_create(
            actor=head, agency=branches[0], kind=ReportKind.QUARTERLY, year=year, quarter=quarter, today=today
        )
        reports.report_write(actor=head, report=draft, narrative={"work": QUARTERLY_TEXT["work"]})


def _demo_password() -> str:
    from zhifa.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
