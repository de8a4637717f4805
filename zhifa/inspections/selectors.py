"""Reads of the inspections app, each starting from what the actor may see (core.scoping.restrict).

`cap_state` is the one place that says how many times a business was inspected in a year against the cap in
force: the business page shows it, `services.inspection_create` refuses or flags with it, and the draw reads it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet

from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.core.scoping import can_see_agency, restrict
from zhifa.inspections.choices import COUNTED_STATES, InspectionState, Source
from zhifa.inspections.models import Inspection, InspectionPlan, InspectionTarget, RandomInspection
from zhifa.personnel.choices import OfficerKind, OfficerStatus
from zhifa.personnel.models import Certificate, Officer
from zhifa.personnel.rules import can_enforce, certificate_eligibility
from zhifa.powers.choices import ListKind
from zhifa.powers.models import InspectionCap, InspectionItem, ListVersion
from zhifa.powers.selectors import list_in_force

MAX_LISTED = 500  # items offered on a form: a list longer than this is split by agency in practice
# An inspection's officers with what `personnel.rules.can_enforce` reads, in three queries for any number of them.
OFFICERS_WITH_CERTIFICATES = (
    Prefetch(
        "officers",
        queryset=Officer.objects.select_related("agency").prefetch_related(
            Prefetch("certificates", queryset=Certificate.objects.prefetch_related("events").order_by("-valid_from"))
        ),
    ),
)
# A cap row whose level is the body's own level counts only that body's inspections; any other level (e.g.
# 市县两级合计) counts those of every agency under the agency that published the cap list.
OWN_LEVEL = "本级"
# A cap row whose scope names grades (e.g. 信用风险分类为A类的企业) applies only to businesses of those grades.
GRADES_IN_SCOPE = re.compile(r"([ABCD])类")
M = TypeVar("M", bound=Model)
CAP_RULE = "国办发〔2024〕54号；海南条例 第九条、第十二条"
# Who reads the inspections: the officers and heads who plan and inspect, and the supervisors above them.
READERS = frozenset({Role.OFFICER, Role.APPROVER, Role.SUPERVISOR})


def may_read(actor: User) -> bool:
    return actor.is_authenticated and actor.is_active and actor.has_role(*READERS)


def _restrict(queryset: QuerySet[M], actor: User) -> QuerySet[M]:
    if not may_read(actor):
        return queryset.none()
    return restrict(queryset, actor)


# --- the directory -------------------------------------------------------------------------------------------


def target_list_for(actor: User) -> QuerySet[InspectionTarget]:
    return _restrict(InspectionTarget.objects.all(), actor).select_related("agency")


def search_targets(
    actor: User,
    *,
    text: str = "",
    domain: str = "",
    grade: str = "",
    agency: Agency | None = None,
    active: bool | None = True,
) -> QuerySet[InspectionTarget]:
    """The directory, filtered: `grade` matches the risk or the credit grade ("risk:A" / "credit:B")."""
    targets = target_list_for(actor)
    if text:
        targets = targets.filter(Q(name__contains=text) | Q(credit_code__startswith=text.upper()))
    if domain:
        targets = targets.filter(domain=domain)
    kind, _, letter = grade.partition(":")
    if kind in ("risk", "credit") and letter:
        targets = targets.filter(**{f"{kind}_grade": letter})
    if agency is not None:
        targets = targets.filter(agency__path__startswith=agency.path)
    if active is not None:
        targets = targets.filter(active=active)
    return targets.order_by("agency__path", "name", "pk")


def target_visible(actor: User, pk: int) -> InspectionTarget | None:
    return target_list_for(actor).filter(pk=pk).first()


# --- the inspector pool (执法检查人员名录库) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Inspector:
    officer: Officer
    domains: tuple[str, ...]


def inspector_pool(agency: Agency, on_date: date) -> list[Inspector]:
    """The officers of `agency` and the agencies below it who may enforce for `agency` on `on_date` (a valid
    certificate that day, personnel.rules.can_enforce), with the domains of their certificates in force."""
    officers = (
        Officer.objects.filter(
            agency__path__startswith=agency.path, status=OfficerStatus.ACTIVE, kind=OfficerKind.OFFICER
        )
        .select_related("agency")
        .prefetch_related(Prefetch("certificates", queryset=Certificate.objects.prefetch_related("events")))
        .order_by("agency__path", "name", "pk")
    )
    pool = []
    for officer in officers:
        if not can_enforce(officer, agency, on_date):
            continue
        domains = sorted(
            {
                domain
                for certificate in officer.certificates.all()
                if certificate.valid_from <= on_date <= certificate.valid_until
                for domain in certificate.domains
            }
        )
        pool.append(Inspector(officer, tuple(domains)))
    return pool


# --- caps ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapState:
    """A business's inspections in a year by one body: `count` those under the cap (routine and special),
    `for_cause` those outside it (counted, shown, never refused); `cap` the binding row of the cap list in force
    (None when no row applies) with its list `version` (the source)."""

    count: int
    for_cause: int
    cap: InspectionCap | None = None
    version: ListVersion | None = None
    counted_by: list[str] = field(default_factory=list)

    @property
    def limit(self) -> int | None:
        return self.cap.max_per_year if self.cap is not None else None

    @property
    def full(self) -> bool:
        """One more routine or special inspection would exceed the cap."""
        return self.cap is not None and self.count >= self.cap.max_per_year

    @property
    def over(self) -> bool:
        """All inspections counted (for-cause ones too) exceed the cap: the frequency to be followed up."""
        return self.cap is not None and self.count + self.for_cause > self.cap.max_per_year

    def describe(self) -> str:
        if self.cap is None or self.version is None:
            return "检查频次上限清单中没有适用于该企业的上限"
        cap = self.cap
        return (
            f"{cap.code}（{cap.inspecting_body}，{cap.level}，{cap.scope}，每年不超过{cap.max_per_year}次；"
            f"{self.version.source}）"
        )


def _applies(cap: InspectionCap, target: InspectionTarget, bodies: set[str]) -> bool:
    if cap.domain != target.domain or cap.inspecting_body not in bodies:
        return False
    grades = set(GRADES_IN_SCOPE.findall(cap.scope))
    return not grades or target.credit_grade in grades


def _day_of(year: int, today: date) -> date:
    return today if today.year == year else date(year, 12, 31)


def cap_state(target: InspectionTarget, agency: Agency, year: int, *, today: date | None = None) -> CapState:
    """How often the business (by its credit code, whichever directory holds it) was inspected in `year` by
    `agency`, against the tightest cap of the list in force for `agency` (its own or the nearest above it).

    Cancelled inspections do not count; for-cause ones are counted apart and never refused (海南条例 第十二条)."""
    return cap_states([target], agency, year, today=today)[target.credit_code]


# Above this many businesses the year's inspections are read whole rather than by a list of codes.
CODES_IN_QUERY = 500


def cap_states(
    targets: Sequence[InspectionTarget], agency: Agency, year: int, *, today: date | None = None
) -> dict[str, CapState]:
    """`cap_state` of many businesses at once, by credit code, in a fixed number of queries (the draw's freeze)."""
    from django.utils import timezone

    day = _day_of(year, today or timezone.localdate())
    codes = {target.credit_code for target in targets}
    inspections = Inspection.objects.filter(planned_on__year=year, state__in=COUNTED_STATES)
    if len(codes) <= CODES_IN_QUERY:
        inspections = inspections.filter(target__credit_code__in=codes)
    rows_of: dict[str, list[tuple[int, str, str]]] = {}
    for code, where, path, source in inspections.values_list(
        "target__credit_code", "agency_id", "agency__path", "source"
    ):
        if code in codes:
            rows_of.setdefault(code, []).append((where, path, source))
    version = list_in_force(agency, ListKind.CAPS, day)
    all_caps: list[InspectionCap] = []
    bodies: set[str] = set()
    if version is not None:
        bodies = {where.name for where in agency.upward_line()}
        all_caps = list(version.inspection_caps.all())
    states: dict[str, CapState] = {}
    for target in targets:
        if target.credit_code in states:
            continue
        rows = rows_of.get(target.credit_code, [])
        caps = [cap for cap in all_caps if _applies(cap, target, bodies)]

        def tally(cap: InspectionCap | None, rows: list[tuple[int, str, str]] = rows) -> tuple[int, int]:
            if cap is None or cap.level == OWN_LEVEL or version is None:
                mine = [source for where, _path, source in rows if where == agency.pk]
            else:
                mine = [source for _where, path, source in rows if path.startswith(version.agency.path)]
            for_cause = sum(1 for source in mine if source == Source.FOR_CAUSE)
            return len(mine) - for_cause, for_cause

        if not caps:
            count, for_cause = tally(None)
            states[target.credit_code] = CapState(count, for_cause)
            continue
        best: CapState | None = None
        for cap in caps:
            count, for_cause = tally(cap)
            state = CapState(count, for_cause, cap, version)
            if best is None or (cap.max_per_year - count, cap.max_per_year) < (
                best.cap.max_per_year - best.count,  # type: ignore[union-attr]
                best.cap.max_per_year,  # type: ignore[union-attr]
            ):
                best = state
        assert best is not None
        states[target.credit_code] = best
    return states


# --- plans and inspections -----------------------------------------------------------------------------------


def plan_list_for(actor: User) -> QuerySet[InspectionPlan]:
    return _restrict(InspectionPlan.objects.all(), actor).select_related("agency").prefetch_related("items")


def plan_visible(actor: User, pk: int) -> InspectionPlan | None:
    return plan_list_for(actor).filter(pk=pk).first()


def inspection_list_for(actor: User) -> QuerySet[Inspection]:
    return (
        _restrict(Inspection.objects.all(), actor)
        .select_related("agency", "target", "plan")
        .prefetch_related("items", "officers")
    )


def inspection_visible(actor: User, pk: int) -> Inspection | None:
    return inspection_list_for(actor).filter(pk=pk).first()


def inspections_of(actor: User, target: InspectionTarget, year: int) -> QuerySet[Inspection]:
    """The business's inspections in `year` the actor may see, by any agency (matched by its credit code)."""
    return inspection_list_for(actor).filter(target__credit_code=target.credit_code, planned_on__year=year)


def items_in_force(agency: Agency, on_date: date) -> list[InspectionItem]:
    """The inspection-item list in force for `agency` on `on_date` (its own or the nearest above it): the only
    items a plan or an inspection may name (清单之外无检查)."""
    version = list_in_force(agency, ListKind.INSPECTIONS, on_date)
    if version is None:
        return []
    return list(version.inspection_items.order_by("position", "pk")[:MAX_LISTED])


def may_plan(actor: User, agency: Agency) -> bool:
    from zhifa.inspections.services import PLANNERS

    return actor.is_active and actor.has_role(*PLANNERS) and can_see_agency(actor, agency)


# --- the visit -----------------------------------------------------------------------------------------------

CODE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# The inspections an officer still has to carry out: on his phone page.
OPEN_STATES = (InspectionState.PLANNED, InspectionState.CODE_ISSUED, InspectionState.ON_SITE)
PHONE_LIMIT = 50


def certificates_shown(
    officers: list[Officer], agency: Agency, on_date: date
) -> list[tuple[Officer, Certificate | None]]:
    """Each officer with the certificate he may enforce with on `on_date` (the newest such), or None. The
    officers' certificates and their events should be prefetched (OFFICERS_WITH_CERTIFICATES)."""
    shown = []
    for officer in officers:
        able = [c for c in officer.certificates.all() if certificate_eligibility(c, agency, on_date)]
        shown.append((officer, max(able, key=lambda c: (c.valid_from, c.pk)) if able else None))
    return shown


def inspection_by_code(token: str) -> Inspection | None:
    """The inspection whose code is `token` (the public page: no scope, the token is the key), or None."""
    if not CODE_TOKEN.match(token):
        return None
    return (
        Inspection.objects.filter(code_token=token)
        .select_related("agency", "target", "plan")
        .prefetch_related(
            *OFFICERS_WITH_CERTIFICATES, Prefetch("items", queryset=InspectionItem.objects.order_by("code"))
        )
        .first()
    )


def officer_inspections(actor: User, today: date) -> list[Inspection]:
    """The actor's own inspections (he is one of its officers) from today on, not done nor cancelled: his
    phone page. Nobody else's, whatever his role."""
    officer = Officer.objects.filter(user=actor).first() if actor.is_authenticated else None
    if officer is None:
        return []
    return list(
        Inspection.objects.filter(officers=officer, planned_on__gte=today, state__in=OPEN_STATES)
        .select_related("agency", "target")
        .prefetch_related("officers", "items")
        .order_by("planned_on", "pk")[:PHONE_LIMIT]
    )


# --- draws ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawnRow:
    rank: int
    lottery: str
    target: str
    credit_code: str
    plans: list[str]
    items: list[str]
    teams: list[tuple[str, list[str]]]  # (agency's name, inspectors' names)
    short: list[str]


def draw_rows(draw: RandomInspection) -> list[DrawnRow]:
    """The result of a draw with names instead of the published ids (three queries)."""
    rows = draw.result.get("targets", []) if isinstance(draw.result, dict) else []

    def ids(prefix: str) -> set[int]:
        found: set[int] = set()
        for row in rows:
            if prefix == "T":
                found.add(int(row["target"][1:]))
            for team in row["teams"]:
                if prefix == "A":
                    found.add(int(team["agency"][1:]))
                if prefix == "O":
                    found.update(int(member[1:]) for member in team["inspectors"])
            if prefix == "A":
                found.update(int(short["agency"][1:]) for short in row["shortfalls"])
        return found

    targets = dict(InspectionTarget.objects.filter(pk__in=ids("T")).values_list("pk", "name"))
    agencies = dict(Agency.objects.filter(pk__in=ids("A")).values_list("pk", "name"))
    officers = dict(Officer.objects.filter(pk__in=ids("O")).values_list("pk", "name"))
    plans = dict(InspectionPlan.objects.filter(pk__in=draw.plans.values("pk")).values_list("pk", "title"))
    return [
        DrawnRow(
            rank=row["rank"],
            lottery=row["lottery"][:16],
            target=targets.get(int(row["target"][1:]), row["target"]),
            credit_code=row["credit_code"],
            plans=[plans.get(int(plan[1:]), plan) for plan in row["plans"]],
            items=row["items"],
            teams=[
                (
                    agencies.get(int(team["agency"][1:]), team["agency"]),
                    [officers.get(int(m[1:]), m) for m in team["inspectors"]],
                )
                for team in row["teams"]
            ],
            short=[
                f"{agencies.get(int(s['agency'][1:]), s['agency'])}：可派{s['available']}名，需{s['needed']}名"
                for s in row["shortfalls"]
            ],
        )
        for row in rows
    ]


def draw_public(pk: int) -> RandomInspection | None:
    """A draw for its public page (no login: a draw is published from the moment it is frozen)."""
    return RandomInspection.objects.filter(pk=pk).select_related("plan__agency").first()


def may_run_draw(actor: User, draw: RandomInspection) -> bool:
    return may_plan(actor, draw.plan.agency)
