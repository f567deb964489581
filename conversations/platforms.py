"""The platforms the store sends through, as the store sees them.

The channels app installs its registry here when Django starts (channels/apps.py), so that the store
reads a platform's limits and calls its sender without importing any platform: the channels import
the store, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from .markup import Render
from .media import FetchMedia
from .sending import Sent
from .text_split import Measure

if TYPE_CHECKING:
    from .choices import Choice
    from .models import ChannelConnection

SendText = Callable[["ChannelConnection", str, str], Sent]
SendTyping = Callable[["ChannelConnection", str], None]
# A template message (Message.metadata["template"]: name, language, parameters, buttons' payloads).
SendTemplate = Callable[["ChannelConnection", str, Mapping[str, Any]], Sent]
SendChoices = Callable[["ChannelConnection", str, str, Sequence["Choice"]], Sent]


class Platform(Protocol):
    """What the store reads of a platform; channels/platform.py's PlatformSpec documents each field."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def send_text(self) -> SendText: ...
    @property
    def send_typing(self) -> SendTyping | None: ...
    @property
    def send_human_agent_text(self) -> SendText | None: ...
    @property
    def send_template(self) -> SendTemplate | None: ...
    @property
    def send_event_update_text(self) -> SendText | None: ...
    @property
    def send_choices(self) -> SendChoices | None: ...
    @property
    def max_choices(self) -> int: ...
    @property
    def render(self) -> Render: ...
    @property
    def choices_text_limit(self) -> int: ...
    @property
    def default_api_base(self) -> str: ...
    @property
    def secret_keys(self) -> tuple[str, ...]: ...
    @property
    def text_limit(self) -> int: ...
    @property
    def measure(self) -> Measure: ...
    @property
    def reply_window(self) -> timedelta | None: ...
    @property
    def human_agent_window(self) -> timedelta | None: ...
    @property
    def window_closed_codes(self) -> frozenset[str]: ...
    @property
    def ids_are_phone_numbers(self) -> bool: ...
    @property
    def fetch_media(self) -> FetchMedia | None: ...


_installed: dict[str, Platform] = {}


def install(platforms: Mapping[str, Platform]) -> None:
    """Called once at start-up by the channels app with its registry."""
    _installed.update(platforms)


def platform(name: str) -> Platform:
    return _installed[name]


def find_platform(name: str) -> Platform | None:
    return _installed.get(name)


def platform_choices() -> list[tuple[str, str]]:
    return [(spec.name, spec.label) for spec in _installed.values()]
