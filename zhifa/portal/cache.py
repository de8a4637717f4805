"""The public pages' cache: a page is rendered once per state of the record and per day, then served from the cache.

Correct by the record's own invariant (docs/architecture.md, "No change without a record"): every change of what
these pages show — a list, a catalog, a benchmark, the shipped law, an officer's certificate, a case — is written by
a service that appends a ledger entry in the same transaction. So the key holds the ledger's head (the latest
entry's index: one primary-key lookup) with the page's address, the language and the day (what is in force, which
certificate is valid and which year has ended all turn on the day). A publication makes a new head, and every page
is rendered afresh on its next request: nothing to invalidate by hand, nothing stale. Keys of older heads simply
expire. Only plain GETs without a query string are cached, and only their body (headers are the middleware's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation

from zhifa.ledger.models import Entry

PAGE_SECONDS = 3600  # an unchanged record keeps a page an hour; any new entry makes a new key at once


def ledger_head() -> int:
    """The latest entry's index. Plain SQL (the primary key's maximum, read from its index): the ORM's compiling
    of the same query cost more than serving the cached page."""
    quote = connection.ops.quote_name
    table, column = Entry._meta.db_table, Entry._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 - names from the model
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def page_key(request: HttpRequest) -> str:
    parts = f"{request.path}|{translation.get_language()}|{timezone.localdate().isoformat()}|{ledger_head()}"
    return "zhifa:portal:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "GET" or request.GET:
            return view(request, *args, **kwargs)
        key = page_key(request)
        hit = cache.get(key)
        if hit is not None:
            body, content_type = hit
            return HttpResponse(body, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and isinstance(response, HttpResponse):
            cache.set(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
        return response

    return wrapper
