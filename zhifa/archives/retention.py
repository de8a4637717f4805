"""How long a case file is kept (保管期限): by the kind of case, from the version in force for the agency on the
day the file was archived, inherited from the agencies above, and at the top the national default below.

国家档案局令第8号《机关文件材料归档范围和文书档案保管期限规定》(2006) 第六条: 文书档案的保管期限定为永久、定期两
种，定期一般分为30年、10年. It names no period for an enforcement case file; provinces and sectors set theirs in their
保管期限表 (docs/decisions.md, "The case file"). What an agency's rule says is data (models.RetentionPeriod).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from zhifa.archives.choices import RetentionKind
from zhifa.archives.models import RetentionPeriod
from zhifa.cases.choices import Procedure
from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record

ORDER_NO_8 = "国家档案局令第8号《机关文件材料归档范围和文书档案保管期限规定》第六条"


@dataclass(frozen=True)
class Retention:
    """A retention period and where it comes from: `years` None is permanent (永久)."""

    kind: RetentionKind
    years: int | None
    source: str
    effective_from: date | None = None  # None: the national default
    agency: Agency | None = None  # the agency whose version applies; None: the national default

    @property
    def label(self) -> str:
        return "永久" if self.years is None else f"定期{self.years}年"

    def until(self, archived_on: date) -> date | None:
        """The last day the file is kept: counted from 1 January after the year it was archived (归档次年起算)."""
        if self.years is None:
            return None
        return date(archived_on.year + self.years, 12, 31)


# The national default, the one place it is kept. Order No. 8 gives the tiers (永久, 定期30年, 定期10年) and keeps
# the important files of penalties permanently and the ordinary ones 30 years (its table, read secondarily); which
# enforcement case files are "important" is this system's choice, stated in docs/decisions.md: a decision the law
# itself treats as weighty (法制审核 第五十八条, 集体讨论 第五十七条, 听证 第六十三条) is kept permanently; an
# on-the-spot penalty (第五十一条: a warning or a small fine) takes the shortest tier.
NATIONAL: dict[RetentionKind, Retention] = {
    RetentionKind.SUMMARY: Retention(
        RetentionKind.SUMMARY, 10, f"{ORDER_NO_8}（定期10年；简易程序案卷，本系统默认，以本地保管期限表为准）"
    ),
    RetentionKind.ORDINARY: Retention(RetentionKind.ORDINARY, 30, f"{ORDER_NO_8}（一般的定期30年）"),
    RetentionKind.MAJOR: Retention(RetentionKind.MAJOR, None, f"{ORDER_NO_8}（重要的永久保管）"),
}

# The acts after which a case counts as major for its file: a legal review passed, the heads' collective
# discussion recorded, the legal review after a hearing.
MAJOR_ACTS = ("pass_review", "review_after_hearing", "record_collective")


def case_kind(case: Case) -> RetentionKind:
    if case.procedure == Procedure.SUMMARY:
        return RetentionKind.SUMMARY
    records = case.records.all()
    heard = records.filter(action="hold_hearing", data__outcome="held").exists()
    if case.major or case.collective or heard or records.filter(action__in=MAJOR_ACTS).exists():
        return RetentionKind.MAJOR
    return RetentionKind.ORDINARY


def in_force(agency: Agency, kind: RetentionKind | str, on_date: date) -> Retention:
    """The version effective on `on_date` of the nearest agency, from `agency` upwards, that has one for `kind`;
    else the national default."""
    kind = RetentionKind(kind)
    line = agency.upward_line()
    by_agency: dict[int, RetentionPeriod] = {}
    versions = RetentionPeriod.objects.filter(agency__in=line, kind=kind, effective_from__lte=on_date)
    for version in versions.order_by("-effective_from"):
        by_agency.setdefault(version.agency_id, version)
    found = next((by_agency[where.pk] for where in line if where.pk in by_agency), None)
    if found is None:
        return NATIONAL[kind]
    return Retention(kind, found.years, found.source, found.effective_from, found.agency)


def archived_on(case: Case) -> date | None:
    archive = case.records.filter(action="archive").order_by("-entry_index").first()
    return archive.on_date if archive is not None else None


def of_case(case: Case, on_date: date | None = None) -> Retention:
    """The retention of the case's file: the rule in force on the day it was archived (or `on_date`, or today)."""
    from django.utils import timezone

    day = archived_on(case) or on_date or timezone.localdate()
    return in_force(case.agency, case_kind(case), day)


# Who sets an agency's retention periods: its system administrator, for the archives office (档案部门).
EDITORS = (Role.SYSADMIN.value,)


def retention_add(
    *, actor: User, agency: Agency, kind: str, years: int | None, effective_from: date, source: str
) -> RetentionPeriod:
    """Add a version of `agency`'s retention period for `kind`, recorded in the ledger."""
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, EDITORS, agency=agency, doing="设置案卷保管期限")
        if kind not in RetentionKind.values:
            raise Refusal("请选择案卷类别", field="kind")
        if RetentionPeriod.objects.filter(agency=agency, kind=kind, effective_from=effective_from).exists():
            raise Refusal("该类案卷在同一施行日期已有保管期限，请另定施行日期", field="effective_from")
        version = RetentionPeriod(
            agency=agency,
            kind=kind,
            years=years,
            effective_from=effective_from,
            source=source.strip(),
            created_by=actor,
        )
        try:
            version.full_clean()
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise Refusal(messages[-1], field=None if name == "__all__" else name) from error
        version.save()
        record(
            actor=actor,
            action="archives.retention_add",
            subject=version,
            facts={
                "kind": kind,
                "years": years,
                "effective_from": effective_from.isoformat(),
                "source": version.source,
            },
            agency=agency,
        )
        return version
