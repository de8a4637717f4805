"""The public portal's pages (行政执法公示平台): the home, the agencies and what each publishes before it acts
(事前公开), the procedures' flow charts, the year's statistics, the sitemap and robots.txt.

Anyone reads them without logging in; they read without JavaScript (charts are extras over tables). Thin: reads go
through portal.selectors, powers.selectors, laws.selectors, cases.major and portal.statistics.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhifa.core.models import Agency
from zhifa.laws import selectors as laws
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob
from zhifa.portal import flows, selectors, statistics
from zhifa.portal.cache import cached_public_page
from zhifa.powers import excel
from zhifa.powers import selectors as lists
from zhifa.powers.choices import ListKind
from zhifa.powers.columns import COLUMNS, displayed
from zhifa.powers.models import EnforcementBody, ListVersion
from zhifa.publicity.search import visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_DIFFS = 20  # the newest versions shown with their changes; older ones on their own page


def _agency(pk: int) -> Agency:
    return get_object_or_404(Agency.objects.select_related("parent"), pk=pk)


def _crumbs(*pairs: tuple[str, str | None]) -> list[dict[str, str | None]]:
    return [{"label": label, "url": url} for label, url in pairs]


def _agency_crumbs(agency: Agency, *more: tuple[str, str | None]) -> list[dict[str, str | None]]:
    return _crumbs(
        ("执法机关", reverse("portal_agencies")), (agency.name, reverse("portal_agency", args=[agency.pk])), *more
    )


@require_GET
@cached_public_page
def portal_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = statistics.published_years(today)
    # The newest decisions shown today (事后公开): the home is cached per ledger head and day, so a publication,
    # a withdrawal or the end of a display period shows on the next request.
    latest = list(visible(today).select_related("agency").order_by("-decided_on", "-pk")[:5])
    context = {
        "tree": selectors.agency_tree(),
        "today": today,
        "last_year": years[0] if years else None,
        "latest": latest,
    }
    return render(request, "portal/home.html", context)


@require_GET
@cached_public_page
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/agency_list.html",
        {"tree": selectors.agency_tree(), "breadcrumbs": _crumbs(("执法机关", None))},
    )


@require_GET
@cached_public_page
def agency_page(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "agency": agency,
        "today": today,
        **selectors.agency_page(agency, today),
        "breadcrumbs": _agency_crumbs(agency),
    }
    return render(request, "portal/agency.html", context)


def _rows(version: ListVersion) -> list[list[tuple[str, str]]]:
    return [displayed(version.kind, values) for values in lists.item_values(version)]


@require_GET
@cached_public_page
def list_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One of the three lists: the version in force today, and every version with its changes."""
    agency = _agency(pk)
    if kind not in ListKind.values:
        raise Http404
    today = timezone.localdate()
    in_force = lists.list_in_force(agency, kind, today)
    versions = list(lists.versions_for(agency, kind))
    history = [
        {"version": version, "diff": lists.diff(version) if index < HISTORY_DIFFS else None}
        for index, version in enumerate(versions)
    ]
    label = str(ListKind(kind).label)
    context = {
        "agency": agency,
        "kind": kind,
        "label": label,
        "today": today,
        "in_force": in_force,
        "headers": [column.header for column in COLUMNS[kind]],
        "rows": _rows(in_force) if in_force else [],
        "history": history,
        "lists": ListKind.choices,
        "breadcrumbs": _agency_crumbs(agency, (label, None)),
    }
    return render(request, "portal/list.html", context)


def _published_version(pk: int) -> ListVersion:
    """A published version: every version is public from its publication (a future one says when it applies)."""
    return get_object_or_404(ListVersion.objects.select_related("agency"), pk=pk)


@require_GET
@cached_public_page
def version_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = _published_version(pk)
    label = str(version.get_kind_display())
    context = {
        "version": version,
        "today": timezone.localdate(),
        "previous": lists.previous_of(version),
        "diff": lists.diff(version),
        "headers": [column.header for column in COLUMNS[version.kind]],
        "rows": _rows(version),
        "breadcrumbs": _agency_crumbs(
            version.agency,
            (label, reverse("portal_list", args=[version.agency_id, version.kind])),
            (f"第{version.number}版", None),
        ),
    }
    return render(request, "portal/version.html", context)


@require_GET
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _published_version(pk)
    response = HttpResponse(excel.export_version(version), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(excel.export_name(version))}"
    return response


@require_GET
def letter_download(request: HttpRequest, sha256: str) -> HttpResponseBase:
    """An entrustment letter (委托书) named by a published enforcement-body list: published with the list
    (国办发〔2024〕54号). Only such letters: no other stored file is reachable here."""
    entry = EnforcementBody.objects.filter(letter_sha256=sha256).exclude(letter_sha256="").first()
    blob = Blob.objects.filter(sha256=sha256).first()
    if entry is None or blob is None:
        raise Http404
    problem = blobs.verify(sha256)
    if problem is not None:
        return HttpResponse(
            f"此委托书文件已损坏或缺失，不能提供：{problem}",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    inline = blob.content_type == "application/pdf"
    response = StreamingHttpResponse(
        blobs.open_verified(sha256), content_type=blob.content_type if inline else "application/octet-stream"
    )
    response["Content-Length"] = str(blob.size)
    extension = mimetypes.guess_extension(blob.content_type) or "" if blob.content_type else ""
    name = entry.letter_name or f"{sha256[:16]}{extension}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@cached_public_page
def benchmarks_page(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    today = timezone.localdate()
    context = {
        "agency": agency,
        "today": today,
        "followed": laws.agency_benchmarks(agency, today),
        "breadcrumbs": _agency_crumbs(agency, ("行政处罚裁量基准", None)),
    }
    return render(request, "portal/benchmarks.html", context)


@require_GET
@cached_public_page
def no_penalty_page(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    today = timezone.localdate()
    applying = {listed.pk for listed in selectors.no_penalty_lists(agency)}
    found = [(listed, status) for listed, status in laws.no_penalty_lists(today) if listed.pk in applying]
    context = {
        "agency": agency,
        "today": today,
        "lists": found,
        "breadcrumbs": _agency_crumbs(agency, ("不予处罚清单", None)),
    }
    return render(request, "portal/no_penalty.html", context)


@require_GET
@cached_public_page
def catalog_page(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    today = timezone.localdate()
    in_force, versions = selectors.catalogs(agency, today)
    context = {
        "agency": agency,
        "today": today,
        "in_force": in_force,
        "versions": versions,
        "breadcrumbs": _agency_crumbs(agency, ("重大执法决定法制审核目录", None)),
    }
    return render(request, "portal/catalog.html", context)


@require_GET
@cached_public_page
def procedures_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agency = _agency(pk) if pk is not None else None
    label = "执法流程"
    crumbs = _agency_crumbs(agency, (label, None)) if agency else _crumbs((label, None))
    context = {"agency": agency, "flows": flows.public_flows(), "breadcrumbs": crumbs}
    return render(request, "portal/procedures.html", context)


@require_GET
def statistics_index(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    years = statistics.published_years(today)
    if not years:
        raise Http404
    return statistics_year(request, years[0])


@require_GET
@cached_public_page
def statistics_year(request: HttpRequest, year: int) -> HttpResponse:
    today = timezone.localdate()
    if not statistics.is_public(year, today) or year < 1990:
        raise Http404
    report = statistics.year_report(year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(statistics.workbook(report), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年度行政执法统计.xlsx')}"
        return response
    context = {
        "report": report,
        "years": statistics.published_years(today),
        "today": today,
        "chart": report.chart(),
        "breadcrumbs": _crumbs(("年度统计", reverse("portal_statistics")), (f"{year}年度", None)),
    }
    return render(request, "portal/statistics.html", context)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """The portal's pages are for search engines; the staff's are not (they are behind login anyway)."""
    base = settings.ZHIFA_PUBLIC_URL.rstrip("/")
    lines = [
        "User-agent: *",
        "Allow: /$",
        "Allow: /public/",
        "Allow: /static/",
        "Allow: /sitemap.xml",
        "Disallow: /",
        f"Sitemap: {base}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
