"""Reads of officers and certificates. Each takes the actor and starts from what he may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.core.scoping import restrict
from zhifa.personnel.choices import CertificateStatus, OfficerKind, OfficerStatus
from zhifa.personnel.models import Certificate, Officer
from zhifa.personnel.rules import can_enforce, legal_reviewers_needed, may_review

# How far ahead the pages warn of a certificate's expiry and of its annual review.
EXPIRY_WARNING = timedelta(days=60)
REVIEW_WARNING = timedelta(days=30)


def officer_list_for(actor: User) -> QuerySet[Officer]:
    newest_first = Certificate.objects.order_by("-valid_from", "-pk")
    return (
        restrict(Officer.objects.all(), actor)
        .select_related("agency")
        .prefetch_related(Prefetch("certificates", queryset=newest_first))
    )


CERTIFICATE_STATES = {
    "valid": "有效",
    "expiring": "即将到期",
    "review_due": "年审将到期",
    "review_overdue": "年审逾期",
    "expired": "已过期",
    "suspended": "暂扣",
    "revoked": "注销",
    "none": "无证件",
}


def certificate_state_filter(state: str, today: date) -> Q:
    """A filter on Officer for officers whose certificate is in `state` on `today`."""
    valid = Q(certificates__status=CertificateStatus.VALID)
    in_force = valid & Q(certificates__valid_until__gte=today) & Q(certificates__valid_from__lte=today)
    filters = {
        "valid": in_force & Q(certificates__review_due__gte=today),
        "expiring": in_force & Q(certificates__valid_until__lte=today + EXPIRY_WARNING),
        "review_due": in_force
        & Q(certificates__review_due__gte=today)
        & Q(certificates__review_due__lte=today + REVIEW_WARNING),
        "review_overdue": in_force & Q(certificates__review_due__lt=today),
        "expired": valid & Q(certificates__valid_until__lt=today),
        "suspended": Q(certificates__status=CertificateStatus.SUSPENDED),
        "revoked": Q(certificates__status=CertificateStatus.REVOKED),
        "none": Q(certificates__isnull=True),
    }
    return filters[state]


def search_officers(
    actor: User, *, text: str = "", agency: Agency | None = None, kind: str = "", state: str = "", today: date
) -> QuerySet[Officer]:
    officers = officer_list_for(actor)
    if text:
        officers = officers.filter(
            Q(name__contains=text) | Q(certificates__number__contains=text) | Q(position__contains=text)
        )
    if agency is not None:
        officers = officers.filter(agency__path__startswith=agency.path)
    if kind in OfficerKind.values:
        officers = officers.filter(kind=kind)
    if state in CERTIFICATE_STATES:
        officers = officers.filter(certificate_state_filter(state, today))
    return officers.distinct().order_by("agency__path", "name", "pk")


@dataclass
class CertificateAlert:
    certificate: Certificate
    what: str
    due: date
    days_left: int


def certificate_alerts_for(actor: User, today: date, *, limit: int = 12) -> list[CertificateAlert]:
    """Certificates whose expiry or annual review is near or past, most urgent first."""
    certificates = (
        restrict(Certificate.objects.all(), actor, via="officer__agency")
        .filter(status=CertificateStatus.VALID, officer__status=OfficerStatus.ACTIVE)
        .filter(Q(valid_until__lte=today + EXPIRY_WARNING) | Q(review_due__lte=today + REVIEW_WARNING))
        .select_related("officer__agency")
    )
    alerts = []
    for certificate in certificates:
        if certificate.valid_until <= today + EXPIRY_WARNING:
            alerts.append(CertificateAlert(certificate, "证件有效期", certificate.valid_until, 0))
        if certificate.review_due <= today + REVIEW_WARNING and certificate.review_due < certificate.valid_until:
            alerts.append(CertificateAlert(certificate, "年审", certificate.review_due, 0))
    for alert in alerts:
        alert.days_left = (alert.due - today).days
    alerts.sort(key=lambda a: a.due)
    return alerts[:limit]


def certificate_counts_for(actor: User, today: date) -> dict[str, int]:
    officers = restrict(Officer.objects.filter(status=OfficerStatus.ACTIVE), actor)
    counts = {}
    for state, label in CERTIFICATE_STATES.items():
        if state == "revoked":
            continue
        counts[label] = officers.filter(certificate_state_filter(state, today)).distinct().count()
    return counts


@dataclass(frozen=True)
class ReviewerStaffing:
    """Legal reviewers against enforcement officers in an agency and the agencies below it (国办发〔2018〕118号:
    原则上不少于本单位执法人员总数的5%).

    `officers`: active officers of kind "officer". `reviewers`: active officers whose login holds the legal-reviewer
    role and who may review under 行政处罚法 第五十八条第二款 — qualified, or reviewing since before 2021-07-15
    (the law lets those keep reviewing, so they count); `qualified` of them hold the qualification. `unable`: holders
    of the role who may not review (an unqualified officer who began later, or a login with no officer record);
    they do not count."""

    agency: Agency
    officers: int
    reviewers: int
    qualified: int
    unable: int

    @property
    def needed(self) -> int:
        return legal_reviewers_needed(self.officers)

    @property
    def share(self) -> Decimal | None:
        """Reviewers as a percentage of officers, to one decimal; None for an agency without officers."""
        if not self.officers:
            return None
        return (Decimal(100 * self.reviewers) / self.officers).quantize(Decimal("0.1"))

    @property
    def short(self) -> bool:
        return self.reviewers < self.needed

    @property
    def ok(self) -> bool:
        return not self.short


def reviewer_staffing(agency: Agency) -> ReviewerStaffing:
    """The legal-reviewer staffing of `agency` and those below it, as of now (the reviewers of an agency review
    for the agencies below it too, personnel.rules.same_line). For the agency page and the supervisors' figures."""
    below = Q(agency__path__startswith=agency.path)
    active = Q(status=OfficerStatus.ACTIVE)
    officers = Officer.objects.filter(below, active, kind=OfficerKind.OFFICER).count()
    holders = Officer.objects.filter(
        below, active, user__is_active=True, user__role_assignments__role=Role.LEGAL_REVIEWER
    ).distinct()
    able = [officer for officer in holders if may_review(officer)]
    staffless = (
        User.objects.filter(
            agency__path__startswith=agency.path,
            is_active=True,
            role_assignments__role=Role.LEGAL_REVIEWER,
            officer__isnull=True,
        )
        .distinct()
        .count()
    )
    return ReviewerStaffing(
        agency=agency,
        officers=officers,
        reviewers=len(able),
        qualified=sum(1 for officer in able if officer.legal_qualification),
        unable=len(holders) - len(able) + staffless,
    )


def legal_reviewer_share_for(actor: User) -> ReviewerStaffing | None:
    """The staffing of the actor's own agency (and those below it), for his home page."""
    if actor.agency is None:
        return None
    return reviewer_staffing(actor.agency)


def home_panels_for(actor: User, today: date) -> dict[str, Any]:
    """What the home page shows this actor, by role."""
    context: dict[str, Any] = {"today": today}
    officer = Officer.objects.filter(user=actor).select_related("agency").first()
    if officer is not None:
        context["me"] = officer
        context["my_eligibility"] = can_enforce(officer, officer.agency, today)
        context["my_certificates"] = officer.certificates.order_by("-valid_from")
    if actor.has_role(Role.SUPERVISOR, Role.SYSADMIN, Role.APPROVER, Role.AUDITOR, Role.LEGAL_REVIEWER):
        context["certificate_counts"] = certificate_counts_for(actor, today)
        context["certificate_alerts"] = certificate_alerts_for(actor, today)
    if actor.has_role(Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.SYSADMIN):
        context["reviewer_share"] = legal_reviewer_share_for(actor)
    return context
