"""4. Memory: proportional set size of Celery inference worker processes with the model loaded.

A worker runs with concurrency N (prefork: N processes, each loading the model lazily on its first
turn); turns are sent until every process has the model file mapped. PSS splits each shared page
among the processes sharing it, so the sum counts the mmap'd weights once. A process's own KV cache
is its context's (n_ctx x layers x 2 x KV width x 2 bytes, from the model file's metadata) and the
per-conversation states it saved, which each worker process reports in its metrics.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agents.turns import chat_model_for
from business.models import Business
from channels.playground.connection import playground_connection, store_playground_message
from conversations.models import Message
from infrastructure.metrics import process_identifier, scrape_registry
from tests.services import ROOT

from .proc import children, mapping_pss, pss
from .stack import QUESTIONS, celery_worker, service_env

MB = 1024 * 1024


@dataclass
class Footprint:
    processes: int
    children_pss: list[int]  # bytes, one per inference process
    weights_pss: list[int]  # of which the model file's mapping
    saved_states: list[int]  # of which saved per-conversation KV states (the worker's own metric)
    parent_pss: int  # the worker's parent, which never loads the model

    @property
    def total(self) -> int:
        """The whole worker: a parent's pages its children share are split among them all."""
        return sum(self.children_pss) + self.parent_pss


@dataclass
class MemoryResult:
    footprints: list[Footprint]
    kv_cache_bytes: int
    model_file_bytes: int
    # PSS after each step of a fresh process's start (memory_probe.py): what a process is made of.
    steps: dict[str, int]

    def _per_extra_process(self, footprint: Footprint, measure: Callable[[Footprint], float]) -> float:
        first = self.footprints[0]
        return (measure(footprint) - measure(first)) / (footprint.processes - first.processes)

    def added_per_process(self, footprint: Footprint) -> float:
        """What each process beyond the first adds to the total, on average."""
        return self._per_extra_process(footprint, lambda each: each.total)

    def allowance(self, footprint: Footprint) -> float:
        """What an extra process may add: its own KV cache (the context's, and the conversations'
        states it saved, as many as it answered) plus 50 MB."""
        added_states = self._per_extra_process(footprint, lambda each: sum(each.saved_states))
        return self.kv_cache_bytes + added_states + 50 * MB


def footprint(business: Business, processes: int, log_dir: Path, model_file: Path) -> Footprint:
    connection = playground_connection(business)
    # Processes, one turn at a time each, as PARLEY_WORKER_POOL=prefork runs them: the weights they share.
    with celery_worker(
        log_dir,
        f"prefork-{processes}",
        PARLEY_WORKER_POOL="prefork",
        PARLEY_WORKER_CONCURRENCY=str(processes),
        PARLEY_MODEL_SLOTS="0",
    ) as worker:
        deadline = time.monotonic() + 60 + 30 * processes
        while len(pool := children(worker.pid)) < processes:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker started {len(pool)} of {processes} processes")
            time.sleep(0.2)
        sent: list[Message] = []
        while not all(mapping_pss(pid, model_file) for pid in pool):
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every one of {processes} worker processes loaded the model")
            if all(Message.objects.filter(reply_to=inbound).exists() for inbound in sent):
                # Each process takes one turn at a time: as many turns as processes reach them all.
                sent += [
                    store_playground_message(connection, f"memory-{uuid.uuid4().hex[:8]}", QUESTIONS[0]) for _ in pool
                ]
            time.sleep(0.2)
        while not all(Message.objects.filter(reply_to=inbound).exists() for inbound in sent):
            if time.monotonic() > deadline:
                raise RuntimeError("the memory benchmark's turns were not answered")
            time.sleep(0.2)
        return Footprint(
            processes=processes,
            children_pss=[pss(pid) for pid in pool],
            weights_pss=[mapping_pss(pid, model_file) for pid in pool],
            saved_states=[saved_kv_states(pid) for pid in pool],
            parent_pss=pss(worker.pid),
        )


def saved_kv_states(pid: int) -> int:
    """What the worker process reports holding in saved KV states (infrastructure/metrics.py)."""
    held = scrape_registry().get_sample_value("parley_kv_states_bytes", {"pid": process_identifier(pid)})
    if held is None:
        raise RuntimeError(f"worker process {pid} reported no saved KV states: is PROMETHEUS_MULTIPROC_DIR shared?")
    return int(held)


def run(business: Business, process_counts: tuple[int, ...], log_dir: Path) -> MemoryResult:
    model_settings = chat_model_for(business.agent_config).settings
    probed = probe(model_settings.context_size)
    return MemoryResult(
        footprints=[footprint(business, count, log_dir, model_settings.path) for count in process_counts],
        kv_cache_bytes=probed["kv_cache_bytes"],
        model_file_bytes=model_settings.path.stat().st_size,
        steps=probed["steps"],
    )


def probe(n_ctx: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.memory_probe", str(n_ctx)],
        cwd=ROOT,
        env=service_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)
