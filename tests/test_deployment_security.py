"""Behind a TLS proxy, logins are throttled and /metrics is guarded by the client's address, not the proxy's."""
import secrets

import pytest
from django.test import Client

PROXY = "10.0.0.2"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(path: str, username: str, password: str, forwarded_for: str) -> bool:
    """One login through the TLS proxy: REMOTE_ADDR is the proxy, which appends the client's address."""
    response = Client().post(
        path, {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
    )
    return response.status_code == 302


@pytest.fixture
def behind_the_proxy(settings):
    settings.PARLEY_TRUSTED_PROXIES = 1
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return settings


@pytest.mark.django_db
def test_an_attacker_behind_the_proxy_does_not_lock_staff_out_of_the_admin_or_the_console(
    behind_the_proxy, django_user_model
):
    django_user_model.objects.create_superuser("staff-proxy", "s@example.com", "right-password")
    attacker = "203.0.113.21"
    for _ in range(25):
        assert not log_in("/admin/login/?next=/admin/", f"guess-{secrets.token_hex(4)}", "wrong", attacker)
    for _ in range(10):
        assert not log_in("/console/login/", "staff-proxy", "wrong", attacker)

    assert log_in("/admin/login/?next=/admin/", "staff-proxy", "right-password", "198.51.100.21")
    assert log_in("/console/login/", "staff-proxy", "right-password", "198.51.100.22")
    # The attacker's own address stays locked, even with the right password.
    assert not log_in("/console/login/", "staff-proxy", "right-password", attacker)


@pytest.mark.django_db
def test_a_client_forging_forwarded_addresses_stays_in_its_own_throttle(behind_the_proxy, django_user_model):
    behind_the_proxy.PARLEY_LOGIN_FAILURES_ALLOWED = 3
    django_user_model.objects.create_superuser("owner-forged", "o@example.com", "right-password")
    attacker = "203.0.113.22"
    for hop in range(6):
        # The client sends its own X-Forwarded-For; the proxy appends the address it really came from.
        assert not log_in("/admin/login/", "owner-forged", "wrong", f"192.0.2.{hop}, 198.51.100.{hop}, {attacker}")
    assert not log_in("/admin/login/", "owner-forged", "right-password", f"192.0.2.99, {attacker}")
    assert log_in("/admin/login/", "owner-forged", "right-password", "198.51.100.23")


@pytest.mark.django_db
def test_guessing_spread_over_many_addresses_locks_the_account_except_where_its_owner_logs_in(
    behind_the_proxy, django_user_model
):
    behind_the_proxy.PARLEY_LOGIN_FAILURES_ALLOWED = 2
    django_user_model.objects.create_superuser("owner-spread", "o@example.com", "right-password")
    office = "198.51.100.24"
    assert log_in("/admin/login/", "owner-spread", "right-password", office)
    for bot in range(10):
        for _ in range(2):
            assert not log_in("/admin/login/", "owner-spread", "wrong", f"203.0.113.{100 + bot}")

    assert not log_in("/admin/login/", "owner-spread", "right-password", "192.0.2.24")
    assert log_in("/admin/login/", "owner-spread", "right-password", office)


def test_metrics_without_a_token_are_refused_to_an_outside_client_coming_through_a_local_proxy(settings, client):
    settings.PARLEY_TRUSTED_PROXIES = 1
    settings.PARLEY_METRICS_TOKEN = ""
    proxy_on_this_machine = "127.0.0.1"
    for forwarded_for in ("203.0.113.5", "127.0.0.1, 203.0.113.5"):
        response = client.get("/metrics", REMOTE_ADDR=proxy_on_this_machine, HTTP_X_FORWARDED_FOR=forwarded_for)
        assert response.status_code == 403, forwarded_for
    # A scraper on this machine calling the web server directly, not through the proxy.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
