"""The evaluation set as data: its businesses and its conversations, read from eval/ (format in eval/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from judging.verdict import Expectation, ExpectedBooking

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
BUSINESSES_DIR = EVAL_DIR / "businesses"
CONVERSATIONS_DIR = EVAL_DIR / "conversations"
# The languages the set is written in and the replies are judged in.
LANGUAGES = ("en", "fr", "es", "de", "it", "pt")


class _Loader(yaml.SafeLoader):
    """YAML 1.2's booleans, true and false only: a customer's "yes", "no", "on" or "off" stays their word."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


class EvalSetError(ValueError):
    """A file of the evaluation set does not follow its format; the message says where."""


@dataclass(frozen=True)
class Turn:
    """What the customer sends: words, or an attachment (a sticker, a story mention), or a reaction."""

    text: str = ""
    attachment: str = ""
    reaction: str = ""
    expect: Expectation = field(default_factory=Expectation)


@dataclass(frozen=True)
class Conversation:
    id: str
    category: str
    business: str
    language: str
    now: datetime
    turns: tuple[Turn, ...]
    customer: str = ""
    note: str = ""


@dataclass(frozen=True)
class BusinessFile:
    slug: str
    languages: tuple[str, ...]
    document: dict[str, Any]

    @property
    def names(self) -> tuple[str, ...]:
        """What the business calls itself, where it is and what it sells: the same in every reply language."""
        profile = self.document.get("business", {})
        own = [profile.get("name", ""), profile.get("address", "")]
        return tuple(name for name in own + [item["name"] for item in self.document.get("catalogue", [])] if name)


def load_businesses(directory: Path = BUSINESSES_DIR) -> dict[str, BusinessFile]:
    businesses = {}
    for path in sorted(directory.glob("*.yaml")):
        document = _load(path)
        profile = document.get("business", {})
        languages = tuple(profile.get("languages") or (profile.get("language", "en"),))
        businesses[profile["slug"]] = BusinessFile(slug=profile["slug"], languages=languages, document=document)
    return businesses


def load_conversations(directory: Path = CONVERSATIONS_DIR) -> list[Conversation]:
    conversations: list[Conversation] = []
    for path in sorted(directory.glob("*.yaml")):
        document = _load(path)
        for index, entry in enumerate(document["conversations"]):
            where = f"{path.name}: conversations[{index}]"
            try:
                conversations.append(parse_conversation(entry, document, where))
            except (KeyError, TypeError, ValueError) as error:
                raise EvalSetError(f"{where}: {error!r}") from error
    seen: set[str] = set()
    for conversation in conversations:
        if conversation.id in seen:
            raise EvalSetError(f"two conversations are called {conversation.id}")
        seen.add(conversation.id)
    return conversations


def parse_conversation(entry: dict[str, Any], defaults: dict[str, Any], where: str = "") -> Conversation:
    """One conversation of a file, its file's `category`, `business`, `language` and `now` as defaults."""
    language = entry.get("language", defaults.get("language"))
    if language not in LANGUAGES:
        raise EvalSetError(f"{where}: language {language!r} is not one of {LANGUAGES}")
    return Conversation(
        id=entry["id"],
        category=str(entry.get("category", defaults["category"])),
        business=str(entry.get("business", defaults.get("business", ""))),
        language=language,
        now=_datetime(entry.get("now", defaults.get("now"))),
        customer=entry.get("customer", ""),
        note=entry.get("note", ""),
        turns=tuple(_turn(turn) for turn in entry["turns"]),
    )


def _turn(entry: dict[str, Any]) -> Turn:
    unknown = set(entry) - {"say", "attachment", "reaction", "expect"}
    if unknown:
        raise ValueError(f"unknown turn keys {sorted(unknown)}")
    return Turn(
        text=str(entry.get("say", "")),
        attachment=entry.get("attachment", ""),
        reaction=entry.get("reaction", ""),
        expect=_expectation(entry.get("expect") or {}),
    )


def _expectation(entry: dict[str, Any]) -> Expectation:
    unknown = set(entry) - {"all", "any", "none", "language", "handoff", "reply", "booking"}
    if unknown:
        raise ValueError(f"unknown expectation keys {sorted(unknown)}")
    booking, handoff = entry.get("booking"), entry.get("handoff", False)
    reply = entry.get("reply", "required")
    if reply not in ("required", "optional", "none"):
        raise ValueError(f"reply must be required, optional or none, not {reply!r}")
    return Expectation(
        all_of=_strings(entry.get("all")),
        any_of=_strings(entry.get("any")),
        none_of=_strings(entry.get("none")),
        language=entry.get("language", ""),
        handoff=None if handoff is None else bool(handoff),
        reply=reply,
        booking=None if booking is None else ExpectedBooking(_datetime(booking["at"]), int(booking["party"])),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(item) for item in (value if isinstance(value, list) else [value]))


def _datetime(value: Any) -> datetime:
    """A local, naive date and time: the business's timezone is applied when the conversation is played."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=None)
