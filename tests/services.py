"""Starting Parley's own processes (gunicorn, a Celery worker) for the tests and the benchmarks alike."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


class ServiceDidNotStart(RuntimeError):
    pass


def database_url(database: dict[str, Any]) -> str:
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{database['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], log_path: Path, *options: str, timeout: float = 60.0
) -> tuple[subprocess.Popen, str]:
    """gunicorn serving Parley on a free loopback port, and its URL, returned once /healthz answers."""
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:create_application()",
                "--bind", f"127.0.0.1:{port}", *options,
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while not _answers(f"{url}/healthz"):
        if server.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise ServiceDidNotStart(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    return server, url


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def start_celery_worker(env: dict[str, str], log_path: Path, name: str) -> subprocess.Popen:
    """A real `celery worker` process on both queues, returned once it says it is ready. Its pool and
    concurrency are the settings' (PARLEY_WORKER_POOL, PARLEY_WORKER_CONCURRENCY in `env`), as `make run`'s."""
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "llm,outbound", "-l", "info",
                "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while " ready." not in log_path.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise ServiceDidNotStart(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    return worker


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
