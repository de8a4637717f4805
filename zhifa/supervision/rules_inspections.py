"""Warning rules over business inspections (涉企行政检查, issue 19 item 6), read from zhifa/inspections' records:
the same business inspected again too soon, an on-site inspection whose code was never scanned at the door, a
for-cause inspection over the yearly cap. Thresholds are the ones of rules_core (INSPECTION_WINDOWS, data with its
source); the older rule `inspection.repeated` reads the case procedure's on-site inspections, this one the
inspections of the directory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations

from django.utils.translation import gettext_lazy as _

from zhifa.supervision.rules_core import INSPECTION_WINDOWS, LOOKBACK_DAYS, repetition
from zhifa.supervision.warning_rules import Finding, WarningRule, register

# An on-site inspection's code is scanned at the door on the visit's day; the day after, a missing scan is a warning
# (海南条例 第十六条: the code shown and scanned; 54号文: 扫码入企).
SCAN_GRACE_DAYS = 1


def _visits(today: date) -> Iterator[tuple[int, date, int, str, str, str]]:
    """The inspections not cancelled, on or before `today` within the look-back: (pk, day, agency, agency name,
    credit code, source)."""
    from zhifa.inspections.choices import COUNTED_STATES
    from zhifa.inspections.models import Inspection

    rows = Inspection.objects.filter(
        state__in=COUNTED_STATES, planned_on__gte=today - timedelta(days=LOOKBACK_DAYS), planned_on__lte=today
    ).values_list("pk", "planned_on", "agency_id", "agency__name", "target__credit_code", "source")
    yield from rows.order_by("planned_on", "pk")


def _repeated(today: date) -> Iterator[Finding]:
    from zhifa.inspections.choices import Source

    same, across = INSPECTION_WINDOWS.same_days, INSPECTION_WINDOWS.agencies_days
    by_code: dict[str, list[tuple[int, date, int, str]]] = defaultdict(list)
    for pk, day, agency, name, code, source in _visits(today):
        if source != Source.FOR_CAUSE:  # the prototype leaves out for-cause checks (RULES.md)
            by_code[code].append((pk, day, agency, name))
    for code, visits in sorted(by_code.items()):
        for first, later in combinations(visits, 2):
            gap = (later[1] - first[1]).days
            kind = repetition(first[2], later[2], gap)
            if kind == "agencies":
                yield Finding(
                    later[2],
                    f"inspections:{code}:agencies:{first[0]}:{later[0]}",
                    f"统一社会信用代码 {code} 的企业于 {first[1]:%Y-%m-%d} 被{first[3]}、{later[1]:%Y-%m-%d} 被"
                    f"{later[3]}检查，不同部门 {across} 日内重复检查（间隔 {gap} 日），宜综合查一次",
                )
            elif kind == "twice":
                yield Finding(
                    later[2],
                    f"inspections:{code}:twice:{first[0]}:{later[0]}",
                    f"统一社会信用代码 {code} 的企业于 {first[1]:%Y-%m-%d} 和 {later[1]:%Y-%m-%d} 两次被"
                    f"检查，{same} 日内重复检查（间隔 {gap} 日）",
                )


def _not_scanned(today: date) -> Iterator[Finding]:
    from zhifa.inspections.choices import InspectionState
    from zhifa.inspections.models import Inspection

    late = Inspection.objects.filter(
        off_site=False,
        state__in=(InspectionState.PLANNED, InspectionState.CODE_ISSUED),
        planned_on__gte=today - timedelta(days=LOOKBACK_DAYS),
        planned_on__lt=today - timedelta(days=SCAN_GRACE_DAYS - 1),
    ).values_list("pk", "planned_on", "agency_id", "target__name", "code_token")
    for pk, day, agency, name, token in late.order_by("planned_on", "pk"):
        what = "检查码未经企业扫码确认" if token else "未生成检查码"
        yield Finding(agency, f"inspection:{pk}:not_scanned", f"对{name}的现场检查计划于 {day:%Y-%m-%d} 进行，{what}")


def _over_cap(today: date) -> Iterator[Finding]:
    from zhifa.inspections.choices import COUNTED_STATES
    from zhifa.inspections.models import Inspection

    over = Inspection.objects.filter(
        over_cap=True, state__in=COUNTED_STATES, planned_on__year=today.year, planned_on__lte=today
    ).values_list("pk", "planned_on", "agency_id", "target__name", "cap_note")
    for pk, day, agency, name, note in over.order_by("planned_on", "pk"):
        yield Finding(
            agency,
            f"inspection:{pk}:over_cap",
            f"{day:%Y-%m-%d} 对{name}的有因检查超过年度频次上限（{note or '上限见检查事项清单'}），请核查频次是否合理",
        )


register(
    WarningRule(
        "inspection.repeated_visits",
        _("同一企业短期内重复行政检查"),
        "行政执法监督条例 第十一条；国办发〔2024〕54号；窗口：" + INSPECTION_WINDOWS.source,
        _repeated,
    )
)
register(
    WarningRule(
        "inspection.not_scanned",
        _("现场检查未扫码入企"),
        "海南省涉企行政检查条例（试行）第十六条；国办发〔2024〕54号（扫码入企）",
        _not_scanned,
    )
)
register(
    WarningRule(
        "inspection.over_cap",
        _("有因检查超过年度频次上限"),
        "海南省涉企行政检查条例（试行）第九条、第十二条（有因检查计入次数，频次明显超过合理限度的予以监督）",
        _over_cap,
    )
)
