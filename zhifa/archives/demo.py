"""The demo's case files: the most complete archived case's binder and folder exported by the officer who
archived it, so that the binder page shows past exports and the check page finds the exported files."""

from __future__ import annotations

from django.db.models import Count

from zhifa.archives import services
from zhifa.cases.models import Case
from zhifa.cases.workflow import State


def load_exports() -> Case | None:
    archived = Case.objects.filter(state=State.ARCHIVED).annotate(made=Count("documents")).order_by("-made", "pk")
    case = archived.first()
    if case is None:
        return None
    archive = case.records.filter(action="archive").select_related("created_by").get()
    services.export_pdf(actor=archive.created_by, case=case)
    services.export_folder(actor=archive.created_by, case=case)
    return case
