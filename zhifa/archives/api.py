"""The case file in the API, mounted under /api/v1/cases: its catalogue (JSON) and its two exports, each recorded
in the ledger like a download from the page (archives.services)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Router, Schema

from zhifa.api.schemas import NOT_FOUND, REFUSED
from zhifa.api.scope import visible_case
from zhifa.archives import binder, services
from zhifa.archives.views import download
from zhifa.core.permissions import request_user

router = Router(tags=["案卷"])


class RetentionOut(Schema):
    kind: str
    period: str
    years: int | None
    source: str
    until: str | None


class ItemOut(Schema):
    number: int
    title: str
    date: str
    kind: str
    sha256: str
    size: int
    content_type: str
    pages: str  # "3", "3-5", or "见序号2" for a file bound earlier
    same_as: int | None


class CatalogueOut(Schema):
    case: int
    case_number: str
    title: str
    agency: str
    parties: str
    opened_on: str | None
    closed_on: str | None
    archived_on: str | None
    retention: RetentionOut
    total_pages: int
    items: list[ItemOut]


@router.get(
    "/{case_id}/binder",
    response={200: CatalogueOut, **NOT_FOUND},
    summary="案卷的卷内目录（按办案顺序，含每份文件的 SHA-256 和在 PDF 案卷中的页号）与保管期限",
)
def case_binder(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return binder.catalogue(visible_case(request, case_id)).as_data()


_FILE = {
    "responses": {
        200: {
            "description": "文件",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.post(
    "/{case_id}/binder/pdf",
    response={**REFUSED, **NOT_FOUND},
    summary="导出 PDF 案卷（仅已归档案件；每次导出记入全过程记录）",
    openapi_extra=_FILE,
)
def case_binder_pdf(request: HttpRequest, case_id: int) -> HttpResponseBase:
    return download(services.export_pdf(actor=request_user(request), case=visible_case(request, case_id)))


@router.post(
    "/{case_id}/binder/folder",
    response={**REFUSED, **NOT_FOUND},
    summary="导出归档文件夹 ZIP（目录 PDF 和 Excel、原文件、SHA256SUMS；仅已归档案件；每次导出记入全过程记录）",
    openapi_extra=_FILE,
)
def case_binder_folder(request: HttpRequest, case_id: int) -> HttpResponseBase:
    return download(services.export_folder(actor=request_user(request), case=visible_case(request, case_id)))
