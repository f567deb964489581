"""Downloading a file a Messenger or Instagram customer sent: the webhook gives its URL on Meta's CDN, signed
for anyone holding it, so no token goes with the request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conversations.media import MediaUnavailable

from .. import api_calls

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def fetch_attachment(connection: ChannelConnection, attachment: dict[str, Any], max_bytes: int) -> bytes:
    url = str(attachment.get("url") or "")
    if not url:
        raise MediaUnavailable("the message carries no URL for the file")
    return api_calls.download(url, max_bytes)
