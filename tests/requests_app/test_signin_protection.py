"""Sign-in lockout per (username, IP), and the throttles on password reset and survey links."""

import os
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from requests_app import throttle
from tests import factories
from tests.surveys.test_tokens import _sent_invitations

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
GENERIC_FAILURE = "Please enter a correct username and password"


def _sign_in(client, username, password, ip=HOME, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, username, times, ip=HOME):
    return [_sign_in(client, username, "wrong-password", ip).status_code for _ in range(times)]


def _same_page(response, *, username="") -> str:
    """The page without what differs per request (CSRF token, CSP nonce, echoed username)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'nonce="[^"]+"', "", text)
    return text.replace(username, "USERNAME") if username else text


@pytest.fixture
def alice():
    return factories.employee(username="alice")


@pytest.fixture
def limit():
    return settings.ICSAT_LOGIN_FAILURE_LIMIT


def test_signin_allows_success_after_one_failure_fewer_than_the_limit(client, alice, limit):
    assert _fail(client, "alice", limit - 1) == [200] * (limit - 1)
    response = _sign_in(client, "alice", factories.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:home")


def test_signin_locks_username_from_that_ip_even_with_the_right_password(client, alice, limit):
    statuses = _fail(client, "alice", limit)
    assert statuses == [200] * (limit - 1) + [429]
    response = _sign_in(client, "alice", factories.PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in paused" in text
    assert f"Please wait {settings.ICSAT_LOGIN_COOLOFF_MINUTES} minutes" in text
    assert "alice" not in text
    assert response["Retry-After"] == str(settings.ICSAT_LOGIN_COOLOFF_MINUTES * 60)
    assert "_auth_user_id" not in client.session


def test_signin_lock_leaves_other_ips_and_other_usernames_alone(client, alice, limit):
    factories.employee(username="bob")
    _fail(client, "alice", limit)
    assert _sign_in(Client(), "alice", factories.PASSWORD, ip=ELSEWHERE).status_code == 302
    assert _sign_in(Client(), "bob", factories.PASSWORD, ip=HOME).status_code == 302
    assert _sign_in(Client(), "alice", factories.PASSWORD, ip=HOME).status_code == 429


def test_signin_unknown_username_behaves_like_a_known_one(alice, limit):
    known, unknown = Client(), Client()
    for _ in range(limit - 1):
        known_failure = _sign_in(known, "alice", "wrong-password")
        unknown_failure = _sign_in(unknown, "nobody", "wrong-password")
        assert known_failure.status_code == unknown_failure.status_code == 200
        assert GENERIC_FAILURE in known_failure.content.decode()
        assert _same_page(known_failure, username="alice") == _same_page(
            unknown_failure, username="nobody"
        )
    known_locked = _sign_in(known, "alice", "wrong-password")
    unknown_locked = _sign_in(unknown, "nobody", "wrong-password")
    assert known_locked.status_code == unknown_locked.status_code == 429
    assert _same_page(known_locked) == _same_page(unknown_locked)
    assert _sign_in(known, "alice", factories.PASSWORD).status_code == 429


def test_signin_works_again_after_the_cooloff(client, alice, limit):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, "alice", limit)
    cooloff = timedelta(minutes=settings.ICSAT_LOGIN_COOLOFF_MINUTES)
    with time_machine.travel(start + cooloff - timedelta(seconds=5), tick=False):
        assert _sign_in(client, "alice", factories.PASSWORD).status_code == 429
    # That attempt during the lockout started the cool-off again.
    with time_machine.travel(start + 2 * cooloff - timedelta(seconds=10), tick=False):
        assert _sign_in(client, "alice", factories.PASSWORD).status_code == 429
    with time_machine.travel(start + 3 * cooloff, tick=False):
        assert _sign_in(client, "alice", factories.PASSWORD).status_code == 302


def test_signin_success_resets_the_count(client, alice, limit):
    _fail(client, "alice", limit - 1)
    assert _sign_in(client, "alice", factories.PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, "alice", limit - 1) == [200] * (limit - 1)
    assert _sign_in(client, "alice", factories.PASSWORD).status_code == 302


def test_signin_lockout_page_speaks_norwegian(client, alice, limit):
    for _ in range(limit):
        response = _sign_in(client, "alice", "wrong-password", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Innlogging er satt på pause" in text
    assert "Sign-in paused" not in text


# --- Password reset -----------------------------------------------------------------------


def _reset(client, email, ip=HOME):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_answers_known_and_unknown_addresses_alike(client, alice):
    known = _reset(client, alice.email)
    unknown = _reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert [message.to for message in mail.outbox] == [[alice.email]]


def test_password_reset_throttles_one_address_from_any_ip(client, alice, settings):
    settings.ICSAT_PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    ips = ["10.1.0.1", "10.1.0.2", "10.1.0.3"]
    statuses = [_reset(client, alice.email.upper(), ip).status_code for ip in ips]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert _reset(client, "nobody@example.com", "10.1.0.4").status_code == 302
    unknown = [_reset(client, "nobody@example.com", ip).status_code for ip in ips[:2]]
    assert unknown == [302, 429]


def test_password_reset_throttles_one_ip_over_many_addresses(client, alice, settings):
    settings.ICSAT_PASSWORD_RESET_LIMIT_PER_IP = 3
    statuses = [_reset(client, f"guess{n}@example.com").status_code for n in range(3)]
    assert statuses == [302, 302, 302]
    response = _reset(client, alice.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) <= settings.ICSAT_PASSWORD_RESET_WINDOW_MINUTES * 60
    assert mail.outbox == []
    assert _reset(client, alice.email, ip=ELSEWHERE).status_code == 302


def test_password_reset_throttle_ends_with_its_window(client, alice, settings):
    settings.ICSAT_PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    window = timedelta(minutes=settings.ICSAT_PASSWORD_RESET_WINDOW_MINUTES)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _reset(client, alice.email).status_code == 302
        assert _reset(client, alice.email).status_code == 429
    with time_machine.travel(start + window, tick=False):
        assert _reset(client, alice.email).status_code == 302


# --- Survey links -------------------------------------------------------------------------


def test_survey_wrong_tokens_from_one_ip_get_429_while_a_valid_link_still_opens(
    client, request_type, it_agent, settings
):
    settings.ICSAT_SURVEY_TOKEN_FAILURE_LIMIT = 3
    ((_, token),) = _sent_invitations(request_type, it_agent, 1).items()
    guesses = [f"{token[:-1]}{c}" for c in "ABCD" if c != token[-1]][:3]
    statuses = [client.get(f"/s/{guess}/", REMOTE_ADDR=HOME).status_code for guess in guesses]
    assert statuses == [404, 404, 404]
    assert client.get("/s/not-a-token/", REMOTE_ADDR=HOME).status_code == 429
    # The guessing client learns nothing more, not even from a valid token.
    blocked = client.get(f"/s/{token}/", REMOTE_ADDR=HOME)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert client.post(f"/s/{token}/reopen/", REMOTE_ADDR=HOME).status_code == 429
    assert Client().get(f"/s/{token}/", REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_survey_valid_links_do_not_count_towards_the_limit(
    client, request_type, it_agent, settings
):
    settings.ICSAT_SURVEY_TOKEN_FAILURE_LIMIT = 1
    ((_, token),) = _sent_invitations(request_type, it_agent, 1).items()
    assert [client.get(f"/s/{token}/").status_code for _ in range(5)] == [200] * 5
    assert client.get("/s/wrong/").status_code == 404


# --- The client's address -----------------------------------------------------------------


def _request(rf, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_client_ip_ignores_forwarded_for_without_trusted_proxies(rf, settings):
    settings.ICSAT_TRUSTED_PROXIES = 0
    assert throttle.client_ip(_request(rf, "192.0.2.9", "203.0.113.5")) == "192.0.2.9"


def test_client_ip_takes_the_address_the_trusted_proxy_saw(rf, settings):
    settings.ICSAT_TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    request = _request(rf, "172.18.0.5", "1.2.3.4, 203.0.113.5")
    assert throttle.client_ip(request) == "203.0.113.5"
    assert throttle.client_ip(_request(rf, "172.18.0.5")) == "172.18.0.5"


def test_signin_lock_follows_the_forwarded_client_behind_a_proxy(client, alice, limit, settings):
    settings.ICSAT_TRUSTED_PROXIES = 1
    proxy = "172.18.0.5"
    for _ in range(limit):
        _sign_in(client, "alice", "wrong-password", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = _sign_in(
        client, "alice", factories.PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    assert locked.status_code == 429
    other = _sign_in(
        Client(), "alice", factories.PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert other.status_code == 302


# --- The cache ----------------------------------------------------------------------------


def test_cache_is_redis_with_its_own_database_when_redis_is_configured(tmp_path):
    from icsat.settings import cache_config

    redis = cache_config("redis://redis:6379/0", tmp_path)["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://redis:6379/1"
    # A hung Redis holds a page half a second at most (redis-py's default: 5 s).
    assert redis["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    files = cache_config("", tmp_path)["default"]
    assert files["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert files["LOCATION"] == str(tmp_path / "cache")


def test_throttle_counts_within_a_window_and_forgets_after_it():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        window = 60
        # Start at a window's beginning, so the counts cannot straddle two windows.
        base = (int(start.timestamp()) // window + 1) * window
    with time_machine.travel(base, tick=False):
        assert [throttle.hit("k", 2, window) for _ in range(3)] == [True, True, False]
        assert throttle.blocked("k", 2, window)
        assert not throttle.blocked("other", 2, window)
    with time_machine.travel(base + window, tick=False):
        assert not throttle.blocked("k", 2, window)
        assert throttle.hit("k", 2, window)


def _test_redis_url() -> str:
    """REDIS_URL's server, a database of the tests' own (or ICSAT_ITEST_REDIS_URL)."""
    if os.environ.get("ICSAT_ITEST_REDIS_URL"):
        return os.environ["ICSAT_ITEST_REDIS_URL"]
    parts = urlsplit(os.environ.get("REDIS_URL", ""))
    return urlunsplit(parts._replace(path="/13")) if parts.netloc else ""


@pytest.mark.skipif(
    not _test_redis_url(), reason="needs Redis: set REDIS_URL (.ci/run's second pass does)"
)
def test_throttle_counts_atomically_on_redis_and_keeps_the_window():
    # A key prefix of this run's own, and no clear(): the database may be shared.
    prefix = f"icsat-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _test_redis_url(),
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        assert [throttle.hit("k", 3, 3600) for _ in range(5)] == [True] * 3 + [False] * 2
        assert throttle.blocked("k", 3, 3600)
        keys = cache._cache.get_client().keys(f"{prefix}:*")
        assert len(keys) == 1
        assert 0 < cache._cache.get_client().ttl(keys[0]) <= 3601
        cache.delete_many([key.decode().split(":", 2)[2] for key in keys])


def test_client_ip_falls_back_to_remote_addr_when_forwarded_for_is_garbage(rf, settings):
    settings.ICSAT_TRUSTED_PROXIES = 1
    assert throttle.client_ip(_request(rf, "172.18.0.5", "not-an-address")) == "172.18.0.5"
    assert throttle.client_ip(_request(rf, "")) is None
