"""Handing a task to the broker without letting a broker outage fail the work already committed."""
from __future__ import annotations

import logging
from typing import Any

from celery import Task

logger = logging.getLogger(__name__)


def enqueue(task: Task, message_id: int, **options: Any) -> bool:
    """False when the broker is unreachable: the sweeper (sweeper.py) enqueues the message later.
    `options` are Celery's (countdown, retries)."""
    try:
        task.apply_async((message_id,), **options)
    except Exception:
        logger.exception("could not enqueue %s for message %s: the sweeper will", task.name, message_id)
        return False
    return True
