"""What a platform's parser turns a webhook delivery into, whatever the platform."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CustomerMessage:
    """Something a customer said: a new turn for the agent."""

    platform_message_id: str
    sender_id: str
    text: str
    sent_at: datetime | None = None
    sender_name: str = ""


@dataclass(frozen=True)
class Ignored:
    """An event that needs no answer (an echo of our own send, a receipt...), kept for the log."""

    kind: str
    detail: str = ""


InboundEvent = CustomerMessage | Ignored


class RefusedRequest(Exception):
    """The request is not from the platform (bad signature, wrong token): refuse it, store nothing."""


class MalformedPayload(Exception):
    """The request is authentic but its body cannot be read as the platform's format."""
