"""The ids of what a log line is about (business, conversation, message), on every line of a turn.

Code that learns an id binds it once; a logging filter copies the bound ids onto every record
written afterwards in the same request or task, whichever module writes it. Each web request and
each Celery task starts with nothing bound, so ids never leak from one to the next.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from django.conf import settings

IDS = ("business_id", "conversation_id", "message_id")
# Read-only: the default is shared by every context that has bound nothing; bind() sets a new mapping.
_bound: ContextVar[Mapping[str, int]] = ContextVar("parley_log_ids", default=MappingProxyType({}))


def bind(**ids: int | None) -> None:
    _bound.set({**_bound.get(), **{name: value for name, value in ids.items() if value is not None}})


def clear(**_: Any) -> None:
    _bound.set({})


def log_body(logger: logging.Logger, what: str, body: object) -> None:
    """What may hold a customer's words: at DEBUG, and only with PARLEY_LOG_MESSAGE_BODIES set."""
    if settings.PARLEY_LOG_MESSAGE_BODIES:
        logger.debug("%s: %s", what, body if isinstance(body, str) else repr(body)[:2000])


def connect_signals() -> None:
    from celery.signals import task_prerun
    from django.core.signals import request_started

    request_started.connect(clear, dispatch_uid="parley_log_ids_request")
    task_prerun.connect(clear, dispatch_uid="parley_log_ids_task")


class ContextFilter(logging.Filter):
    """Adds the bound ids to the record, and `ids` as "business=1 conversation=2" for plain text."""

    def filter(self, record: logging.LogRecord) -> bool:
        bound = _bound.get()
        for name in IDS:
            setattr(record, name, bound.get(name))
        record.ids = " ".join(f"{name.removesuffix('_id')}={bound[name]}" for name in IDS if name in bound) or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {name: getattr(record, name) for name in IDS if getattr(record, name, None) is not None}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
