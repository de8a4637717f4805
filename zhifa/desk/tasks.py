"""What waits for whom: one row per kind of task, each an act of the workflow table (cases/workflow.py) and the
condition, written as a query on Case, under which that act waits for its taker.

The conditions mirror the guards that need no input (cases/guards.py) as far as a query can say them — the
state, the running periods, the records taken — so that a whole queue is counted in one query instead of running
the guards case by case. Where a guard reads more than that (the catalog of major decisions, a party's waiver),
the form the item links to still runs every guard and says why it is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import CaseDeadline, CaseRecord
from zhifa.cases.workflow import ACTIONS, SEIZURE_STATES, State
from zhifa.core.choices import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A running period this many days away or fewer is "near due" on the desk and in the case list's filter.
NEAR_DAYS = 7


def running(*periods: str, due_from: date | None = None, due_to: date | None = None) -> Exists:
    """The case has a running period of `periods` (its last day within the bounds given)."""
    found = CaseDeadline.objects.filter(case=OuterRef("pk"), stopped_on__isnull=True, period__in=periods)
    if due_from is not None:
        found = found.filter(due_on__gte=due_from)
    if due_to is not None:
        found = found.filter(due_on__lte=due_to)
    return Exists(found)


def ever(*periods: str) -> Exists:
    """The case has had a period of `periods` (running or stopped)."""
    return Exists(CaseDeadline.objects.filter(case=OuterRef("pk"), period__in=periods))


def recorded(*actions: str, **lookups: object) -> Exists:
    return Exists(CaseRecord.objects.filter(case=OuterRef("pk"), action__in=actions, **lookups))


def after_last(actions: tuple[str, ...], than: tuple[str, ...]) -> Exists:
    """A record of `actions` taken after the last record of `than` (none when `than` was never recorded)."""
    last = (
        CaseRecord.objects.filter(case=OuterRef(OuterRef("pk")), action__in=than)
        .order_by("-entry_index")
        .values("entry_index")[:1]
    )
    return Exists(CaseRecord.objects.filter(case=OuterRef("pk"), action__in=actions, entry_index__gt=Subquery(last)))


def _hearing_held() -> Exists:
    return recorded("hold_hearing", data__outcome="held")


def _hearing_reported() -> Exists:
    return after_last(("report_hearing",), ("hold_hearing",))


def _reviewed_after_hearing() -> Exists:
    # guards.reviewed_after_hearing: the review after the hearing, or a review passed on a proposal made after it.
    return after_last(("review_after_hearing", "pass_review"), ("hold_hearing",))


def _recusal_pending() -> Q:
    # guards.pending_recusal: a request, and no decision since the last one.
    return Q(recorded("request_recusal")) & ~Q(after_last(("decide_recusal",), ("request_recusal",)))


@dataclass(frozen=True)
class TaskKind:
    """One kind of work waiting: the act that does it (the form the item links to) and when it waits."""

    key: str
    action: str  # workflow.ACTIONS name: the item links to cases/<pk>/actions/<action>/
    label: StrOrPromise
    role: str
    condition: Callable[[date], Q]

    @property
    def action_label(self) -> StrOrPromise:
        return ACTIONS[self.action].label


def _states(*states: State) -> Q:
    return Q(state__in=[state.value for state in states])


def _decide(today: date) -> Q:
    # guards.statement_period_over (without the party's waivers, which the form reads), hearing_report_read,
    # reviewed_after_hearing: the periods of the notice have passed, and a hearing held is reported and reviewed.
    ready = (Q(state=State.NOTIFIED) & ~Q(running("statement", "hearing_request", due_from=today))) | Q(
        state=State.HEARD
    )
    return ready & (~Q(_hearing_held()) | (Q(_hearing_reported()) & Q(_reviewed_after_hearing())))


def _near(today: date) -> date:
    return today + timedelta(days=NEAR_DAYS)


_APPROVER = Role.APPROVER.value
_OFFICER = Role.OFFICER.value
_REVIEWER = Role.LEGAL_REVIEWER.value

# In the order a desk lists kinds of the same urgency. Labels say what waits, as the taker would say it.
KINDS: tuple[TaskKind, ...] = (
    # 案件审批人 (the agency heads)
    TaskKind("file", "file", _("立案审批"), _APPROVER, lambda today: Q(state=State.LEAD)),
    TaskKind("assign", "assign", _("指派承办人员"), _APPROVER, lambda today: Q(state=State.FILED)),
    TaskKind("approve", "approve", _("拟处罚审批"), _APPROVER, lambda today: Q(state=State.APPROVING)),
    TaskKind(
        "record_collective",
        "record_collective",
        _("负责人集体讨论"),
        _APPROVER,
        lambda today: Q(state=State.COLLECTIVE) & ~Q(after_last(("record_collective",), ("refer_collective",))),
    ),
    TaskKind(
        "approve_collective",
        "approve",
        _("集体讨论后批准拟处罚"),
        _APPROVER,
        lambda today: Q(state=State.COLLECTIVE) & Q(after_last(("record_collective",), ("refer_collective",))),
    ),
    TaskKind(
        "approve_seizure",
        "approve_seizure",
        _("紧急查封、扣押补办批准"),
        _APPROVER,
        lambda today: _states(*SEIZURE_STATES) & Q(running("emergency_approval")),
    ),
    TaskKind(
        "extend_seizure",
        "extend_seizure",
        _("查封、扣押期限将届满：是否延长"),
        _APPROVER,
        lambda today: (
            _states(*SEIZURE_STATES)
            & Q(running("seizure", due_from=today, due_to=_near(today)))
            & ~Q(ever("seizure_extension"))
        ),
    ),
    TaskKind(
        "extend_review",
        "extend_review",
        _("法制审核期限将届满：是否延长"),
        _APPROVER,
        lambda today: Q(state=State.LEGAL_REVIEW) & Q(running("legal_review", due_from=today, due_to=_near(today))),
    ),
    # extension_provided (the agency's rules allow it) is added by the selector, per agency.
    TaskKind(
        "extend_decision",
        "extend_decision",
        _("办案期限将届满：是否延长"),
        _APPROVER,
        lambda today: (
            _states(*SEIZURE_STATES[:-1])
            & Q(running("decision", due_from=today, due_to=_near(today)))
            & ~Q(ever("decision_extension"))
        ),
    ),
    TaskKind("decide_recusal", "decide_recusal", _("回避申请待决定"), _APPROVER, lambda today: _recusal_pending()),
    TaskKind(
        "transfer",
        "transfer_to_judiciary",
        _("移送涉嫌犯罪案件待审批"),
        _APPROVER,
        lambda today: Q(running("transfer_approval")),
    ),
    TaskKind("decide", "decide", _("作出行政处罚决定"), _APPROVER, _decide),
    TaskKind(
        "close",
        "close",
        _("结案审批"),
        _APPROVER,
        lambda today: (
            _states(State.NO_PENALTY, State.TERMINATED, State.HANDED_OVER, State.CRIMINAL_ENDED)
            & ~Q(running("seizure", "seizure_extension"))
        ),
    ),
    # 法制审核人员
    TaskKind("pass_review", "pass_review", _("法制审核"), _REVIEWER, lambda today: Q(state=State.LEGAL_REVIEW)),
    TaskKind(
        "review_after_hearing",
        "review_after_hearing",
        _("听证后法制审核"),
        _REVIEWER,
        lambda today: _states(State.HEARD, State.NOTIFIED) & Q(_hearing_held()) & ~Q(_reviewed_after_hearing()),
    ),
    TaskKind(
        "file_major_penalty_review",
        "file_major_penalty",
        _("重大行政处罚决定备案"),
        _REVIEWER,
        lambda today: Q(running("major_filing")),
    ),
    # 执法人员 (on the case's team)
    TaskKind(
        "report",
        "report",
        _("调查取证，作出调查终结报告"),
        _OFFICER,
        lambda today: Q(state=State.INVESTIGATING) & ~_recusal_pending(),
    ),
    # Whether the case is major is the catalog's answer (guards.case_is_major); the report's box is the hint here.
    TaskKind(
        "submit_review", "submit_review", _("提交法制审核"), _OFFICER, lambda today: Q(state=State.REPORTED, major=True)
    ),
    TaskKind(
        "submit_approval",
        "submit_approval",
        _("提交负责人审批"),
        _OFFICER,
        lambda today: Q(state=State.REPORTED, major=False),
    ),
    TaskKind("notify", "notify", _("送达行政处罚告知书"), _OFFICER, lambda today: Q(state=State.APPROVED)),
    TaskKind(
        "notify_hearing",
        "notify_hearing",
        _("送达听证通知书"),
        _OFFICER,
        lambda today: Q(state=State.HEARING_REQUESTED),
    ),
    TaskKind("hold_hearing", "hold_hearing", _("举行听证"), _OFFICER, lambda today: Q(state=State.HEARING_SCHEDULED)),
    TaskKind(
        "report_hearing",
        "report_hearing",
        _("提交听证报告"),
        _OFFICER,
        lambda today: Q(state=State.HEARD) & Q(_hearing_held()) & ~Q(_hearing_reported()),
    ),
    TaskKind("serve", "serve", _("送达行政处罚决定书"), _OFFICER, lambda today: Q(state=State.DECIDED)),
    TaskKind(
        "decide_preserved",
        "decide_preserved",
        _("先行登记保存证据待处理"),
        _OFFICER,
        lambda today: Q(running("preservation_decision")),
    ),
    TaskKind(
        "hand_over_cash",
        "hand_over_cash",
        _("当场收缴罚款待上缴"),
        _OFFICER,
        lambda today: Q(running("cash_handover")),
    ),
    TaskKind(
        "report_summary",
        "report_summary",
        _("当场处罚决定报备案"),
        _OFFICER,
        lambda today: Q(state=State.SUMMARY_DECIDED) & Q(running("summary_report")),
    ),
    TaskKind(
        "file_major_penalty",
        "file_major_penalty",
        _("重大行政处罚决定备案"),
        _OFFICER,
        lambda today: Q(running("major_filing")),
    ),
    TaskKind("archive", "archive", _("归档"), _OFFICER, lambda today: Q(state=State.CLOSED)),
)

BY_KEY = {kind.key: kind for kind in KINDS}
