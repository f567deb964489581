"""What staff see for each credential a platform takes: a label, where to find the value, the platform's rules.

Each platform's package lists its fields (its platform.py); the admin's connection form is built from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Check = Callable[[str], None]


@dataclass(frozen=True)
class CredentialField:
    key: str
    label: str | Promise
    # Where staff find the value, in the platform's own words.
    help_text: str | Promise
    # Needed before the connection can be active; an optional one (allowed origins) may stay empty.
    required: bool = True
    # Raises ValidationError for a value the platform would refuse; called on non-empty values only.
    check: Check | None = None


def pattern(regex: str, message: str | Promise) -> Check:
    """A check that the whole value matches `regex`, failing with `message` (translated when shown)."""
    compiled = re.compile(regex)

    def check(value: str) -> None:
        if not compiled.fullmatch(value):
            raise ValidationError(str(message))

    return check


def numeric_id(value: str) -> None:
    """Meta's ids (Page, phone number, app, Instagram account) are digits only."""
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("Meta's ids are digits only, such as 109876543210987."))


def origin_list(value: str) -> None:
    """Comma-separated `scheme://host[:port]`, as a browser sends in its Origin header, or `*`."""
    for item in (part.strip() for part in value.split(",")):
        if item == "*" or _is_origin(item):
            continue
        message = _("“%(origin)s” is not a website origin: write it as https://www.example.com (no path), or *.")
        raise ValidationError(message % {"origin": item})


def _is_origin(item: str) -> bool:
    try:
        parts = urlsplit(item.rstrip("/"))
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.path or parts.query)
