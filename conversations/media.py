"""Files customers send, as the store asks a platform for them: what a platform's fetcher returns or raises.

A platform's `fetch_media` (channels/<platform>/media.py) downloads an attachment as its metadata was
stored, with the connection's credentials, never more than the given number of bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .sending import SendError, TemporarySendError

if TYPE_CHECKING:
    from .models import ChannelConnection

# (connection, the attachment's stored metadata, the most bytes to accept) -> the file's bytes.
FetchMedia = Callable[["ChannelConnection", dict[str, Any], int], bytes]


class MediaUnavailable(Exception):
    """The platform did not give the file. `temporary`: it may next time (unreachable, throttled, 5xx)."""

    def __init__(self, reason: str, temporary: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


class MediaTooLarge(MediaUnavailable):
    """The file is larger than the limit: said so by the platform, or found while downloading."""


def unavailable(error: SendError) -> MediaUnavailable:
    """A platform API call's refusal (its metadata lookup) as a file the platform did not give."""
    return MediaUnavailable(error.reason, temporary=isinstance(error, TemporarySendError))


def declared_size(value: Any) -> int | None:
    """A size as a platform's API states it, a number or its digits (Graph gives `file_size` as text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def check_declared_size(value: Any, max_bytes: int) -> None:
    size = declared_size(value)
    if size is not None and size > max_bytes:
        raise MediaTooLarge(f"{size} bytes, over the limit of {max_bytes}")
