"""A conversation's turn lock excludes the other threads of a worker as it excludes other processes: a threads
worker runs several turns at once in one process."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run by each database's test: one thread holds conversation 1's turn while another tries it and conversation 2.
THREADS_SCRIPT = """
import threading
from agents.conversation_lock import conversation_turn
from django.db import connection

held, done, seen = threading.Event(), threading.Event(), []

def hold():
    with conversation_turn(1) as acquired:
        seen.append(acquired)
        held.set()
        done.wait(30)
    connection.close()

holder = threading.Thread(target=hold)
holder.start()
held.wait(30)
with conversation_turn(1) as same:
    seen.append(same)
with conversation_turn(2) as other:
    seen.append(other)
done.set()
holder.join()
with conversation_turn(1) as after:
    seen.append(after)
print(seen)
"""


def seen_in_a_fresh_process(env: dict[str, str]) -> list[bool]:
    """[the holder took it, another thread took it meanwhile, another conversation, after the holder let go]."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", THREADS_SCRIPT],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


def test_on_postgresql_a_thread_cannot_take_a_conversation_another_thread_holds():
    # Each thread has a database session of its own, and the lock is the session's.
    assert os.environ["DATABASE_URL"].startswith("postgres")
    assert seen_in_a_fresh_process(dict(os.environ)) == [True, False, True, True]


def test_on_sqlite_a_thread_cannot_take_a_conversation_another_thread_holds(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env["PARLEY_VAR_DIR"] = str(tmp_path)
    assert seen_in_a_fresh_process(env) == [True, False, True, True]
