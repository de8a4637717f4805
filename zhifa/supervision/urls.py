from __future__ import annotations

from django.urls import URLPattern, URLResolver

from zhifa.supervision.notices_views import notices_urls

# Each area of supervision adds its paths (under /supervision/) here.
urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += notices_urls
