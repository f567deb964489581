"""2. Turn latency as history grows, and 5. the naive baseline, on one conversation of playground turns.

Turns are driven in this process through agents.turns.answer_inbound_message(settle=False), the
function the worker's task runs, timed around that call: the process is one worker, with no broker
or HTTP in the figure. Reuse is Parley's saved per-conversation KV states (PARLEY_KV_CACHE_MB);
with it off, llama.cpp still reuses the common prefix of whatever its one context holds.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import yaml
from django.test import override_settings
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agents.chat_model import LocalLlamaChatModel
from agents.interchange import export_document
from agents.models import AgentRun
from agents.turns import HISTORY_LIMIT, answer_inbound_message, chat_model_for
from business.models import Business
from channels.playground.connection import playground_connection, store_playground_message

from .stack import QUESTIONS, WARM_UP_QUESTION, questions_of


@dataclass
class Latencies:
    """Seconds per turn: one list per conversation, turn 1 first."""

    conversations: list[list[float]]
    # Prompt tokens computed (not reused from a KV cache) per turn, same shape; empty for the naive loop.
    evaluated: list[list[int]] = field(default_factory=list)

    def at_turn(self, turn: int) -> float:
        """The mean over conversations of this turn (1-based)."""
        return sum(turns[turn - 1] for turns in self.conversations) / len(self.conversations)

    def window(self, first: int, last: int) -> float:
        return sum(self.at_turn(turn) for turn in range(first, last + 1)) / (last - first + 1)

    @property
    def growth(self) -> float:
        """Last turns over first turns, each a window of one question cycle so the questions match."""
        size = min(len(QUESTIONS), len(self.conversations[0]))
        turns = len(self.conversations[0])
        return self.window(turns - size + 1, turns) / self.window(1, size)

    @property
    def total(self) -> float:
        return sum(sum(turns) for turns in self.conversations)


def parley_turns(business: Business, turns: int, conversations: int, reuse: bool) -> Latencies:
    """`conversations` conversations interleaved turn by turn, after one warm-up turn that loads the model."""
    connection = playground_connection(business)
    cache_mb = None if reuse else 0
    overrides = {} if cache_mb is None else {"PARLEY_KV_CACHE_MB": cache_mb}
    with override_settings(**overrides):
        answer_inbound_message(
            store_playground_message(connection, f"warm-up-{uuid.uuid4().hex[:6]}", WARM_UP_QUESTION).pk, settle=False
        )
        customers = [f"history-{index}-{uuid.uuid4().hex[:6]}" for index in range(conversations)]
        latencies: list[list[float]] = [[] for _ in customers]
        evaluated: list[list[int]] = [[] for _ in customers]
        for turn in range(turns):
            for index, customer in enumerate(customers):
                questions = questions_of(index)
                inbound = store_playground_message(connection, customer, questions[turn % len(questions)])
                started = time.perf_counter()
                answer_inbound_message(inbound.pk, settle=False)
                latencies[index].append(time.perf_counter() - started)
                run = AgentRun.objects.filter(inbound_message=inbound).first()
                if run is None:
                    raise AssertionError(f"turn {turn + 1} of {customer} got no reply")
                evaluated[index].append(run.prompt_tokens_evaluated)
    return Latencies(latencies, evaluated)


def naive_turns(business: Business, turns: int) -> Latencies:
    """A plain LangChain agent on the same model: every turn's prompt is rebuilt, a timestamp first.

    The business's whole file is rendered into the system prompt (no tools), the KV cache is off and
    the timestamp at the head means no prefix survives from one turn to the next. The history is
    the last HISTORY_LIMIT messages, as Parley's.
    """
    config = business.agent_config
    with override_settings(PARLEY_KV_CACHE_MB=0):
        model: LocalLlamaChatModel = chat_model_for(config)
    facts = yaml.safe_dump(
        {key: value for key, value in export_document(business).items() if key != "agent"},
        allow_unicode=True,
        sort_keys=False,
    )
    agent = create_agent(model, tools=[])

    def system() -> SystemMessage:
        return SystemMessage(f"Now: {datetime.now(UTC).isoformat()}\n{config.instructions}\n\nBusiness facts:\n{facts}")

    agent.invoke({"messages": [system(), HumanMessage(WARM_UP_QUESTION)]})  # loads the model, as Parley's warm-up turn
    history: list[BaseMessage] = []
    latencies = []
    for turn in range(turns):
        history.append(HumanMessage(questions_of(0)[turn % len(QUESTIONS)]))
        started = time.perf_counter()
        state = agent.invoke({"messages": [system(), *history[-HISTORY_LIMIT:]]})
        latencies.append(time.perf_counter() - started)
        history.append(AIMessage(str(state["messages"][-1].content)))
    return Latencies([latencies])
