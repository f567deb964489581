"""The results table: each figure beside its baseline and target, with the machine and commit it ran on."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.services import ROOT

from .history import Latencies
from .ingest import IngestResult, Paced
from .memory import MB, MemoryResult
from .overhead import OverheadResult


@dataclass
class Results:
    overhead: OverheadResult
    single_on: Latencies
    single_off: Latencies
    interleaved_on: Latencies
    interleaved_off: Latencies
    naive: Latencies
    ingest: IngestResult
    memory: MemoryResult
    reply_tokens: int
    load_before: float


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")
    )
    return f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.1f} GiB"


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def verdict(met: bool) -> str:
    return "yes" if met else "**no**"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def growth(latencies: Latencies) -> str:
    turns = len(latencies.conversations[0])
    return f"turn 1 {seconds(latencies.at_turn(1))}, turn {turns} {seconds(latencies.at_turn(turns))} ({latencies.growth:.2f}x)"


def paced(result: Paced) -> str:
    failures = f", {result.failures} failed" if result.failures else ""
    return (
        f"p50 {result.percentile(0.5) * 1000:.1f} ms, p99 {result.percentile(0.99) * 1000:.1f} ms,"
        f" {result.achieved_rate:.0f}/s answered{failures}"
    )


def table(results: Results) -> list[str]:
    overhead, ingest, memory = results.overhead, results.ingest, results.memory
    warm_parley, warm_raw = statistics.median(overhead.parley_seconds[1:]), statistics.median(overhead.raw_seconds[1:])
    turns = len(results.single_on.conversations[0])
    conversations = len(results.interleaved_on.conversations)
    first, *more = memory.footprints
    rows = [
        "| # | figure | Parley | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
        f"| 1 | agent overhead, warm: webhook POST to send request (median of {len(overhead.parley_seconds) - 1} turns, each against its baseline) "
        f"| median turn {seconds(warm_parley)} | raw llama-cpp-python, same calls: median turn {seconds(warm_raw)} | {overhead.warm_ratio:.2f}x | <= 1.10x "
        f"| {verdict(overhead.warm_ratio <= 1.10)} |",
        f"| 1 | agent overhead, cold: first turn, model loaded on it | {seconds(overhead.parley_seconds[0])} "
        f"| raw load + same calls: {seconds(overhead.raw_load_seconds + overhead.raw_seconds[0])} | {overhead.cold_ratio:.2f}x | - | - |",
        f"| 2 | turn latency, 1 conversation, reuse on | {growth(results.single_on)} | reuse off: {growth(results.single_off)} "
        f"| {results.single_on.growth:.2f}x | turn {turns} <= 1.3x turn 1 | {verdict(results.single_on.growth <= 1.3)} |",
        f"| 2 | turn latency, {conversations} conversations interleaved, reuse on | {growth(results.interleaved_on)} "
        f"| reuse off: {growth(results.interleaved_off)} | {results.interleaved_on.growth:.2f}x | turn {turns} <= 1.3x turn 1 "
        f"| {verdict(results.interleaved_on.growth <= 1.3)} |",
        f"| 3 | webhook ingest, max throughput (wrk) | {ingest.webhook_throughput:.0f} deliveries/s | bare view: {ingest.bare_throughput:.0f} req/s "
        f"(a view only storing each body: {ingest.storing_throughput:.0f} req/s, {ingest.webhook_throughput / ingest.storing_throughput:.2f}x of it) "
        f"| {ingest.webhook_throughput / ingest.bare_throughput:.2f}x | >= 0.50x | {verdict(ingest.webhook_throughput >= 0.5 * ingest.bare_throughput)} |",
        f"| 3 | webhook ack latency at {ingest.webhook.rate:.0f}/s ({len(ingest.webhook.latencies)} deliveries) | {paced(ingest.webhook)} "
        f"| bare view: {paced(ingest.bare)} | - | p99 < 50 ms "
        f"| {verdict(ingest.webhook.percentile(0.99) < 0.050 and not ingest.webhook.failures)} |",
    ]
    for footprint in more:
        added, allowance = memory.added_per_process(footprint), memory.allowance(footprint)
        rows.append(
            f"| 4 | memory: PSS of a worker with {footprint.processes} inference processes (parent included) | {footprint.total / MB:.0f} MB, +{added / MB:.0f} MB per extra process "
            f"| 1 process: {first.total / MB:.0f} MB; own KV cache (context {memory.kv_cache_bytes / MB:.0f} MB + saved states) + 50 MB = {allowance / MB:.0f} MB "
            f"| {added / allowance:.2f}x | extra process <= KV + 50 MB | {verdict(added <= allowance)} |"
        )
    naive, parley = results.naive, results.single_on
    rows.append(
        f"| 5 | naive LangChain loop, {len(naive.conversations[0])} turns of 1 conversation | Parley: {seconds(parley.total)} in all, {growth(parley)} "
        f"| naive: {seconds(naive.total)} in all, {growth(naive)} | {naive.total / parley.total:.2f}x slower | - | - |"
    )
    return rows


def details(results: Results) -> list[str]:
    overhead, memory = results.overhead, results.memory
    warm_raw = statistics.median(overhead.raw_seconds[1:])

    def series(latencies: Latencies) -> str:
        turns = range(len(latencies.conversations[0]))
        text = ", ".join(f"{latencies.at_turn(turn + 1):.2f}" for turn in turns)
        if latencies.evaluated:
            computed = (
                sum(tokens[turn] for tokens in latencies.evaluated) / len(latencies.evaluated) for turn in turns
            )
            text += f"; prompt tokens computed per turn: {', '.join(f'{tokens:.0f}' for tokens in computed)}"
        return text

    lines = [
        "## Details",
        "",
        f"- Agent overhead: {overhead.model_calls} model calls over {len(overhead.parley_seconds)} turns, {overhead.prompt_tokens} prompt tokens, "
        f"{overhead.completion_tokens} generated. Parley per turn (s): {', '.join(f'{value:.2f}' for value in overhead.parley_seconds)}; "
        f"raw: {', '.join(f'{value:.2f}' for value in overhead.raw_seconds)} (model load {overhead.raw_load_seconds:.2f} s); "
        f"warm turns' ratios: {', '.join(f'{ratio:.2f}' for ratio in overhead.turn_ratios)}. "
        "burst_settle_seconds is 0 for the bench business: the settle wait is a product choice, not overhead.",
        f"- Where a warm Parley turn's time goes (medians): model calls {seconds(statistics.median(overhead.model_seconds[1:]))} "
        f"(raw, the same calls without Parley's JSON grammar: {seconds(warm_raw)}); the rest of the agent turn (database, tools, "
        f"prompt, grounding) {seconds(statistics.median(t - m for t, m in zip(overhead.turn_seconds[1:], overhead.model_seconds[1:])))}; "
        f"webhook, queues and send {seconds(statistics.median(p - t for p, t in zip(overhead.parley_seconds[1:], overhead.turn_seconds[1:])))}.",
        f"- Seconds per turn, mean over conversations, 1 conversation reuse on: {series(results.single_on)}",
        f"- 1 conversation reuse off: {series(results.single_off)}",
        f"- {len(results.interleaved_on.conversations)} interleaved reuse on: {series(results.interleaved_on)}",
        f"- {len(results.interleaved_off.conversations)} interleaved reuse off: {series(results.interleaved_off)}",
        f"- Naive LangChain loop: {series(results.naive)}",
        f"- Memory: model file {memory.model_file_bytes / MB:.0f} MB; KV cache per process {memory.kv_cache_bytes / MB:.0f} MB (n_ctx of the business)."
        " Each footprint's PSS per inference process (of which the model file's mapping / saved KV states), and the worker's parent:",
    ]
    for footprint in memory.footprints:
        each = ", ".join(
            f"{total / MB:.0f} ({weights / MB:.0f} / {states / MB:.0f})"
            for total, weights, states in zip(footprint.children_pss, footprint.weights_pss, footprint.saved_states)
        )
        lines.append(f"  - {footprint.processes}: {each} MB; parent {footprint.parent_pss / MB:.0f} MB")
    lines.append(
        "- What one inference process is made of (PSS of a fresh process after each step, and what the step added):"
    )
    previous = 0
    for step, total in memory.steps.items():
        lines.append(f"  - {step}: {total / MB:.0f} MB (+{(total - previous) / MB:.0f} MB)")
        previous = total
    return lines


def render(results: Results) -> str:
    lines = [
        "# Parley benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}; load average before the run: {results.load_before:.2f}",
        f"- Commit: {commit()}",
        f"- Bench business: the demo bakery, temperature 0, max_reply_tokens {results.reply_tokens}, burst_settle_seconds 0;"
        f" PARLEY_MODEL_THREADS={os.environ.get('PARLEY_MODEL_THREADS', 'default')}",
        "",
        *table(results),
        "",
        *details(results),
        "",
    ]
    return "\n".join(lines)
