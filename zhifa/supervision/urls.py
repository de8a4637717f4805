from __future__ import annotations

from django.urls import URLPattern, URLResolver

from zhifa.supervision.overview_views import overview_urls

# Each area of supervision adds its paths (under /supervision/) here.
urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += overview_urls
