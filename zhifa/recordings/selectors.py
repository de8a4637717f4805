"""What a case's page shows of its recordings: the acts the list in force on their dates named, with what each
needed and whether it has it, and the numbered recordings with their annotations and clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from zhifa.cases.models import Case, CaseRecord
from zhifa.cases.workflow import ACTIONS
from zhifa.ledger.models import Blob
from zhifa.recordings import rules
from zhifa.recordings.models import Recording
from zhifa.recordings.services import ATTACHED, LATER, NONE


@dataclass
class RequiredAct:
    """One act the list named: what it needed ("full" or "as_required"), and where it stands — "recorded",
    "pending" (to come; `due_on`, `days_left`), "overdue" (to come, limit passed), "not_recorded" (with `reason`)
    or "missing" (an act recorded before the rule was enforced here, or imported)."""

    act: CaseRecord
    label: str
    needs: str
    status: str
    source: str
    reason: str = ""
    due_on: date | None = None
    days_left: int | None = None
    recordings: list[Recording] = field(default_factory=list)


def required_acts(case: Case, today: date) -> list[RequiredAct]:
    acts = list(case.records.order_by("entry_index"))
    by_act: dict[int, list[Recording]] = {}
    for recording in Recording.objects.filter(case=case).filter(part=0).order_by("number"):
        by_act.setdefault(recording.act_entry, []).append(recording)
    types = dict(
        Blob.objects.filter(sha256__in={d for a in acts for d in a.files}).values_list("sha256", "content_type")
    )
    lists = rules.lists_for(case.agency)
    found = []
    for act in acts:
        listed = lists.on(act.on_date)
        needs = listed.needs(act.action)
        if needs is None:
            continue
        answer = (act.data.get("recording") or {}).get("answer")
        attached = by_act.get(act.entry_index, [])
        item = RequiredAct(act, str(ACTIONS[act.action].label), needs, "missing", listed.source, recordings=attached)
        if attached or rules.recordings_among(types.get(d, "") for d in act.files) or answer == ATTACHED:
            item.status = "recorded"
        elif answer == LATER:
            item.due_on = date.fromisoformat(act.data["recording"]["due_on"])
            item.status = "pending" if item.due_on >= today else "overdue"
            item.days_left = (item.due_on - today).days if item.status == "pending" else None
        elif answer == NONE:
            item.status = "not_recorded"
            item.reason = act.data["recording"].get("reason", "")
        found.append(item)
    return found


def recordings_of(case: Case) -> list[Recording]:
    """The case's recordings in number order, each original followed by its clips and transcripts."""
    return list(Recording.objects.filter(case=case).select_related("original").order_by("number", "part"))
