"""The platforms' Unix times, which arrive as whatever a sender put there."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def from_unix_time(value: Any, units_per_second: int = 1) -> datetime | None:
    """A Unix time in seconds (or milliseconds, with units_per_second=1000), as a number or a string
    of digits; None when it is missing, zero or no time a computer can hold (a forged 10^20)."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value:
        return None
    try:
        return datetime.fromtimestamp(value / units_per_second, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
