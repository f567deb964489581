"""Twilio's request signature: base64(HMAC-SHA1(auth token, URL + every POST name and value, sorted by name)).

Twilio signs the URL it was given, which is the public one. Behind a proxy or a load balancer the
request's Host header and scheme are the internal ones, so the URL is rebuilt from
settings.PUBLIC_BASE_URL and the request's path and query string, never from the Host header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest

from conversations.events import RefusedRequest

SIGNATURE_HEADER = "X-Twilio-Signature"
DEFAULT_PORTS = {"https": 443, "http": 80}


def sign(auth_token: str, url: str, params: Mapping[str, Sequence[str]]) -> str:
    # Twilio's SDKs sort repeated values of one name as well, and count each distinct value once.
    signed = url + "".join(name + value for name in sorted(params) for value in sorted(set(params[name])))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def url_variants(url: str) -> set[str]:
    """The URL as given, without its port and with the scheme's default port, as the SDKs accept each."""
    parts = urlsplit(url)
    if parts.port is None:
        with_port = parts._replace(netloc=f"{parts.netloc}:{DEFAULT_PORTS.get(parts.scheme, 80)}")
        return {url, urlunsplit(with_port)}
    without_port = parts._replace(netloc=parts.netloc.rpartition(":")[0])
    return {url, urlunsplit(without_port)}


def is_valid(auth_token: str, url: str, params: Mapping[str, Sequence[str]], signature: str) -> bool:
    matches = [
        hmac.compare_digest(sign(auth_token, variant, params).encode(), signature.encode())
        for variant in sorted(url_variants(url))
    ]
    return any(matches)


def public_url(request: HttpRequest) -> str:
    return settings.PUBLIC_BASE_URL + request.get_full_path()


def verify_signature(request: HttpRequest, auth_token: str) -> None:
    if not auth_token:
        raise RefusedRequest("the connection has no auth token to check signatures with")
    received = request.headers.get(SIGNATURE_HEADER, "")
    if not received:
        raise RefusedRequest(f"no {SIGNATURE_HEADER} header")
    url = public_url(request)
    if not is_valid(auth_token, url, dict(request.POST.lists()), received):
        raise RefusedRequest(f"{SIGNATURE_HEADER} does not match {url} and the posted parameters")
