"""6. Many customers at once: the machine's limit, throughput at saturation, latency under load, interleaving
at scale, memory per concurrent conversation, and what a turn costs by kind.

Turns are driven in this process as history.py drives them (agents.turns.answer_inbound_message, what the
worker's task runs), each conversation's turns on a thread of its own, as a worker running turns on threads
(`celery worker -P threads`) runs them. One at a time is PARLEY_MODEL_SLOTS=0: the model takes one call at
a time and the others wait for it, as tasks wait in the queue of a worker with one inference process.
Batched is PARLEY_MODEL_SLOTS=16, one slot per conversation (agents/batched_generation.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection as database
from django.test import override_settings

from agents.models import AgentRun
from agents.turns import answer_inbound_message, chat_model_for
from business.models import Business
from channels.playground.connection import playground_connection, store_playground_message
from tests.services import ROOT

from .history import Latencies
from .stack import QUESTIONS, WARM_UP_QUESTION, service_env

MB = 1024 * 1024
# What 16 customers write at once: mostly questions about the business, some of which its data answers, and
# the other kinds of turn a day brings (a booking, an order, asking for a person, a greeting, thanks).
FIRST_MESSAGES = (
    *QUESTIONS,
    "Do you sell lemon tart?",
    "Do you deliver on weekends?",
    "Do you make cakes for weddings?",
    "Can you deliver a cake to my office?",
    "What are your opening hours?",
    "Do you make sandwiches?",
    "Can I book a table for 2 on Saturday at 11?",
    "Where is my order A-1042?",
    "I want to talk to a person",
    "Hello!",
    "Do you have vegan croissants?",
    "Thanks!",
)
# What the conversations at scale ask, turn after turn: questions the business's data answers (one it cannot
# answer hands the conversation to staff, and the agent says nothing more there), none asked by an earlier
# conversation of the run.
SCALE_QUESTIONS = (
    "How much does a lemon tart cost?",
    "Are you open on Monday morning?",
    "What does the sourdough loaf cost?",
    "When do you close on Friday?",
    "Do you have croissants?",
    "Is the gluten-free loaf available?",
    "What time do you open on Saturday?",
    "How much is a butter croissant?",
)


@dataclass
class Burst:
    """Conversations each sending one message at the same moment."""

    seconds: float  # until the last reply
    latencies: list[float]  # each reply's, from the moment all were sent

    @property
    def replies_per_minute(self) -> float:
        return len(self.latencies) / self.seconds * 60

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class TurnCost:
    turns: int = 0
    model_calls: int = 0
    prompt_tokens: int = 0
    computed: int = 0
    generated: int = 0
    drafts_kept: int = 0


@dataclass
class ThroughputResult:
    limits: dict[str, float]
    one_at_a_time: Burst
    batched: Burst
    interleaved: Latencies
    memory: dict[str, int]
    costs: dict[str, TurnCost]
    slots: int
    # The batched saturation's turns, what the machine's limit is worked out for.
    workload: TurnCost
    # Raw llama.cpp's seconds for turn 1's and the last turn's tokens at scale, each at its turn's context.
    scale_raw: tuple[float, float]

    @property
    def tokens_per_turn(self) -> tuple[float, float]:
        """Prompt tokens computed and tokens generated per turn, over the workload's turns."""
        return self.workload.computed / self.workload.turns, self.workload.generated / self.workload.turns

    @property
    def limit_replies_per_minute(self) -> float:
        """Replies a minute the raw rates allow for the measured tokens per turn, generating `slots` at once."""
        return 60 / raw_seconds(self.workload, self.limits, self.slots)


def raw_seconds(cost: TurnCost, rates: dict[str, float], slots: int) -> float:
    """What a turn's prompt tokens computed and tokens generated take at these raw rates, `slots` at once."""
    return (cost.computed / rates["prompt"] + cost.generated / rates[f"generate_{slots}"]) / cost.turns


def held_per_call(cost: TurnCost) -> int:
    """A model call's prompt, on average: the cells its sequence holds while it computes and generates."""
    return cost.prompt_tokens // max(1, cost.model_calls)


def limits(business: Business, sequences: int, contexts: list[int]) -> dict[int, dict[str, float]]:
    """The raw decode rates (raw_batch.py) with the business's model and threads, each sequence after each of
    `contexts` tokens of its own."""
    model_settings = chat_model_for(business.agent_config).settings
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.raw_batch",
            str(model_settings.path),
            str(model_settings.threads),
            str(sequences),
            ",".join(map(str, contexts)),
        ],
        cwd=ROOT,
        env=service_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return {int(held): rates for held, rates in json.loads(result.stdout).items()}


def burst(business: Business, messages: list[tuple[str, str]], runs: list[AgentRun]) -> Burst:
    """Each (customer, text) stored, then all answered at once, each on a thread of its own."""
    connection = playground_connection(business)
    stored = [store_playground_message(connection, customer, text) for customer, text in messages]
    latencies = [0.0] * len(stored)
    start = threading.Barrier(len(stored) + 1)

    def answer(index: int) -> None:
        try:
            start.wait()
            answer_inbound_message(stored[index].pk, settle=False)
            latencies[index] = time.perf_counter() - started
        finally:
            database.close()

    threads = [threading.Thread(target=answer, args=(index,)) for index in range(len(stored))]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for inbound in stored:
        run = AgentRun.objects.filter(inbound_message=inbound).first()
        if run is None:
            raise AssertionError(f"{inbound.text!r} got no turn")
        runs.append(run)
    return Burst(seconds, latencies)


def warm_up(business: Business) -> None:
    """Load the model (and its batched context) in a conversation of its own before anything is timed."""
    connection = playground_connection(business)
    answer_inbound_message(
        store_playground_message(connection, f"warm-up-{uuid.uuid4().hex[:6]}", WARM_UP_QUESTION).pk, settle=False
    )


def saturation(business: Business, conversations: int, slots: int, runs: list[AgentRun]) -> Burst:
    with override_settings(PARLEY_MODEL_SLOTS=slots):
        warm_up(business)
        customers = [f"burst-{slots}-{index}-{uuid.uuid4().hex[:6]}" for index in range(conversations)]
        return burst(business, list(zip(customers, FIRST_MESSAGES, strict=False)), runs)


def interleaved(business: Business, conversations: int, turns: int, runs: list[AgentRun]) -> Latencies:
    """`conversations` conversations of `turns` turns, every conversation sending its next message at once.

    They ask SCALE_QUESTIONS, which no earlier conversation of the run asked: a first message whose prompt a
    saturation run left saved would be a free turn 1, and the growth measured against it would be the cache's,
    not the history's. Every round asks each question equally often (16 conversations over 8 questions), so
    that turn 1 and turn 20 weigh the same work."""
    customers = [f"scale-{index}-{uuid.uuid4().hex[:6]}" for index in range(conversations)]
    latencies: list[list[float]] = [[] for _ in customers]
    evaluated: list[list[int]] = [[] for _ in customers]
    questions = SCALE_QUESTIONS
    with override_settings(PARLEY_MODEL_SLOTS=conversations):
        warm_up(business)
        for turn in range(turns):
            # Each conversation asks in an order of its own (its own start, and a stride per round of
            # starts), so that no two hold the same prompt after their first turn.
            messages = [
                (customer, questions[(index + turn * (1 + index // len(questions))) % len(questions)])
                for index, customer in enumerate(customers)
            ]
            answered: list[AgentRun] = []
            for index, latency in enumerate(burst(business, messages, answered).latencies):
                latencies[index].append(latency)
                evaluated[index].append(answered[index].prompt_tokens_evaluated)
            runs += answered
    return Latencies(latencies, evaluated)


def memory_per_conversation(slots: int) -> dict[str, int]:
    """PSS of a fresh process generating for 1 and for `slots` conversations at once (slots_probe.py)."""
    figures = {}
    for count in (1, slots):
        result = subprocess.run(
            [sys.executable, "-m", "bench.slots_probe", str(count)],
            cwd=ROOT,
            env=service_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        figures[str(count)] = json.loads(result.stdout)["pss"]
    return figures


def kind(run: AgentRun) -> str:
    """What the turn was, from its trace."""
    steps = run.trace
    tools = {step["tool"] for step in steps if step["type"] == "tool"}
    sources = {step.get("source") for step in steps if step["type"] == "reply"}
    if any(step["type"] == "request" for step in steps):
        return "booking or lead"
    if "handoff_to_human" in tools:
        return "handoff"
    if "order_status" in tools:
        return "order"
    if sources & {"small talk", "acknowledgement"}:
        return "small talk, thanks"
    if sources == {"fallback"}:
        return "unanswered (fallback)"
    return "retrieval answer"


def add_cost(cost: TurnCost, run: AgentRun) -> None:
    cost.turns += 1
    cost.model_calls += sum(step["type"] == "model" for step in run.trace)
    cost.prompt_tokens += run.prompt_tokens
    cost.computed += run.prompt_tokens_evaluated
    cost.generated += run.completion_tokens
    cost.drafts_kept += any(step["type"] == "reply" and step.get("source") == "model" for step in run.trace)


def costs(runs: list[AgentRun]) -> dict[str, TurnCost]:
    by_kind: dict[str, TurnCost] = defaultdict(TurnCost)
    for run in runs:
        add_cost(by_kind[kind(run)], run)
    return dict(sorted(by_kind.items(), key=lambda item: -item[1].turns))


def total_cost(runs: list[AgentRun]) -> TurnCost:
    total = TurnCost()
    for run in runs:
        add_cost(total, run)
    return total


def run(business: Business, conversations: int, turns: int) -> ThroughputResult:
    """`conversations` at once, each with a slot of its own when batched."""
    runs: list[AgentRun] = []
    one = saturation(business, conversations, 0, runs)
    batched = saturation(business, conversations, conversations, runs)
    workload = total_cost(runs[-conversations:])
    scale_start = len(runs)
    scale = interleaved(business, conversations, turns, runs)
    first, last = total_cost(runs[scale_start : scale_start + conversations]), total_cost(runs[-conversations:])
    rates = limits(business, conversations, [held_per_call(cost) for cost in (workload, first, last)])
    # How much more the last turn's work is than turn 1's for llama.cpp alone: longer contexts, more computed.
    scale_raw = (
        raw_seconds(first, rates[held_per_call(first)], conversations),
        raw_seconds(last, rates[held_per_call(last)], conversations),
    )
    return ThroughputResult(
        limits=rates[held_per_call(workload)],
        one_at_a_time=one,
        batched=batched,
        interleaved=scale,
        memory=memory_per_conversation(conversations),
        costs=costs(runs),
        slots=conversations,
        workload=workload,
        scale_raw=scale_raw,
    )
