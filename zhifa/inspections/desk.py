"""What waits for each person in the inspections (the desk's 「涉企行政检查」 list): his own visits to record and
results to make, the results to tell and publish, the business's objections to answer — and, for a supervisor,
the complaints about the inspections below him. Bounded: a few queries, at most `LIMIT` rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.core.scoping import restrict
from zhifa.inspections.choices import InspectionState, ObjectionKind
from zhifa.inspections.models import Inspection, InspectionObjection
from zhifa.personnel.models import Officer

LIMIT = 20
ROLES = (Role.OFFICER, Role.APPROVER, Role.SUPERVISOR)


@dataclass(frozen=True)
class Waiting:
    what: str
    inspection: Inspection
    due: date | None

    @property
    def url(self) -> str:
        return reverse("inspection_detail", args=[self.inspection.pk])


def _own(actor: User, today: date) -> Q:
    """The actor's own inspections whose record or result he must make."""
    officer = Officer.objects.filter(user=actor).values_list("pk", flat=True).first()
    if officer is None or not actor.has_role(Role.OFFICER):
        return Q(pk__in=[])
    mine = Q(officers=officer)
    return mine & (
        Q(state__in=[InspectionState.ON_SITE, InspectionState.OFF_SITE_REVIEWED])
        | Q(state=InspectionState.PLANNED, off_site=True, planned_on__lte=today)
    )


def _office(actor: User) -> Q:
    if not actor.has_role(Role.OFFICER, Role.APPROVER):
        return Q(pk__in=[])
    return Q(state__in=[InspectionState.RESULT_RECORDED, InspectionState.TOLD])


LABELS = {
    InspectionState.ON_SITE: _("记录现场检查笔录和检查结果"),
    InspectionState.PLANNED: _("记录非现场检查"),
    InspectionState.OFF_SITE_REVIEWED: _("记录检查结果"),
    InspectionState.RESULT_RECORDED: _("告知企业检查结果"),
    InspectionState.TOLD: _("公开检查结果"),
}


def _objections(actor: User) -> list[InspectionObjection]:
    waiting = InspectionObjection.objects.filter(answered_at__isnull=True).select_related(
        "inspection__agency", "inspection__target"
    )
    kinds = []
    if actor.has_role(Role.OFFICER, Role.APPROVER):
        kinds.append(ObjectionKind.OBJECTION)
    if actor.has_role(Role.SUPERVISOR):
        kinds.append(ObjectionKind.COMPLAINT)
    found = restrict(waiting.filter(kind__in=kinds), actor, via="inspection__agency")
    if actor.has_role(Role.SUPERVISOR) and not actor.has_role(Role.OFFICER, Role.APPROVER):
        found = found.exclude(inspection__agency=actor.agency)  # complaints go to the body above
    return list(found.order_by("answer_due", "pk")[:LIMIT])


def waiting_for(actor: User, today: date) -> list[Waiting]:
    if not actor.is_active or not actor.has_role(*ROLES):
        return []
    inspections = restrict(Inspection.objects.filter(_own(actor, today) | _office(actor)), actor).distinct()
    rows = [
        Waiting(
            str(LABELS[InspectionState(inspection.state)]),
            inspection,
            inspection.tell_due
            if inspection.state == InspectionState.RESULT_RECORDED
            else inspection.publish_due
            if inspection.state == InspectionState.TOLD
            else inspection.planned_on,
        )
        for inspection in inspections.select_related("agency", "target").order_by("planned_on", "pk")[:LIMIT]
    ]
    rows += [
        Waiting(f"答复{objection.get_kind_display()}", objection.inspection, objection.answer_due)
        for objection in _objections(actor)
    ]
    return sorted(rows, key=lambda row: (row.due or date.max, row.inspection.pk))[:LIMIT]
