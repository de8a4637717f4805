"""`/api/v1/agencies/{id}/lists/...` and `/api/v1/lists/versions/{id}`: the lists in force on a day and their
versions, read-only, with the API's token and the caller's agency scope (as the pages)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from zhifa.core.models import Agency
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.powers import selectors
from zhifa.powers.choices import ListKind
from zhifa.powers.models import ListVersion

router = Router(tags=["清单"])


class DetailOut(Schema):
    detail: str


class ChangeOut(Schema):
    key: str
    name: str
    fields: list[tuple[str, str, str]]


class DiffOut(Schema):
    added: list[str]
    removed: list[str]
    changed: list[ChangeOut]


class VersionOut(Schema):
    id: int
    agency: str
    agency_id: int
    kind: str
    kind_label: str
    number: int
    effective_from: date
    source: str
    reason: str
    published_by: str
    changes: DiffOut


class VersionItemsOut(VersionOut):
    items: list[dict[str, Any]]


class InForceOut(Schema):
    on: date
    version: VersionItemsOut | None


def _version_out(version: ListVersion, *, items: bool) -> dict[str, Any]:
    diff = selectors.diff(version)
    key = "name" if version.kind == ListKind.BODIES else "code"
    found: dict[str, Any] = {
        "id": version.pk,
        "agency": version.agency.name,
        "agency_id": version.agency_id,
        "kind": version.kind,
        "kind_label": str(ListKind(version.kind).label),
        "number": version.number,
        "effective_from": version.effective_from,
        "source": version.source,
        "reason": version.reason,
        "published_by": version.published_by_name,
        "changes": {
            "added": [str(values[key]) for values in diff.added],
            "removed": [str(values[key]) for values in diff.removed],
            "changed": [{"key": c.key, "name": c.name, "fields": c.fields} for c in diff.changed],
        },
    }
    if items:
        found["items"] = selectors.item_values(version)
    return found


def _agency(request: HttpRequest, agency_id: int, kind: str) -> Agency:
    agency = get_object_or_404(Agency, pk=agency_id)
    if kind not in ListKind.values or not can_see_agency(request_user(request), agency):
        raise Http404
    return agency


NOT_FOUND: dict[int, Any] = {401: DetailOut, 404: DetailOut}


@router.get(
    "/agencies/{agency_id}/lists/{kind}",
    response={200: InForceOut, **NOT_FOUND},
    summary=(
        "机关某一清单在某日施行的版本及其事项（kind：bodies 执法主体清单 / powers 权责清单 / "
        "inspections 行政检查事项清单；on 缺省为今天；本机关未发布的，沿用最近的上级机关的清单）"
    ),
)
def list_in_force(request: HttpRequest, agency_id: int, kind: str, on: date | None = None) -> dict[str, Any]:
    agency = _agency(request, agency_id, kind)
    day = on or timezone.localdate()
    version = selectors.list_in_force(agency, kind, day)
    return {"on": day, "version": _version_out(version, items=True) if version else None}


@router.get(
    "/agencies/{agency_id}/lists/{kind}/versions",
    response={200: list[VersionOut], **NOT_FOUND},
    summary="机关及其上级机关发布的各版清单，新版在前，附与上一版相比的调整",
)
def list_versions(request: HttpRequest, agency_id: int, kind: str) -> list[dict[str, Any]]:
    agency = _agency(request, agency_id, kind)
    return [_version_out(version, items=False) for version in selectors.versions_for(agency, kind)[:100]]


@router.get("/lists/versions/{version_id}", response={200: VersionItemsOut, **NOT_FOUND}, summary="一版清单及其事项")
def list_version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.version_visible(request_user(request), version_id)
    if version is None:
        raise Http404
    return _version_out(version, items=True)
