"""Every platform Parley speaks: adding one means its own package and one line here."""
from __future__ import annotations

from .console.platform import CONSOLE
from .messenger.platform import MESSENGER
from .platform import PlatformSpec
from .telegram.platform import TELEGRAM
from .twilio.platform import TWILIO

PLATFORMS: dict[str, PlatformSpec] = {spec.name: spec for spec in (MESSENGER, TELEGRAM, TWILIO, CONSOLE)}
