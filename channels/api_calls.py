"""Calling a platform's HTTP API: a missing answer and a throttling hint read the same way on every platform."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from conversations.media import MediaTooLarge, MediaUnavailable
from conversations.sending import PermanentSendError, TemporarySendError
from infrastructure.credential_hosts import HostNotAllowed, platform_base_url

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

TIMEOUT = httpx.Timeout(10.0, connect=5.0)

_client: httpx.Client | None = None
_client_pid = 0


def _shared_client() -> httpx.Client:
    """This process's client, kept between calls: its pool keeps the platform's connection open
    from one send to the next, and making a client (it builds a TLS context) costs many times a send
    over a kept one. A forked process (a worker's pool process) makes its own rather than share its
    parent's sockets."""
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        _client, _client_pid = httpx.Client(timeout=TIMEOUT), os.getpid()
    return _client


def base_url(connection: ChannelConnection, default: str) -> str:
    """Where the connection's requests go; refused before any request when the host is not allowed,
    however the row came to name it."""
    try:
        return platform_base_url(connection.api_base, default)
    except HostNotAllowed as error:
        raise PermanentSendError(str(error), code="api_host_not_allowed") from error


# The codes of a send that got no answer at all: the platform could not be reached (DNS, refused, timeout).
UNREACHABLE_CODES = frozenset({"timeout", "network"})


def post(url: str, **options: Any) -> httpx.Response:
    return request("POST", url, **options)


def request(method: str, url: str, **options: Any) -> httpx.Response:
    """The platform's answer, whatever its status; no answer at all is worth trying again later.

    Errors name the host only: some platforms put the bot token in the URL's path.
    """
    host = urlsplit(url).netloc
    try:
        return _shared_client().request(method, url, **options)
    except httpx.TimeoutException as error:
        raise TemporarySendError(f"{host} timed out: {type(error).__name__}", code="timeout") from error
    except httpx.TransportError as error:
        raise TemporarySendError(f"could not reach {host}: {type(error).__name__}", code="network") from error


def download(url: str, max_bytes: int, headers: dict[str, str] | None = None) -> bytes:
    """A file's bytes, refused as soon as it is known to be over `max_bytes`: from its Content-Length before
    reading, or while reading when the server declares none (or a false one)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise MediaUnavailable(f"not a web address: {parts.scheme or 'no scheme'}")
    try:
        with _shared_client().stream("GET", url, headers=headers) as response:
            if not response.is_success:
                raise MediaUnavailable(
                    f"{parts.netloc} answered HTTP {response.status_code}",
                    temporary=response.status_code == 429 or response.status_code >= 500,
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise MediaTooLarge(f"{declared} bytes, over the limit of {max_bytes}")
            received = bytearray()
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > max_bytes:
                    raise MediaTooLarge(f"over the limit of {max_bytes} bytes")
            return bytes(received)
    except httpx.TimeoutException as error:
        raise MediaUnavailable(f"{parts.netloc} timed out: {type(error).__name__}", temporary=True) from error
    except httpx.TransportError as error:
        raise MediaUnavailable(f"could not reach {parts.netloc}: {type(error).__name__}", temporary=True) from error


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object, or {} for an answer that is not one (an HTML error page...)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def refusal_reason(response: httpx.Response, message: Any) -> str:
    """A refusal as stored on the message and shown to staff: the status and the platform's own parsed
    error message, never the raw body (an error page can hold what no one should see)."""
    text = message.strip()[:300] if isinstance(message, str) else ""
    return f"HTTP {response.status_code}: {text}" if text else f"HTTP {response.status_code}"


def retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None
