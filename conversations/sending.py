"""The outcome of one attempt to send a message through a platform's API."""
from __future__ import annotations

from dataclasses import dataclass


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
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Trying again cannot help: the window closed, the user blocked us, the token is wrong."""
