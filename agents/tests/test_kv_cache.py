"""Saved KV states: interleaved conversations each resume from their own computed prompt."""

import dataclasses

import pytest

from agents.llama_runtime import LoadedModel, ModelSettings
from agents.model_files import bundled_model_path
from infrastructure.metrics import process_identifier, scrape_registry

MB = 1024 * 1024


def conversation(business: str, turns: int) -> list[dict]:
    messages = [
        {"role": "system", "content": f"You are the assistant of {business}. " + "We bake bread and cakes daily. " * 20}
    ]
    for index in range(turns):
        messages += [
            {"role": "user", "content": f"Question {index} about {business}'s opening hours and prices?"},
            {"role": "assistant", "content": f"Answer {index}: we open at 8 and a loaf costs 4 EUR."},
        ]
    return messages


def ask(messages: list[dict], text: str) -> list[dict]:
    return messages + [{"role": "user", "content": text}]


def held_by_this_process() -> float:
    return scrape_registry().get_sample_value("parley_kv_states_bytes", {"pid": process_identifier()}) or 0.0


@pytest.fixture(scope="module")
def settings() -> ModelSettings:
    return ModelSettings(path=bundled_model_path(), context_size=2048, kv_cache_bytes=256 * MB)


def test_interleaved_conversations_resume_from_their_own_state(settings):
    model = LoadedModel(settings)
    a, b = conversation("Bakery A", 3), conversation("Deli B", 3)
    model.complete(ask(a, "Hi"), max_tokens=4, temperature=0.0, cache_key="a")
    model.complete(ask(b, "Hi"), max_tokens=4, temperature=0.0, cache_key="b")
    resumed = model.complete(
        ask(a, "Hi") + [{"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Bye"}],
        max_tokens=4,
        temperature=0.0,
        cache_key="a",
    )
    assert resumed.prompt_tokens > 300
    assert resumed.prompt_tokens_evaluated < 30
    assert len(model.kv_states) == 2


def test_without_saved_states_an_interleaved_turn_computes_its_prompt_again(settings):
    model = LoadedModel(dataclasses.replace(settings, kv_cache_bytes=0))
    a, b = conversation("Bakery A", 3), conversation("Deli B", 3)
    model.complete(ask(a, "Hi"), max_tokens=4, temperature=0.0, cache_key="a")
    model.complete(ask(b, "Hi"), max_tokens=4, temperature=0.0, cache_key="b")
    resumed = model.complete(
        ask(a, "Hi") + [{"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Bye"}],
        max_tokens=4,
        temperature=0.0,
        cache_key="a",
    )
    assert resumed.prompt_tokens_evaluated > resumed.prompt_tokens * 0.9


def test_saved_states_stay_within_their_memory_bound_and_the_metric_shows_what_they_hold(settings):
    held_before = held_by_this_process()
    model = LoadedModel(dataclasses.replace(settings, kv_cache_bytes=12 * MB))
    for key in range(4):
        model.complete(ask(conversation(f"Shop {key}", 2), "Hi"), max_tokens=2, temperature=0.0, cache_key=key)
    assert 0 < model.kv_states.bytes_used <= 12 * MB
    assert len(model.kv_states) < 4
    assert held_by_this_process() - held_before == model.kv_states.bytes_used
