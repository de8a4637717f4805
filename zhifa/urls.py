from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from zhifa.api.api import api

urlpatterns = [
    path("", include("zhifa.core.urls")),
    path("", include("zhifa.personnel.urls")),
    path("", include("zhifa.ledger.urls")),
    path("", include("zhifa.cases.urls")),
    path("", include("zhifa.recordings.urls")),
    path("", include("zhifa.archives.urls")),
    path("", include("zhifa.powers.urls")),
    path("", include("zhifa.audit.urls")),
    path("", include("zhifa.laws.urls")),
    path("", include("zhifa.publicity.urls")),
    path("", include("zhifa.complaints.urls")),
    path("", include("zhifa.portal.urls")),
    path("", include("zhifa.supervision.urls")),
    path("", include("zhifa.inspections.urls")),
    path("", include("zhifa.devices.urls")),
    path("", include("zhifa.ops.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
