"""Handing a task to the broker without letting a broker outage fail the work already committed."""
from __future__ import annotations

import logging

from celery import Task

logger = logging.getLogger(__name__)


def enqueue(task: Task, message_id: int) -> bool:
    """False when the broker is unreachable: the sweeper (sweeper.py) enqueues the message later."""
    try:
        task.delay(message_id)
    except Exception:
        logger.exception("could not enqueue %s for message %s: the sweeper will", task.name, message_id)
        return False
    return True
