"""Helpers shared by the tests of every app: where test artifacts go, real-format fixtures, waiting.

Pytest fixtures stay in the conftest.py files; what a test imports by name lives here."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# Tests generate few tokens: enough for a short JSON step, short enough for a 2-core machine.
TEST_REPLY_TOKENS = 24
# How the session's worker names itself to PostgreSQL (libpq reads PGAPPNAME), so tests can find its connections.
WORKER_APPLICATION_NAME = "parley-test-worker"
# The app secret of the test Meta app (Messenger, Instagram and WhatsApp connections).
MESSENGER_SECRET = "f1c2d3e4a5b6978812345678abcdef90"
MESSENGER_VERIFY_TOKEN = "my-verify-token-7731"
# Debian's Chromium, driven by Playwright (`playwright install` downloads a browser: never run).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


Rows = TypeVar("Rows")


def written_for_the_module(django_db_blocker: Any, write: Callable[[], Rows]) -> Iterator[Rows]:
    """For a module-scoped fixture: what `write` returns, its rows kept for the module's tests in a transaction
    rolled back after them. Each test's own transaction is a savepoint inside it: what a test changes is still
    undone before the next."""
    written = transaction.atomic()
    with django_db_blocker.unblock():
        written.__enter__()
        try:
            rows = write()
        except BaseException as error:
            written.__exit__(type(error), error, error.__traceback__)
            raise
    yield rows
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        written.__exit__(None, None, None)


def spoken_audio(extension: str) -> bytes:
    """The question "Hello. Do you ship abroad?" spoken, as OGG/Opus ("ogg") or MP4/AAC ("mp4") (audio/README.md)."""
    return (ROOT / "tests" / "support" / "audio" / f"ship_abroad.{extension}").read_bytes()


def load_fixture(test_file: str, name: str) -> dict[str, Any]:
    """A real-format sample payload from the fixtures folder beside a platform's tests."""
    return json.loads((Path(test_file).parent / "fixtures" / f"{name}.json").read_text())


def wait_until(condition: Callable[[], Any], timeout: float = 120.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
