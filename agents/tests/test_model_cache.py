"""A worker keeps a bounded number of loaded models: a business cycling through model settings (each
combination a model of its own) cannot fill the worker's memory (issue 14 item 5)."""

from __future__ import annotations

import gc
import weakref

from agents.llama_runtime import ModelSettings, get_model
from agents.model_files import bundled_model_path

from .test_kv_cache import MB, held_by_this_process


def settings_with_context(size: int, kv_cache_bytes: int = 0) -> ModelSettings:
    return ModelSettings(path=bundled_model_path(), context_size=size, kv_cache_bytes=kv_cache_bytes)


def test_loading_a_third_model_configuration_drops_the_least_recently_used(settings):
    settings.PARLEY_MODEL_CACHE_SIZE = 2
    first, second, third = (settings_with_context(size) for size in (256, 384, 512))
    kept = get_model(first)
    dropped = weakref.ref(get_model(second))
    assert get_model(first) is kept  # used again: now the second is the least recently used
    get_model(third)
    gc.collect()
    assert dropped() is None  # not only out of the cache: freed
    assert get_model(first) is kept


def test_a_dropped_models_saved_conversation_states_are_given_back(settings):
    settings.PARLEY_MODEL_CACHE_SIZE = 1
    held_before = held_by_this_process()
    model = get_model(settings_with_context(512, kv_cache_bytes=64 * MB))
    model.complete(
        [{"role": "user", "content": "Hello there"}], max_tokens=2, temperature=0.0, cache_key="conversation"
    )
    # The state is saved on a thread of its own; kv_states waits for it.
    assert len(model.kv_states) == 1
    assert held_by_this_process() > held_before
    get_model(settings_with_context(640))
    assert held_by_this_process() == held_before
