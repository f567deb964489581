"""Saved llama.cpp KV states, so that interleaved conversations each keep their computed prompt.

One llama.cpp context holds one token sequence: a turn of conversation B evicts conversation A's
history, and A's next turn would compute its whole prompt again. After each completion the sequence's
KV state is copied out (only the sequence, not llama-cpp-python's whole-state snapshot with its
scores array); before a completion, the saved state sharing the longest prefix with the new prompt is
put back when it beats what the context holds. That also lets a new conversation start from another
conversation of the same business, whose instructions and tools are the same prefix.

This uses llama.cpp's low-level sequence-state API through llama_internals.py.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
from llama_cpp import Llama

from infrastructure import metrics

from .llama_internals import (
    StateBuffer,
    copy_sequence_state,
    mark_logits_stale,
    replace_sequence_state,
    sequence_state_size,
)

logger = logging.getLogger(__name__)

# Putting a state back costs what computing a few prompt tokens does: a state that saves fewer is not
# put back.
MIN_TOKENS_GAINED = 8


@dataclass(frozen=True)
class SavedState:
    tokens: np.ndarray
    data: mmap.mmap
    length: int

    @property
    def size(self) -> int:
        return len(self.data) + self.tokens.nbytes


def common_prefix(a: np.ndarray, b: np.ndarray) -> int:
    length = min(len(a), len(b))
    different = np.flatnonzero(a[:length] != b[:length])
    return int(different[0]) if len(different) else length


class KvStateCache:
    """Saved states, least recently used dropped first beyond `max_bytes`; filled and read by whoever holds
    the sequences (ContextStates below for a Llama's one sequence, batched_generation.py for its slots)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._states: OrderedDict[Hashable, SavedState] = OrderedDict()
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._states)

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def keep(self, key: Hashable, tokens: np.ndarray, size: int, copy: Callable[[StateBuffer], int]) -> None:
        """Keep as `key`'s state the `size` bytes `copy` writes, the KV cells of `tokens`."""
        if not self.enabled or not len(tokens):
            return
        # llama.cpp writes straight into the state's own buffer: one copy of tens of MB, not two.
        # A mapping, not a bytearray: Python zeroes a bytearray holding the interpreter lock (which
        # stopped the turn's own thread while a background save ran), the kernel zeroes a mapping's
        # pages as llama.cpp writes them; and it goes back to the system whole.
        # Private: a shared one is shared memory, slower to fill and to give back.
        data = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        view = (ctypes.c_uint8 * size).from_buffer(data)
        written = copy(view)
        del view  # a mapping cannot be closed while a view of it lives
        state = SavedState(tokens=tokens.copy(), data=data, length=written)
        self._drop(key)
        if state.size > self.max_bytes:
            return
        self._states[key] = state
        self._bytes += state.size
        metrics.kv_states_bytes.inc(state.size)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._states)))

    def best(self, prompt: np.ndarray, held: int) -> SavedState | None:
        """The saved state sharing most of `prompt`, if it beats the `held` prefix by MIN_TOKENS_GAINED."""
        best_key, best = None, held
        for key, state in self._states.items():
            shared = common_prefix(state.tokens, prompt)
            if shared > best:
                best_key, best = key, shared
        if best_key is None or best - held < MIN_TOKENS_GAINED:
            return None
        self._states.move_to_end(best_key)
        return self._states[best_key]

    def clear(self) -> None:
        for key in list(self._states):
            self._drop(key)

    def _drop(self, key: Hashable) -> None:
        state = self._states.pop(key, None)
        if state is not None:
            self._bytes -= state.size
            metrics.kv_states_bytes.dec(state.size)


def state_buffer(state: SavedState) -> StateBuffer:
    return (ctypes.c_uint8 * state.length).from_buffer(state.data)


class ContextStates:
    """The saved states of a Llama's one context: saved after a completion, the best put back before one."""

    def __init__(self, llama: Llama, max_bytes: int) -> None:
        self.llama = llama
        self.cache = KvStateCache(max_bytes)

    def save(self, key: Hashable) -> None:
        """Keep what the context holds now as `key`'s state."""
        if not self.cache.enabled or self.llama.n_tokens == 0:
            return
        tokens = self.llama.input_ids[: self.llama.n_tokens]
        self.cache.keep(
            key, tokens, sequence_state_size(self.llama), lambda view: copy_sequence_state(self.llama, view)
        )

    def restore_best(self, prompt: list[int]) -> int:
        """Put back the saved state sharing most of `prompt`, if it beats the context by
        MIN_TOKENS_GAINED; returns that prefix."""
        if not self.cache.enabled or not len(self.cache):
            return 0
        wanted = np.asarray(prompt, dtype=np.intc)
        state = self.cache.best(wanted, common_prefix(self.llama.input_ids[: self.llama.n_tokens], wanted))
        if state is None:
            return 0
        self._restore(state)
        return common_prefix(state.tokens, wanted)

    def _restore(self, state: SavedState) -> None:
        if not replace_sequence_state(self.llama, state_buffer(state)):
            logger.warning("llama.cpp refused a saved KV state; the prompt will be computed afresh")
            self.llama.n_tokens = 0
            return
        self.llama.input_ids[: len(state.tokens)] = state.tokens
        self.llama.n_tokens = len(state.tokens)
        # The logits in the context are not the restored sequence's: generate() must replay a token.
        mark_logits_stale(self.llama)
