"""Reads of the published lists: the version in force on a day, the versions, a version's changes.

An agency without a list of its own follows the nearest agency above it that has one (as the catalog of
major decisions does, cases/major.py): a branch acts on its bureau's lists until it publishes its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from zhifa.core.models import Agency, User
from zhifa.core.scoping import can_see_agency
from zhifa.ledger import canonical
from zhifa.powers.choices import ListKind
from zhifa.powers.columns import COLUMNS, display, values_of
from zhifa.powers.models import ITEM_KEYS, ITEM_MODELS, InspectionItem, ListVersion


def list_in_force(agency: Agency, kind: str, on_date: date) -> ListVersion | None:
    """The latest version of `kind` effective on `on_date` of the nearest agency, from `agency` upwards, that
    has one; None when none has."""
    line = agency.upward_line()
    found: dict[int, ListVersion] = {}
    versions = ListVersion.objects.filter(agency__in=line, kind=kind, effective_from__lte=on_date)
    for version in versions.select_related("agency").order_by("-effective_from"):
        found.setdefault(version.agency_id, version)
    return next((found[where.pk] for where in line if where.pk in found), None)


def versions_for(agency: Agency, kind: str) -> QuerySet[ListVersion]:
    """The versions of `kind` of the agency and of those above it (the ones it may follow), newest first."""
    return (
        ListVersion.objects.filter(agency__in=agency.upward_line(), kind=kind)
        .select_related("agency")
        .order_by("-agency__depth", "-number")
    )


def version_visible(actor: User, pk: int) -> ListVersion | None:
    """A version the actor may read: of an agency he sees, or of one above it that such an agency follows."""
    version = ListVersion.objects.select_related("agency").filter(pk=pk).first()
    if version is None or actor.agency is None:
        return None
    if can_see_agency(actor, version.agency) or actor.agency.is_within(version.agency):
        return version
    return None


def items_of(version: ListVersion) -> QuerySet[Any]:
    model = ITEM_MODELS[version.kind]
    items: QuerySet[Any] = model.objects.filter(version=version).order_by("position")
    if version.kind == ListKind.BODIES:
        items = items.select_related("principal")
    return items


def item_values(version: ListVersion) -> list[dict[str, Any]]:
    return [values_of(version.kind, item) for item in items_of(version)]


def previous_of(version: ListVersion) -> ListVersion | None:
    return (
        ListVersion.objects.filter(agency_id=version.agency_id, kind=version.kind, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def items_digest(kind: str, values: list[dict[str, Any]]) -> str:
    """The SHA-256 of a version's items, as the ledger records it and verify recomputes it from the rows."""
    return hashlib.sha256(canonical.dumps({"kind": kind, "items": values}).encode()).hexdigest()


def version_state(version: ListVersion) -> dict[str, Any]:
    """The snapshot the ledger keeps of a version (ledger/state.py): a change to a published row shows in verify."""
    return {
        "agency_id": version.agency_id,
        "kind": version.kind,
        "number": version.number,
        "effective_from": version.effective_from.isoformat(),
        "source": version.source,
        "reason": version.reason,
        "items_sha256": items_digest(version.kind, item_values(version)),
    }


@dataclass(frozen=True)
class Change:
    key: str
    name: str
    fields: list[tuple[str, str, str]]  # (header, before, after) as a person reads them


@dataclass
class Diff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> dict[str, list[str]]:
        """The keys added, removed and changed: what the ledger records of a version's changes."""
        return {
            "added": [str(values.get("code") or values.get("name")) for values in self.added],
            "removed": [str(values.get("code") or values.get("name")) for values in self.removed],
            "changed": [change.key for change in self.changed],
        }


def compare(kind: str, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> Diff:
    """Items added, removed and changed (field by field) from `before` to `after`, matched by code (bodies by
    name). A moved row is not a change: the order is the sheet's, not the law's."""
    key = ITEM_KEYS[kind]
    old = {values[key]: values for values in before}
    new = {values[key]: values for values in after}
    diff = Diff(
        added=[values for values in after if values[key] not in old],
        removed=[values for values in before if values[key] not in new],
    )
    for values in after:
        earlier = old.get(values[key])
        if earlier is None:
            continue
        fields = [
            (
                column.header,
                display(kind, column, earlier.get(column.field)),
                display(kind, column, values[column.field]),
            )
            for column in COLUMNS[kind]
            if earlier.get(column.field) != values[column.field]
        ]
        if fields:
            diff.changed.append(Change(str(values[key]), str(values["name"]), fields))
    return diff


def diff(version: ListVersion) -> Diff:
    """The version's changes against the agency's previous version of the same list (all added for the first)."""
    previous = previous_of(version)
    before = item_values(previous) if previous is not None else []
    return compare(version.kind, before, item_values(version))


def inspection_item_listed(agency: Agency, code: str, on_date: date) -> InspectionItem | None:
    """The item `code` of the inspection-item list in force for `agency` on `on_date`, or None: an item not on
    the published list may not be inspected (国办发〔2024〕54号 关于严格规范涉企行政检查的意见)."""
    version = list_in_force(agency, ListKind.INSPECTIONS, on_date)
    if version is None:
        return None
    return InspectionItem.objects.filter(version=version, code=code.strip()).select_related("version").first()
