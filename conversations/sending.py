"""The outcome of one attempt to send a message through a platform's API."""

from __future__ import annotations

import math
from dataclasses import dataclass

# A platform (or an allowed stand-in host) asking for a longer pause is waited on for this long at most:
# an answer of "inf", "nan" or years would otherwise fail the retry or put it off for ever.
MAX_RETRY_AFTER_SECONDS = 3600.0


@dataclass(frozen=True)
class Sent:
    platform_message_id: str


class SendError(Exception):
    def __init__(self, reason: str, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TemporarySendError(SendError):
    """Worth trying again later: throttling, a server error, a timeout."""

    def __init__(self, reason: str, code: str = "", retry_after: float | None = None) -> None:
        super().__init__(reason, code)
        self.retry_after: float | None = None
        if retry_after is not None and math.isfinite(retry_after) and retry_after >= 0:
            self.retry_after = min(retry_after, MAX_RETRY_AFTER_SECONDS)


class PermanentSendError(SendError):
    """Trying again cannot help: the window closed, the user blocked us, the token is wrong."""
