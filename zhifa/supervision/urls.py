from __future__ import annotations

from django.urls import URLPattern, URLResolver

# Each area of supervision adds its paths (under /supervision/) here.
urlpatterns: list[URLPattern | URLResolver] = []
from zhifa.supervision.reviews_views import reviews_urls  # noqa: E402

urlpatterns += reviews_urls
