"""Instagram's webhook deliveries: Messenger's `entry[].messaging[]` envelope with `object: instagram`.

Messenger's parser reads everything the two share; this adds what only Instagram sends: unsent
messages (`is_deleted`), shared posts and reels, and replies to the business's story.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conversations.events import Attachment, CustomerMessage, InboundEvent, Kind

from ..messenger import parser as messenger
from ..timestamps import from_unix_time

# Posts and reels a customer shares into the chat; Messenger sends its shares as "fallback".
SHARED_POSTS = frozenset({"share", "ig_reel", "reel", "ig_post"})


def parse_delivery(payload: Any) -> dict[str, list[InboundEvent]]:
    return messenger.parse_delivery(payload, expected_object="instagram", read_event=parse_event)


def parse_event(event: dict[str, Any]) -> list[InboundEvent]:
    message = event.get("message")
    if not isinstance(message, dict) or message.get("is_echo"):
        return messenger.parse_event(event)
    if message.get("is_deleted"):
        return [_unsent(event, str(message["mid"]))]
    return [
        _with_instagram_parts(parsed, message) if isinstance(parsed, CustomerMessage) else parsed
        for parsed in messenger.parse_event(event)
    ]


def _unsent(event: dict[str, Any], mid: str) -> CustomerMessage:
    # The unsend reuses the message's own mid, which is stored already: it needs an id of its own.
    return CustomerMessage(
        platform_message_id=f"unsend:{mid}",
        sender_id=str(event["sender"]["id"]),
        text="[customer unsent a message]",
        sent_at=from_unix_time(event.get("timestamp"), units_per_second=1000),
        kind=Kind.EDIT,
        details={"deleted": mid},
    )


def _with_instagram_parts(parsed: CustomerMessage, message: dict[str, Any]) -> CustomerMessage:
    details = dict(parsed.details)
    story = (message.get("reply_to") or {}).get("story")
    if isinstance(story, dict):
        details["reply_to_story"] = {key: story[key] for key in ("id", "url") if key in story}
    attachments = parsed.attachments
    # Messenger's parser made one attachment of each item, or none for a quick reply.
    if attachments:
        attachments = tuple(
            _shared_post(raw) if raw.get("type") in SHARED_POSTS else attachment
            for attachment, raw in zip(attachments, messenger.attachment_items(message), strict=True)
        )
    return replace(parsed, details=details, attachments=attachments)


def _shared_post(item: dict[str, Any]) -> Attachment:
    payload = item.get("payload") or {}
    return Attachment(
        "share",
        url=str(payload.get("url", "")),
        media_id=str(payload.get("reel_video_id") or payload.get("ig_post_media_id") or ""),
        name=str(payload.get("title", "")),
    )
