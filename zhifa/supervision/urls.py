from __future__ import annotations

from django.urls import URLPattern, URLResolver

# Each area of supervision adds its paths (under /supervision/) here.
urlpatterns: list[URLPattern | URLResolver] = []
