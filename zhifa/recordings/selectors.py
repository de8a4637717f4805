"""What a case's page shows of its recordings: the acts the list in force on their dates named, with what each
needed and whether it has it, and the numbered recordings with their annotations and clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Subquery

from zhifa.cases.models import Case, CaseRecord
from zhifa.cases.workflow import ACTIONS
from zhifa.ledger.models import Blob
from zhifa.recordings import rules
from zhifa.recordings.models import Recording
from zhifa.recordings.services import ATTACHED, LATER, NONE


@dataclass
class RequiredAct:
    """One act the list named: what it needed ("full" or "as_required"), and where it stands — "recorded",
    "pending" (to come; `due_on`, `days_left`), "overdue" (to come, limit passed), "not_recorded" (with `reason`),
    "missing" (nothing of what the list asked), or "not_asked" (an act recorded before the system asked, with no
    recording: the list then asked for one or a reason, and the record has neither to judge by)."""

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
    """Each act by what it was asked when it was taken (the `recording` its facts sealed), or, for an act recorded
    before the system asked, by the list in force on its date — never by a list published since."""
    acts = list(case.records.order_by("entry_index"))
    by_act: dict[int, list[Recording]] = {}
    for recording in Recording.objects.filter(case=case, part=0).order_by("number"):
        by_act.setdefault(recording.act_entry, []).append(recording)
    files = {digest for act in acts for digest in act.files}
    types = dict(Blob.objects.filter(sha256__in=files).values_list("sha256", "content_type"))
    lists = rules.lists_for(case.agency)
    found = []
    for act in acts:
        sealed = act.data.get("recording") or {}
        if sealed.get("needs"):
            needs, source = str(sealed["needs"]), str(sealed.get("list", ""))
        else:
            listed = lists.on(act.on_date)
            needs, source = listed.needs(act.action) or "", listed.source
        if not needs:
            continue
        attached = by_act.get(act.entry_index, [])
        item = RequiredAct(act, str(ACTIONS[act.action].label), needs, "missing", source, recordings=attached)
        answer = sealed.get("answer")
        if attached or rules.recordings_among(types.get(d, "") for d in act.files) or answer == ATTACHED:
            item.status = "recorded"
        elif answer == LATER and sealed.get("due_on"):
            item.due_on = date.fromisoformat(str(sealed["due_on"]))
            item.status = "pending" if item.due_on >= today else "overdue"
            item.days_left = (item.due_on - today).days if item.status == "pending" else None
        elif answer == NONE:
            item.status = "not_recorded"
            item.reason = str(sealed.get("reason", ""))
        elif not sealed and needs == "as_required":
            item.status = "not_asked"
        found.append(item)
    return found


def recordings_of(case: Case) -> list[Recording]:
    """The case's recordings in number order, each original followed by its clips and transcripts, each with its
    file's content type (`content_type`: the page plays audio and video in place)."""
    kind = Blob.objects.filter(sha256=OuterRef("sha256")).values("content_type")[:1]
    rows = Recording.objects.filter(case=case).select_related("original").annotate(content_type=Subquery(kind))
    return list(rows.order_by("number", "part"))
