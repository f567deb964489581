"""Where Telegram's webhook updates are read: one Update per request, carrying exactly one kind of event.

A message is identified by its chat and its number in that chat (`chat.id:message_id`): Telegram
numbers messages per chat, and an edit keeps the number of the message it changes. A redelivered
update (same `update_id`) always carries the same message, so that identity deduplicates it too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from conversations.events import Attachment, CustomerMessage, Ignored, InboundEvent, Kind
from infrastructure.log_context import log_body

from ..coordinates import coordinates
from ..timestamps import from_unix_time

logger = logging.getLogger(__name__)

UNREADABLE = "[customer sent a message type we cannot read]"
# Message fields holding a file, checked in this order: an animation also carries a `document`.
FILE_FIELDS = (
    ("voice", "voice"),
    ("audio", "audio"),
    ("video", "video"),
    ("video_note", "video"),
    ("animation", "video"),
    ("document", "document"),
    ("sticker", "sticker"),
)


def parse_update(update: Any) -> list[InboundEvent]:
    """The update's one event; an unreadable update is logged and acknowledged, never retried."""
    try:
        return [_event(update)]
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        # Telegram would repeat an update we refuse, and the same bytes will never read better.
        logger.warning("unreadable Telegram update acknowledged (%r)", problem)
        log_body(logger, "the unreadable update", update)
        return [Ignored("unreadable update", repr(problem))]


def _event(update: dict[str, Any]) -> InboundEvent:
    update_id = update["update_id"]
    for field, read in READERS.items():
        if field in update:
            return read(update[field], update_id)
    kinds = [key for key in update if key != "update_id"]
    return Ignored(kinds[0] if kinds else "empty update", f"update {update_id}")


def _message(message: dict[str, Any], update_id: int) -> CustomerMessage:
    text, attachments = _content(message)
    if attachments:
        kind = Kind.LOCATION if all(a.type == "location" for a in attachments) else Kind.MEDIA
    elif text:
        kind = Kind.TEXT
    else:
        # Service messages (members joining, pinned messages), polls, dice...: kept, never answered.
        kind, text = Kind.UNSUPPORTED, UNREADABLE
    details: dict[str, Any] = {"update_id": update_id}
    if replied := message.get("reply_to_message"):
        details["reply_to"] = _identity(replied)
    return CustomerMessage(
        platform_message_id=_identity(message),
        sender_id=_chat_id(message),
        text=text,
        sent_at=from_unix_time(message["date"]),
        sender_name=_name(message),
        kind=kind,
        attachments=attachments,
        details=details,
    )


def _edit(message: dict[str, Any], update_id: int) -> CustomerMessage:
    text, attachments = _content(message)
    identity = _identity(message)
    edited_at = message.get("edit_date") or message["date"]
    return CustomerMessage(
        # The edit keeps the message's identity, so it needs one of its own: one per edit.
        platform_message_id=f"{identity}:edit:{edited_at}",
        sender_id=_chat_id(message),
        text=text,
        sent_at=from_unix_time(edited_at),
        sender_name=_name(message),
        kind=Kind.EDIT,
        attachments=attachments,
        details={"edited": identity, "update_id": update_id},
    )


def _channel_post(post: dict[str, Any], update_id: int) -> CustomerMessage:
    """A post in a channel the bot administers: written by the business, not a customer, so never answered.

    Answering would publish the agent's reply to every subscriber of the channel. Kept for staff
    as UNSUPPORTED, the kind that is stored and acknowledged but never starts a turn.
    """
    message = _message(post, update_id)
    return replace(message, kind=Kind.UNSUPPORTED, details={**message.details, "channel_post": True})


def _callback_query(query: dict[str, Any], update_id: int) -> CustomerMessage:
    """A press on an inline keyboard button: the button's text (or its data) is the customer's turn."""
    message = query.get("message") or {}
    data = str(query.get("data") or "")
    text = _button_text(message, data) or data
    details: dict[str, Any] = {"payload": data, "callback_query_id": str(query["id"]), "update_id": update_id}
    if message:
        details["pressed_on"] = _identity(message)
    return CustomerMessage(
        # A callback query's id is unique, and two presses on one message are two turns.
        platform_message_id=f"callback:{query['id']}",
        # The answer goes to the chat the button was in; without one, to the user's private chat.
        sender_id=str(message["chat"]["id"]) if message else str(query["from"]["id"]),
        text=text or UNREADABLE,
        sender_name=_full_name(query["from"]),
        kind=Kind.BUTTON if text else Kind.UNSUPPORTED,
        details=details,
    )


def _reaction(reaction: dict[str, Any], update_id: int) -> CustomerMessage:
    """Sent only to a bot that administers a group and asked for reactions; kept, never answered."""
    identity = f"{reaction['chat']['id']}:{reaction['message_id']}"
    emoji = " ".join(item.get("emoji", item.get("type", "")) for item in reaction.get("new_reaction") or [])
    actor = reaction.get("user") or reaction.get("actor_chat") or {}
    return CustomerMessage(
        platform_message_id=f"reaction:{identity}:{actor.get('id', '')}:{reaction['date']}",
        sender_id=str(reaction["chat"]["id"]),
        text=f"[customer reacted {emoji}]" if emoji else "[customer removed a reaction]",
        sent_at=from_unix_time(reaction["date"]),
        sender_name=_full_name(actor),
        kind=Kind.REACTION,
        details={"reacted_to": identity, "emoji": emoji, "update_id": update_id},
    )


# The updates we read, by their field; any other (my_chat_member, poll, ...) is acknowledged and ignored.
READERS: dict[str, Callable[[dict[str, Any], int], CustomerMessage]] = {
    "message": _message,
    "edited_message": _edit,
    "channel_post": _channel_post,
    "edited_channel_post": _edit,
    "callback_query": _callback_query,
    "message_reaction": _reaction,
}


def _content(message: dict[str, Any]) -> tuple[str, tuple[Attachment, ...]]:
    """The message's own words and what it carries; a caption belongs to its attachment."""
    caption = str(message.get("caption") or "")
    if sizes := message.get("photo"):
        largest = max(sizes, key=lambda size: size.get("width", 0) * size.get("height", 0))
        return "", (Attachment("image", media_id=largest["file_id"], caption=caption),)
    for field, kind in FILE_FIELDS:
        if item := message.get(field):
            return "", (
                Attachment(
                    kind,
                    media_id=item["file_id"],
                    mime_type=item.get("mime_type", ""),
                    caption=caption,
                    # A sticker's emoji says more to the agent than its set name.
                    name=str(item.get("emoji") or item.get("file_name") or item.get("title") or ""),
                    size=_number(item.get("file_size")),
                    duration=_number(item.get("duration")),
                ),
            )
    if venue := message.get("venue"):
        place = ", ".join(part for part in (venue.get("title"), venue.get("address")) if part)
        where = venue["location"]
        return "", (Attachment("location", name=place, **coordinates(where["latitude"], where["longitude"])),)
    if location := message.get("location"):
        return "", (Attachment("location", **coordinates(location["latitude"], location["longitude"])),)
    if contact := message.get("contact"):
        card = " ".join(part for part in (_full_name(contact), contact.get("phone_number")) if part)
        return "", (Attachment("contact", name=card),)
    return str(message.get("text") or caption), ()


def _number(value: Any) -> int | None:
    """A size or a duration as Telegram states it, before the file is downloaded; anything else is unknown."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _button_text(message: dict[str, Any], data: str) -> str:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard") or []:
        for button in row:
            if data and button.get("callback_data") == data:
                return str(button.get("text") or "")
    return ""


def _identity(message: dict[str, Any]) -> str:
    return f"{message['chat']['id']}:{message['message_id']}"


def _chat_id(message: dict[str, Any]) -> str:
    """Replies go to the chat: the customer's private chat, or the group the bot was written to in."""
    return str(message["chat"]["id"])


def _name(message: dict[str, Any]) -> str:
    chat = message["chat"]
    return str(chat.get("title") or _full_name(message.get("from") or chat))


def _full_name(person: dict[str, Any]) -> str:
    return " ".join(str(person[key]) for key in ("first_name", "last_name") if person.get(key))
