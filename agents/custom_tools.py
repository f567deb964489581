"""Tools a business defines in the admin: a signed POST to a URL on the server's allow-list.

Only hosts named in PARLEY_HTTP_TOOL_ALLOWED_HOSTS are called, and never an address on this
machine or a private network unless PARLEY_HTTP_TOOL_ALLOW_PRIVATE is set: a business's tool
must not become a way into the servers around Parley. The request goes to the addresses checked.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx
from django.conf import settings
from langchain_core.tools import BaseTool, StructuredTool

from business.models import Business

from .models import HttpTool


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
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
                raise ToolUrlRefused(f"{host} resolves to {ip}, a private or local address")
    return Destination(url=parts, addresses=addresses)


def call_http_tool(tool: HttpTool, arguments: dict[str, Any]) -> str:
    try:
        destination = check_url(tool.url)
    except ToolUrlRefused as refusal:
        return f"The tool is not available: {refusal}"
    body = json.dumps({"tool": tool.name, "arguments": arguments}, ensure_ascii=False).encode()
    signature = "sha256=" + hmac.new(tool.signing_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Host": destination.host_header, "Content-Type": "application/json", "X-Parley-Signature": signature}
    response: httpx.Response | None = None
    with httpx.Client(timeout=tool.timeout_seconds, follow_redirects=False) as client:
        # Each checked address in turn, as a connection to the name would (an IPv6 one may be unreachable).
        for address in destination.addresses:
            try:
                response = client.post(destination.url_at(address), content=body, headers=headers, extensions=destination.extensions)
                break
            except httpx.ConnectError:
                continue
            except httpx.HTTPError as error:
                return f"The tool did not answer: {type(error).__name__}"
    if response is None:
        return "The tool did not answer: ConnectError"
    if not response.is_success:
        return f"The tool failed with HTTP {response.status_code}."
    return response.text[:2000]


def custom_http_tools(business: Business) -> list[BaseTool]:
    def as_tool(tool: HttpTool) -> BaseTool:
        schema = tool.parameters or {"type": "object", "properties": {}}
        return StructuredTool.from_function(
            func=lambda **arguments: call_http_tool(tool, arguments),
            name=tool.name,
            description=tool.description,
            args_schema={"title": tool.name, **schema},
        )

    return [as_tool(tool) for tool in business.http_tools.filter(enabled=True)]
