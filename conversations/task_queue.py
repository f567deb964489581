"""Handing a task to the broker by its name, without letting a broker outage fail the work already committed.

By name, so that the store enqueues the agent's turn without importing the agent; each task's queue
is declared on the task itself.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app

logger = logging.getLogger(__name__)

ANSWER_MESSAGE = "agents.tasks.answer_message"
DELIVER_MESSAGE = "conversations.tasks.deliver_message"
TRANSCRIBE_VOICE_NOTE = "conversations.tasks.transcribe_voice_note"

# Inference (the agent's turns, and transcribing voice notes) has a queue of its own, so that a slow
# generation never delays a send.
LLM_QUEUE = "llm"


def enqueue(task_name: str, message_id: int, **options: Any) -> bool:
    """False when the broker is unreachable: the sweeper (sweeper.py) enqueues the message later.
    `options` are Celery's (countdown, retries)."""
    task = current_app.tasks[task_name]  # an unknown name is a mistake, not an outage: it raises
    try:
        task.apply_async((message_id,), **options)
    except Exception:
        logger.exception("could not enqueue %s for message %s: the sweeper will", task_name, message_id)
        return False
    return True
