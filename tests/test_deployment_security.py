"""The production path (docker-compose behind a TLS proxy) creates no account, refuses a published secret key,
speaks only https to browsers, and throttles logins and guards /metrics by the client's address, not the proxy's."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
import yaml
from cryptography.fernet import Fernet
from django.conf import global_settings, settings
from django.contrib.auth import authenticate
from django.test import Client

from tests.services import ROOT, database_url, start_gunicorn, stop
from tests.support import ARTIFACTS

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PROXY = "10.0.0.2"
# The tests hash with MD5 (conftest.py); a subprocess started with production's settings uses Django's own.
PRODUCTION_HASHERS = global_settings.PASSWORD_HASHERS
# "${NAME:-default}" in docker-compose.yml, as docker-compose reads it when NAME is not set ("" for a required
# "${NAME:?message}", which compose_environment then sets).
DEFAULT_OF_VARIABLE = re.compile(r"\$\{\w+:(?:-([^}]*)|\?[^}]*)\}")


def compose_environment(**overrides: str) -> dict[str, str]:
    """The containers' environment as docker-compose.yml gives it with no variable set, on the tests' database
    and Redis, with keys generated as the README says."""
    declared = {name: DEFAULT_OF_VARIABLE.sub(r"\1", str(value)) for name, value in COMPOSE["x-parley-env"].items()}
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "PARLEY_"))}
    return {
        **inherited,
        **declared,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "PARLEY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **overrides,
    }


def service_commands() -> dict[str, str]:
    return {
        name: " ".join(command) if isinstance(command, list) else str(command)
        for name, service in COMPOSE["services"].items()
        if (command := service.get("command"))
    }


def test_no_container_loads_the_demo_or_its_account():
    commands = service_commands()
    assert "web" in commands and "gunicorn" in commands["web"]
    for name, command in commands.items():
        assert "setup_demo" not in command, name
    assert "setup_demo" not in (ROOT / "Dockerfile").read_text()


def test_the_image_runs_its_processes_as_an_account_without_root():
    instructions = [
        line.split(maxsplit=1) for line in (ROOT / "Dockerfile").read_text().splitlines() if line[:1].isupper()
    ]
    users = [index for index, (keyword, *_) in enumerate(instructions) if keyword == "USER"]
    assert users, "the Dockerfile never leaves root"
    assert instructions[users[-1]][1].strip() not in ("root", "0")
    assert not any(keyword == "USER" for keyword, *_ in instructions[users[-1] + 1 :])
    # Every service of the compose file runs the image's account: none sets `user:` back to root.
    assert all(
        service.get("user") in (None, "parley") for service in COMPOSE["services"].values() if "build" in service
    )


def test_the_web_port_is_published_on_this_machine_only():
    published = [port for service in COMPOSE["services"].values() for port in service.get("ports", [])]
    assert "127.0.0.1:8000:8000" in published
    assert all(str(port).startswith("127.0.0.1:") for port in published)


def start_up_as_the_web_container() -> str:
    """Runs the `python manage.py` steps of compose's `web` before gunicorn; their output, warnings included."""
    _, _, script = shlex.split(service_commands()["web"])
    steps = [shlex.split(step) for step in script.split("&&") if step.strip().startswith("python manage.py")]
    assert steps, script
    return "".join(
        subprocess.run(
            [sys.executable, *arguments], cwd=ROOT, env=compose_environment(), check=True, capture_output=True,
            text=True,
        ).stderr
        for _python, *arguments in steps
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_production_start_up_creates_no_account_and_the_documented_step_creates_the_first_one(
    settings, django_user_model
):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS  # the subprocesses hash as production does
    start_up_as_the_web_container()
    assert not django_user_model.objects.exists()
    assert authenticate(username="admin", password="parley-demo") is None

    # The README's unattended step: createsuperuser --noinput, the password in DJANGO_SUPERUSER_PASSWORD.
    password = secrets.token_urlsafe(16)
    first_superuser = ["createsuperuser", "--noinput", "--username", "owner", "--email", "owner@example.com"]
    subprocess.run(
        [sys.executable, "manage.py", *first_superuser],
        cwd=ROOT, env=compose_environment(DJANGO_SUPERUSER_PASSWORD=password), check=True,
    )  # fmt: skip
    assert authenticate(username="owner", password=password).is_superuser
    assert list(django_user_model.objects.values_list("username", flat=True)) == ["owner"]


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_installation_still_holding_the_demo_account_lets_nobody_in_with_its_published_password(
    settings, django_user_model
):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS  # the start-up's subprocess checks as production does
    # What earlier docker-compose files left: setup_demo ran on every start of `web`.
    demo = django_user_model.objects.create_superuser("admin", "admin@example.com", "parley-demo")
    warnings = start_up_as_the_web_container()
    assert "The account admin still has the demo's published password." in warnings
    assert "python manage.py changepassword admin" in warnings

    settings.PARLEY_DEVELOPMENT = False
    for login_page in ("/admin/login/?next=/admin/", "/console/login/"):
        assert Client().post(login_page, {"username": "admin", "password": "parley-demo"}).status_code == 200
    demo.set_password("a-password-of-its-own-5521")
    demo.save()
    changed = Client().post("/admin/login/", {"username": "admin", "password": "a-password-of-its-own-5521"})
    assert changed.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_demo_and_its_account_are_refused_outside_development(django_user_model):
    refused = subprocess.run(
        [sys.executable, "manage.py", "setup_demo"], cwd=ROOT, env=compose_environment(), capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "runs only on a development machine (PARLEY_DEVELOPMENT=true" in refused.stderr
    assert not django_user_model.objects.exists()


# None, the development key, and the defaults that settings.py and docker-compose.yml used to fall back on.
PUBLISHED_KEYS = [
    "",
    "django-insecure-parley-development-key",
    "parley-insecure-development-key-change-me",
    "change-me-in-production",
]


@pytest.mark.parametrize("key", PUBLISHED_KEYS)
def test_the_web_process_refuses_to_start_with_a_missing_or_published_secret_key(key):
    started = subprocess.run(
        [sys.executable, "-c", "import config.wsgi; config.wsgi.create_application()"],
        cwd=ROOT, env=compose_environment(DJANGO_SECRET_KEY=key), capture_output=True, text=True,
    )  # fmt: skip
    assert started.returncode != 0
    assert "DJANGO_SECRET_KEY is missing or a published default" in started.stderr


def test_the_web_process_refuses_to_start_without_encryption_keys_of_its_own():
    # Without them secrets were encrypted under a key derived from DJANGO_SECRET_KEY: changing it lost them all.
    assert COMPOSE["x-parley-env"]["PARLEY_ENCRYPTION_KEYS"].startswith("${PARLEY_ENCRYPTION_KEYS:?")
    started = subprocess.run(
        [sys.executable, "-c", "import config.wsgi; config.wsgi.create_application()"],
        cwd=ROOT, env=compose_environment(PARLEY_ENCRYPTION_KEYS=""), capture_output=True, text=True,
    )  # fmt: skip
    assert started.returncode != 0
    assert "PARLEY_ENCRYPTION_KEYS is missing" in started.stderr


def test_the_production_settings_pass_every_deployment_check():
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=compose_environment(), capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout, checked.stdout + checked.stderr


@pytest.fixture
def production_web_server(db: None) -> Iterator[str]:
    """gunicorn with docker-compose's environment, as the web container starts it. There the proxy calls from
    outside the container, an address gunicorn does not trust for X-Forwarded-Proto: neither here."""
    server, url = start_gunicorn(
        compose_environment(PARLEY_METRICS_TOKEN="scrape-me-5521"),
        ARTIFACTS / "production-gunicorn.log",
        "--workers",
        "1",
        "--forwarded-allow-ips",
        "192.0.2.1",
    )
    try:
        yield url
    finally:
        stop(server)


def test_browsers_get_only_https_behind_the_proxy_while_health_checks_and_the_scraper_use_plain_http(
    production_web_server,
):
    url = production_web_server
    downgraded = httpx.get(f"{url}/admin/login/", headers={"X-Forwarded-For": "203.0.113.5"})
    assert downgraded.status_code == 301 and downgraded.headers["location"].startswith("https://")

    secure = httpx.get(f"{url}/admin/login/", headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert "csrftoken=" in secure.headers["set-cookie"] and "Secure" in secure.headers["set-cookie"]

    assert not httpx.get(f"{url}/readyz").is_redirect
    scraped = httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer scrape-me-5521"})
    assert scraped.status_code == 200


def log_in(path: str, username: str, password: str, forwarded_for: str) -> bool:
    """One login through the TLS proxy: REMOTE_ADDR is the proxy, which appends the client's address."""
    response = Client().post(
        path, {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
    )
    return response.status_code == 302


@pytest.fixture
def behind_the_proxy(settings):
    settings.PARLEY_TRUSTED_PROXIES = 1
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
@pytest.mark.usefixtures("fresh_throttle_window")
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


@pytest.mark.django_db
def test_one_ipv6_client_rotating_addresses_in_its_64_gets_one_addresss_guesses_and_locks_nobody_out(
    behind_the_proxy, django_user_model
):
    django_user_model.objects.create_superuser("owner-ipv6", "o@example.com", "right-password")
    # 60 addresses, 2001:db8::1 to 2001:db8::3c: one client's /64, enough to reach the account-wide counter.
    for host in range(1, 61):
        assert not log_in("/admin/login/", "owner-ipv6", "wrong", f"2001:db8::{host:x}")
    # Its sixth guess was already refused unchecked: the right password from a 61st address is refused too.
    assert not log_in("/admin/login/", "owner-ipv6", "right-password", "2001:db8::3d")
    assert log_in("/admin/login/", "owner-ipv6", "right-password", "198.51.100.30")


@pytest.mark.django_db
def test_an_owner_whose_ipv6_address_changed_within_its_64_still_logs_in_under_a_spread_attack(
    behind_the_proxy, django_user_model
):
    behind_the_proxy.PARLEY_LOGIN_FAILURES_ALLOWED = 2
    django_user_model.objects.create_superuser("owner-privacy", "o@example.com", "right-password")
    assert log_in("/admin/login/", "owner-privacy", "right-password", "2001:db8:0:7::10")
    for bot in range(10):
        for _ in range(2):
            assert not log_in("/admin/login/", "owner-privacy", "wrong", f"203.0.113.{150 + bot}")

    assert not log_in("/admin/login/", "owner-privacy", "right-password", "2001:db8:0:8::10")
    # A privacy extension gave the owner's machine a new address in the same /64.
    assert log_in("/admin/login/", "owner-privacy", "right-password", "2001:db8:0:7::99")
