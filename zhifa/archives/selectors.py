"""Reads of the case file: the exports made of a case, newest first, from the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from zhifa.archives.services import EXPORT_ACTION
from zhifa.cases.models import Case
from zhifa.ledger.models import Entry, Facts
from zhifa.ledger.state import subject_key


@dataclass(frozen=True)
class PastExport:
    entry_index: int
    recorded_at: datetime
    actor_name: str
    kind: str
    sha256: str
    size: int | None

    @property
    def kind_label(self) -> str:
        from zhifa.archives.choices import ExportKind

        return str(ExportKind(self.kind).label) if self.kind in ExportKind.values else self.kind


def exports_of(case: Case, limit: int = 50) -> list[PastExport]:
    """The case file's exports (each an `archives.export` entry), newest first: two queries."""
    entries = list(
        Entry.objects.filter(subject=subject_key(case), action=EXPORT_ACTION)
        .only("index", "recorded_at", "actor_name", "files")
        .order_by("-index")[:limit]
    )
    facts = dict(Facts.objects.filter(entry_id__in=[e.index for e in entries]).values_list("entry_id", "facts"))
    found = []
    for entry in entries:
        said = json.loads(facts[entry.index]) if entry.index in facts else {}  # erased facts: the file is still named
        digest = said.get("sha256") or (entry.files[0] if entry.files else "")
        found.append(
            PastExport(entry.index, entry.recorded_at, entry.actor_name, said.get("kind", ""), digest, said.get("size"))
        )
    return found
