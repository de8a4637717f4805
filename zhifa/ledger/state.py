"""What the ledger remembers of a subject's current state, so that verify can compare it with the live row.

Each service records, in the facts of its entry, the state of the row it changed (`snapshot`).
`zhifa ledger verify` recomputes the snapshot of every subject's live row and compares it with the one
in the subject's latest entry: a row changed behind the services' back is caught.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _fields(*names: str) -> Callable[[models.Model], dict[str, Any]]:
    def snapshot(instance: models.Model) -> dict[str, Any]:
        return {name: _value(getattr(instance, name)) for name in names}

    return snapshot


def _exact_fields(*names: str) -> Callable[[models.Model], dict[str, Any]]:
    """`_fields` written so that the value given and the value read back compare equal, and in full: times in UTC
    (a form's time is local, the database's UTC), amounts with every decimal they have (coordinates, readings —
    `_value`'s two places would let a changed sixth pass verify) and no trailing zeros (given 100.7972, read back
    100.797200)."""

    def snapshot(instance: models.Model) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in names:
            value = getattr(instance, name)
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC).isoformat()
            elif isinstance(value, Decimal):
                value = f"{value.normalize():f}"
            values[name] = _value(value)
        return values

    return snapshot


def _user(instance: models.Model) -> dict[str, Any]:
    return {
        "agency_id": getattr(instance, "agency_id", None),
        "is_active": getattr(instance, "is_active", None),
        "roles": sorted(assignment.role for assignment in instance.role_assignments.all()),  # type: ignore[attr-defined]
    }


def _case(instance: models.Model) -> dict[str, Any]:
    state = _fields(
        "agency_id",
        "procedure",
        "state",
        "filed_on",
        "act_ended_on",
        "grave_harm",
        "outcome_reason",
        "penalty_kinds",
        "fine",
        "proposed_fine",
        "confiscated",
        "proposed_confiscated",
        "major",
        "collective",
        "hearing_right",
        "decided_on",
        "served_on",
        "paid",
        "closed_on",
        "violation_id",
        "violation_rule_id",
        "benchmark_id",
        "tier",
        "circumstances",
        "fine_base",
        "departure_reason",
    )
    # One row per officer (case_officer_once): sorted here so that verify's prefetched rows give the same list.
    rows = sorted((row.officer_id, row.is_lead, row.recused_on) for row in instance.assignments.all())  # type: ignore[attr-defined]
    found = {**state(instance), "officers": [[officer, lead] for officer, lead, recused in rows if recused is None]}
    recused = [[officer, on.isoformat()] for officer, _, on in rows if on is not None]
    if recused:  # only then, so that the snapshots of cases without a recusal keep their shape
        found["recused"] = recused
    return found


def _list_version(instance: models.Model) -> dict[str, Any]:
    from zhifa.powers.models import ListVersion
    from zhifa.powers.selectors import version_state

    assert isinstance(instance, ListVersion)
    return version_state(instance)


def _benchmark(instance: models.Model) -> dict[str, Any]:
    """An agency's benchmark version and its tiers: a tier edited behind laws.services.benchmark_add is caught."""

    def amount(value: Decimal | None) -> str | None:  # multiples have up to four places
        return None if value is None else format(value.normalize(), "f")

    tiers = [
        [tier.tier, list(tier.conditions), list(tier.kinds), amount(tier.fine_min), amount(tier.fine_max)]
        for tier in sorted(instance.tiers.all(), key=lambda tier: tier.tier)  # type: ignore[attr-defined]
    ]
    state = _fields("agency_id", "rule_id", "effective_from", "source")(instance)
    return {**state, "tiers": tiers}


def _inspection_objection(instance: models.Model) -> dict[str, Any]:
    """An objection's text and answer by their digests: the row keeps the words, the ledger their SHA-256."""
    state = _fields("inspection_id", "kind", "answer_due", "answered_at")(instance)
    return {
        **state,
        "text_sha256": hashlib.sha256(str(getattr(instance, "text", "")).encode()).hexdigest(),
        "answer_sha256": hashlib.sha256(str(getattr(instance, "answer", "")).encode()).hexdigest(),
    }


# label of the model → the fields of its state. One explicit table, no registration magic.
SNAPSHOTS: dict[str, Callable[[models.Model], dict[str, Any]]] = {
    "core.user": _user,
    "core.calendaryear": _fields("year", "source"),
    # The legal-review fields came later (issue 14): entries before them are verified on the fields they recorded.
    "personnel.officer": _fields(
        "agency_id",
        "name",
        "id_number",
        "kind",
        "status",
        "left_on",
        "left_reason",
        "legal_qualification",
        "qualification_number",
        "legal_review_since",
    ),
    "cases.case": _case,
    "cases.casesettings": _fields(
        "reconsideration_body",
        "court",
        "payment_bank",
        "payment_account",
        "contact",
        "large_amount_citizen",
        "large_amount_organisation",
        "large_amount_source",
        "large_confiscation_citizen",
        "large_confiscation_organisation",
        "hearing_kinds",
        "hearing_kinds_source",
        "lead_check_days",
        "statement_days",
        "decision_extension_days",
        "summary_report_days",
        "legal_review_days",
        "major_filing_days",
        "periods_source",
    ),
    "cases.majorcatalog": _fields(
        "agency_id",
        "effective_from",
        "source",
        "fine_citizen",
        "fine_organisation",
        "confiscation_citizen",
        "confiscation_organisation",
        "inclusive",
        "penalty_kinds",
        "after_hearing",
        "outside_benchmark",
        "other_clauses",
    ),
    # A version of an agency's retention period for its case files (archives/retention.py).
    "archives.retentionperiod": _fields("agency_id", "kind", "years", "effective_from", "source"),
    "personnel.certificate": _fields(
        "officer_id",
        "number",
        "status",
        "status_reason",
        "valid_from",
        "valid_until",
        "review_due",
        "domains",
    ),
    # What must be recorded in sound and picture, and each recording's number, timing and annotation.
    "recordings.recordinglist": _fields(
        "agency_id", "effective_from", "full_acts", "as_required_acts", "upload_limit_days", "source"
    ),
    "recordings.recording": _exact_fields(
        "case_id",
        "sha256",
        "number",
        "part",
        "original_id",
        "derivation",
        "act",
        "act_on",
        "act_entry",
        "received_at",
        "due_on",
        "late",
        "speakers",
        "subject",
        "started_at",
        "ended_at",
        "device",
    ),
    # A published list's version and the SHA-256 of its items: an item changed behind the service shows in verify.
    "powers.listversion": _list_version,
    "laws.discretionbenchmark": _benchmark,
    # What the portal shows of a decision, and whether it shows it: edited behind the services, verify says so.
    "publicity.publication": _fields(
        "state",
        "number",
        "party",
        "violation",
        "provisions",
        "outcome",
        "fine",
        "published_sha256",
        "display_until",
        "withheld_reason",
        "withdrawal_reason",
        "withdrawn_on",
        "repaired_on",
    ),
    "publicity.creditrepair": _fields("publication_id", "state", "answered_on"),
    # An inspection of a business: what the public code page, the portal and the supervisor read of it.
    "inspections.inspection": _fields(
        "agency_id",
        "target_id",
        "source",
        "cause",
        "plan_id",
        "planned_on",
        "off_site",
        "state",
        "code_scanned_at",
        "over_cap",
        "review_method",
        "visit_started_at",
        "visit_ended_at",
        "outcome",
        "result_on",
        "case_id",
        "tell_due",
        "told_at",
        "told_how",
        "publish_due",
        "published_at",
    ),
    "inspections.inspectionobjection": _inspection_objection,
    # Evidence from devices (zhifa/devices): the device's settings, who holds an import's files and the case they
    # went into, and each monitoring reading with the lead it opened or joined.
    "devices.device": _exact_fields(
        "agency_id",
        "kind",
        "identifier",
        "name",
        "operator",
        "party_name",
        "domain",
        "longitude",
        "latitude",
        "address",
        "limits",
        "active",
    ),
    "devices.deviceimport": _fields("agency_id", "device_id", "holder_user_id", "holder_agency_id", "case_id"),
    "devices.reading": _exact_fields(
        "device_id",
        "reading_id",
        "parameter",
        "value",
        "unit",
        "limit",
        "measured_at",
        "over",
        "opened_lead",
        "case_id",
    ),
    # A complaint's handling, never its complainant (the entries keep only a salted hash of who he is).
    "complaints.complaint": _fields(
        "state", "handling_agency_id", "case_id", "accepted_on", "closed_on", "not_inspect_reason", "transferred_to"
    ),
}


def subject_key(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


# The related rows a snapshot reads, fetched in one query per kind by verify (live_snapshots).
PREFETCH: dict[str, tuple[str, ...]] = {
    "core.user": ("role_assignments",),
    "cases.case": ("assignments",),
    "laws.discretionbenchmark": ("tiers",),
}


def snapshot(instance: models.Model) -> dict[str, Any] | None:
    label = instance._meta.label_lower
    taker = SNAPSHOTS.get(label)
    if taker is None:
        return None
    # What a service records is the state after its change: related rows a caller prefetched before it may be stale.
    cache = getattr(instance, "_prefetched_objects_cache", {})
    for name in PREFETCH.get(label, ()):
        cache.pop(name, None)
    return taker(instance)


def live_snapshots(keys: list[str]) -> dict[str, dict[str, Any] | None]:
    """The current state of the rows named by subject keys (None: no snapshot or no row), a few queries per kind."""
    from django.apps import apps

    wanted: dict[str, list[str]] = {}
    for key in keys:
        label, _, pk = key.partition(":")
        wanted.setdefault(label, []).append(pk)
    found: dict[str, dict[str, Any] | None] = dict.fromkeys(keys)
    for label, pks in wanted.items():
        if label not in SNAPSHOTS:
            continue
        model = apps.get_model(label)
        rows = model._default_manager.filter(pk__in=pks).prefetch_related(*PREFETCH.get(label, ()))
        for instance in rows:
            found[f"{label}:{instance.pk}"] = SNAPSHOTS[label](instance)
    return found


def live_snapshot(key: str) -> dict[str, Any] | None:
    """The current state of the row named by a subject key, or None when it has no snapshot or no row."""
    return live_snapshots([key])[key]
