"""3. Webhook ingest: signed Messenger deliveries through gunicorn, against a bare view on the same server,
and a storing view, the floor of any webhook that stores a delivery before it acknowledges it.

Two kinds of delivery: a known customer's (their contact and open conversation exist) and a customer's
first message (a contact and a conversation made with it). Throughput is wrk's (a closed loop: as fast as
the server answers). Latency at a fixed rate comes from a constant-rate generator here, measured from each
request's scheduled start so that a slow answer cannot hide the requests queued behind it. Every delivery
is a new message id (a redelivery takes another path); the turns they enqueue are dropped afterwards, no
worker runs meanwhile. Each part of a delivery's cost is also timed alone in this process, the way the
webhook does it beside the way it did before (`steps`).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection as database

from channels.meta.signature import sign
from conversations.models import ChannelConnection

from .ingest_steps import Part, Step, time_parts, time_steps
from .pauses import collector_paused
from .stack import APP_SECRET, QUESTIONS, messenger_delivery
from .urls import BARE_PATH, DELIVERY_TABLE, STORING_PATH

LUA_SCRIPT = Path(__file__).with_name("wrk_cycle.lua")
SENDERS = 50
WRK_CONNECTIONS = 16
MAX_IN_FLIGHT = 256
ANSWER_TIMEOUT = 60.0


@dataclass
class Paced:
    rate: float
    latencies: list[float]
    failures: int
    seconds: float  # from the first scheduled start to the last answer

    @property
    def achieved_rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class IngestResult:
    known_throughput: float
    first_throughput: float
    bare_throughput: float
    storing_throughputs: tuple[float, float]  # before and after the webhook's
    known: Paced
    first: Paced
    bare: Paced
    storing: Paced
    steps: list[Step]
    parts: list[Part]

    @property
    def storing_throughput(self) -> float:
        return sum(self.storing_throughputs) / 2


def signed_deliveries(count: int, first_messages: bool = False) -> list[tuple[str, bytes]]:
    """(signature, body) of `count` distinct text deliveries from a few known customers, or each from a new
    customer (`first_messages`)."""
    deliveries = []
    for index in range(count):
        sender = f"first-{uuid.uuid4().hex}" if first_messages else f"ingest-{index % SENDERS}"
        body = messenger_delivery(sender, QUESTIONS[index % len(QUESTIONS)], f"m_ingest_{uuid.uuid4().hex}")
        deliveries.append((sign(APP_SECRET, body), body))
    return deliveries


async def _one(
    host: str, port: int, request: bytes, scheduled: float, in_flight: asyncio.Semaphore
) -> tuple[float, bool]:
    """Latency from the scheduled start, and whether the answer was 200; a refused or dropped connection
    is a failure."""
    await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
    async with in_flight:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), ANSWER_TIMEOUT)
            writer.close()
        except (OSError, TimeoutError):
            return time.perf_counter() - scheduled, False
    return time.perf_counter() - scheduled, answer.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))


def paced_load(url: str, deliveries: list[tuple[str, bytes]], rate: float) -> Paced:
    """Send every delivery, one every 1/rate seconds, each on its own connection as Meta does."""
    parts = urlsplit(url)
    requests = [
        (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        + body
        for signature, body in deliveries
    ]

    async def load() -> list[tuple[float, bool]]:
        # Bounded below the open-files limit; a request waiting for a slot still counts from its scheduled start.
        in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        start = time.perf_counter() + 0.05
        return await asyncio.gather(
            *(
                _one(parts.hostname, parts.port, request, start + index / rate, in_flight)
                for index, request in enumerate(requests)
            )
        )

    with collector_paused():
        started = time.perf_counter()
        outcomes = asyncio.run(load())
    return Paced(
        rate=rate,
        latencies=[latency for latency, _ in outcomes],
        failures=sum(not ok for _, ok in outcomes),
        seconds=time.perf_counter() - started,
    )


def wrk_throughput(
    url: str, deliveries: list[tuple[str, bytes]], seconds: float, work_dir: Path, distinct: bool
) -> float:
    """Requests per second answered 2xx by wrk, cycling through the deliveries (`distinct`: never twice)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk); `make bench` installs it")
    bodies = work_dir / f"wrk-bodies-{uuid.uuid4().hex[:6]}.tsv"
    bodies.write_bytes(b"".join(signature.encode() + b"\t" + body + b"\n" for signature, body in deliveries))
    try:
        output = subprocess.run(
            [
                wrk, "-t1", f"-c{WRK_CONNECTIONS}", f"-d{max(1, round(seconds))}s", "-s", str(LUA_SCRIPT),
                url, "--", str(bodies),
            ],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        bodies.unlink()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad = (int(failed.group(1)) if failed else 0) + (sum(map(int, errors.groups())) if errors else 0)
    if distinct and total > len(deliveries):
        raise RuntimeError(f"wrk sent {total} requests but had {len(deliveries)} distinct deliveries: raise the count")
    return rate * (total - bad) / total if total else 0.0


def create_delivery_table() -> None:
    """The storing view's table, emptied: a table that grew run after run would slow its inserts."""
    with database.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {DELIVERY_TABLE} (id bigserial PRIMARY KEY, body jsonb NOT NULL,"
            " received_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(f"TRUNCATE {DELIVERY_TABLE}")


def run(
    web_url: str,
    connection: ChannelConnection,
    rate: float,
    paced_count: int,
    wrk_seconds: float,
    wrk_capacity: int,
    work_dir: Path,
) -> IngestResult:
    webhook_url, bare_url, storing_url = (
        web_url + connection.webhook_path(),
        web_url + BARE_PATH,
        web_url + STORING_PATH,
    )
    create_delivery_table()
    # Warm both gunicorn workers on every view (imports, database connections) before anything is timed;
    # the webhook's warm-up makes the known customers known (one delivery each).
    paced_load(webhook_url, signed_deliveries(SENDERS), rate)
    for url in (webhook_url, bare_url, storing_url):
        paced_load(url, signed_deliveries(10), rate)

    def webhook_throughput(first_messages: bool) -> float:
        deliveries = signed_deliveries(wrk_capacity, first_messages)
        return wrk_throughput(webhook_url, deliveries, wrk_seconds, work_dir, distinct=True)

    def storing_throughput() -> float:
        return wrk_throughput(storing_url, signed_deliveries(1000), wrk_seconds, work_dir, distinct=False)

    # The storing view is measured on both sides of the webhook, which is compared with their mean: a shared
    # machine's speed drifts from one 5-second run to the next.
    storing_before = storing_throughput()
    known_throughput, first_throughput = webhook_throughput(False), webhook_throughput(True)
    return IngestResult(
        known_throughput=known_throughput,
        first_throughput=first_throughput,
        bare_throughput=wrk_throughput(bare_url, signed_deliveries(1000), wrk_seconds, work_dir, distinct=False),
        storing_throughputs=(storing_before, storing_throughput()),
        known=paced_load(webhook_url, signed_deliveries(paced_count), rate),
        first=paced_load(webhook_url, signed_deliveries(paced_count, first_messages=True), rate),
        bare=paced_load(bare_url, signed_deliveries(paced_count), rate),
        storing=paced_load(storing_url, signed_deliveries(paced_count), rate),
        steps=time_steps(connection),
        parts=time_parts(),
    )
