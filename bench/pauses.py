"""The bench process's own pauses, kept out of what it times."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in this process meanwhile: a full one over its objects (Django,
    LangChain, llama.cpp's bindings) is long, and landed inside whatever reply or acknowledgement
    it was timing (the fake platform and the load generator run in this process)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
