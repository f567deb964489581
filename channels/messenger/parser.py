"""Where Messenger's webhook deliveries are read: `object: page`, `entry[].messaging[]`, one event each."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
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

from ..coordinates import coordinates as read_coordinates
from ..meta.routing import THIS_CONNECTION
from ..timestamps import from_unix_time

logger = logging.getLogger(__name__)

NOT_FOR_US = (
    "optin",
    "referral",
    "account_linking",
    "pass_thread_control",
    "take_thread_control",
    "policy_enforcement",
)

EventParser = Callable[[dict[str, Any]], list[InboundEvent]]


def parse_delivery(
    payload: Any, expected_object: str = "page", read_event: EventParser | None = None
) -> dict[str, list[InboundEvent]]:
    """Every event of every entry, by the entry's Page id (Instagram: account id), for the view to route.

    Instagram's identical envelope reuses this with its object and event reader."""
    read_event = read_event or parse_event
    if not isinstance(payload, dict) or payload.get("object") != expected_object:
        raise MalformedPayload(f'expected a JSON object with "object": "{expected_object}"')
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise MalformedPayload('expected "entry" to be a list')
    by_page: dict[str, list[InboundEvent]] = defaultdict(list)
    for entry in entries:
        if not isinstance(entry, dict):
            by_page[THIS_CONNECTION].append(Ignored("entry that is not an object", repr(entry)[:200]))
            continue
        events = by_page[str(entry.get("id") or THIS_CONNECTION)]
        messaging = entry.get("messaging")
        if not isinstance(messaging, list):
            events.append(Ignored("entry without messaging", repr(entry)[:200]))
            continue
        for event in messaging:
            try:
                events.extend(read_event(event))
            except (KeyError, TypeError, ValueError, AttributeError) as problem:
                # One unreadable event must not cost the others in the same delivery.
                logger.warning("unreadable Messenger event skipped (%r)", problem)
                log_body(logger, "the unreadable event", event)
                events.append(Ignored("unreadable event", repr(problem)))
    return dict(by_page)


def parse_event(event: dict[str, Any]) -> list[InboundEvent]:
    sender_id = str(event["sender"]["id"])
    sent_at = from_unix_time(event.get("timestamp"), units_per_second=1000)
    if "message" in event:
        return [_message(event["message"], sender_id, sent_at)]
    if "postback" in event:
        postback = event["postback"]
        # Older postbacks carry no mid: the sender and the timestamp identify a redelivery as well.
        mid = postback.get("mid") or f"postback:{sender_id}:{event['timestamp']}"
        return [
            CustomerMessage(
                platform_message_id=str(mid),
                sender_id=sender_id,
                text=str(postback.get("title") or postback.get("payload") or ""),
                sent_at=sent_at,
                kind=Kind.BUTTON,
                details={"payload": postback.get("payload", "")},
            )
        ]
    if "delivery" in event:
        delivery = event["delivery"]
        watermark = from_unix_time(delivery.get("watermark"), units_per_second=1000)
        updates: list[InboundEvent] = [
            StatusUpdate(DeliveryState.DELIVERED, platform_message_id=str(mid)) for mid in delivery.get("mids") or []
        ]
        return updates or [StatusUpdate(DeliveryState.DELIVERED, recipient_id=sender_id, watermark=watermark)]
    if "read" in event:
        read = event["read"]
        if read.get("mid"):
            return [StatusUpdate(DeliveryState.READ, platform_message_id=str(read["mid"]))]
        return [
            StatusUpdate(
                DeliveryState.READ,
                recipient_id=sender_id,
                watermark=from_unix_time(read.get("watermark"), units_per_second=1000),
            )
        ]
    if "reaction" in event:
        reaction = event["reaction"]
        action = reaction.get("action", "react")
        emoji = reaction.get("emoji") or reaction.get("reaction") or ""
        return [
            CustomerMessage(
                platform_message_id=f"reaction:{reaction['mid']}:{action}:{event['timestamp']}",
                sender_id=sender_id,
                text=f"[customer {'removed a reaction' if action == 'unreact' else 'reacted ' + emoji}]",
                sent_at=sent_at,
                kind=Kind.REACTION,
                details={"reacted_to": reaction["mid"], "action": action, "emoji": emoji},
            )
        ]
    if "message_edit" in event:
        edit = event["message_edit"]
        return [
            CustomerMessage(
                platform_message_id=f"edit:{edit['mid']}:{edit.get('num_edit', 0)}",
                sender_id=sender_id,
                text=str(edit.get("text", "")),
                sent_at=sent_at,
                kind=Kind.EDIT,
                details={"edited": edit["mid"]},
            )
        ]
    for kind in NOT_FOR_US:
        if kind in event:
            return [Ignored(kind)]
    return [Ignored("unsupported event", ",".join(sorted(event)))]


def _message(message: dict[str, Any], sender_id: str, sent_at: datetime | None) -> InboundEvent:
    mid = str(message.get("mid", ""))
    if message.get("is_echo"):
        return Ignored("echo", mid)
    if not mid:
        raise KeyError("mid")
    details: dict[str, Any] = {}
    if message.get("reply_to", {}).get("mid"):
        details["reply_to"] = message["reply_to"]["mid"]
    text = str(message.get("text") or "")
    if message.get("quick_reply"):
        details["payload"] = message["quick_reply"].get("payload", "")
        return CustomerMessage(mid, sender_id, text, sent_at, kind=Kind.BUTTON, details=details)
    attachments = tuple(_attachment(item) for item in attachment_items(message))
    if attachments:
        kind = Kind.LOCATION if all(a.type == "location" for a in attachments) else Kind.MEDIA
        return CustomerMessage(mid, sender_id, text, sent_at, kind=kind, attachments=attachments, details=details)
    if text and not message.get("is_unsupported"):
        return CustomerMessage(mid, sender_id, text, sent_at, details=details)
    return CustomerMessage(
        mid, sender_id, "[customer sent a message type we cannot read]", sent_at, kind=Kind.UNSUPPORTED
    )


def attachment_items(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of a message that become its attachments, in order: all but templates."""
    return [item for item in message.get("attachments") or [] if item.get("type") != "template"]


def _attachment(item: dict[str, Any]) -> Attachment:
    payload = item.get("payload") or {}
    kind = str(item.get("type", "file"))
    if payload.get("sticker_id"):
        return Attachment("sticker", url=payload.get("url", ""), media_id=str(payload["sticker_id"]))
    if kind == "location" or payload.get("coordinates"):
        place = payload.get("coordinates") or {}
        where = read_coordinates(place.get("lat"), place.get("long"))
        return Attachment("location", name=item.get("title", ""), **where)
    if kind == "fallback":
        return Attachment("share", url=payload.get("url", ""), name=item.get("title", ""))
    return Attachment(kind, url=str(payload.get("url", "")))
