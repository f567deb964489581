"""Whether a base URL may receive a credential: a platform token, a model server's API key.

Only hosts the server's configuration names pass, so that a URL changed in the database (by staff,
an import, a direct write) cannot send a token to a host of its choosing, such as a service inside
Parley's own network.
"""
from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _


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
