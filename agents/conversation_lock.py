"""One turn at a time per conversation, across every worker process, thread and machine.

A PostgreSQL session advisory lock keyed by the conversation: a worker that cannot take it does not
wait (which would hold the worker while other conversations queue) but leaves the message to the
turn holding the lock, which looks for newer messages when it lets go (turns.py). The lock belongs
to the database session, so a worker killed mid-turn releases it with its connection; each thread of
a worker has a session of its own, so two threads exclude each other as two processes do. SQLite, the
single-machine development setup with one worker process, has no such lock: its turns take one in that
process, which is where all its turns run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# High bits of the lock's key, so that Parley's turn locks never meet another application's locks.
TURN_LOCK_NAMESPACE = 0x5A1E << 48

# Without PostgreSQL: the conversations whose turn a thread of this process holds.
_held_here: set[int] = set()
_held_here_lock = threading.Lock()


@contextmanager
def conversation_turn(conversation_id: int) -> Iterator[bool]:
    """Yields whether this thread now holds the conversation's turn lock."""
    take, let_go = (
        (_take_advisory_lock, _release_advisory_lock)
        if connection.vendor == "postgresql"
        else (_take_here, _release_here)
    )
    acquired = take(conversation_id)
    try:
        yield acquired
    finally:
        if acquired:
            let_go(conversation_id)


def _take_advisory_lock(conversation_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [TURN_LOCK_NAMESPACE | conversation_id])
        return cursor.fetchone()[0]


def _release_advisory_lock(conversation_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [TURN_LOCK_NAMESPACE | conversation_id])


def _take_here(conversation_id: int) -> bool:
    with _held_here_lock:
        if conversation_id in _held_here:
            return False
        _held_here.add(conversation_id)
        return True


def _release_here(conversation_id: int) -> None:
    with _held_here_lock:
        _held_here.discard(conversation_id)
