"""What a platform's parser turns a webhook delivery into, whatever the platform."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


class Kind:
    """What a customer message is; every kind is stored, only some start a turn."""

    TEXT = "text"
    MEDIA = "media"  # photos, voice, video, files, stickers
    LOCATION = "location"
    BUTTON = "button"  # postbacks, quick replies, interactive replies, callback queries
    REACTION = "reaction"
    EDIT = "edit"
    UNSUPPORTED = "unsupported"
    # A pick of a choice that a feature handles itself (conversations/choices.py), not the agent.
    HANDLED_CHOICE = "handled_choice"

    # Reactions, edits, what we cannot read and picks a feature handled are kept for staff but are not new turns.
    NOT_ANSWERED = frozenset({REACTION, EDIT, UNSUPPORTED, HANDLED_CHOICE})


ATTACHMENT_WORDS = {
    "image": "a photo",
    "audio": "an audio message",
    "voice": "a voice message",
    "video": "a video",
    "file": "a file",
    "document": "a document",
    "sticker": "a sticker",
    "location": "a location",
    "contact": "a contact card",
    "share": "a shared post",
    "story_mention": "a story mention",
}


# How describe() writes an attachment into the text the agent reads, to take it apart again.
_DESCRIPTION = re.compile(r"\[customer sent (an? [^:\]]+)(?:: [^\]]*)?\]")
_ATTACHMENT_TYPES = {words: kind for kind, words in ATTACHMENT_WORDS.items()}


def split_turn_text(text: str) -> tuple[str, tuple[str, ...]]:
    """A turn's text as the customer's own words and the types of the attachments it describes."""
    types = tuple(_ATTACHMENT_TYPES.get(match.group(1), "attachment") for match in _DESCRIPTION.finditer(text))
    return " ".join(_DESCRIPTION.sub(" ", text).split()), types


@dataclass(frozen=True)
class Attachment:
    type: str
    url: str = ""
    media_id: str = ""
    mime_type: str = ""
    caption: str = ""
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # What the platform says of a file before it is downloaded (Telegram does): checked against the limits.
    size: int | None = None
    duration: float | None = None

    def describe(self) -> str:
        """How the agent hears about it: "[customer sent a photo: caption]"."""
        what = ATTACHMENT_WORDS.get(self.type, "an attachment")
        detail = self.caption or self.name
        if self.latitude is not None and self.longitude is not None:
            detail = f"{detail} ({self.latitude}, {self.longitude})".strip()
        return f"[customer sent {what}{': ' + detail if detail else ''}]"

    def as_metadata(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in ("", None)}


@dataclass(frozen=True)
class CustomerMessage:
    """Something a customer did in the chat; `kind` says whether it is a new turn for the agent."""

    platform_message_id: str
    sender_id: str
    text: str = ""
    sent_at: datetime | None = None
    sender_name: str = ""
    kind: str = Kind.TEXT
    attachments: tuple[Attachment, ...] = ()
    # Platform details staff may want (the reacted-to message, a button payload, an error).
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.kind not in Kind.NOT_ANSWERED

    def turn_text(self) -> str:
        """The text the agent reads: the customer's words, then a description of each attachment."""
        return " ".join(part for part in [self.text, *(a.describe() for a in self.attachments)] if part)

    def metadata(self) -> dict[str, Any]:
        data = dict(self.details)
        if self.attachments:
            data["attachments"] = [attachment.as_metadata() for attachment in self.attachments]
        return data


class DeliveryState:
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass(frozen=True)
class StatusUpdate:
    """The platform's word on a message we sent: by its id, or for all sent up to a watermark."""

    state: str
    platform_message_id: str = ""
    recipient_id: str = ""
    watermark: datetime | None = None
    error_code: str = ""
    error_detail: str = ""


@dataclass(frozen=True)
class Ignored:
    """An event that needs nothing from us (an echo of our own send...), kept for the log."""

    kind: str
    detail: str = ""


InboundEvent = CustomerMessage | StatusUpdate | Ignored


class RefusedRequest(Exception):
    """The request is not from the platform (bad signature, wrong token): refuse it, store nothing."""


class MalformedPayload(Exception):
    """The request is authentic but its body cannot be read as the platform's format."""
