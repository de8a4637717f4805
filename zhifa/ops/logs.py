"""Every log record of a request names the request and the user: a request id and a logging filter.

The id is the reverse proxy's `X-Request-ID` when the app is behind one (ZHIFA_BEHIND_PROXY: only then is the
header the proxy's and not the client's say), else one made here; it is sent back in the response's
`X-Request-ID` and put on every record logged while the request is handled (a context variable, so each
thread of a threaded worker has its own). `ZHIFA_LOG_FORMAT=json` writes one JSON object a line (python-json-
logger): time, level, logger, message, request_id, user, and on the access log method, path, status, duration_ms.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

if TYPE_CHECKING:  # the settings import this module: it imports no more of Django than it needs
    from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What a proxy's id may look like: ids are logged and sent back, so nothing that could break a line or a header.
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_current: ContextVar[HttpRequest | None] = ContextVar("zhifa_request", default=None)


def request_id_for(request: HttpRequest) -> str:
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if settings.BEHIND_PROXY and isinstance(sent, str) and ACCEPTED.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives the request its id (request.request_id) for the time it is handled, and the response its header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)  # type: ignore[attr-defined]
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response


def _user_of(request: HttpRequest) -> str:
    """The request's user if authentication has already found him; never looks him up itself (a log call must
    not query the database)."""
    user = request.__dict__.get("_cached_user")
    if user is None:
        given = request.__dict__.get("user")
        if isinstance(given, SimpleLazyObject):
            wrapped = given._wrapped  # type: ignore[attr-defined]
            user = None if wrapped is empty else wrapped
        else:
            user = given
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return str(user.get_username())


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user` to every record (`-` outside a request); a record that names its own user
    (the access log, read after the view) keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current.get()
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", "-") if request is not None else "-"
        if not hasattr(record, "user"):
            record.user = _user_of(request) if request is not None else "-"
        return True


JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s"


def formatters() -> dict[str, dict[str, Any]]:
    """The formatters for settings.LOGGING: "plain" and "json"."""
    return {
        "plain": {"format": PLAIN_FORMAT},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    }
