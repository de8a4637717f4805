from __future__ import annotations

from django.urls import URLPattern, URLResolver

# Each area of supervision adds its paths (under /supervision/) here.
urlpatterns: list[URLPattern | URLResolver] = []

from zhifa.supervision.modes_views import modes_urls  # noqa: E402 - each area's paths are added below the list

urlpatterns += modes_urls
