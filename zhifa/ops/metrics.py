"""Metrics in Prometheus's text format at /metrics (prometheus-client).

- `zhifa_http_request_duration_seconds{view,method,status}`: a histogram of every request's time, by the URL
  pattern's name (not the path: one series per page, not per case), the method and the status class (2xx…);
- `zhifa_ledger_entries`: the record's size (tree size); `zhifa_ledger_checkpoint_age_seconds`: the age of the
  latest signed checkpoint (absent before the first); both read from the database at each scrape, so whichever
  worker answers gives the same figure;
- `zhifa_queue_depth`: the task queue's waiting jobs, when the queue module offers `queue_depth()` (absent else);
- the process's own metrics (CPU, memory, open files, garbage collector) with one process.

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty folder before gunicorn starts (the workers
write their histograms there, and the scrape adds them up), and call `child_exit` below from gunicorn's
`child_exit` hook. In that mode prometheus-client cannot report per-process metrics (its documented limitation);
the host's exporter covers them. Access: docs/operations.md, "Metrics".
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# Where the task queue's depth may be read; the first importable one is used.
QUEUE_DEPTH_FUNCTIONS = ("zhifa.jobs.queue.queue_depth",)

REQUEST_SECONDS = Histogram(
    "zhifa_http_request_duration_seconds",
    "Time to answer a request, by view, method and status class",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _view_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name or match.url_name or "unnamed")
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unresolved"


class RequestMetricsMiddleware:
    """Times every request into REQUEST_SECONDS (static files too: WhiteNoise answers them further in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(_view_of(request), method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


def _queue_depth() -> Callable[[], int] | None:
    for path in QUEUE_DEPTH_FUNCTIONS:
        try:
            function: Callable[[], int] = import_string(path)
        except ImportError:
            continue
        return function
    return None


class ZhifaCollector(Collector):
    """Figures read at scrape time from the database and the queue: the same whichever process answers."""

    def collect(self) -> Iterator[Metric]:
        from zhifa.ledger import services

        entries = GaugeMetricFamily("zhifa_ledger_entries", "Entries in the whole-process record (its tree size)")
        entries.add_metric([], services.tree_size())
        yield entries
        latest = services.latest_checkpoint()
        if latest is not None:
            age = GaugeMetricFamily(
                "zhifa_ledger_checkpoint_age_seconds", "Seconds since the latest signed checkpoint was issued"
            )
            age.add_metric([], (timezone.now() - latest.issued_at).total_seconds())
            yield age
        depth = _queue_depth()
        if depth is not None:
            queued = GaugeMetricFamily("zhifa_queue_depth", "Jobs waiting in the task queue")
            queued.add_metric([], float(depth()))
            yield queued


def exposition() -> bytes:
    """The text a scrape gets: the requests' histogram (every worker's, in multiprocess mode) and the figures."""
    figures = CollectorRegistry()
    figures.register(ZhifaCollector())
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)  # type: ignore[no-untyped-call]
        return generate_latest(workers) + generate_latest(figures)
    # One process: the default registry holds the histogram and the process's own metrics.
    return generate_latest(REGISTRY) + generate_latest(figures)


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's `child_exit` hook in multiprocess mode: a finished worker's live files are let go."""
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def allowed_networks(values: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """ZHIFA_METRICS_ALLOW's CIDRs (settings.py refuses a bad one at start-up)."""
    return [ipaddress.ip_network(value, strict=False) for value in values]


def scrape_allowed(request: HttpRequest) -> bool:
    """A scrape with the bearer token (ZHIFA_METRICS_TOKEN), or from an address in ZHIFA_METRICS_ALLOW.

    The address is the connection's, or behind the reverse proxy (ZHIFA_BEHIND_PROXY) the client's as that proxy
    appended it. A request that came through a proxy the settings do not know of (it carries X-Forwarded-For
    without ZHIFA_BEHIND_PROXY) is not judged by address: a proxy on the same host would make every visitor
    look like loopback.
    """
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        return True
    if not settings.BEHIND_PROXY and "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    from zhifa.core.lockout import client_address

    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in allowed_networks(settings.METRICS_ALLOW))


def metrics(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponse(
            "指标仅供监控系统读取：请从 ZHIFA_METRICS_ALLOW 所列网络访问，或携带 ZHIFA_METRICS_TOKEN 令牌",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
