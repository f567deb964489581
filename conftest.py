"""Fixtures shared by every test: real PostgreSQL, Redis, Celery worker and model; fake platform servers."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from playwright.sync_api import Browser, sync_playwright

from agents.models import AgentConfig
from business.models import Business, FaqEntry, Membership
from infrastructure.process_start import start_process
from tests.fake_platform import FakePlatformServer
from tests.services import ServiceDidNotStart, database_url, start_celery_worker, stop
from tests.support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    TEST_REPLY_TOKENS,
    WORKER_APPLICATION_NAME,
)

# Messenger is the platform most tests of the store, the worker and the console connect through.
pytest_plugins = ["channels.messenger.tests.support"]


def pytest_configure(config: pytest.Config) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # The test session is a Parley process too: its metrics go where a scrape reads them.
    start_process()
    # The fake platforms and the model server listen on 127.0.0.1: an API host allowed in this process
    # (its settings are already loaded) and in the workers and servers the tests start.
    for setting in ("PARLEY_PLATFORM_API_HOSTS", "PARLEY_MODEL_SERVER_HOSTS"):
        os.environ[setting] = "127.0.0.1"
        setattr(settings, setting, ["127.0.0.1"])
    # Django's default PBKDF2 hash takes 1 to 4 s of CPU here, and hundreds of tests create or log in a user
    # with a password: minutes of the suite. No test is about how passwords are hashed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def empty_broker() -> None:
    """Tasks left in the broker by an earlier, interrupted run must not reach this run's worker."""
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, django_db_blocker: Any) -> Iterator[subprocess.Popen]:
    """A real `celery worker` process on the test database and the test Redis, as in production."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("the worker tests need PostgreSQL: run them with `make test`")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "PGAPPNAME": WORKER_APPLICATION_NAME,
    }
    try:
        worker = start_celery_worker(env, ARTIFACTS / "celery-worker.log", name=f"parley-test-{os.getpid()}")
    except ServiceDidNotStart as error:
        pytest.fail(str(error))
    yield worker
    stop(worker)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for a module's browser tests (starting Playwright's driver and the browser took
    4 s a test here); each test opens a context of its own, as clean as a new profile. Playwright's event loop
    runs in this thread meanwhile, where Django refuses queries unless told the code around it is synchronous."""
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def fake_platform() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer()
    yield server
    server.close()


@pytest.fixture
def business(db: None) -> Business:
    shop = Business.objects.create(
        name="Corner Shop",
        slug="corner-shop",
        description="A small grocery.",
        timezone="Europe/Paris",
        opening_hours={"mon": [["09:00", "18:00"]], "sat": [["10:00", "13:00"]]},
    )
    AgentConfig.objects.create(
        business=shop, max_reply_tokens=TEST_REPLY_TOKENS, temperature=0.0, burst_settle_seconds=0.2
    )
    FaqEntry.objects.create(
        business=shop,
        question="Do you ship abroad?",
        answer="Yes, we ship to Canada and the US in 3 to 5 business days.",
    )
    return shop


@pytest.fixture
def staff_client(client: Any, business: Business, django_user_model: Any) -> Any:
    """Logged in as a staff member of the business who is not a superuser."""
    user = django_user_model.objects.create_user("sam", password="pw", is_staff=True)
    Membership.objects.create(user=user, business=business)
    client.force_login(user)
    return client


@pytest.fixture
def fresh_throttle_window() -> None:
    """Throttles count in fixed windows (infrastructure/throttling.py: a minute, the login lockout's length): a
    test counting requests up to a limit starts early in a window, so that none ends halfway through them."""
    for window in (60, settings.PARLEY_LOGIN_LOCKOUT_SECONDS):
        left = window - time.time() % window
        if left < 20:
            time.sleep(left + 0.1)
