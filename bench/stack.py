"""The real stack the benchmarks run against: their own database, gunicorn, Celery workers, the bench business."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from django.conf import settings

from tests.services import ROOT, database_url, start_celery_worker, start_gunicorn, stop

DEMO_FILE = ROOT / "demo" / "demo_business.yaml"
BENCH_SLUG = "bench-bakery"
APP_SECRET = "bench-app-secret-5d1c"
PAGE_ID = "204857361928374"
# The customer questions every conversation cycles through: FAQ answers, a price, opening hours.
QUESTIONS = (
    "Do you deliver?",
    "How much is the sourdough loaf?",
    "Are you open on Sunday?",
    "Can I order a birthday cake?",
)
# Asked once in a conversation of its own before anything is timed, so that the model is loaded.
WARM_UP_QUESTION = "Do you have gluten-free bread?"


def questions_of(conversation: int) -> tuple[str, ...]:
    """Each conversation starts at its own question, so that up to len(QUESTIONS) interleaved
    conversations never ask the same at the same turn: one conversation's prompt is never another's.
    (Orders that only differ later let a second conversation's first turn reuse the first's whole
    prompt and reply, a free turn that made the first turns look cheap.)"""
    start = conversation % len(QUESTIONS)
    return QUESTIONS[start:] + QUESTIONS[:start]


GUNICORN_WORKERS = 2


def create_database(url: str) -> None:
    """The benchmark's own PostgreSQL database, created when missing (it is migrated by Django)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def service_env(**extra: str) -> dict[str, str]:
    """What the bench's child processes need to reach the same database and broker as this process."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.REDIS_URL,
        "PARLEY_LOG_LEVEL": "WARNING",
        **extra,
    }


def empty_broker() -> None:
    """Drop every task the bench queued (and only the bench's: its keys carry their own prefix)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{settings.BROKER_KEY_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


@dataclass
class WebServer:
    process: subprocess.Popen
    url: str


@contextmanager
def gunicorn(log_dir: Path) -> Iterator[WebServer]:
    """gunicorn as `make run` starts it, with the bench's settings (its bare view)."""
    log_path = log_dir / "gunicorn.log"
    process, url = start_gunicorn(service_env(), log_path, "--workers", str(GUNICORN_WORKERS), timeout=30)
    try:
        yield WebServer(process, url)
    finally:
        stop(process)


@contextmanager
def celery_worker(log_dir: Path, label: str = "default", **env: str) -> Iterator[subprocess.Popen]:
    """A worker as `make run` starts it, its pool and concurrency the settings' unless `env` sets them."""
    worker = start_celery_worker(
        service_env(**env), log_dir / f"celery-worker-{label}.log", name=f"parley-bench-{uuid.uuid4().hex[:8]}"
    )
    try:
        yield worker
    finally:
        stop(worker)


def bench_business(reply_tokens: int):
    """The demo bakery under its own slug, answering at once (no burst settle wait) and deterministically."""
    from agents.interchange import import_document, read_document
    from business.models import Business

    Business.objects.filter(slug=BENCH_SLUG).delete()
    document = read_document(DEMO_FILE)
    document["business"]["slug"] = BENCH_SLUG
    # Temperature 0 makes a reply's length the same from run to run; the settle wait is a product choice.
    # A slow machine must show slow turns, not the fallback reply the turn's time budget would give.
    document["agent"] |= {
        "burst_settle_seconds": 0,
        "temperature": 0.0,
        "max_reply_tokens": reply_tokens,
        "time_budget_seconds": 600,
    }
    return import_document(document)


def messenger_connection(business, api_base: str):
    from conversations.models import ChannelConnection

    return ChannelConnection.objects.create(
        business=business,
        platform="messenger",
        credentials={
            "page_id": PAGE_ID,
            "access_token": "EAAbenchtoken",
            "app_secret": APP_SECRET,
            "verify_token": "bench",
        },
        api_base=api_base,
    )


def messenger_delivery(sender: str, text: str, mid: str) -> bytes:
    """A Messenger text delivery, byte for byte as Meta sends it (compact JSON)."""
    now = int(time.time() * 1000)
    body = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": now,
                        "message": {"mid": mid, "text": text},
                    }
                ],
            }
        ],
    }
    return json.dumps(body, separators=(",", ":")).encode()
