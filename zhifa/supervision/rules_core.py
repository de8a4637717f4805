"""The core warning rules (快速预警, 行政执法监督条例 第三十七条) over the case record: inaction, acts without a valid
certificate, discretion, profit-driven enforcement, repeated inspections, 以罚代刑 and a major decision made without
its legal review. Each is a named rule with its source (supervision/warning_rules.py), read as of a day; the runner
(supervision/warnings.py) stores what they find.

Each rule reads a bounded window of the record (LOOKBACK_DAYS back from the day, unless the rule says otherwise): the
rules run every day, so a defect is found within a day of appearing and stays a warning until it is resolved or
dismissed; a defect older than the window, never found before, is the case-file review's to find (案卷评查).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from zhifa.cases import major
from zhifa.cases.models import Case, CaseDeadline, CaseRecord
from zhifa.cases.rules import PERIODS
from zhifa.cases.workflow import State
from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.laws import consistency
from zhifa.laws.numerals import amount_text
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import can_enforce
from zhifa.supervision.warning_rules import Finding, WarningRule, register

LOOKBACK_DAYS = 366


# 趋利性执法: the rise of an agency's fines or confiscations on the same period of the previous year that raises a
# warning. Data, not law: the figure of the ministry's 2025 campaign platform (RULES.md: "early-warning thresholds are
# data"); `minimum` leaves out a rise on a base too small to mean anything (0: every base counts).
@dataclass(frozen=True)
class ProfitThreshold:
    rise_percent: Decimal
    minimum: Decimal
    source: str


PROFIT_THRESHOLD = ProfitThreshold(
    rise_percent=Decimal(20),
    minimum=Decimal(0),
    source="司法部 规范涉企行政执法专项行动（2025年）执法监督平台预警指标：罚没收入同比上升20%",
)


# 重复检查: the same business inspected twice within `same_days`, or by two agencies within `agencies_days`. Data:
# Hainan's 互联网+监管 prototype and the 衢州 command centre (RULES.md, inspections of businesses; secondary sources).
@dataclass(frozen=True)
class InspectionWindows:
    same_days: int
    agencies_days: int
    source: str


INSPECTION_WINDOWS = InspectionWindows(
    same_days=60,
    agencies_days=30,
    source="海南省“互联网+监管”重复检查预警（60日内2次）；衢州市综合指挥中心（不同部门30日内）",
)
# The on-site inspection act of the case procedure (cases/workflow.py). Issue 19's Inspection (涉企行政检查) will feed
# this rule too, and with its `source` leave out the for-cause checks the prototype excludes.
INSPECTION_ACTS = ("record_inspection",)


def repetition(first_agency: int, later_agency: int, gap: int) -> str | None:
    """Whether two inspections of one business `gap` days apart repeat: "agencies" (two bodies within
    `agencies_days`), "twice" (within `same_days`), or None. The one reading of INSPECTION_WINDOWS."""
    if first_agency != later_agency and gap <= INSPECTION_WINDOWS.agencies_days:
        return "agencies"
    return "twice" if gap <= INSPECTION_WINDOWS.same_days else None


# States where a case ended without a decision on the merits: their reason must be in the file.
ENDED_WITHOUT_DECISION = (State.NOT_FILED, State.TERMINATED, State.NO_PENALTY, State.HANDED_OVER)


def _case_link(case_id: int) -> str:
    return f"case:{case_id}"


# 1. 不作为 ------------------------------------------------------------------------------------------------------


def _lead_not_filed(today: date) -> Iterator[Finding]:
    late = (
        CaseDeadline.objects.filter(period="filing", stopped_on__isnull=True, due_on__lt=today, case__state=State.LEAD)
        .select_related("case")
        .order_by("due_on", "pk")
    )
    for deadline in late:
        case = deadline.case
        yield Finding(
            case.agency_id,
            _case_link(case.pk),
            f"案源“{case.title}”于 {case.received_on:%Y-%m-%d} 登记，核查期限 {deadline.due_on:%Y-%m-%d} 届满，"
            f"至 {today:%Y-%m-%d} 既未立案也未决定不予立案（逾期 {(today - deadline.due_on).days} 日）",
            case.pk,
        )


register(
    WarningRule(
        "inaction.lead_not_filed",
        _("案源逾期未立案"),
        f"行政执法监督条例 第十一条（有案不立）；行政处罚法 第五十四条；核查期限：{PERIODS['filing'].source}",
        _lead_not_filed,
    )
)


def _ended_without_reason(today: date) -> Iterator[Finding]:
    # A case closed after the criminal process ended has its reason in the court's or prosecutor's papers.
    transferred = CaseRecord.objects.filter(case=OuterRef("pk"), action="transfer_to_judiciary")
    ended = Q(state__in=[s.value for s in ENDED_WITHOUT_DECISION]) | (
        Q(state__in=[State.CLOSED, State.ARCHIVED], decided_on__isnull=True) & ~Exists(transferred)
    )
    cases = Case.objects.filter(ended, outcome_reason="").order_by("pk")
    for case in cases.only("pk", "agency_id", "title", "state"):
        yield Finding(
            case.agency_id,
            _case_link(case.pk),
            f"案件“{case.title}”未作出处罚决定即{case.get_state_display()}，案卷未记录理由",
            case.pk,
        )


register(
    WarningRule(
        "inaction.ended_without_reason",
        _("不予立案、终止或结案未记录理由"),
        "行政执法监督条例 第十一条（有案不立、推诿扯皮）；行政处罚法 第五十七条",
        _ended_without_reason,
    )
)


# 2. 无证执法 ----------------------------------------------------------------------------------------------------


def _acts_without_certificate(today: date) -> Iterator[Finding]:
    records = list(
        CaseRecord.objects.filter(on_date__gte=today - timedelta(days=LOOKBACK_DAYS), on_date__lte=today)
        .exclude(officers=[])
        .select_related("case__agency")
        .order_by("entry_index")
    )
    ids = {int(o["id"]) for r in records for o in r.officers if isinstance(o, dict) and "id" in o}
    officers = {
        o.pk: o
        for o in Officer.objects.filter(pk__in=ids).select_related("agency").prefetch_related("certificates__events")
    }
    for record in records:
        for named in record.officers:
            officer = officers.get(int(named.get("id", 0))) if isinstance(named, dict) else None
            if officer is None:
                continue
            answer = can_enforce(officer, record.case.agency, record.on_date)
            if not answer:
                yield Finding(
                    record.case.agency_id,
                    f"record:{record.pk}:officer:{officer.pk}",
                    f"{record.on_date:%Y-%m-%d} 案件“{record.case.title}”的执法行为（{record.action}）由"
                    f"{officer.name}实施，当日其不具备执法资格：{answer.reason}",
                    record.case_id,
                )


register(
    WarningRule(
        "officer.without_certificate",
        _("执法人员无有效执法证件实施执法"),
        "行政执法监督条例 第十一条（执法主体和人员资格）；行政处罚法 第四十二条",
        _acts_without_certificate,
        level="alert",
    )
)


# 3. 裁量 --------------------------------------------------------------------------------------------------------


def _reader(root: Agency) -> User:
    """Who the rule reads as: a supervisor of a top agency, so that laws/consistency.py (which reads as a person)
    judges the fines of the whole tree below it. Never saved."""
    reader = User(username=f"warning-rules-{root.pk}", agency=root, is_active=True)
    reader._roles_cache = frozenset({Role.SUPERVISOR.value})
    return reader


def _consistency(today: date) -> Iterator[consistency.CaseFine]:
    start = today - timedelta(days=LOOKBACK_DAYS)
    for root in Agency.objects.filter(parent__isnull=True).order_by("path"):
        result = consistency.consistency_for(_reader(root), start, today, today)
        for group in result.groups:
            yield from group.cases


def _outside_benchmark(today: date) -> Iterator[Finding]:
    for fine in _consistency(today):
        if fine.outside_tier:
            yield Finding(
                fine.agency_id,
                _case_link(fine.case_id),
                f"案件“{fine.title}”罚款 {amount_text(fine.fine)}元（{fine.decided_on:%Y-%m-%d} 决定）："
                + "；".join(r for r in fine.reasons if not r.startswith("明显偏离")),
                fine.case_id,
            )


def _far_from_peers(today: date) -> Iterator[Finding]:
    for fine in _consistency(today):
        if fine.far:
            yield Finding(
                fine.agency_id,
                _case_link(fine.case_id),
                f"案件“{fine.title}”罚款 {amount_text(fine.fine)}元（{fine.decided_on:%Y-%m-%d} 决定）："
                + "；".join(r for r in fine.reasons if r.startswith("明显偏离")),
                fine.case_id,
            )


register(
    WarningRule(
        "discretion.outside_benchmark",
        _("罚款超出裁量基准档次幅度"),
        "行政执法监督条例 第十二条（行政裁量权基准制度）；国办发〔2022〕27号；方法见 laws/consistency.py",
        _outside_benchmark,
    )
)
register(
    WarningRule(
        "discretion.far_from_peers",
        _("罚款明显偏离同类案件"),
        "行政执法监督条例 第十一条（明显不当）；国办发〔2022〕27号；" + consistency.METHOD,
        _far_from_peers,
    )
)


# 4. 趋利性执法 --------------------------------------------------------------------------------------------------


def _same_day_last_year(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _profit(today: date) -> Iterator[Finding]:
    """Fines and confiscations decided from 1 January to `today`, against 1 January to the same day last year."""
    this_start, last_end = date(today.year, 1, 1), _same_day_last_year(today)
    last_start = date(today.year - 1, 1, 1)
    decided = Case.objects.filter(state__in=[s.value for s in consistency.DECIDED_STATES])
    this = Q(decided_on__gte=this_start, decided_on__lte=today)
    last = Q(decided_on__gte=last_start, decided_on__lte=last_end)
    rows = (
        decided.filter(this | last)
        .values("agency")
        .annotate(
            fine_now=Sum("fine", filter=this),
            fine_then=Sum("fine", filter=last),
            conf_now=Sum("confiscated", filter=this),
            conf_then=Sum("confiscated", filter=last),
        )
        .order_by("agency")
    )
    rise = PROFIT_THRESHOLD.rise_percent
    for row in rows:
        for what, now, then in (
            ("fines", row["fine_now"], row["fine_then"]),
            ("confiscations", row["conf_now"], row["conf_then"]),
        ):
            now, then = now or Decimal(0), then or Decimal(0)
            if then <= 0 or then < PROFIT_THRESHOLD.minimum or now * 100 < then * (100 + rise):
                continue
            label = "罚款" if what == "fines" else "没收违法所得和非法财物"
            up = (now - then) * 100 / then
            yield Finding(
                row["agency"],
                f"agency:{row['agency']}:{today.year}:{what}",
                f"{today.year}年1月1日至{today:%m月%d日}决定的{label}合计 {amount_text(now)}元，"
                f"比上年同期 {amount_text(then)}元上升 {up:.1f}%（预警线 {rise}%）",
            )


register(
    WarningRule(
        "profit.revenue_up",
        _("罚没数额同比明显上升（趋利性执法）"),
        f"行政执法监督条例 第十一条（趋利性执法）；预警线：{PROFIT_THRESHOLD.source}",
        _profit,
    )
)


# 5. 重复检查 ----------------------------------------------------------------------------------------------------


def _repeated_inspections(today: date) -> Iterator[Finding]:
    same, across = INSPECTION_WINDOWS.same_days, INSPECTION_WINDOWS.agencies_days
    records = (
        CaseRecord.objects.filter(
            action__in=INSPECTION_ACTS, on_date__gte=today - timedelta(days=LOOKBACK_DAYS), on_date__lte=today
        )
        .filter(case__parties__credit_code__gt="")
        .values_list("pk", "on_date", "case_id", "case__agency_id", "case__agency__name", "case__parties__credit_code")
        .order_by("on_date", "pk")
    )
    by_code: dict[str, list[tuple[int, date, int, int, str]]] = defaultdict(list)
    for pk, on_date, case_id, agency_id, agency_name, code in records:
        if code:
            by_code[code].append((pk, on_date, case_id, agency_id, agency_name))
    for code, visits in sorted(by_code.items()):
        for first, later in combinations(visits, 2):
            gap = (later[1] - first[1]).days
            if first[2] == later[2]:  # two visits in one investigation are one inspection of the business
                continue
            kind = repetition(first[3], later[3], gap)
            if kind == "agencies":
                yield Finding(
                    later[3],
                    f"business:{code}:agencies:{first[0]}:{later[0]}",
                    f"统一社会信用代码 {code} 的企业于 {first[1]:%Y-%m-%d} 被{first[4]}、{later[1]:%Y-%m-%d} 被"
                    f"{later[4]}现场检查，不同部门 {across} 日内重复检查（间隔 {gap} 日）",
                    later[2],
                )
            elif kind == "twice":
                yield Finding(
                    later[3],
                    f"business:{code}:twice:{first[0]}:{later[0]}",
                    f"统一社会信用代码 {code} 的企业于 {first[1]:%Y-%m-%d} 和 {later[1]:%Y-%m-%d} 两次被现场检查，"
                    f"{same} 日内重复检查（间隔 {gap} 日）",
                    later[2],
                )


register(
    WarningRule(
        "inspection.repeated",
        _("同一企业短期内重复检查"),
        "行政执法监督条例 第十一条（随意检查）；国办发〔2024〕54号；窗口：" + INSPECTION_WINDOWS.source,
        _repeated_inspections,
    )
)


# 6. 以罚代刑 ----------------------------------------------------------------------------------------------------


def _fine_instead_of_transfer(today: date) -> Iterator[Finding]:
    """A case whose team reported a suspected crime (the written report of 310号令 第五条: the facts reach a
    criminal threshold, by the team's own finding) and that was decided with a fine and never transferred."""
    reported = CaseRecord.objects.filter(case=OuterRef("pk"), action="propose_transfer")
    transferred = CaseRecord.objects.filter(case=OuterRef("pk"), action="transfer_to_judiciary")
    cases = (
        Case.objects.filter(Exists(reported), fine__gt=0, decided_on__isnull=False)
        .exclude(Exists(transferred))
        .order_by("pk")
    )
    crimes = dict(
        CaseRecord.objects.filter(action="propose_transfer", case__in=cases)
        .order_by("entry_index")
        .values_list("case_id", "data__suspected_crime")
    )
    for case in cases.only("pk", "agency_id", "title", "fine", "decided_on"):
        assert case.fine is not None
        assert case.decided_on is not None
        yield Finding(
            case.agency_id,
            _case_link(case.pk),
            f"案件“{case.title}”的承办人员报告涉嫌{crimes.get(case.pk) or '犯罪'}，未移送司法机关，"
            f"{case.decided_on:%Y-%m-%d} 以罚款 {amount_text(case.fine)}元结案处理",
            case.pk,
        )


register(
    WarningRule(
        "crime.fine_instead",
        _("涉嫌犯罪未移送，以罚代刑"),
        "行政执法监督条例 第十二条（行政执法与刑事司法衔接）；行政处罚法 第二十七条；"
        "行政执法机关移送涉嫌犯罪案件的规定 第三条、第十一条",
        _fine_instead_of_transfer,
        level="alert",
    )
)


# 7. 重大执法决定未经法制审核 ---------------------------------------------------------------------------------


def _review_missing(today: date) -> Iterator[Finding]:
    """A decision made in the window without a passed legal review, which the catalog in force for the agency on
    the decision's day (cases/major.py) made major."""
    # A review passed before the decision, or the review after the hearing (cases/guards.reviewed_after_hearing).
    passed = CaseRecord.objects.filter(case=OuterRef("pk"), action__in=("pass_review", "review_after_hearing"))
    cases = (
        Case.objects.filter(
            decided_on__gte=today - timedelta(days=LOOKBACK_DAYS),
            decided_on__lte=today,
            state__in=[s.value for s in consistency.DECIDED_STATES],
        )
        .exclude(Exists(passed))
        .select_related("agency")
        .prefetch_related("parties")
        .order_by("pk")
    )
    for case in cases:
        assert case.decided_on is not None
        found = major.clauses(case, case.decided_on)
        if found:
            yield Finding(
                case.agency_id,
                _case_link(case.pk),
                f"案件“{case.title}”于 {case.decided_on:%Y-%m-%d} 作出决定，属重大执法决定（{major.describe(found)}），"
                "案卷无法制审核通过的记录",
                case.pk,
            )


register(
    WarningRule(
        "review.missing",
        _("重大执法决定未经法制审核"),
        "行政处罚法 第五十八条；国办发〔2018〕118号；行政执法监督条例 第十二条（法制审核制度）",
        _review_missing,
        level="alert",
    )
)
