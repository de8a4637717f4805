from __future__ import annotations

from django.urls import URLPattern, URLResolver

# Each area of supervision adds its paths (under /supervision/) here.
urlpatterns: list[URLPattern | URLResolver] = []

from zhifa.supervision.reports_views import reports_urls  # noqa: E402

urlpatterns += reports_urls
