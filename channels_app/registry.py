"""Every platform Parley speaks: adding one means its own package and one line here."""
from __future__ import annotations

from .console.platform import CONSOLE
from .messenger.platform import MESSENGER
from .platform import PlatformSpec
from .webchat.platform import WEBCHAT

PLATFORMS: dict[str, PlatformSpec] = {spec.name: spec for spec in (MESSENGER, WEBCHAT, CONSOLE)}
