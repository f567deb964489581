"""1. Agent overhead: a signed Messenger webhook POST until the reply's send request reaches the fake Graph API,
against plain llama-cpp-python generating the same prompts and the same number of tokens in a bare script.

Each turn is a new customer (one message of history) asking a question no earlier turn asked: a
repeated first question is one prompt again, which Parley's saved KV states would serve whole while
the bare script computes it, and the figure would measure that reuse instead of Parley's overhead.
Turn 0 is cold: the worker loads the model on it, as the bare script does before its first call.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from agents.chat_model import to_chat_turns
from agents.llama_runtime import FLASH_ATTENTION, PROMPT_SLICE_TOKENS, LoadedModel, ModelSettings
from agents.models import AgentConfig, AgentRun
from agents.prompts import system_message
from agents.tools import TurnContext, build_tools
from agents.turns import _recent_history, chat_model_for
from channels.meta.signature import SIGNATURE_HEADER, sign
from tests.fake_platform import Answer, FakePlatformServer, RecordedRequest, graph_send_success
from tests.services import ROOT

from .pauses import collector_paused
from .stack import APP_SECRET, QUESTIONS, messenger_connection, messenger_delivery

# Each answered from the demo bakery's data, so that every turn calls the model; none asked twice.
OVERHEAD_QUESTIONS = (
    *QUESTIONS,
    "How much is a butter croissant?",
    "Do you sell lemon tart?",
    "Is the gluten-free loaf available?",
    "What time do you open on Saturday?",
    "Do you deliver on weekends?",
    "How much does a lemon tart cost?",
    "Are you open on Monday morning?",
    "Do you make cakes for weddings?",
    "What does the sourdough loaf cost?",
    "When do you close on Friday?",
    "Do you have croissants?",
    "Can you deliver a cake to my office?",
)


@dataclass
class OverheadResult:
    parley_seconds: list[float]  # turn 0 cold, then warm turns
    raw_seconds: list[float]
    # Of each Parley turn: the agent turn in the worker (AgentRun's total), and its model calls.
    turn_seconds: list[float]
    model_seconds: list[float]
    raw_load_seconds: float
    model_calls: int
    prompt_tokens: int
    completion_tokens: int

    @property
    def warm_with_model(self) -> list[int]:
        """The warm turns that called the model: a turn the data answers alone has no raw baseline to compare."""
        return [turn for turn in range(1, len(self.parley_seconds)) if self.model_seconds[turn] > 0]

    @property
    def warm_without_model(self) -> list[float]:
        """Parley's seconds for the warm turns that called no model: all of it Parley's own."""
        return [
            self.parley_seconds[turn] for turn in range(1, len(self.parley_seconds)) if not self.model_seconds[turn]
        ]

    @property
    def turn_ratios(self) -> list[float]:
        """Each warm turn that called the model against the bare script's run of its calls, made right after it."""
        return [self.parley_seconds[turn] / self.raw_seconds[turn] for turn in self.warm_with_model]

    @property
    def warm_ratio(self) -> float:
        # Paired, not a ratio of two medians: turns differ widely in length, and the machine's
        # speed drifts over minutes; each turn and its baseline ran side by side.
        return statistics.median(self.turn_ratios) if self.turn_ratios else float("nan")

    @property
    def cold_ratio(self) -> float:
        return self.parley_seconds[0] / (self.raw_load_seconds + self.raw_seconds[0])


class SendClock:
    """The fake Graph API's default answer, noting when each reply's send request arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.arrived = threading.Condition()

    def __call__(self, request: RecordedRequest, count: int) -> Answer:
        payload = request.json()
        if "message" in payload:
            with self.arrived:
                self.arrivals[payload["recipient"]["id"]] = time.perf_counter()
                self.arrived.notify_all()
        return graph_send_success(request, count)

    def wait(self, recipient: str, timeout: float = 300.0) -> float:
        with self.arrived:
            if not self.arrived.wait_for(lambda: recipient in self.arrivals, timeout):
                raise TimeoutError(f"no reply was sent to {recipient} within {timeout} s")
            return self.arrivals[recipient]


def run(web_url: str, business: Any, turns: int) -> OverheadResult:
    """Each Parley turn, then the bare script's same calls, side by side in time."""
    if turns >= len(OVERHEAD_QUESTIONS):
        raise ValueError(
            f"{turns} warm turns need more than the {len(OVERHEAD_QUESTIONS)} questions no earlier turn asked"
        )
    clock = SendClock()
    fake = FakePlatformServer(default=clock)
    # The worker's own template rendering and tokenizer (a small context: it never generates),
    # closed afterwards so that no model file stays mapped in this process for the memory benchmark.
    renderer = LoadedModel(ModelSettings(path=chat_model_for(business.agent_config).settings.path, context_size=256))
    parley, raw_seconds, turn_seconds, model_seconds, every_call = [], [], [], [], []
    try:
        connection = messenger_connection(business, fake.url)
        with httpx.Client(base_url=web_url, timeout=30) as client, RawLlama(business.agent_config) as raw:
            for turn in range(turns + 1):
                sender, mid = f"overhead-{turn}-{uuid.uuid4().hex[:6]}", f"m_overhead_{uuid.uuid4().hex}"
                body = messenger_delivery(sender, OVERHEAD_QUESTIONS[turn % len(OVERHEAD_QUESTIONS)], mid)
                headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(APP_SECRET, body)}
                with collector_paused():
                    started = time.perf_counter()
                    response = client.post(connection.webhook_path(), content=body, headers=headers)
                    response.raise_for_status()
                    parley.append(clock.wait(sender) - started)
                agent_run = AgentRun.objects.select_related("inbound_message__conversation__business").get(
                    inbound_message__connection=connection, inbound_message__platform_message_id=mid
                )
                turn_seconds.append(agent_run.total_ms / 1000)
                model_seconds.append(
                    sum(step["duration_ms"] for step in agent_run.trace if step["type"] == "model") / 1000
                )
                calls = model_calls(agent_run, renderer)
                if turn == 0:
                    raw.load()
                raw_seconds.append(raw.turn(calls))
                every_call += calls
    finally:
        fake.close()
        renderer.llama.close()
    return OverheadResult(
        parley_seconds=parley,
        raw_seconds=raw_seconds,
        turn_seconds=turn_seconds,
        model_seconds=model_seconds,
        raw_load_seconds=raw.load_seconds,
        model_calls=len(every_call),
        prompt_tokens=sum(len(call["tokens"]) for call in every_call),
        completion_tokens=sum(call["max_tokens"] for call in every_call),
    )


def model_calls(run: AgentRun, renderer: LoadedModel) -> list[dict[str, Any]]:
    """The prompt tokens and generated token count of each model step of the turn, rebuilt from its trace."""
    inbound = run.inbound_message
    config = inbound.conversation.business.agent_config
    context = TurnContext(
        business=inbound.conversation.business,
        contact=inbound.conversation.contact,
        conversation_id=inbound.conversation_id,
    )
    tools = build_tools(context, config.enabled_tools or None)
    messages: list[BaseMessage] = [system_message(context.business, config, tools), *_recent_history(inbound)]
    calls = []
    for step in run.trace:
        if step["type"] == "model":
            tokens, _ = renderer.prompt_tokens(to_chat_turns(messages))
            if len(tokens) != step["prompt_tokens"]:
                raise AssertionError(f"rebuilt prompt has {len(tokens)} tokens, the turn had {step['prompt_tokens']}")
            calls.append({"tokens": tokens, "max_tokens": max(step["completion_tokens"], 1)})
        elif step["type"] == "tool":
            call_id = f"call_{len(calls)}"
            messages.append(
                AIMessage(content="", tool_calls=[{"name": step["tool"], "args": step["args"], "id": call_id}])
            )
            messages.append(ToolMessage(content=step["result"], name=step["tool"], tool_call_id=call_id))
    return calls


class RawLlama:
    """The bare script (raw_llama.py) on the same model file with the worker's n_ctx and threads."""

    def __init__(self, config: AgentConfig) -> None:
        model_settings = chat_model_for(config).settings
        self.job = {
            "model_path": str(model_settings.path),
            "n_ctx": model_settings.context_size,
            "n_batch": PROMPT_SLICE_TOKENS,
            "flash_attn": FLASH_ATTENTION,
            "threads": model_settings.threads,
            "temperature": config.temperature,
        }
        self.load_seconds = 0.0

    def __enter__(self) -> RawLlama:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.raw_llama"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)

    def _ask(self, line: Any) -> dict[str, Any]:
        self.process.stdin.write(json.dumps(line) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the bare llama-cpp-python script ended (exit code {self.process.wait()})")
        return json.loads(answer)

    def load(self) -> None:
        """Load the model: the cold turn's baseline is this and the first turn's calls."""
        self.load_seconds = self._ask(self.job)["load_seconds"]

    def turn(self, calls: list[dict[str, Any]]) -> float:
        return self._ask(calls)["seconds"]
