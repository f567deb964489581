"""Where Messenger's webhook deliveries are read: `object: page`, `entry[].messaging[]`, one event each."""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from ..events import CustomerMessage, Ignored, InboundEvent, MalformedPayload

logger = logging.getLogger(__name__)

ATTACHMENT_WORDS = {
    "image": "a photo",
    "audio": "a voice message",
    "video": "a video",
    "file": "a file",
    "location": "a location",
    "fallback": "a link",
}
RECEIPTS = ("delivery", "read", "reaction", "message_edit", "optin", "referral", "account_linking")


def parse_delivery(payload: Any) -> list[InboundEvent]:
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise MalformedPayload("expected a JSON object with \"object\": \"page\"")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise MalformedPayload("expected \"entry\" to be a list")
    events: list[InboundEvent] = []
    for entry in entries:
        messaging = entry.get("messaging") if isinstance(entry, dict) else None
        if not isinstance(messaging, list):
            events.append(Ignored("entry without messaging", repr(entry)[:200]))
            continue
        for event in messaging:
            try:
                events.append(parse_event(event))
            except (KeyError, TypeError, ValueError, AttributeError) as problem:
                # One unreadable event must not cost the others in the same delivery.
                logger.warning("unreadable Messenger event skipped (%r): %s", problem, repr(event)[:500])
                events.append(Ignored("unreadable event", repr(problem)))
    return events


def parse_event(event: dict[str, Any]) -> InboundEvent:
    sender_id = str(event["sender"]["id"])
    sent_at = _timestamp(event.get("timestamp"))
    if "message" in event:
        message = event["message"]
        if message.get("is_echo"):
            return Ignored("echo", str(message.get("mid", "")))
        text = message.get("text") or _describe_attachments(message.get("attachments") or [])
        if not text:
            return Ignored("message without text or attachment", str(message.get("mid", "")))
        return CustomerMessage(platform_message_id=str(message["mid"]), sender_id=sender_id, text=text, sent_at=sent_at)
    if "postback" in event:
        postback = event["postback"]
        text = postback.get("title") or postback.get("payload")
        # Older postbacks carry no mid: the sender and the timestamp identify a redelivery as well.
        mid = postback.get("mid") or f"postback:{sender_id}:{event['timestamp']}"
        return CustomerMessage(platform_message_id=str(mid), sender_id=sender_id, text=str(text), sent_at=sent_at)
    for kind in RECEIPTS:
        if kind in event:
            return Ignored(kind)
    return Ignored("unsupported event", ",".join(sorted(event)))


def _describe_attachments(attachments: list[dict[str, Any]]) -> str:
    described = []
    for attachment in attachments:
        kind = attachment.get("type", "")
        if kind == "template":
            continue
        described.append(f"[customer sent {ATTACHMENT_WORDS.get(kind, 'an attachment')}]")
    return " ".join(described)


def _timestamp(milliseconds: Any) -> datetime | None:
    if not isinstance(milliseconds, int | float):
        return None
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
