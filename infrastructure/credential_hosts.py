"""Whether a base URL may receive a credential: a platform token, a model server's API key.

Only hosts the server's configuration names pass, so that a URL changed in the database (by staff,
an import, a direct write) cannot send a token to a host of its choosing, such as a service inside
Parley's own network.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}


class HostNotAllowed(ValueError):
    pass


def check_base_url(url: str, allowed_hosts: Collection[str], setting: str) -> str:
    """The URL without its trailing slash, or HostNotAllowed naming the setting that would allow it."""
    parts = urlsplit(url)
    # Credentials or backslashes in the address are where URL parsers disagree on the host.
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc or "\\" in url:
        raise HostNotAllowed(_("%(url)s is not a plain http(s) address.") % {"url": url})
    if parts.hostname.lower() not in allowed_hosts:
        refusal = _("%(host)s is not an allowed host: the server's %(setting)s lists those.")
        raise HostNotAllowed(refusal % {"host": parts.hostname, "setting": setting})
    return url.rstrip("/")


def check_platform_url(url: str, platform_url: str, other_hosts: Collection[str], setting: str) -> str:
    """check_base_url for a platform's API: its own host, or one of `other_hosts`. The platform's own host
    gets a token only as its own URL does (https, its port), never in clear text; hosts the server lists
    are the operator's choice, plain http included (a test or proxy inside the network)."""
    own = urlsplit(platform_url)
    checked = check_base_url(url, {own.hostname or "", *other_hosts}, setting)
    parts = urlsplit(checked)
    if parts.hostname == own.hostname and _origin(parts) != _origin(own):
        refusal = _("%(host)s receives a token only at %(origin)s.")
        raise HostNotAllowed(refusal % {"host": parts.hostname, "origin": f"{own.scheme}://{own.netloc}"})
    return checked


def platform_base_url(api_base: str, default: str) -> str:
    """The API base URL (the platform's own when empty), or HostNotAllowed unless it is the platform's own
    (https, its port) or on a host PARLEY_PLATFORM_API_HOSTS lists: the connection's token goes with every
    request. Here rather than with the API calls, so that the store validates a connection without them."""
    hosts = settings.PARLEY_PLATFORM_API_HOSTS
    return check_platform_url(api_base or default, default, hosts, "PARLEY_PLATFORM_API_HOSTS")


def _origin(parts: SplitResult) -> tuple[str, int | None]:
    """Scheme and port, the port made explicit; None for a port that is not a number."""
    try:
        port = parts.port
    except ValueError:
        return parts.scheme, None
    return parts.scheme, port or DEFAULT_PORTS.get(parts.scheme)


@deconstructible
class AllowedHostValidator:
    """A URL field's validator: its host must be one the named setting lists (read when validating)."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __call__(self, url: str) -> None:
        try:
            check_base_url(url, getattr(settings, self.setting), self.setting)
        except HostNotAllowed as error:
            raise ValidationError(str(error), code="host_not_allowed") from error

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AllowedHostValidator) and other.setting == self.setting
