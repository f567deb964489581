"""Prometheus metrics: what the web and worker processes count, and the scrape's registry.

Gunicorn and Celery run several processes, so every process writes its values to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) and a scrape adds them up. The file
names carry the host name as well as the process id, so web and worker containers may share one
directory without two processes ever writing the same file.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

import redis
from celery import current_app
from django.conf import settings
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead


def process_identifier(pid: int | None = None) -> str:
    """How a process of this machine (this one by default) is named in the metrics' files and `pid` labels."""
    return f"{socket.gethostname().replace('_', '-')}-{os.getpid() if pid is None else pid}"


LATENCY_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60, 90, 120, float("inf"))

# Each metric is made on its first use, as an attribute of this module (`metrics.agent_turns`): by then the
# process's start-up has said where values go (write_to_shared_directory), and one made on import would keep
# its values in this process's memory, out of every scrape.
_DEFINITIONS: dict[str, Callable[[], MetricWrapperBase]] = {
    "webhook_deliveries": lambda: Counter(
        "parley_webhook_deliveries", "Webhook requests by platform and outcome.", ["platform", "outcome"]
    ),
    "inbound_messages": lambda: Counter(
        "parley_inbound_messages",
        "Customer messages in webhooks: stored, duplicate or ignored.",
        ["platform", "outcome"],
    ),
    "reply_latency": lambda: Histogram(
        "parley_reply_latency_seconds",
        "From the customer's message arriving to the agent's reply accepted by the platform.",
        ["platform"],
        buckets=LATENCY_BUCKETS,
    ),
    "turn_duration": lambda: Histogram(
        "parley_turn_duration_seconds", "Time an agent turn took, model and tools.", buckets=LATENCY_BUCKETS
    ),
    "time_to_first_token": lambda: Histogram(
        "parley_time_to_first_token_seconds",
        "Time to the model's first token in a turn.",
        buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, float("inf")),
    ),
    "tokens_per_second": lambda: Histogram(
        "parley_generation_tokens_per_second",
        "Tokens the model generated per second of generation, per turn.",
        buckets=(1, 2, 5, 10, 20, 40, 80, 160, 320, float("inf")),
    ),
    "agent_turns": lambda: Counter("parley_agent_turns", "Agent turns by outcome.", ["outcome"]),
    "tool_calls": lambda: Counter(
        "parley_tool_calls", "Tool calls by tool and outcome (found, not_found, error).", ["tool", "outcome"]
    ),
    "handoffs": lambda: Counter(
        "parley_handoffs", "Conversations the agent handed to staff, by turn outcome.", ["outcome"]
    ),
    "outbound_sends": lambda: Counter(
        "parley_outbound_sends",
        "Attempts to send a message by platform, result and the platform's error code.",
        ["platform", "result", "code"],
    ),
    "deferred_turns": lambda: Counter(
        "parley_deferred_turns",
        "Agent turns over their business's PARLEY_TURNS_PER_BUSINESS_PER_MINUTE, started later in their turn.",
    ),
    "turn_deferral": lambda: Histogram(
        "parley_turn_deferral_seconds",
        "How long each deferred agent turn was set to wait for its business's next free start.",
        buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, float("inf")),
    ),
    "webchat_refused": lambda: Counter(
        "parley_webchat_refused",
        "Web chat requests answered 429, by kind (poll, message) and limit (address, visitor).",
        ["kind", "limit"],
    ),
    # One series per live inference process (label `pid`), to size PARLEY_KV_CACHE_MB against memory.
    "kv_states_bytes": lambda: Gauge(
        "parley_kv_states_bytes",
        "Bytes of saved per-conversation KV states an inference process holds.",
        multiprocess_mode="liveall",
    ),
}
_made: dict[str, MetricWrapperBase] = {}
_making = threading.Lock()


def __getattr__(name: str) -> Any:
    if name not in _DEFINITIONS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _metric(name)


def _metric(name: str) -> Any:
    with _making:
        if name not in _made:
            _made[name] = _DEFINITIONS[name]()
    return _made[name]


def write_to_shared_directory() -> None:
    """Start-up (process_start.py): this process's values go to files in PROMETHEUS_MULTIPROC_DIR
    (var/prometheus/ by default, made here), named by process_identifier. Its child processes inherit both."""
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(settings.VAR_DIR / "prometheus"))
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    values.ValueClass = values.MultiProcessValue(lambda: process_identifier())


def forget_this_process() -> None:
    """A process that ends takes its live gauges with it (the counters stay, as Prometheus expects)."""
    mark_process_dead(process_identifier())


WEBHOOK_OUTCOMES = {400: "malformed", 403: "refused", 404: "unknown_connection", 413: "too_large", 503: "unavailable"}


def record_webhook(platform: str, status: int) -> None:
    outcome = "accepted" if status < 300 else WEBHOOK_OUTCOMES.get(status, f"http_{status}")
    _metric("webhook_deliveries").labels(platform, outcome).inc()


class FinishedTurn(Protocol):
    """What a turn's record tells the metrics (agents.models.AgentRun has it)."""

    outcome: str
    total_ms: int
    time_to_first_token_ms: int | None
    trace: list[dict[str, Any]]


def record_turn(run: FinishedTurn, handed_over: bool) -> None:
    """Everything a finished turn tells: its outcome, timings, speed and tool calls."""
    _metric("agent_turns").labels(run.outcome).inc()
    _metric("turn_duration").observe(run.total_ms / 1000)
    if run.time_to_first_token_ms is not None:
        _metric("time_to_first_token").observe(run.time_to_first_token_ms / 1000)
    model_steps = [step for step in run.trace if step.get("type") == "model"]
    generation_ms = sum(step["duration_ms"] for step in model_steps)
    if generation_ms > 0:
        _metric("tokens_per_second").observe(
            sum(step["completion_tokens"] for step in model_steps) * 1000 / generation_ms
        )
    for step in run.trace:
        if step.get("type") == "tool":
            outcome = "error" if step.get("failed") else "found" if step.get("found") else "not_found"
            _metric("tool_calls").labels(step["tool"], outcome).inc()
    if handed_over:
        _metric("handoffs").labels(run.outcome).inc()


class QueueDepthCollector:
    """Messages waiting in each Celery queue, read from Redis at scrape time."""

    def collect(self) -> Any:
        family = GaugeMetricFamily("parley_queue_depth", "Tasks waiting in each Celery queue.", labels=["queue"])
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
            try:
                for queue in task_queues():
                    # An int: the client is synchronous.
                    family.add_metric([queue], cast(int, client.llen(queue)))
            except redis.RedisError:
                pass  # an unreachable broker shows as missing samples, and /readyz says why
            finally:
                client.close()
        yield family


def task_queues() -> list[str]:
    """The queues the registered tasks declare (`queue_name` on their base class, config/celery.py)."""
    return sorted({queue for task in current_app.tasks.values() if (queue := getattr(task, "queue_name", None))})


def scrape_registry() -> CollectorRegistry:
    """Every process's values from the shared directory, and the queues' depth."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(QueueDepthCollector())
    return registry


def exposition() -> bytes:
    return generate_latest(scrape_registry())
