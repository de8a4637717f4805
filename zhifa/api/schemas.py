"""The error bodies every part of the API answers with (shared by zhifa.api.api and its routers)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class RefusalOut(Schema):
    message: str
    field: str | None = None
    rule: str = ""


class DetailOut(Schema):
    detail: str


# The errors each operation really returns, for the OpenAPI document: every call may be 401 (no or a bad
# token); a case path 404 outside the caller's scope; a JSON body 400 when it is not JSON at all and 422
# (RefusalOut) when a rule refuses it or a field (also a query parameter) has the wrong form; an upload 413.
UNAUTHORIZED: dict[int, Any] = {401: DetailOut, 422: RefusalOut}
NOT_FOUND: dict[int, Any] = {401: DetailOut, 404: DetailOut, 422: RefusalOut}
REFUSED: dict[int, Any] = {400: DetailOut, 401: DetailOut, 422: RefusalOut}
