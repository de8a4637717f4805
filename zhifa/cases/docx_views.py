"""Word drafts of a case's documents: the officer downloads a .docx filled from the case and edits it offline.

The draft is filled from the same context as the PDF (`issuing.ISSUABLE[kind].build`, the dataclass of
`contexts.CONTEXTS[kind]`), by documents/word.py. Two kinds of download, one address
(`cases/<pk>/documents/<kind>/draft.docx?entry=<index of the act's ledger entry>`):

- before the document is issued, a draft of a document that may be issued now (`issuing.issuable`), numbered
  「（草稿）」, for those who may issue it (officers and approvers; the reviewer for his opinion);
- after, a Word copy of an issued document, with its number, for whoever may see the case.

Neither is stored nor recorded: the issued PDF is the record (the page and the draft's header say so). A copy of
an issued document is filled from the case as it is now, so it may differ from the PDF if the case changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from zhifa.cases import issuing
from zhifa.cases.models import Case, CaseDocument
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.permissions import request_user, require_role
from zhifa.core.scoping import restrict_cases
from zhifa.documents.numbering import DocumentNumber
from zhifa.documents.word import CONTENT_TYPE, DRAFT, render_docx
from zhifa.ledger.models import Entry
from zhifa.ledger.state import subject_key

DRAFT_NOTE = "草稿：供修改文字之用，不是正式文书；正式文书以系统出具的 PDF 为准"
COPY_NOTE = "Word 副本：不是正式文书；正式文书以系统出具的 PDF（{number}）为准"


@dataclass(frozen=True)
class DraftLink:
    """A link on the case page: what it downloads and where."""

    label: str
    url: str
    issued: bool


def may_issue(actor: User, case: Case, kind: str) -> bool:
    """Whether `actor` may issue documents of `kind` for `case` (issuing.issue_document's role check)."""
    spec = issuing.ISSUABLE[kind]
    try:
        require_role(actor, spec.issuers or issuing.ISSUERS, agency=case.agency, doing="制作文书")
    except Refusal:
        return False
    return True


def _url(case: Case, kind: str, entry: int) -> str:
    return f"{reverse('document_draft', args=[case.pk, kind])}?entry={entry}"


def draft_links(
    actor: User, case: Case, documents: list[CaseDocument], pending: list[issuing.Pending]
) -> list[DraftLink]:
    """The drafts `actor` may download on the case page: each document he may issue now, each one issued."""
    allowed: dict[str, bool] = {}  # one role check per kind, not per document
    for item in pending:
        if item.kind not in allowed:
            allowed[item.kind] = may_issue(actor, case, item.kind)
    links = [
        DraftLink(item.label, _url(case, item.kind, item.entry.index), False) for item in pending if allowed[item.kind]
    ]
    links += [
        DraftLink(
            f"{document.get_kind_display()} {document.number}",
            _url(case, document.kind, document.documents_entry),
            True,
        )
        for document in documents
        if document.kind in issuing.ISSUABLE
    ]
    return links


@login_required
def document_draft(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A document of `kind` as a Word file: a draft while it may be issued, a copy once issued; else 404."""
    actor = request_user(request)
    case = get_object_or_404(restrict_cases(Case.objects.select_related("agency"), actor), pk=pk)
    if kind not in issuing.ISSUABLE:
        raise Http404
    spec = issuing.ISSUABLE[kind]
    raw = request.GET.get("entry", "")
    wanted = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None
    issued = CaseDocument.objects.filter(case=case, kind=kind).order_by("-documents_entry")
    document = (issued.filter(documents_entry=wanted) if wanted is not None else issued).first()
    if document is not None:
        entry = get_object_or_404(Entry, subject=subject_key(case), index=document.documents_entry)
        number = DocumentNumber(
            agency_code=case.agency.short_name.strip(), kind=spec.kind, year=document.year, serial=document.serial
        )
        printed, note = document.number, COPY_NOTE.format(number=document.number)
    else:
        pending = [p for p in issuing.issuable(case) if p.kind == kind and wanted in (None, p.entry.index)]
        if not pending:
            raise Http404
        if not may_issue(actor, case, kind):
            raise PermissionDenied
        entry = pending[-1].entry
        # A draft carries no number: none is drawn before the document is issued (numbering.py).
        number = DocumentNumber(
            agency_code=case.agency.short_name.strip(), kind=spec.kind, year=timezone.localdate().year, serial=0
        )
        printed, note = DRAFT, DRAFT_NOTE
    try:
        with translation.override("zh-hans"):
            context = spec.build(case, number, bytes(entry.leaf_hash).hex(), entry)
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("case_detail", case.pk)
    content = render_docx(kind, context, number=printed, header_note=note, site_base=settings.ZHIFA_PUBLIC_URL)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    name = f"{spec.kind.label}{document.number if document else DRAFT}（Word）-{case.pk}.docx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    response["Cache-Control"] = "private, no-store"  # a party's name and ID number: kept out of shared caches
    response["X-Content-Type-Options"] = "nosniff"
    return response
