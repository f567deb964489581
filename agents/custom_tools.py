"""Tools a business defines in the admin: a signed POST to a URL on the server's allow-list.

Only hosts named in PARLEY_HTTP_TOOL_ALLOWED_HOSTS are called, and only on globally routable
addresses unless PARLEY_HTTP_TOOL_ALLOW_PRIVATE is set: a business's tool must not become a way into
the servers around Parley. The request goes to the addresses checked. A call ends when its timeout
or the turn's time is up, whichever comes first: a slow tool server cannot hold the shared worker.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx
from django.conf import settings
from langchain_core.tools import BaseTool, StructuredTool

from business.models import Business

from .models import HttpTool

# A tool's answer is cut to this for the model; more is not even read.
MAX_ANSWER_CHARACTERS = 2000
MAX_ANSWER_BYTES = 4 * MAX_ANSWER_CHARACTERS
# The IPv6 prefix through which NAT64 gateways reach IPv4 addresses (RFC 6052).
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215), which Python counts as global: a network's own translators, with the IPv4
# address at a place only that network knows, so it is refused whole.
LOCAL_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b:1::/48")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Set while a test case or a replay runs (test_cases/running.py): its database writes are rolled back, but
# a request cannot be taken back, so none is made.
_dry_run: ContextVar[bool] = ContextVar("http_tools_dry_run", default=False)


@contextmanager
def http_tools_dry_run() -> Iterator[None]:
    """Within it, a custom tool answers that it was not called, and nothing leaves Parley."""
    token = _dry_run.set(True)
    try:
        yield
    finally:
        _dry_run.reset(token)


class ToolUrlRefused(ValueError):
    pass


@dataclass(frozen=True)
class Destination:
    """A tool URL that passed the checks, with the addresses its host resolved to then. The request
    goes to those addresses, never to what the name resolves to a moment later: a name's DNS
    answer can change between the check and the connection (DNS rebinding) to a local address."""

    url: SplitResult
    addresses: tuple[str, ...]

    def url_at(self, address: str) -> str:
        return urlunsplit(self.url._replace(netloc=_netloc(address, self.url.port)))

    @property
    def host_header(self) -> str:
        return _netloc(self.url.hostname or "", self.url.port)

    @property
    def extensions(self) -> dict[str, str]:
        # TLS names (and checks the certificate of) the host, not the address connected to.
        return {"sni_hostname": self.url.hostname or ""} if self.url.scheme == "https" else {}


def _netloc(host: str, port: int | None) -> str:
    literal = f"[{host}]" if ":" in host else host  # an IPv6 address
    return f"{literal}:{port}" if port else literal


def check_url(url: str) -> Destination:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ToolUrlRefused(f"{url} is not an http(s) URL")
    if host not in settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS:
        raise ToolUrlRefused(f"{host} is not on the allow-list (PARLEY_HTTP_TOOL_ALLOWED_HOSTS)")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ToolUrlRefused(f"{host} does not resolve: {error}") from error
    addresses = tuple(dict.fromkeys(str(info[4][0]).split("%")[0] for info in resolved))
    if not settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE:
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if not _is_public(ip):
                raise ToolUrlRefused(f"{host} resolves to {ip}, a private or local address")
    return Destination(url=parts, addresses=addresses)


def _is_public(ip: IpAddress) -> bool:
    """Globally routable (not carrier-grade NAT, link-local metadata services or multicast), and so is
    the IPv4 address an IPv6 one carries, which is where a connection to it ends up."""
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64_PREFIX:
            return False
        nat64 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64_PREFIX else None
        return all(_is_public(carried) for carried in (ip.ipv4_mapped, ip.sixtofour, nat64) if carried)
    return True


def call_http_tool(tool: HttpTool, arguments: dict[str, Any], deadline: float | None = None) -> str:
    """POST the arguments; `deadline` (a time.monotonic() value) is when the turn's time is up."""
    if _dry_run.get():
        return f"Test run: {tool.name} was not called, nothing was sent."
    try:
        destination = check_url(tool.url)
    except ToolUrlRefused as refusal:
        return f"The tool is not available: {refusal}"
    stop_at = time.monotonic() + tool.timeout_seconds
    if deadline is not None:
        stop_at = min(stop_at, deadline)
    body = json.dumps({"tool": tool.name, "arguments": arguments}, ensure_ascii=False).encode()
    signature = "sha256=" + hmac.new(tool.signing_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Host": destination.host_header, "Content-Type": "application/json", "X-Parley-Signature": signature}
    with httpx.Client(follow_redirects=False) as client, CallDeadline(stop_at) as call_deadline:
        extensions = {**destination.extensions, "trace": call_deadline.trace}
        # Each checked address in turn, as a connection to the name would (an IPv6 one may be unreachable).
        for address in destination.addresses:
            time_left = stop_at - time.monotonic()
            if time_left <= 0:
                return "The tool did not answer in time."
            try:
                with client.stream(
                    "POST", destination.url_at(address), content=body, headers=headers, extensions=extensions,
                    timeout=time_left,
                ) as response:  # fmt: skip
                    if not response.is_success:
                        return f"The tool failed with HTTP {response.status_code}."
                    return _answer(response)
            except httpx.ConnectError:
                continue
            except httpx.HTTPError as error:
                return _no_answer(call_deadline, error)
    return _no_answer(call_deadline, httpx.ConnectError("no address answered"))


class CallDeadline:
    """Shuts a call's connections down when its time is up. httpx's timeouts bound each read, not the
    call: a server sending its headers or its answer a byte at a time would hold the turn for hours."""

    def __init__(self, stop_at: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, stop_at - time.monotonic()), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> CallDeadline:
        self._timer.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's trace extension: told of each connection opened, to shut it down at the deadline."""
        if event == "connection.connect_tcp.complete":
            with self._lock:
                self._sockets.append(info["return_value"].get_extra_info("socket"))
                if self.expired:
                    self._shut_down()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut_down()

    def _shut_down(self) -> None:
        for connection in self._sockets:
            with suppress(OSError):  # closed already
                connection.shutdown(socket.SHUT_RDWR)


def _no_answer(call_deadline: CallDeadline, error: httpx.HTTPError) -> str:
    if call_deadline.expired:
        return "The tool did not answer in time."
    return f"The tool did not answer: {type(error).__name__}"


def _answer(response: httpx.Response) -> str:
    """The start of the answer: what the model reads of it, and no more is read."""
    received = b""
    for chunk in response.iter_bytes():
        received += chunk
        if len(received) >= MAX_ANSWER_BYTES:
            break
    return received.decode(response.encoding or "utf-8", errors="replace")[:MAX_ANSWER_CHARACTERS]


def custom_http_tools(business: Business, deadline: float | None = None) -> list[BaseTool]:
    """The business's enabled tools; their calls end by `deadline`, the turn's, when there is one."""

    def as_tool(tool: HttpTool) -> BaseTool:
        schema = tool.parameters or {"type": "object", "properties": {}}
        return StructuredTool.from_function(
            func=lambda **arguments: call_http_tool(tool, arguments, deadline),
            name=tool.name,
            description=tool.description,
            args_schema={"title": tool.name, **schema},
        )

    return [as_tool(tool) for tool in business.http_tools.filter(enabled=True)]
