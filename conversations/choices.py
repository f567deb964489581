"""Replies that offer the customer a few choices, and the customer's pick coming back as one of them.

A reply carries its choices (`Message.choices`, each an id and a title); each platform's sender shows
them in its own way (buttons, quick replies, a keyboard) or, where it cannot, as numbered lines. What
the customer sends back is matched here against what their conversation was offered: a tap by the
choice's id (the payload the platform returns), a typed number or title against the choices of the
conversation's latest reply. Only ids that were offered are accepted, so a customer (or a web chat
visitor posting by hand) cannot pick a choice that was never shown.

A choice id is `<namespace>:<rest>`. A feature that handles its own choices (a reminder's "Cancel", a
rating) registers its namespace with `handle_choices`; the pick is then given to it instead of the agent.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .text_split import Measure, clusters, utf16_length

if TYPE_CHECKING:
    from .models import Message

logger = logging.getLogger(__name__)

# Telegram's callback_data holds 64 bytes, the smallest payload of all platforms.
MAX_ID_BYTES = 64
_ID = re.compile(r"[A-Za-z0-9_.:-]+")
ELLIPSIS = "…"
# A tap on a button further back than this many replies with choices is not taken as a pick.
TAPPABLE_REPLIES = 20


class InvalidChoices(ValueError):
    """Choices no platform could send back faithfully (an id too long, twice the same id...)."""


@dataclass(frozen=True)
class Choice:
    id: str
    title: str

    @property
    def namespace(self) -> str:
        return self.id.split(":", 1)[0]

    def as_stored(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title}


def checked(choices: Sequence[Choice]) -> list[dict[str, str]]:
    """The choices as Message.choices stores them; raises InvalidChoices for choices that cannot be offered."""
    ids = [choice.id for choice in choices]
    if len(set(ids)) != len(ids):
        raise InvalidChoices(f"two choices share an id: {ids}")
    for choice in choices:
        if not _ID.fullmatch(choice.id) or len(choice.id.encode()) > MAX_ID_BYTES:
            raise InvalidChoices(f"choice id {choice.id!r}: 1 to {MAX_ID_BYTES} of A-Z a-z 0-9 _ . : -")
        if not choice.title.strip():
            raise InvalidChoices(f"choice {choice.id!r} has no title")
    return [choice.as_stored() for choice in choices]


def stored_choices(message: Message) -> list[Choice]:
    return from_stored(message.choices)


def from_stored(items: Any) -> list[Choice]:
    return [Choice(str(item["id"]), str(item["title"])) for item in items or []]


def chosen_choice(message: Message) -> Choice | None:
    """The choice a customer message picked (its title is the message's text), or None."""
    return Choice(message.chosen, message.text) if message.chosen else None


def numbered_text(text: str, choices: Sequence[Choice]) -> str:
    """The reply with its choices as numbered lines, for a platform that cannot show them (Rasa's fallback)."""
    lines = [f"{number}. {choice.title}" for number, choice in enumerate(choices, start=1)]
    return "\n".join([text.rstrip(), "", *lines]) if text.strip() else "\n".join(lines)


def cut_title(title: str, limit: int, measure: Measure = utf16_length) -> str:
    """The title within `limit`: whole words and an ellipsis where they fit, never half an emoji."""
    title = " ".join(title.split())
    if measure(title) <= limit:
        return title
    room = limit - measure(ELLIPSIS)
    words = title.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if measure(candidate) > room:
            break
        kept = candidate
    if not kept:
        # The first word alone is too long: cut it between characters.
        for cluster in clusters(title):
            if measure(kept + cluster) > room:
                break
            kept += cluster
    return kept + ELLIPSIS


# --- what comes back -------------------------------------------------------------------------------


def offered_by_id(conversation_id: int, choice_id: str) -> Choice | None:
    """The choice with this id in the latest of the conversation's recent replies that offered it."""
    from .models import Message

    if not choice_id or not _ID.fullmatch(choice_id):
        return None
    offered = (
        Message.objects.filter(conversation_id=conversation_id, direction=Message.Direction.OUTBOUND)
        .exclude(choices=[])
        .order_by("-created_at", "-id")
        .values_list("choices", flat=True)[:TAPPABLE_REPLIES]
    )
    return next((choice for choices in offered for choice in from_stored(choices) if choice.id == choice_id), None)


@dataclass(frozen=True)
class LatestReply:
    """What a conversation's latest reply offered, and whether it went out as numbered lines."""

    choices: tuple[Choice, ...] = ()
    as_text: bool = False

    def picked_by(self, text: str) -> Choice | None:
        """Typed words answering it: a choice's title, or its number where the choices went out as
        numbered lines (a number is someone's party size when buttons were shown)."""
        words = _comparable(text)
        if not words or not self.choices:
            return None
        if self.as_text and words.isdigit():
            number = int(words)
            return self.choices[number - 1] if 1 <= number <= len(self.choices) else None
        return next((choice for choice in self.choices if _comparable(choice.title) == words), None)


NO_REPLY = LatestReply()


def _comparable(text: str) -> str:
    """Case, accents, punctuation and spacing aside: "Yes!" is "yes", "1." is "1"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if unicodedata.category(char)[0] in "LN" or char.isspace())
    return " ".join(letters.split())


# --- features that handle their own choices ----------------------------------------------------------

ChoiceHandler = Callable[["Message", Choice], Any]
_handlers: dict[str, ChoiceHandler] = {}


def handle_choices(namespace: str, handler: ChoiceHandler) -> None:
    """Route picks of choices with ids `<namespace>:...` to `handler(message, choice)` instead of the agent.

    Call it from an AppConfig.ready(). The handler runs in the transaction that stores the customer's
    message (so it runs once, even when the platform delivers the tap again): quick database work, and
    replies through outbox.queue_reply, which sends them after commit.
    """
    if ":" in namespace or not _ID.fullmatch(namespace):
        raise InvalidChoices(f"namespace {namespace!r}: letters, digits, _ . - and no colon")
    _handlers[namespace] = handler


def handler_for(choice: Choice) -> ChoiceHandler | None:
    return _handlers.get(choice.namespace)
