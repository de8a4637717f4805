"""Reads of the portal's before-enforcement pages (事前公开): what an agency publishes today, each part with its
version, its date and where its history is. Read by anyone, so every read here is of published things only: the
lists' versions, the catalog, the benchmarks, the settings' public channels, and of officers only the name, the
certificate number and its domains (nothing else personal is ever selected).

Each function costs a fixed number of queries, whatever the size of the lists (the agency page asserts it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q

from zhifa.cases import agency_settings, major
from zhifa.cases.models import MajorCatalog
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.laws.models import NoPenaltyList
from zhifa.personnel.choices import CertificateStatus, OfficerKind, OfficerStatus
from zhifa.personnel.models import Certificate
from zhifa.powers import selectors as lists
from zhifa.powers.choices import ListKind
from zhifa.powers.models import ITEM_MODELS, EnforcementBody, ListVersion


@dataclass
class AgencyNode:
    """One agency of the public tree, with the agencies below it."""

    agency: Agency
    children: list[AgencyNode] = field(default_factory=list)


def agency_tree() -> list[AgencyNode]:
    """Every agency as a tree by level (one query): the portal lists all enforcement bodies, none is hidden."""
    nodes: dict[int, AgencyNode] = {}
    roots: list[AgencyNode] = []
    for agency in Agency.objects.order_by("path").only("pk", "name", "kind", "parent_id", "path", "depth", "domains"):
        node = AgencyNode(agency)
        nodes[agency.pk] = node
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def domain_labels(codes: list[str]) -> list[str]:
    return [str(Domain(code).label) if code in Domain.values else code for code in codes]


@dataclass(frozen=True)
class ListSection:
    """One of the published lists as the agency page shows it: the version in force, its size, whose it is."""

    kind: str
    label: str
    version: ListVersion | None
    items: int
    inherited: bool


def _caps(sections: list[ListSection]) -> list[Any]:
    version = next((section.version for section in sections if section.kind == ListKind.CAPS), None)
    return list(lists.items_of(version)) if version is not None else []


def list_sections(agency: Agency, today: date) -> list[ListSection]:
    """The lists in force today (two queries a list, one for all the counts)."""
    found = {kind: lists.list_in_force(agency, kind, today) for kind in ListKind.values}
    counts: dict[int, int] = {}
    versions = [version for version in found.values() if version is not None]
    for kind, model in ITEM_MODELS.items():
        ids = [version.pk for version in versions if version.kind == kind]
        if ids:
            rows = model.objects.filter(version_id__in=ids).values("version_id").annotate(n=Count("pk"))
            counts.update({row["version_id"]: row["n"] for row in rows})
    return [
        ListSection(
            kind,
            str(ListKind(kind).label),
            version,
            counts.get(version.pk, 0) if version else 0,
            version is not None and version.agency_id != agency.pk,
        )
        for kind, version in found.items()
    ]


def own_body_entry(agency: Agency, bodies: ListVersion | None) -> EnforcementBody | None:
    """The agency's own entry in the enforcement-body list in force: its legal status (法定行政机关, 授权组织 or
    受委托组织) and the basis of its authority."""
    if bodies is None:
        return None
    return (
        EnforcementBody.objects.filter(version=bodies)
        .filter(Q(agency=agency) | Q(name=agency.name))
        .select_related("principal")
        .first()
    )


@dataclass(frozen=True)
class PublicOfficer:
    name: str
    number: str
    domains: list[str]


def public_officers(agency: Agency, today: date) -> list[PublicOfficer]:
    """The agency's enforcement officers holding a certificate valid today (in force, reviewed on time, neither
    suspended nor revoked): name, certificate number and domains only. Auxiliary staff are not listed: they hold
    no certificate and never enforce."""
    rows = (
        Certificate.objects.filter(
            officer__agency=agency,
            officer__kind=OfficerKind.OFFICER,
            officer__status=OfficerStatus.ACTIVE,
            status=CertificateStatus.VALID,
            valid_from__lte=today,
            valid_until__gte=today,
            review_due__gte=today,
        )
        .order_by("officer__name", "number")
        .values_list("officer__name", "number", "domains")
    )
    return [PublicOfficer(name, number, domain_labels(domains)) for name, number, domains in rows]


def catalogs(agency: Agency, today: date) -> tuple[MajorCatalog | None, list[MajorCatalog]]:
    """The catalog of major decisions in force today and every version the agency follows or may follow."""
    versions = list(
        MajorCatalog.objects.filter(agency__in=agency.upward_line())
        .select_related("agency")
        .order_by("-effective_from", "-agency__depth")
    )
    return major.catalog_in_force(agency, today), versions


def no_penalty_lists(agency: Agency) -> list[NoPenaltyList]:
    """The no-penalty lists that apply to the agency: national or provincial ones (no agency) of its domains, and
    those of the agency or an agency above it."""
    line = [where.pk for where in agency.upward_line()]
    found = NoPenaltyList.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=line)).select_related("agency")
    return [
        listed
        for listed in found.order_by("-valid_from", "code")
        if not listed.domains or not agency.domains or set(listed.domains) & set(agency.domains)
    ]


@dataclass(frozen=True)
class Channel:
    label: str
    value: str
    set_by: Agency | None


def channels(agency: Agency) -> list[Channel]:
    """Where to ask, complain and seek remedy: the agency's contact, its reconsideration body and its court, as its
    case settings have them in force (the same words its documents print)."""
    settings = agency_settings.in_force(agency)
    labels = {
        "contact": "联系地址和电话",
        "reconsideration_body": "行政复议机关",
        "court": "行政诉讼管辖法院",
    }
    return [Channel(label, getattr(settings, name), settings.set_by[name]) for name, label in labels.items()]


def recording_list(agency: Agency, today: date) -> dict[str, Any]:
    """The list of acts recorded in sound and picture in force today (recordings/rules.py), with its acts' names."""
    from zhifa.recordings.rules import action_labels, in_force

    listed = in_force(agency, today)
    return {"list": listed, "full": action_labels(listed.full), "as_required": action_labels(listed.as_required)}


def agency_page(agency: Agency, today: date) -> dict[str, Any]:
    """Everything the agency page shows, each part with its version and date (a bounded number of queries)."""
    sections = list_sections(agency, today)
    bodies = next(section.version for section in sections if section.kind == ListKind.BODIES)
    in_force, versions = catalogs(agency, today)
    return {
        "parent": agency.parent,
        "children": list(agency.children.order_by("path")),
        "sections": sections,
        # The yearly caps are few rows: shown on the page itself (one query).
        "caps": _caps(sections),
        "own_entry": own_body_entry(agency, bodies),
        "officers": public_officers(agency, today),
        "catalog": in_force,
        "catalog_versions": len(versions),
        "no_penalty": no_penalty_lists(agency),
        "recording_list": recording_list(agency, today),
        "channels": channels(agency),
        "domains": domain_labels(agency.domains),
    }
