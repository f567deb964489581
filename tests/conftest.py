"""Fixtures for the reliability tests: a Redis server of their own (so that stopping it stops no one
else's), Celery worker processes on it that can be killed and restarted, and the figures each test
records for docs/reliability.md."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from config.celery import app as celery_app
from tests.services import database_url, free_port
from tests.support import ARTIFACTS, ROOT

FIGURES_FILE = ARTIFACTS / "reliability-figures.json"


class RedisServer:
    """A redis-server process on a port of its own, stopped and started as a test needs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        redis_server = shutil.which("redis-server")
        assert redis_server, "redis-server is missing: install Debian's redis-server"
        self.process = subprocess.Popen(
            [redis_server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Worker:
    """A `celery worker` process on the private broker, its pool as the settings make it (threads running
    turns whose model calls are batched, unless `env` sets PARLEY_WORKER_POOL=prefork), or with `beat=True`
    the `celery beat` process that sends the periodic tasks."""

    def __init__(
        self,
        name: str,
        broker_url: str,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        beat: bool = False,
    ) -> None:
        self.name = name
        self.log_path = ARTIFACTS / f"reliability-{name}.log"
        self.log_path.write_text("")
        command = (
            ["beat", "-l", "info", *extra_args]
            if beat
            else [
                "worker", "-Q", "llm,outbound", "-l", "info",
                "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", *extra_args,
            ]
        )  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *command],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(settings.DATABASES["default"]),
                "REDIS_URL": broker_url,
                "PYTHONUNBUFFERED": "1",
                **(env or {}),
            },
            stdout=self.log_path.open("a"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while ("beat: Starting" if beat else " ready.") not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"worker {name} did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker (and a prefork pool's processes) at once, as the kernel's OOM killer or a power cut
        would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerPool:
    """Two worker processes shared by the tests, so that each loads the model once per session."""

    SIZE = 2

    def __init__(self, broker_url: str) -> None:
        self.broker_url = broker_url
        self.workers = [Worker(f"pool-{index}", broker_url) for index in range(self.SIZE)]

    def ensure_running(self) -> None:
        """Restart any worker a test killed."""
        self.workers = [
            worker if worker.process.poll() is None else Worker(worker.name, self.broker_url) for worker in self.workers
        ]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that stop the shared pool (own_workers) run after the last test using it: in file order,
    each pool test after one of them started both workers again, loading the model in each."""
    stoppers = [item for item in items if "own_workers" in getattr(item, "fixturenames", ())]
    others = [item for item in items if "own_workers" not in getattr(item, "fixturenames", ())]
    users = [index for index, item in enumerate(others) if "worker_pool" in getattr(item, "fixturenames", ())]
    if stoppers and users:
        items[:] = [*others[: users[-1] + 1], *stoppers, *others[users[-1] + 1 :]]


@pytest.fixture(scope="session")
def broker_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def session_pool(broker_server: RedisServer, django_db_setup: None) -> Iterator[WorkerPool]:
    pool = WorkerPool(broker_server.url)
    yield pool
    pool.stop()


@pytest.fixture
def private_broker(broker_server: RedisServer, settings: Any) -> Iterator[RedisServer]:
    """The reliability tests' own Redis, as broker and cache of this process and of their workers."""
    if broker_server.process is None:
        broker_server.start()
    previous = celery_app.conf.broker_url
    use_broker(broker_server.url)
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker_server.url,
        }
    }
    yield broker_server
    use_broker(previous)


def use_broker(url: str) -> None:
    """Point this process's Celery at another broker; the next task sent opens a connection to it."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker_pool(private_broker: RedisServer, session_pool: WorkerPool) -> WorkerPool:
    session_pool.ensure_running()
    return session_pool


@pytest.fixture
def own_workers(session_pool) -> None:
    """The shared pool stops, so that the test's own workers are the only ones taking tasks."""
    session_pool.stop()


@pytest.fixture
def start_worker(private_broker: RedisServer) -> Iterator[Any]:
    """A worker (or beat) of the test's own, stopped at its end, with settings the pool does not have."""
    started: list[Worker] = []

    def start(name: str, *extra_args: str, beat: bool = False, **env: str) -> Worker:
        worker = Worker(name, private_broker.url, extra_args, env, beat=beat)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture(scope="session")
def figures() -> Iterator[dict[str, Any]]:
    """Each test's counts (deliveries sent, replies, lost, duplicated), written for docs/reliability.md."""
    recorded: dict[str, Any] = {}
    yield recorded
    if recorded:
        previous = json.loads(FIGURES_FILE.read_text()) if FIGURES_FILE.exists() else {}
        FIGURES_FILE.write_text(json.dumps({**previous, **recorded}, indent=2, sort_keys=True))
