"""Where the widget's requests are read: one JSON object per message the visitor sends.

{"visitor_id": "<uuid kept in the browser's localStorage>",
 "client_message_id": "<uuid made for this message, the same on every retry>",
 "text": "Do you deliver on Sundays?",
 "page_url": "https://shop.example/delivery",          (optional)
 "choice_id": "booking:confirm"}                        (optional: the reply's button the visitor pressed,
                                                         its title as "text"; conversations/choices.py
                                                         accepts only an id the conversation was offered)
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from conversations.choices import MAX_ID_BYTES
from conversations.events import CustomerMessage, Kind, MalformedPayload

MAX_TEXT_CHARS = 2000
MAX_PAGE_URL_CHARS = 500
# A longer id was never offered; kept short so that it is never stored whole.
MAX_CHOICE_ID_CHARS = MAX_ID_BYTES


def parse_message(payload: Any) -> CustomerMessage:
    if not isinstance(payload, dict):
        raise MalformedPayload("expected a JSON object")
    visitor = visitor_id(payload.get("visitor_id"))
    client_id = _uuid(payload.get("client_message_id"), "client_message_id")
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedPayload('expected "text" to be a non-empty string')
    if len(text) > MAX_TEXT_CHARS:
        raise MalformedPayload(f'"text" is longer than {MAX_TEXT_CHARS} characters')
    page_url = payload.get("page_url", "")
    if not isinstance(page_url, str):
        raise MalformedPayload('expected "page_url" to be a string')
    choice_id = payload.get("choice_id", "")
    if not isinstance(choice_id, str):
        raise MalformedPayload('expected "choice_id" to be a string')
    details = {"page_url": page_url[:MAX_PAGE_URL_CHARS]} if page_url else {}
    return CustomerMessage(
        # Scoped to the visitor, so that nobody can claim another visitor's message id before them.
        platform_message_id=f"{visitor}:{client_id}",
        sender_id=visitor,
        text=text.strip(),
        kind=Kind.BUTTON if choice_id else Kind.TEXT,
        details=details | {"payload": choice_id[:MAX_CHOICE_ID_CHARS]} if choice_id else details,
    )


def visitor_id(value: Any) -> str:
    return _uuid(value, "visitor_id")


def _uuid(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise MalformedPayload(f'expected "{name}" to be a UUID string')
    try:
        return str(UUID(value))
    except ValueError as error:
        raise MalformedPayload(f'"{name}" is not a UUID') from error
