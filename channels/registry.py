"""Every platform Parley speaks: adding one means its own package and one line here."""

from __future__ import annotations

from .instagram.platform import INSTAGRAM
from .messenger.platform import MESSENGER
from .platform import PlatformSpec
from .playground.platform import PLAYGROUND
from .telegram.platform import TELEGRAM
from .twilio.platform import TWILIO
from .webchat.platform import WEBCHAT
from .whatsapp.platform import WHATSAPP

PLATFORMS: dict[str, PlatformSpec] = {
    spec.name: spec for spec in (MESSENGER, INSTAGRAM, WHATSAPP, TELEGRAM, TWILIO, WEBCHAT, PLAYGROUND)
}
