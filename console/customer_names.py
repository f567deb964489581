"""What operators see of a customer's channel and name: a short channel name and badge, and the customer's
name when the platform gave one, never a platform id or a UUID."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from channels.webchat.platform import WEBCHAT
from conversations.models import Contact


@dataclass(frozen=True)
class ChannelLook:
    name: str | Promise  # short, for a sentence: "Messenger customer #4"
    badge: str  # the icon's letters, coloured per channel by console.css (.channel-<platform>)


CHANNELS: dict[str, ChannelLook] = {
    "messenger": ChannelLook("Messenger", "M"),
    "instagram": ChannelLook("Instagram", "IG"),
    "whatsapp": ChannelLook("WhatsApp", "WA"),
    "telegram": ChannelLook("Telegram", "TG"),
    "twilio": ChannelLook("SMS", "SMS"),
    "webchat": ChannelLook(gettext_lazy("Web chat"), "WEB"),
    "console": ChannelLook(gettext_lazy("Playground"), "TRY"),
}


def channel_look(platform: str) -> ChannelLook:
    return CHANNELS.get(platform, ChannelLook(platform, platform[:3].upper()))


def customer_name(contact: Contact, platform: str) -> str:
    """ "Kim Lee"; "Website visitor #17" for the web chat, whose visitors are anonymous; "Messenger customer #4"
    when a platform gave no name. The number is the contact's, the same in every conversation with them."""
    if contact.display_name.strip():
        return contact.display_name.strip()
    if platform == WEBCHAT.name:
        return gettext("Website visitor #%(number)s") % {"number": contact.pk}
    return gettext("%(channel)s customer #%(number)s") % {"channel": channel_look(platform).name, "number": contact.pk}
