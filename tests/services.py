"""Starting Parley's own processes (a Celery worker) for the tests and the benchmarks alike."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ServiceDidNotStart(RuntimeError):
    pass


def database_url(database: dict[str, Any]) -> str:
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}/{database['NAME']}"


def start_celery_worker(env: dict[str, str], log_path: Path, name: str, concurrency: int = 1) -> subprocess.Popen:
    """A real `celery worker` process on both queues, returned once it says it is ready."""
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "-Q", "llm,outbound", "-c", str(concurrency), "-l", "info",
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
