"""A worker keeps a bounded number of loaded models: a business cycling through model settings (each
combination a model of its own) cannot fill the worker's memory (issue 14 item 5)."""
from __future__ import annotations

import gc
import weakref

from agents.llama_runtime import ModelSettings, get_model
from agents.model_files import bundled_model_path


def settings_with_context(size: int) -> ModelSettings:
    return ModelSettings(path=bundled_model_path(), context_size=size)


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
