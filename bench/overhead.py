"""1. Agent overhead: a signed Messenger webhook POST until the reply's send request reaches the fake Graph API,
against plain llama-cpp-python generating the same prompts and the same number of tokens in a bare script.

Each turn is a new customer (one message of history), so every turn does the same work. Turn 0 is
cold: the worker loads the model on it, as the bare script does before its first call.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from agents.chat_model import to_chat_turns
from agents.llama_runtime import LoadedModel, ModelSettings
from agents.models import AgentConfig, AgentRun
from agents.prompts import system_message
from agents.tools import TurnContext, build_tools
from agents.turns import _recent_history, chat_model_for
from channels_app.meta.signature import SIGNATURE_HEADER, sign
from channels_app.models import Message
from tests.fake_platform import Answer, FakePlatformServer, RecordedRequest, graph_send_success
from tests.services import ROOT

from .stack import APP_SECRET, QUESTIONS, messenger_connection, messenger_delivery


@dataclass
class OverheadResult:
    parley_seconds: list[float]  # turn 0 cold, then warm turns
    raw_seconds: list[float]
    raw_load_seconds: float
    model_calls: int
    prompt_tokens: int
    completion_tokens: int

    @property
    def warm_ratio(self) -> float:
        return statistics.median(self.parley_seconds[1:]) / statistics.median(self.raw_seconds[1:])

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


def run(web_url: str, business: Any, turns: int, log_dir: Path) -> OverheadResult:
    clock = SendClock()
    fake = FakePlatformServer(default=clock)
    try:
        connection = messenger_connection(business, fake.url)
        mids, parley = [], []
        with httpx.Client(base_url=web_url, timeout=30) as client:
            for turn in range(turns + 1):
                sender, mid = f"overhead-{turn}-{uuid.uuid4().hex[:6]}", f"m_overhead_{uuid.uuid4().hex}"
                body = messenger_delivery(sender, QUESTIONS[turn % len(QUESTIONS)], mid)
                headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(APP_SECRET, body)}
                started = time.perf_counter()
                response = client.post(connection.webhook_path(), content=body, headers=headers)
                response.raise_for_status()
                parley.append(clock.wait(sender) - started)
                mids.append(mid)
    finally:
        fake.close()
    # The worker's own template rendering and tokenizer (a small context: it never generates),
    # closed afterwards so that no model file stays mapped in this process for the memory benchmark.
    renderer = LoadedModel(ModelSettings(path=chat_model_for(business.agent_config).settings.path, context_size=256))
    try:
        calls = [model_calls(Message.objects.get(connection=connection, platform_message_id=mid), renderer) for mid in mids]
    finally:
        renderer.llama.close()
    raw = raw_llama(business.agent_config, calls, log_dir)
    every_call = [call for turn_calls in calls for call in turn_calls]
    return OverheadResult(
        parley_seconds=parley,
        raw_seconds=raw["turn_seconds"],
        raw_load_seconds=raw["load_seconds"],
        model_calls=len(every_call),
        prompt_tokens=sum(len(call["tokens"]) for call in every_call),
        completion_tokens=sum(call["max_tokens"] for call in every_call),
    )


def model_calls(inbound: Message, renderer: LoadedModel) -> list[dict[str, Any]]:
    """The prompt tokens and generated token count of each model step of the turn, rebuilt from its trace."""
    run = AgentRun.objects.get(inbound_message=inbound)
    config = inbound.conversation.business.agent_config
    context = TurnContext(business=inbound.conversation.business, contact=inbound.conversation.contact, conversation_id=inbound.conversation_id)
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
            messages.append(AIMessage(content="", tool_calls=[{"name": step["tool"], "args": step["args"], "id": call_id}]))
            messages.append(ToolMessage(content=step["result"], name=step["tool"], tool_call_id=call_id))
    return calls


def raw_llama(config: AgentConfig, calls: list[list[dict[str, Any]]], log_dir: Path) -> dict[str, Any]:
    """Run the bare script on the same model file with the worker's n_ctx and threads."""
    model_settings = chat_model_for(config).settings
    job = {
        "model_path": str(model_settings.path),
        "n_ctx": model_settings.context_size,
        "threads": model_settings.threads,
        "temperature": config.temperature,
        "turns": calls,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=log_dir, delete=False) as job_file:
        json.dump(job, job_file)
    result = subprocess.run(
        [sys.executable, "-m", "bench.raw_llama", job_file.name], cwd=ROOT, capture_output=True, text=True, check=True
    )
    Path(job_file.name).unlink()
    return json.loads(result.stdout)
