"""The pages of an inspection's seven documents: issue one (a POST, a button on the inspection's page), download
an issued one as its PDF (the record) or as a Word copy (filled from the inspection as it is now, not the record).

Thin: the rules live in `inspections.documents`. Read by whoever may read the inspection
(`selectors.inspection_visible`); issued by its agency's officers and heads.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core.errors import Refusal
from zhifa.core.permissions import request_user
from zhifa.documents.choices import DocumentKind
from zhifa.documents.numbering import DocumentNumber
from zhifa.documents.word import CONTENT_TYPE, render_docx
from zhifa.inspections import documents, selectors
from zhifa.inspections.models import Inspection, InspectionAct, InspectionDocument
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry

COPY_NOTE = "Word 副本：不是正式文书；正式文书以系统出具的 PDF（{number}）为准"
# 测甲检通字〔2026〕第3号 → the year and the serial, to fill the Word copy's number.
NUMBER = re.compile(r"〔(\d{4})〕第(\d+)号$")


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    actor = request_user(request)
    inspection = selectors.inspection_visible(actor, pk)
    if inspection is None:
        raise Http404
    return inspection


def _document(inspection: Inspection, doc_pk: int) -> InspectionDocument:
    document = InspectionDocument.objects.filter(pk=doc_pk, inspection=inspection).select_related("act").first()
    if document is None:
        raise Http404
    return document


def _headers(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    response["Cache-Control"] = "private, no-store"  # a business's name and the officers': out of shared caches
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    kind = request.POST.get("kind", "")[:40]
    raw = request.POST.get("act", "")
    act = None
    if raw:
        act = InspectionAct.objects.filter(pk=int(raw), inspection=inspection).first() if raw.isdigit() else None
        if act is None:
            messages.error(request, _("所选现场记录不属于本次检查"))
            return redirect("inspection_detail", pk)
    try:
        document = documents.issue(actor=request_user(request), inspection=inspection, kind=kind, act=act)
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("已制作%(kind)s %(number)s") % {"kind": DocumentKind(document.kind).label, "number": document.number},
        )
    return redirect("inspection_detail", pk)


@login_required
def document_pdf(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    """The issued PDF, re-hashed before it is sent: bytes that no longer match their hash are never served."""
    document = _document(_inspection(request, pk), doc_pk)
    problem = blobs.verify(document.sha256)
    if problem is not None:
        return HttpResponse(
            f"文书文件已损坏或缺失，不能提供：{problem}。请通知系统管理员运行 zhifa ledger verify。",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(blobs.open_verified(document.sha256), content_type="application/pdf")
    label = DocumentKind(document.kind).label
    return _headers(response, f"{label}{document.number}.pdf")


@login_required
def document_docx(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    """A Word copy of an issued document, filled from the inspection as it is now; the PDF stays the record."""
    inspection = _inspection(request, pk)
    document = _document(inspection, doc_pk)
    kind = DocumentKind(document.kind)
    found = NUMBER.search(document.number)
    entry = Entry.objects.filter(index=document.entry_index).first()
    if found is None or entry is None:
        raise Http404
    number = DocumentNumber(
        agency_code=inspection.agency.short_name.strip(), kind=kind, year=int(found[1]), serial=int(found[2])
    )
    full = _full(inspection)
    with translation.override("zh-hans"):
        context = documents.build(
            full,
            kind,
            number,
            bytes(entry.leaf_hash).hex(),
            act=document.act,
            site_base=settings.ZHIFA_PUBLIC_URL,
            today=timezone.localdate(document.issued_at),
        )
    content = render_docx(
        kind,
        context,
        number=document.number,
        header_note=COPY_NOTE.format(number=document.number),
        site_base=settings.ZHIFA_PUBLIC_URL,
    )
    return _headers(HttpResponse(content, content_type=CONTENT_TYPE), f"{kind.label}{document.number}（Word）.docx")


def _full(inspection: Inspection) -> Inspection:
    """The inspection with what the documents read, in a handful of queries."""
    return (
        Inspection.objects.select_related("agency", "agency__parent", "target", "plan", "case")
        .prefetch_related(*selectors.OFFICERS_WITH_CERTIFICATES, "items")
        .get(pk=inspection.pk)
    )
