"""The reads of devices, imports and readings, each starting from what the actor may see (core.scoping)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from zhifa.cases.models import Case
from zhifa.cases.workflow import INVESTIGATION
from zhifa.core.models import User
from zhifa.core.scoping import reads_cases, restrict, restrict_cases, visible_agencies
from zhifa.devices.models import Device, DeviceImport, Reading


def may_read(actor: User) -> bool:
    """Devices and their evidence are case material: closed to the system and security administrators alone."""
    return reads_cases(actor)


def devices_for(actor: User) -> QuerySet[Device]:
    """The devices of the agencies the actor sees: readers of case material, and the administrators who keep them."""
    return restrict(Device.objects.select_related("agency"), actor)


def imports_for(actor: User) -> QuerySet[DeviceImport]:
    """The imports of the agencies the actor sees, and those handed to one of them (they hold the files now)."""
    if not may_read(actor):
        return DeviceImport.objects.none()
    agencies = visible_agencies(actor)
    return (
        DeviceImport.objects.filter(Q(agency__in=agencies) | Q(holder_agency__in=agencies))
        .select_related("device", "agency", "imported_by", "holder_user", "holder_agency", "case")
        .annotate(file_count=Count("files", distinct=True))
        .distinct()
    )


def readable_cases(actor: User, case_ids: Iterable[int | None]) -> set[int]:
    """Which of these cases the actor may open: an import handed to another agency and put into its case shows that
    case's title and link only to those who may read it (core.scoping.restrict_cases)."""
    wanted = {pk for pk in case_ids if pk is not None}
    if not wanted:
        return set()
    return set(restrict_cases(Case.objects.filter(pk__in=wanted), actor).values_list("pk", flat=True))


def import_visible(actor: User, pk: int) -> DeviceImport | None:
    return imports_for(actor).filter(pk=pk).first()


def readings_for(actor: User) -> QuerySet[Reading]:
    if not may_read(actor):
        return Reading.objects.none()
    return restrict(Reading.objects.select_related("device", "case"), actor, via="device__agency")


def cases_to_attach(actor: User) -> QuerySet[Case]:
    """The open cases the actor investigates (on the team, not stepped aside), to which evidence may be added."""
    return (
        Case.objects.filter(
            assignments__officer__user=actor,
            assignments__recused_on__isnull=True,
            state__in=[state.value for state in INVESTIGATION],
        )
        .select_related("agency")
        .order_by("-received_on", "-pk")
        .distinct()
    )
