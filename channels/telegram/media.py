"""Downloading a file a Telegram customer sent: `getFile` gives its path, fetched from `/file/bot<token>/<path>`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conversations.media import MediaUnavailable, check_declared_size, unavailable
from conversations.sending import SendError

from .. import api_calls
from .sender import TELEGRAM_API_BASE, call

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def fetch_media(connection: ChannelConnection, attachment: dict[str, Any], max_bytes: int) -> bytes:
    file_id = str(attachment.get("media_id") or "")
    if not file_id:
        raise MediaUnavailable("the message names no file id")
    # The update states the size too: no request at all for a file known to be too large.
    check_declared_size(attachment.get("size"), max_bytes)
    try:
        base = api_calls.base_url(connection, TELEGRAM_API_BASE)
        found = call(connection, "getFile", {"file_id": file_id})
    except SendError as error:
        raise unavailable(error) from error
    if not isinstance(found, dict):
        raise MediaUnavailable("getFile answered without a file")
    check_declared_size(found.get("file_size"), max_bytes)
    path = found.get("file_path")
    if not isinstance(path, str) or not path:
        # Bots may download files up to 20 MB: a larger one has no path.
        raise MediaUnavailable("Telegram gave no path to download the file from")
    # The URL holds the bot token: download() names only the host in its errors.
    return api_calls.download(f"{base}/file/bot{connection.credential('bot_token')}/{path}", max_bytes)
