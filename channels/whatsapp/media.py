"""A customer's media from the Cloud API: `GET /{media-id}` gives a short-lived URL, fetched with the token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from conversations.media import MediaUnavailable, check_declared_size, unavailable
from conversations.sending import SendError

from .. import api_calls
from ..meta import graph

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def fetch_media(connection: ChannelConnection, attachment: dict[str, Any], max_bytes: int) -> bytes:
    media_id = str(attachment.get("media_id") or "")
    if not media_id:
        raise MediaUnavailable("the message names no media id")
    try:
        media = graph.get(connection, quote(media_id, safe=""))
    except SendError as error:
        raise unavailable(error) from error
    # Checked before the download: the media's description states its size.
    check_declared_size(media.get("file_size"), max_bytes)
    url = media.get("url")
    if not isinstance(url, str) or not url:
        raise MediaUnavailable("the Cloud API gave no URL for the media")
    # The URL, on Meta's media host, wants the same token as the API.
    return api_calls.download(
        url, max_bytes, headers={"Authorization": f"Bearer {connection.credential('access_token')}"}
    )
