"""The case file's services: the rule that an archived file is never changed, and its exports, each recorded.

`refuse_if_archived(case, doing=…)` is the one place the rule lives; the case services (cases/services.py
`perform`), the documents (cases/issuing.py: issuing one, attaching a signed scan) and anything else that writes
to a case call it. `export_pdf` and `export_folder` make the binder or the folder, keep the file in the evidence
store and append a ledger entry naming it, so the public check page finds it by its SHA-256.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from django.utils import translation

from zhifa.archives import binder, folder
from zhifa.archives.choices import ExportKind
from zhifa.cases.models import Case
from zhifa.cases.workflow import State
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.scoping import restrict_cases
from zhifa.ledger import blobs
from zhifa.ledger.services import record

# 国办发〔2018〕118号: the whole-process record is archived and kept so that it cannot be deleted or altered
# (不能删改; RULES.md "Whole-process record"). An archived file is read and exported, never changed.
ARCHIVED_RULE = "国办发〔2018〕118号"
EXPORT_ACTION = "archives.export"


def refuse_if_archived(case: Case, *, doing: str = "更改案卷") -> None:
    """Refuse any change to a case whose file is archived (its state as stored, not as a caller holds it)."""
    state = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first() if case.pk else case.state
    if state == State.ARCHIVED:
        raise Refusal(f"本案已归档，案卷只能查阅和导出，不能{doing}", rule=ARCHIVED_RULE)


@dataclass(frozen=True)
class Export:
    """An export made: what it is, its file in the evidence store and the entry that records it."""

    kind: ExportKind
    sha256: str
    size: int
    filename: str
    entry_index: int
    content_type: str


class Exporter(Protocol):
    def __call__(self, *, actor: User, case: Case) -> Export: ...


def _readable(actor: User, case: Case) -> Case:
    found = restrict_cases(Case.objects.select_related("agency"), actor).filter(pk=case.pk).first()
    if found is None:
        raise Refusal("您无权查阅此案件")
    if found.state != State.ARCHIVED:
        # Before archiving the file still grows (the closure report, signed scans): an export would be stale.
        raise Refusal("案件尚未归档：归档后才能导出案卷", rule=ARCHIVED_RULE)
    return found


def export_pdf(*, actor: User, case: Case) -> Export:
    """The binder as one PDF, kept in the evidence store and recorded."""
    with translation.override("zh-hans"):
        case = _readable(actor, case)
        cat = binder.catalogue(case)
        pdf = binder.render_pdf(cat)
        blob = blobs.store(io.BytesIO(pdf), content_type="application/pdf")
        return _record(actor, case, cat, ExportKind.PDF, blob, f"case-{case.pk}-binder.pdf", pages=_pages(pdf))


def export_folder(*, actor: User, case: Case) -> Export:
    """The folder for the archives as one ZIP, kept in the evidence store and recorded."""
    with translation.override("zh-hans"):
        case = _readable(actor, case)
        cat = binder.catalogue(case)
        with folder.build(cat, binder.render_front(cat)) as archive:
            blob = blobs.store(archive, content_type="application/zip")
        return _record(actor, case, cat, ExportKind.FOLDER, blob, f"case-{case.pk}-folder.zip")


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _record(
    actor: User, case: Case, cat: binder.Catalogue, kind: ExportKind, blob: Any, filename: str, **extra: Any
) -> Export:
    # Rendering ran outside the transaction (seconds, and no lock held meanwhile): an archived file cannot change.
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != State.ARCHIVED:
            raise Refusal("案件尚未归档：归档后才能导出案卷", rule=ARCHIVED_RULE)
        facts = {
            "kind": kind.value,
            "sha256": blob.sha256,
            "size": blob.size,
            "filename": filename,
            "case_number": cat.case_number,
            "retention": cat.as_data()["retention"],
            "item_pages": cat.total_pages,
            "items": [
                {"number": item.number, "title": item.title, "sha256": item.sha256, "pages": item.page_range}
                for item in cat.items
            ],
            **extra,
        }
        entry = record(
            actor=actor, action=EXPORT_ACTION, subject=locked, facts=facts, files=[blob.sha256], agency=locked.agency
        )
    return Export(kind, blob.sha256, blob.size, filename, entry.index, blob.content_type)
