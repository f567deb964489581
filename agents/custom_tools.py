"""Tools a business defines in the admin: a signed POST to a URL on the server's allow-list.

Only hosts named in PARLEY_HTTP_TOOL_ALLOWED_HOSTS are called, and never an address on this
machine or a private network unless PARLEY_HTTP_TOOL_ALLOW_PRIVATE is set: a business's tool
must not become a way into the servers around Parley.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from langchain_core.tools import BaseTool, StructuredTool

from business.models import Business

from .models import HttpTool


class ToolUrlRefused(ValueError):
    pass


def check_url(url: str) -> None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ToolUrlRefused(f"{url} is not an http(s) URL")
    if host not in settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS:
        raise ToolUrlRefused(f"{host} is not on the allow-list (PARLEY_HTTP_TOOL_ALLOWED_HOSTS)")
    if settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443)}
    except socket.gaierror as error:
        raise ToolUrlRefused(f"{host} does not resolve: {error}") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
            raise ToolUrlRefused(f"{host} resolves to {ip}, a private or local address")


def call_http_tool(tool: HttpTool, arguments: dict[str, Any]) -> str:
    try:
        check_url(tool.url)
    except ToolUrlRefused as refusal:
        return f"The tool is not available: {refusal}"
    body = json.dumps({"tool": tool.name, "arguments": arguments}, ensure_ascii=False).encode()
    signature = "sha256=" + hmac.new(tool.signing_secret.encode(), body, hashlib.sha256).hexdigest()
    try:
        response = httpx.post(
            tool.url,
            content=body,
            headers={"Content-Type": "application/json", "X-Parley-Signature": signature},
            timeout=tool.timeout_seconds,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return f"The tool did not answer: {type(error).__name__}"
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
