"""Throttles for the pages a stranger can call without signing in.

One rule for the client's address (axes uses it too, through AXES_CLIENT_IP_CALLABLE),
one counter over Django's cache for password reset and survey links, and one 429 page.
The sign-in lockout itself is django-axes (settings: AXES_*).
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the proxies' X-Forwarded-For when configured.

    With ICSAT_TRUSTED_PROXIES = N (default 0), the Nth address from the right of
    X-Forwarded-For is the client: each trusted proxy appends the address it saw, so
    entries further left are whatever the client sent and cannot be trusted. With 0 the
    header is ignored entirely, so nobody can choose their own address to dodge a lock.
    None when there is no valid address (a request built in code): axes stores the address
    in an inet column on PostgreSQL, which takes nothing else.
    """
    proxies = settings.ICSAT_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies and _valid_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _valid_ip(remote) else None


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _cache_key(key: str, bucket: int) -> str:
    # Hashed: keys hold e-mail addresses, which have no business in the cache's file names.
    return f"throttle:{hashlib.sha256(key.encode()).hexdigest()}:{bucket}"


def hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt for ``key``; False once more than ``limit`` fell in this window.

    Windows are fixed (aligned on multiples of ``window`` seconds), so a counter needs no
    expiry of its own to be right and a burst across a boundary gets at most twice the
    limit. On Redis the increment is atomic; on the file cache two processes counting at
    the same instant may lose one count, which a throttle can afford.
    """
    now = time.time()
    bucket = int(now // window)
    cache_key = _cache_key(key, bucket)
    remaining = math.ceil((bucket + 1) * window - now) + 1
    if cache.add(cache_key, 1, timeout=remaining):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: a new window starts
            cache.add(cache_key, 1, timeout=remaining)
            count = 1
        # The file and database caches' incr() rewrite the value with the default
        # timeout; keep the window's own.
        cache.touch(cache_key, remaining)
    return count <= limit


def blocked(key: str, limit: int, window: int) -> bool:
    """Whether ``key`` is already over ``limit`` in this window, without counting."""
    bucket = int(time.time() // window)
    return (cache.get(_cache_key(key, bucket)) or 0) > limit


def retry_after(window: int) -> int:
    """Seconds until the current window ends and the counters start again."""
    now = time.time()
    return max(1, math.ceil((int(now // window) + 1) * window - now))


def too_many_requests(request: HttpRequest, *, window: int) -> HttpResponse:
    """The 429 page: how long to wait, nothing about what was asked for."""
    seconds = retry_after(window)
    response = render(
        request,
        "429.html",
        {"wait_minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def sign_in_locked_out(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE).

    The same page for every username, known or not: it names no account, only the wait.
    A failure during the lockout starts the cool-off again, so the wait is the full cool-off.
    """
    minutes = settings.ICSAT_LOGIN_COOLOFF_MINUTES
    response = render(
        request, "registration/locked_out.html", {"wait_minutes": minutes}, status=429
    )
    response["Retry-After"] = str(minutes * 60)
    return response
