"""Which acts are recorded in sound and picture, and how soon a recording reaches the platform: the list in force
for an agency on an act's date.

The rule (RULES.md, "Whole-process record"): acts directly affecting personal freedom, life and health or major
property — sealing and impounding, orders to limit or stop production, closures — and the places where cases are
handled are recorded in full; on-site enforcement, evidence gathering, hearings and service of documents, where
disputes arise, as circumstances require (国办发〔2018〕118号; seed 004, which adds that an act a written record
captures fully and effectively need not be recorded). Each agency publishes its own list (`RecordingList`); the
national list below applies where neither the agency nor any agency above it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from zhifa.core.models import Agency
from zhifa.recordings.models import RecordingList

# The kinds of file that are a recording (Blob.content_type).
AV_TYPES = ("video/", "audio/")


@dataclass(frozen=True)
class InForce:
    """The list applied to an act: the acts recorded in full and as required, the upload limit, and where it
    comes from (`version` None: the national list)."""

    full: frozenset[str]
    as_required: frozenset[str]
    upload_limit_days: int
    source: str
    effective_from: date
    version: RecordingList | None = None

    def needs(self, action: str) -> str | None:
        """ "full", "as_required" or None for a workflow action."""
        if action in self.full:
            return "full"
        if action in self.as_required:
            return "as_required"
        return None


NATIONAL = InForce(
    # 查封、扣押: the one act of the penalty procedure that directly affects major property on site.
    full=frozenset({"seize"}),
    # 现场执法、调查取证、证据保全、举行听证、解除强制措施、文书送达.
    as_required=frozenset(
        {
            "record_inspection",
            "add_evidence",
            "record_interview",
            "preserve_evidence",
            "release_seizure",
            "hold_hearing",
            "notify",
            "notify_hearing",
            "serve",
        }
    ),
    # 1 working day: Guangdong's rule on audio-video recording, art. 14 (a secondary source; no national period
    # was found) — a default each agency replaces with its own list's.
    upload_limit_days=1,
    source="国办发〔2018〕118号 执法全过程记录制度；黑龙江省生态环境厅三项制度实施方案（2019）；"
    "广东省行政执法音像记录规定 第十四条（上传期限）",
    effective_from=date(2018, 12, 5),
)


def _from_version(version: RecordingList) -> InForce:
    return InForce(
        full=frozenset(version.full_acts),
        as_required=frozenset(version.as_required_acts),
        upload_limit_days=version.upload_limit_days,
        source=version.source,
        effective_from=version.effective_from,
        version=version,
    )


@dataclass(frozen=True)
class Lists:
    """Every version in an agency's line, read once: the list in force on any day without another query (a case's
    acts span months, and each is judged by its own day)."""

    line: tuple[int, ...]  # the agency and those above it, nearest first
    versions: tuple[RecordingList, ...]  # latest effective date first

    def on(self, on_date: date) -> InForce:
        """The latest version effective on `on_date` of the nearest agency that has one; else the national list."""
        by_agency: dict[int, RecordingList] = {}
        for version in self.versions:
            if version.effective_from <= on_date:
                by_agency.setdefault(version.agency_id, version)
        found = next((by_agency[pk] for pk in self.line if pk in by_agency), None)
        return NATIONAL if found is None else _from_version(found)


def lists_for(agency: Agency) -> Lists:
    """One query: the versions of the agency and of those above it (by their paths), nearest agency first."""
    versions = (
        RecordingList.objects.filter(Q(agency=agency) | Q(agency__path__in=agency.upward_paths()))
        .select_related("agency")
        .order_by("-effective_from")
    )
    found = tuple(versions)
    nearest = sorted({v.agency for v in found}, key=lambda where: -len(where.path))
    return Lists(tuple(where.pk for where in nearest), found)


def in_force(agency: Agency, on_date: date) -> InForce:
    """The list applied to an act of `agency` on `on_date`."""
    return lists_for(agency).on(on_date)


def listed_actions(agency: Agency) -> frozenset[str]:
    """Every act any version in the agency's line (or the national list) records: the acts whose forms ask for
    a recording or the reason there is none, whatever the act's date."""
    names: set[str] = set(NATIONAL.full | NATIONAL.as_required)
    for full, as_required in RecordingList.objects.filter(agency__in=agency.upward_line()).values_list(
        "full_acts", "as_required_acts"
    ):
        names.update(full)
        names.update(as_required)
    return frozenset(names)


def action_labels(names: Iterable[str]) -> list[str]:
    """The acts' names as a list shows them, in the workflow's order."""
    from zhifa.cases.workflow import ACTIONS

    wanted = set(names)
    return [str(action.label) for name, action in ACTIONS.items() if name in wanted]


def is_recording(content_type: str) -> bool:
    return content_type.startswith(AV_TYPES)


def recordings_among(types: Iterable[str]) -> bool:
    return any(is_recording(kind) for kind in types)
