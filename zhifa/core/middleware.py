"""Session limits and the user's own interface language."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
