"""Model calls of several turns computed together write what each writes alone, each with its own seed,
grammar, stop strings and deadline, and a conversation resumes from its own cells."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from agents.chat_model import ClosedJson, compiled_grammar
from agents.llama_runtime import Completion, LoadedModel, ModelSettings
from agents.model_files import bundled_model_path

SHOPS = ("a bakery", "a bike shop", "a hair salon", "a florist")
REPLY = json.dumps(
    {"type": "object", "properties": {"reply": {"type": "string", "maxLength": 20}}, "required": ["reply"]}
)


def ask(shop: str, question: str = "What do you sell?") -> list[dict[str, str]]:
    return [
        {"role": "system", "content": f"You are the friendly assistant of {shop} in Lyon."},
        {"role": "user", "content": question},
    ]


@pytest.fixture(scope="module")
def one_at_a_time() -> LoadedModel:
    return LoadedModel(ModelSettings(path=bundled_model_path(), context_size=512))


@pytest.fixture(scope="module")
def batched() -> LoadedModel:
    model = LoadedModel(ModelSettings(path=bundled_model_path(), context_size=512, slots=4, kv_cache_bytes=64 << 20))
    yield model
    model.drop_saved_states()


def together(model: LoadedModel, calls: list[dict]) -> list[Completion]:
    """Every call on a thread of its own, all at once, as turns on a worker's threads."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: model.complete(**call), calls))


def seeded(shop: str, seed: int) -> dict:
    return {"messages": ask(shop), "max_tokens": 12, "temperature": 0.8, "seed": seed}


def test_calls_computed_together_write_what_each_writes_alone(one_at_a_time, batched):
    calls = [seeded(shop, seed) for seed, shop in enumerate(SHOPS)]
    alone = [one_at_a_time.complete(**call).text for call in calls]
    assert [completion.text for completion in together(batched, calls)] == alone
    # And again: the same message draws the same reply, whatever ran beside it.
    assert [completion.text for completion in together(batched, calls[::-1])] == alone[::-1]


def test_each_call_keeps_its_own_grammar_and_stop_strings(one_at_a_time, batched):
    plain = one_at_a_time.complete(ask(SHOPS[1]), max_tokens=12, temperature=0.0).text
    stop = plain.split()[2]
    grammar = compiled_grammar(REPLY)
    constrained, stopped, free = together(
        batched,
        [
            {"messages": ask(SHOPS[0]), "max_tokens": 40, "temperature": 0.0, "grammar": grammar, "ends": ClosedJson()},
            {"messages": ask(SHOPS[1]), "max_tokens": 12, "temperature": 0.0, "stop": [stop]},
            {"messages": ask(SHOPS[1]), "max_tokens": 12, "temperature": 0.0},
        ],
    )
    assert "reply" in json.loads(constrained.text)
    assert stopped.text == plain[: plain.index(stop)].strip()
    assert free.text == plain


def test_a_call_past_its_deadline_stops_alone(one_at_a_time, batched):
    calls = [seeded(shop, 7) for shop in SHOPS[:3]]
    alone = [one_at_a_time.complete(**call).text for call in calls[1:]]
    late, *others = together(batched, [{**calls[0], "deadline": time.monotonic() - 1}, *calls[1:]])
    assert late.timed_out and late.text == ""
    assert [completion.text for completion in others] == alone
    assert not any(completion.timed_out for completion in others)


def test_a_conversation_resumes_from_its_own_cells_after_others_took_its_slot(batched):
    first = batched.complete(ask(SHOPS[0]), max_tokens=4, temperature=0.0, cache_key="a")
    # More conversations than slots: "a"'s slot goes to another, which saves its cells first.
    together(batched, [{**seeded(shop, 1), "cache_key": shop} for shop in SHOPS[1:]] + [seeded("a deli", 1)])
    follow_up = ask(SHOPS[0]) + [
        {"role": "assistant", "content": first.text},
        {"role": "user", "content": "Thanks!"},
    ]
    resumed = batched.complete(follow_up, max_tokens=4, temperature=0.0, cache_key="a")
    assert resumed.prompt_tokens_evaluated < resumed.prompt_tokens - first.prompt_tokens + 8


def test_a_conversation_keeping_its_slot_copies_nothing_out(batched):
    first = batched.complete(ask(SHOPS[1]), max_tokens=4, temperature=0.0, cache_key="b")
    saved = batched.kv_states.bytes_used
    follow_up = ask(SHOPS[1]) + [{"role": "assistant", "content": first.text}, {"role": "user", "content": "Hi"}]
    resumed = batched.complete(follow_up, max_tokens=4, temperature=0.0, cache_key="b")
    assert batched.kv_states.bytes_used == saved
    assert resumed.prompt_tokens_evaluated < resumed.prompt_tokens - first.prompt_tokens + 8
