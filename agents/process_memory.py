"""What an inference process gives back to the system: it holds a model, a KV cache and saved KV
states, and runs for days, so memory it no longer uses must not stay counted against it.

glibc only: elsewhere these do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

M_MMAP_THRESHOLD = -3


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def keep_large_buffers_out_of_the_heap() -> None:
    """Saved KV states (tens of MB each) are mapped from, and given back to, the system one by one.

    glibc raises its mmap threshold to the largest block freed (up to 32 MB), after which such
    buffers are carved from the heap, which does not shrink: a worker's heap grew by about one
    state per turn, far beyond the states it still held. A fixed threshold turns that off.
    """
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, 1024 * 1024)


def give_back_free_memory() -> None:
    """Return the heap's free pages after a turn: what a turn allocates and frees (prompt
    rendering, sampling, ORM rows) otherwise stays resident in the process."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
