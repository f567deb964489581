"""Where WhatsApp Cloud API deliveries are read: `entry[].changes[].value`, one business number each.

A value carries the customers' messages (`messages[]`, with their names in `contacts[]`) or the
statuses of ours (`statuses[]`). Its `metadata.phone_number_id` says which business number it
concerns, so the events come back grouped by that id for the view to route.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conversations.events import (
    Attachment,
    CustomerMessage,
    DeliveryState,
    Ignored,
    InboundEvent,
    Kind,
    MalformedPayload,
    StatusUpdate,
)
from infrastructure.log_context import log_body

from ..coordinates import coordinates
from ..meta.routing import THIS_CONNECTION
from ..timestamps import from_unix_time

logger = logging.getLogger(__name__)

MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
STATES = {
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.READ,
    "failed": DeliveryState.FAILED,
}


def parse_delivery(payload: Any) -> dict[str, list[InboundEvent]]:
    """Every message and status of every change, by the phone_number_id of the business number."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise MalformedPayload('expected a JSON object with "object": "whatsapp_business_account"')
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise MalformedPayload('expected "entry" to be a list')
    by_number: dict[str, list[InboundEvent]] = defaultdict(list)
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            by_number[THIS_CONNECTION].append(Ignored("entry without changes", repr(entry)[:200]))
            continue
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or change.get("field") != "messages":
                # Template, account and quality updates are for the business's Meta console, not for us.
                field = change.get("field") if isinstance(change, dict) else None
                by_number[THIS_CONNECTION].append(Ignored(f"{field} change"))
                continue
            number = str((value.get("metadata") or {}).get("phone_number_id") or THIS_CONNECTION)
            by_number[number].extend(parse_value(value))
    return dict(by_number)


def parse_value(value: dict[str, Any]) -> list[InboundEvent]:
    names = {
        str(contact.get("wa_id")): str((contact.get("profile") or {}).get("name") or "")
        for contact in value.get("contacts") or []
        if isinstance(contact, dict)
    }
    events = [_readable(lambda m: parse_message(m, names), message) for message in value.get("messages") or []]
    events += [_readable(parse_status, status) for status in value.get("statuses") or []]
    for error in value.get("errors") or []:
        logger.warning("WhatsApp reported an error instead of an event: %r", error)
        events.append(Ignored("platform error", repr(error)[:500]))
    return events


def _readable(parse: Callable[[Any], InboundEvent], item: Any) -> InboundEvent:
    try:
        return parse(item)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        # One unreadable item must not cost the others in the same delivery.
        logger.warning("unreadable WhatsApp item skipped (%r)", problem)
        log_body(logger, "the unreadable item", item)
        return Ignored("unreadable item", repr(problem))


def parse_message(message: dict[str, Any], names: dict[str, str]) -> CustomerMessage:
    sender_id = str(message["from"])
    content = read_content(message)
    return CustomerMessage(
        platform_message_id=str(message["id"]),
        sender_id=sender_id,
        text=content.text,
        sent_at=from_unix_time(message.get("timestamp")),
        sender_name=names.get(sender_id, ""),
        kind=content.kind,
        attachments=content.attachments,
        details={**_context(message), **content.details},
    )


@dataclass(frozen=True)
class Content:
    text: str = ""
    kind: str = Kind.TEXT
    attachments: tuple[Attachment, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


def read_content(message: dict[str, Any]) -> Content:
    """What the customer sent, by the message's `type`; a type we do not know is stored as unsupported."""
    kind = message.get("type")
    body: Any = message.get(kind) if isinstance(kind, str) else None
    if kind == "text":
        return Content(str(body["body"]))
    if kind in MEDIA_TYPES:
        return Content(kind=Kind.MEDIA, attachments=(_media(kind, body),), details=_checksum(body))
    if kind == "location":
        return Content(kind=Kind.LOCATION, attachments=(_location(body),))
    if kind == "contacts":
        cards = tuple(Attachment("contact", name=str(card.get("name", {}).get("formatted_name", ""))) for card in body)
        return Content(kind=Kind.MEDIA, attachments=cards)
    if kind == "interactive" and isinstance(body, dict) and body.get("type") in ("button_reply", "list_reply"):
        choice = body[body["type"]]
        return Content(str(choice.get("title") or choice["id"]), Kind.BUTTON, details={"payload": choice["id"]})
    if kind == "button":
        return Content(
            str(body.get("text") or body["payload"]), Kind.BUTTON, details={"payload": body.get("payload", "")}
        )
    if kind == "reaction":
        emoji = str(body.get("emoji") or "")
        text = f"[customer reacted {emoji}]" if emoji else "[customer removed a reaction]"
        return Content(text, Kind.REACTION, details={"reacted_to": body["message_id"], "emoji": emoji})
    if kind == "edit":
        return Content(_words(body["message"]), Kind.EDIT, details={"edited": body["original_message_id"]})
    return Content(
        "[customer sent a message type we cannot read]",
        Kind.UNSUPPORTED,
        details={"type": kind, "errors": message.get("errors") or []},
    )


def parse_status(status: dict[str, Any]) -> InboundEvent:
    state = STATES.get(status.get("status", ""))
    if state is None:
        return Ignored(f"{status.get('status')} status", str(status.get("id", "")))
    error = (status.get("errors") or [{}])[0]
    return StatusUpdate(
        state,
        platform_message_id=str(status["id"]),
        recipient_id=str(status.get("recipient_id", "")),
        error_code=str(error.get("code", "")),
        error_detail=": ".join(
            str(part) for part in (error.get("title"), (error.get("error_data") or {}).get("details")) if part
        ),
    )


def _media(kind: str, content: dict[str, Any]) -> Attachment:
    return Attachment(
        "voice" if kind == "audio" and content.get("voice") else kind,
        media_id=str(content["id"]),
        mime_type=str(content.get("mime_type", "")),
        caption=str(content.get("caption", "")),
        name=str(content.get("filename", "")),
    )


def _checksum(content: dict[str, Any]) -> dict[str, str]:
    # Kept to check the file once it is downloaded from the media endpoint.
    return {"sha256": str(content["sha256"])} if content.get("sha256") else {}


def _location(content: dict[str, Any]) -> Attachment:
    return Attachment(
        "location",
        url=str(content.get("url", "")),
        name=", ".join(str(part) for part in (content.get("name"), content.get("address")) if part),
        **coordinates(content["latitude"], content["longitude"]),
    )


def _words(message: dict[str, Any]) -> str:
    """The text of an edited message: its body, or the new caption of its media."""
    content = message.get(message.get("type") or "") or {}
    return str(content.get("body") or content.get("caption") or "")


def _context(message: dict[str, Any]) -> dict[str, Any]:
    context = message.get("context") or {}
    details: dict[str, Any] = {}
    if context.get("id"):
        details["reply_to"] = context["id"]
    if context.get("forwarded") or context.get("frequently_forwarded"):
        details["forwarded"] = True
    if message.get("referral"):
        details["referral"] = message["referral"]
    return details
