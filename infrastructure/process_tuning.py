"""Process tuning: what a web or worker process does to itself at start-up to answer faster.

One trick a function, each switched by a setting or an environment variable (README "Settings"), called
by the processes' start-up (infrastructure/process_start.py), never on import. Measured figures:
bench/results.md, "Measured while writing the code".
"""

from __future__ import annotations

import gc
import os

from django.conf import settings
from django.urls import get_resolver


def spin_llama_threads_briefly() -> None:
    """llama.cpp's CPU threads are OpenMP threads, which spin between the steps of a token before they sleep.
    The default long spin makes inference processes sharing cores burn each other's time, while threads that
    sleep at once wake too late for a token's many short steps: a short spin serves both. Set before llama.cpp
    loads, as libgomp reads its variables once; an operator's GOMP_SPINCOUNT or OMP_WAIT_POLICY wins."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "1000")


def load_every_view() -> None:
    """Imports every view now (PARLEY_LOAD_VIEWS_AT_START), so that no request waits for its view's imports
    and the views are among what freeze_loaded_objects moves out of the collector's reach."""
    if settings.PARLEY_LOAD_VIEWS_AT_START:
        # Reading the patterns imports the URLconf, and with it every view.
        _ = get_resolver().url_patterns


def freeze_loaded_objects() -> None:
    """Moves everything loaded so far out of the garbage collector's reach (PARLEY_GC_FREEZE). In a web
    process a full collection over them landed inside some webhook's acknowledgement; in a worker's pool
    process it would write to every object's header and so copy each page the pool shares with its parent."""
    if settings.PARLEY_GC_FREEZE:
        gc.freeze()
