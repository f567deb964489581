"""The benchmark code run end to end at tiny sizes, on its own database: every figure reaches the table.

It measures nothing worth keeping (`make bench` does, at full sizes); it proves the bench still runs.
"""

import os
import subprocess
import sys

from django.conf import settings

from tests.services import ROOT, database_url

FIGURES = (
    "agent overhead, warm",
    "agent overhead, cold",
    "turn latency, 1 conversation, reuse on",
    "2 conversations interleaved, reuse on",
    "webhook ingest, known customers, max throughput",
    "webhook ingest, first messages, max throughput",
    "a view only storing each body",
    "webhook ack latency at 600/s, known customers (20 deliveries)",
    "webhook ack latency at 600/s, first messages (20 deliveries)",
    "store-only view ack latency at 600/s, the webhook's floor (20 deliveries)",
    "Webhook steps",
    "PSS of a worker with 2 inference processes",
    "naive LangChain loop",
    "voice note transcribed on the worker",
    "the machine's limit for the workload",
    "throughput at saturation: 2 conversations",
    "latency under that load",
    "interleaving at scale: 2 conversations x 2 turns",
    "memory per concurrent conversation",
    "What a turn costs by kind",
)


def test_every_benchmark_runs_at_tiny_sizes_and_reaches_the_table(tmp_path):
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url({**database, "NAME": f"{database['NAME']}_bench_smoke"}),
        "BENCH_REDIS_URL": settings.CELERY_BROKER_URL,
    }
    output = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output), "--log-dir", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    table = output.read_text()
    for figure in FIGURES:
        assert figure in table, f"{figure!r} missing from:\n{table}"
    # Every paced delivery was acknowledged with 200, and the report names its machine and commit.
    assert " failed" not in table
    assert "- Machine: " in table and "- Commit: " in table
