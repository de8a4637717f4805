"""The portal's sitemap (/sitemap.xml): every public page a search engine should find.

One list, `SITEMAPS`, names the sections; a new public section (the decisions, the complaints' guide) adds its
`Sitemap` class there. The addresses are built on ZHIFA_PUBLIC_URL, the portal's public address, not on the host
a request happened to use.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.requests import RequestSite
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhifa.core.models import Agency
from zhifa.powers.choices import ListKind


class PortalPagesSitemap(Sitemap):  # type: ignore[type-arg]
    """The pages that are one for the whole portal."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["portal_home", "portal_agencies", "portal_procedures", "portal_statistics", "certificate_check"]

    def location(self, item: str) -> str:
        return reverse(item)


class AgencySitemap(Sitemap):  # type: ignore[type-arg]
    """Each agency's before-enforcement page and its sections."""

    changefreq = "weekly"
    SECTIONS = ("portal_benchmarks", "portal_no_penalty", "portal_catalog", "portal_agency_procedures")

    def items(self) -> list[tuple[str, tuple[Any, ...]]]:
        found: list[tuple[str, tuple[Any, ...]]] = []
        for pk in Agency.objects.order_by("path").values_list("pk", flat=True):
            found.append(("portal_agency", (pk,)))
            found.extend(("portal_list", (pk, kind)) for kind in ListKind.values)
            found.extend((name, (pk,)) for name in self.SECTIONS)
        return found

    def location(self, item: tuple[str, tuple[Any, ...]]) -> str:
        name, args = item
        return reverse(name, args=args)


class DecisionSitemap(Sitemap):  # type: ignore[type-arg]
    """The published decisions shown today, newest first, up to LIMIT: the list and its search find the rest
    (one sitemap file holds at most 50,000 addresses, and a province publishes more in a year)."""

    changefreq = "monthly"
    LIMIT = 10_000

    def items(self) -> list[int]:
        from zhifa.publicity.search import visible

        shown = visible(timezone.localdate()).order_by("-decided_on", "-pk").values_list("pk", flat=True)
        return list(shown[: self.LIMIT])

    def location(self, item: int) -> str:
        return reverse("public_decision", args=[item])


class ServicePagesSitemap(Sitemap):  # type: ignore[type-arg]
    """The public services beside the portal's pages: decisions, complaints, the check page and the record."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "public_decisions",
            "complaint_file",
            "ledger_check",
            "ledger_checkpoints",
            # 执法监督's public results: evaluations (评议), bulletins (通报), the yearly statistics reports (统计年报).
            "public_evaluations",
            "public_supervision_bulletins",
            "supervision_public_reports",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


# The sections of the sitemap, in order. Add a public section's Sitemap class here.
SITEMAPS: list[type[Sitemap]] = [  # type: ignore[type-arg]
    PortalPagesSitemap,
    ServicePagesSitemap,
    AgencySitemap,
    DecisionSitemap,
]


@require_GET
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    public = urlsplit(settings.ZHIFA_PUBLIC_URL)
    site = RequestSite(request)  # django.contrib.sites is not installed: the public address names the site
    site.domain = site.name = public.netloc + public.path.rstrip("/")
    urls = [url for section in SITEMAPS for url in section().get_urls(site=site, protocol=public.scheme or "https")]
    body = render_to_string("portal/sitemap.xml", {"urlset": urls})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
