"""One turn at a time per conversation, across every worker process and machine.

A PostgreSQL session advisory lock keyed by the conversation: a worker that cannot take it does not
wait (which would hold the worker while other conversations queue) but leaves the message to the
turn holding the lock, which looks for newer messages when it lets go (turns.py). The lock belongs
to the database session, so a worker killed mid-turn releases it with its connection. SQLite, the
single-process development setup, needs no lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# High bits of the lock's key, so that Parley's turn locks never meet another application's locks.
TURN_LOCK_NAMESPACE = 0x5A1E << 48


@contextmanager
def conversation_turn(conversation_id: int) -> Iterator[bool]:
    """Yields whether this process now holds the conversation's turn lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [TURN_LOCK_NAMESPACE | conversation_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [TURN_LOCK_NAMESPACE | conversation_id])
