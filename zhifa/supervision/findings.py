"""Automatic findings of a case-file review (案卷评查, 行政执法监督条例 第十八条): named checks over the record.

Each check reads one closed case — its records (the acts, as the ledger recorded them), its documents, its
periods — and says what is wrong, in Chinese, with the figures. A check has a stable code, a name, the rule it
comes from, and the criterion of the scoring sheet its finding pre-fills (supervision/criteria.py); the reviewer
confirms or adjusts each deduction. The workflow's guards refuse most of these defects when the act is taken
through Zhifa; the checks still matter for files imported from earlier systems, for acts recorded on paper, and
because a review must show, not assume, that the file is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from zhifa.cases import major, rules
from zhifa.cases.models import Case
from zhifa.documents.choices import DocumentKind
from zhifa.recordings import selectors as recording_selectors
from zhifa.recordings.models import Recording


@dataclass(frozen=True)
class Check:
    code: str  # stable, e.g. "documents.service_proof"
    name: str
    source: str
    criterion: str  # the criterion (or veto item) of the sheet it pre-fills
    find: Callable[[Case, date], list[str]]


@dataclass(frozen=True)
class Found:
    """One finding on one file: the check and what it found."""

    code: str
    name: str
    source: str
    criterion: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "source": self.source,
            "criterion": self.criterion,
            "detail": self.detail,
        }


def _kinds(case: Case) -> set[str]:
    return set(case.documents.values_list("kind", flat=True))


def _ordinary(case: Case) -> bool:
    return case.procedure == "ordinary"


def _penalised(case: Case) -> bool:
    """A penalty decided in the ordinary procedure (the `decide` act): not a decision to give none (decide_no_penalty
    sets the decision date too, with no decision document to serve), nor one on the spot (its own document, handed
    over when made, 行政处罚法 第五十二条)."""
    return _ordinary(case) and case.decided_on is not None and case.records.filter(action="decide").exists()


def filing_approval(case: Case, on_date: date) -> list[str]:
    """An ordinary case was filed on the head's approval; the file holds the 立案审批表 (issuing.ISSUABLE)."""
    if _ordinary(case) and case.filed_on and DocumentKind.FILING_APPROVAL not in _kinds(case):
        return [f"{case.filed_on:%Y-%m-%d} 立案，卷内无立案审批表"]
    return []


def decision_document(case: Case, on_date: date) -> list[str]:
    """A penalty decided in the ordinary procedure has its numbered decision in the file."""
    if _penalised(case) and DocumentKind.PENALTY_DECISION not in _kinds(case):
        return [f"{case.decided_on:%Y-%m-%d} 作出处罚决定，卷内无行政处罚决定书"]
    return []


def service_proof(case: Case, on_date: date) -> list[str]:
    """The decision's service is proved: the serve act carries the signed receipt (or the post's, the electronic
    record, the notice), or a 送达回证 came back signed."""
    if not _penalised(case):
        return []
    serves = list(case.records.filter(action="serve"))
    if any(record.files for record in serves):
        return []
    if case.documents.filter(kind=DocumentKind.SERVICE_PROOF).exclude(signed_files=[]).exists():
        return []
    if not serves:
        return ["已作出处罚决定，卷内无送达记录和送达回证"]
    return [f"{serves[-1].on_date:%Y-%m-%d} 送达处罚决定书，卷内无送达回证或送达凭证"]


# The periods the agency itself must keep (cases.rules.PERIODS); the party's own periods (payment, remedies) and
# the decision's service (its own check below) are not the agency's deadlines missed.
AGENCY_PERIODS = frozenset(
    {
        "filing",
        "decision",
        "decision_extension",
        "decision_further_extension",
        "preservation_decision",
        "legal_review",
        "legal_review_extension",
        "hearing_notice",
        "major_filing",
        "summary_report",
        "cash_handover",
        "seizure",
        "seizure_extension",
        "emergency_approval",
        "transfer_approval",
    }
)


def deadlines(case: Case, on_date: date) -> list[str]:
    """A period of the agency's stopped after its last day, or still running past it."""
    found = []
    for deadline in case.deadlines.filter(period__in=AGENCY_PERIODS).order_by("due_on", "pk"):
        label = rules.PERIODS[deadline.period].label
        if deadline.stopped_on is not None and deadline.stopped_on > deadline.due_on:
            days = (deadline.stopped_on - deadline.due_on).days
            found.append(f"{label}：{deadline.due_on:%Y-%m-%d} 届满，{deadline.stopped_on:%Y-%m-%d} 办结，逾期{days}日")
        elif deadline.stopped_on is None and deadline.due_on < on_date:
            found.append(f"{label}：{deadline.due_on:%Y-%m-%d} 届满，至今未办结")
    return found


def legal_review(case: Case, on_date: date) -> list[str]:
    """A decision the catalog in force made major (or the case marked major) passed the legal review first."""
    if not _penalised(case) or case.decided_on is None:
        return []
    clauses = major.clauses(case, case.decided_on)
    if not (clauses or case.major):
        return []
    if case.records.filter(action__in=("pass_review", "review_after_hearing")).exists():
        return []
    why = major.describe(clauses) if clauses else "案件标记为重大执法决定"
    return [f"属于重大执法决定（{why}），卷内无通过的法制审核意见"]


def recordings(case: Case, on_date: date) -> list[str]:
    """Every act the recording list named was recorded as it asked — in full with its audio or video, or as
    required with one, one to come, or the reason there is none — and every recording reached the platform within
    the list's limit: the case page's reading (recordings/selectors.required_acts), the guard's check at the act."""
    found = []
    for item in recording_selectors.required_acts(case, on_date):
        day = f"{item.act.on_date:%Y-%m-%d} {item.label}"
        if item.status == "missing":
            found.append(f"{day}，无{'全程音像记录' if item.needs == 'full' else '音像记录或未记录的理由'}")
        elif item.status == "overdue":
            found.append(f"{day}的音像记录称稍后上传（应于 {item.due_on:%Y-%m-%d} 前），至今未上传")
    for late in Recording.objects.filter(case=case, late=True, part=0):
        found.append(
            f"第{late.label}号音像记录（{late.act_on:%Y-%m-%d}）应于 {late.due_on:%Y-%m-%d} 前存储，"
            f"{timezone.localtime(late.received_at):%Y-%m-%d} 才存储"
        )
    return found


def discretion(case: Case, on_date: date) -> list[str]:
    """A penalty decided in the ordinary procedure states the reasons for the discretion used (裁量说理); an
    on-the-spot decision (a warning or a small fine at the law's fixed limits) is not asked for them."""
    if _penalised(case) and (case.penalty_kinds or case.fine) and not case.discretion_reasons.strip():
        return ["处罚决定未载明裁量理由"]
    return []


def service_late(case: Case, on_date: date) -> list[str]:
    """A decision not handed over when announced is served within seven working days (行政处罚法 第六十一条):
    the serve act's date (the day of the act, not the day a publication counts as served) against the period."""
    if not _penalised(case) or case.decided_on is None:
        return []
    serve = case.records.filter(action="serve").order_by("entry_index").first()
    if serve is None:
        return []
    due = rules.due("service", case.decided_on).date
    if serve.on_date > due:
        return [f"{case.decided_on:%Y-%m-%d} 作出决定，应于 {due:%Y-%m-%d} 前送达，{serve.on_date:%Y-%m-%d} 才送达"]
    return []


CHECKS: tuple[Check, ...] = (
    Check(
        "documents.filing_approval",
        "立案审批表缺失",
        "行政处罚法 第五十四条；国办发〔2018〕118号 全过程记录",
        "documents",
        filing_approval,
    ),
    Check("documents.decision", "处罚决定书缺失", "行政处罚法 第五十九条", "documents", decision_document),
    Check("documents.service_proof", "送达回证缺失", "行政处罚法 第六十一条", "documents", service_proof),
    Check(
        "deadlines.missed",
        "办案期限超期",
        "行政处罚法 第六十条；cases.rules.PERIODS 所列各期限",
        "deadlines",
        deadlines,
    ),
    Check(
        "review.missing",
        "重大执法决定未经法制审核",
        "行政处罚法 第五十八条；国办发〔2018〕118号；本机关重大执法决定法制审核目录",
        "veto.procedure",
        legal_review,
    ),
    Check(
        "recording.seizure",  # the code kept from when it checked seizures only: reviews already stored cite it
        "未按音像记录事项清单记录或逾期存储",
        "国办发〔2018〕118号 全过程记录；行政处罚法 第四十七条；本机关音像记录事项清单",
        "evidence",
        recordings,
    ),
    Check(
        "discretion.reasons",
        "裁量理由缺失",
        "国办发〔2022〕27号；行政执法监督条例 第十八条（过罚相当）",
        "discretion",
        discretion,
    ),
    Check("service.late", "逾期送达处罚决定书", "行政处罚法 第六十一条", "service", service_late),
)


def find(case: Case, on_date: date) -> list[Found]:
    """Every finding on `case` as of `on_date`, in the order of CHECKS."""
    return [
        Found(check.code, check.name, check.source, check.criterion, detail)
        for check in CHECKS
        for detail in check.find(case, on_date)
    ]
