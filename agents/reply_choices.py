"""Choices offered with a message Parley starts (a reminder's Confirm and Cancel, a survey's ratings), and the
one a customer's tap came back as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversations.events import Kind
from conversations.models import Message


@dataclass(frozen=True)
class Choice:
    id: str
    title: str


def choices_metadata(choices: list[Choice]) -> dict[str, Any]:
    return {"choices": [{"id": choice.id, "title": choice.title} for choice in choices]}


def chosen_id(message: Message) -> str:
    """The id of the choice a customer's message took, "" for a message that took none."""
    return str(message.metadata.get("payload") or "") if message.kind == Kind.BUTTON else ""
