"""Session limits, the login rate limit, the gate of forced password changes and second factors, the user's own
interface language, no caching of signed-in pages, and the access log."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from zhifa.core.lockout import client_address, hits

SESSION_STARTED_KEY = "zhifa_authenticated_at"
SESSION_RENEWED_KEY = "zhifa_renewed_at"
# The idle expiry is renewed at most this often: saving the session on every request was a database write and a
# commit's flush for every page read (the load test, docs/decisions.md). A session thus ends between
# SESSION_IDLE_MINUTES less this and SESSION_IDLE_MINUTES after the user's last request.
SESSION_RENEW_SECONDS = 60


class SessionLimitMiddleware:
    """Ends a session that has lasted longer than SESSION_MAX_HOURS, however active it was, and renews its idle
    expiry (SESSION_COOKIE_AGE from the save) when the last renewal is SESSION_RENEW_SECONDS old."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                session[SESSION_STARTED_KEY] = now
            elif now - float(started) > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                return self.get_response(request)
            if now - float(session.get(SESSION_RENEWED_KEY, 0)) >= SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now  # modified: saved at the response, with a fresh expiry
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


# The pages that check a password or a code: each attempt costs an Argon2 hash or guesses at a code.
RATE_LIMITED_URLS = ("login", "admin:login", "two_factor", "password_change")


class LoginRateLimitMiddleware:
    """At most LOGIN_RATE_LIMIT failed login attempts per client address per LOGIN_RATE_WINDOW_SECONDS.

    Counted in Django's cache before the view authenticates, so an attempt over the limit costs no hash,
    whether the user name exists or not; refused with 429 and a Chinese message. Each attempt is counted as it
    arrives (so a burst of concurrent ones cannot all slip past) and taken back when it succeeds, so that a
    county office behind one address, everyone logging in at eight, is never refused.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: frozenset[str] | None = None

    def paths(self) -> frozenset[str]:
        if self._paths is None:
            self._paths = frozenset(reverse(name) for name in RATE_LIMITED_URLS)
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path not in self.paths():
            return self.get_response(request)
        address = client_address(request)
        key = f"zhifa:login-rate:{address}"
        window = settings.LOGIN_RATE_WINDOW_SECONDS
        attempts = hits(key, window)
        # Successes are given back below; all attempts together are still capped (ten times the limit), so that
        # an attacker holding one valid login cannot buy unlimited hashes by mixing in his own successes.
        everything = hits(f"zhifa:login-rate-all:{address}", window)
        if attempts > settings.LOGIN_RATE_LIMIT or everything > settings.LOGIN_RATE_LIMIT * 10:
            if attempts == settings.LOGIN_RATE_LIMIT + 1 or everything == settings.LOGIN_RATE_LIMIT * 10 + 1:
                # Once per window and address, when the refusals begin: a flood must not flood the trail too.
                from zhifa.audit.choices import AuditKind
                from zhifa.audit.services import audit_record

                audit_record(kind=AuditKind.RATE_LIMITED, request=request, status=429, detail="登录尝试次数过多")
            response = render(request, "registration/rate_limited.html", {"minutes": max(1, window // 60)}, status=429)
            response["Retry-After"] = str(window)
            return response
        response = self.get_response(request)
        if response.status_code == 302:  # a successful step redirects onwards: it was no failure
            with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
                cache.decr(key)
        return response


# What a person may open before he has passed the gate, besides the step it sends him to: logging out, the
# language. The password can be changed only once the second factor is in: a stolen password alone must not
# change the password and lock its owner out.
GATE_OPEN_URLS = ("logout", "set_language", "healthz")
GATE_STEPS = {"two_factor": ("two_factor", "two_factor_enrol"), "password_change": ("password_change",)}


class AccountGateMiddleware:
    """A person whose login still needs something sees only the page that does it:
    his second factor (the administrators always; others when their agency requires it), then a new password
    (after an initial password or a reset). API requests carry a token and have their own checks.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(("/api/", settings.STATIC_URL)):
            step = self.gate(request)
            open_urls = {reverse(name) for name in (*GATE_OPEN_URLS, *GATE_STEPS.get(step or "", ()))}
            if step is not None and request.path not in open_urls:
                target = reverse(step)
                if request.method == "GET" and step == "two_factor":
                    # Back to the page asked for once the code is in (two_factor checks it is ours).
                    return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def gate(request: HttpRequest) -> str | None:
        """The name of the step the person must take next, or None."""
        from zhifa.core.models import User
        from zhifa.core.services import needs_two_factor

        user = request.user
        assert isinstance(user, User)
        if needs_two_factor(user) and not user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware's
            return "two_factor"
        if user.must_change_password:
            return "password_change"
        return None


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
        path = request.get_full_path()[:500]
        duration = (time.monotonic() - started) * 1000
        access_log.info(
            "%s %s %s %s %dms %s",
            request.method,
            path,
            response.status_code,
            username,
            duration,
            client_address(request) or "-",
            # The same as fields, for the JSON log format (ZHIFA_LOG_FORMAT=json, zhifa/ops/logs.py).
            extra={
                "user": username,
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round(duration, 1),
            },
        )
        return response
