from __future__ import annotations

from django.urls import URLPattern, URLResolver

from zhifa.supervision.modes_views import modes_urls
from zhifa.supervision.notices_views import notices_urls
from zhifa.supervision.overview_views import overview_urls
from zhifa.supervision.reports_views import reports_urls
from zhifa.supervision.reviews_views import reviews_urls

# Each area of supervision brings its paths (under /supervision/ and /public/supervision/).
urlpatterns: list[URLPattern | URLResolver] = [
    *overview_urls,
    *modes_urls,
    *reviews_urls,
    *notices_urls,
    *reports_urls,
]
