"""A location's coordinates, which arrive as whatever a sender put there."""

from __future__ import annotations

import math
from typing import Any, TypedDict


class Coordinates(TypedDict, total=False):
    """An Attachment's latitude and longitude, or neither."""

    latitude: float
    longitude: float


def coordinates(latitude: Any, longitude: Any) -> Coordinates:
    """Both as numbers of a place on Earth, or neither: the message is kept without them.

    A signed "1e999" or "nan" became inf or NaN, which PostgreSQL's jsonb refuses: the delivery was
    answered 503 and redelivered for ever. Dropping them keeps the message (a 400 would lose it on
    Twilio, and on Meta every other customer's message in the same batch)."""
    try:
        place = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return {}
    if not all(map(math.isfinite, place)) or abs(place[0]) > 90 or abs(place[1]) > 180:
        return {}
    return {"latitude": place[0], "longitude": place[1]}
