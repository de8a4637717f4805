"""/readyz and /metrics (docs/operations.md, "Health, readiness and metrics")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from zhifa.ops import metrics as prometheus
from zhifa.ops import readiness


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = readiness.report()
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    return prometheus.metrics(request)
