"""What widget.js is served with: the connection's look and every sentence the visitor reads, in each of the
business's languages (the widget picks the browser's language among them, else the business's main one).

The greeting, the AI disclosure, the brand colour and the side are the connection's settings (credentials
JSON, set in the admin); empty, the translated defaults below apply. The disclosure is always shown: the EU
AI Act (art. 50) requires telling a visitor that they are talking to an AI system.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from business.hours import WEEKDAYS, intervals_on, spans
from business.locale_format import weekday_name
from business.models import Business
from conversations.models import ChannelConnection

from .parser import MAX_TEXT_CHARS

DEFAULT_COLOUR = "#2563eb"
POSITIONS = ("right", "left")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def validate_colour(value: str) -> None:
    if value and not HEX_COLOUR.fullmatch(value.strip()):
        raise ValidationError(_("Enter a colour as # and six hexadecimal digits, such as #2563eb."))


def validate_position(value: str) -> None:
    if value and value.strip() not in POSITIONS:
        raise ValidationError(_("Enter right or left."))


def widget_config(connection: ChannelConnection, now: datetime | None = None) -> dict[str, Any]:
    business = connection.business
    moment = (now or timezone.now()).astimezone(ZoneInfo(business.timezone))
    colour = connection.credential("brand_colour").strip()
    position = connection.credential("position").strip()
    return {
        "key": connection.credential("public_key"),
        "title": connection.name or business.name,
        "maxChars": MAX_TEXT_CHARS,
        # Checked again here: the value goes into the widget's style sheet, and `connect_channel --set` skips the form.
        "colour": colour if HEX_COLOUR.fullmatch(colour) else DEFAULT_COLOUR,
        "textColour": _readable_on(colour if HEX_COLOUR.fullmatch(colour) else DEFAULT_COLOUR),
        "position": position if position in POSITIONS else POSITIONS[0],
        "languages": list(business.languages),
        "texts": {language: _texts(connection, business, moment, language) for language in business.languages},
    }


def _texts(connection: ChannelConnection, business: Business, moment: datetime, language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "greeting": connection.credential("greeting") or _("Hello! How can we help you?"),
            "disclosure": connection.credential("ai_disclosure")
            or _(
                "You are chatting with an AI assistant. It can make mistakes: "
                "ask for a person at any time and a member of staff will answer."
            ),
            "availability": _availability(business, moment),
            "sending": _("Sending…"),
            "sent": _("Sent"),
            "failed": _("Not sent — tap to retry"),
            "placeholder": _("Write a message…"),
            "send": _("Send"),
            "message": _("Message"),
            "open": _("Open chat"),
            "close": _("Close chat"),
            "writing": _("Writing a reply"),
            "staff": _("Staff"),
            "refused": _("Sorry, the chat cannot be used on this address of the website."),
        }


def _availability(business: Business, moment: datetime) -> str:
    """Today's opening hours, or when the business has none, how soon it usually answers."""
    hours = business.opening_hours or {}
    if not any(hours.get(day) for day in WEEKDAYS):
        return _("Usually replies within minutes")
    special = business.special_hours(moment.date(), days=8)
    today = intervals_on(hours, moment.date(), special)
    if today:
        return _("Open today %(hours)s") % {"hours": spans(today)}
    upcoming = (moment.date() + timedelta(days=offset) for offset in range(1, 8))
    opens = next((day for day in upcoming if intervals_on(hours, day, special)), None)
    if opens is None:
        return _("Usually replies within minutes")
    hours_then = spans(intervals_on(hours, opens, special))
    return _("Closed today, open %(day)s %(hours)s") % {"day": weekday_name(opens.weekday()), "hours": hours_then}


def _readable_on(colour: str) -> str:
    """White or near-black text, whichever contrasts more with the brand colour (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#111827"
