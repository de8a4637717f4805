"""Session limits, the user's own interface language, no caching of signed-in pages, and the access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

SESSION_STARTED_KEY = "zhifa_authenticated_at"


class SessionLimitMiddleware:
    """Ends a session that has lasted longer than SESSION_MAX_HOURS, however active it was.

    Idle expiry is Django's own (SESSION_COOKIE_AGE renewed on every request); this adds the absolute cap.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - float(started) > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Chinese unless the user chose English: his saved choice when logged in, else the language cookie.

    The browser's Accept-Language is ignored on purpose: an agency's staff use Chinese whatever
    their browser says, and English is something a user asks for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        chosen = getattr(user, "language", "") if user.is_authenticated else ""
        if not chosen:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user (pages, API, evidence downloads).

    What a logged-in page or a download shows is case data: no browser or proxy cache may keep it for the
    next person at the same computer. Static files are served before this (WhiteNoise) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: the API's token authentication sets request.user inside it.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/evidence/"):
            add_never_cache_headers(response)
        return response


access_log = logging.getLogger("zhifa.access")


class AccessLogMiddleware:
    """One line per request naming the user: `GET /cases/ 200 officer 12ms 10.0.0.5`.

    Read after the view so a request signed with an API token names the token's user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        username = user.get_username() if user is not None and user.is_authenticated else "-"
        access_log.info(
            "%s %s %s %s %dms %s",
            request.method,
            request.get_full_path()[:500],
            response.status_code,
            username,
            (time.monotonic() - started) * 1000,
            request.META.get("REMOTE_ADDR", "-"),
        )
        return response
