"""Twilio's request signature: base64(HMAC(key, URL + every POST name and value, sorted by name)).

Twilio signs the URL it was given, which is the public one. Behind a proxy or a load balancer the
request's Host header and scheme are the internal ones, so the URL is rebuilt from
settings.PUBLIC_BASE_URL and the request's path and query string, never from the Host header.

By default the key is the account's auth token and the HMAC is SHA-1. A Webhooks Rule may select a
shared key and HMAC-SHA256 instead: Twilio then says so in X-Twilio-Webhooks-Signature-Settings
(`key=...,algorithm=HMAC_SHA256`), and only the key and the hash change. A JSON body is not signed
as parameters: the URL carries `bodySHA256`, the hex SHA-256 of the raw body, and is signed alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest

from conversations.events import RefusedRequest

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
DEFAULT_PORTS = {"https": 443, "http": 80}
ALGORITHMS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}
NO_PARAMS: Mapping[str, Sequence[str]] = {}


def sign(key: str, url: str, params: Mapping[str, Sequence[str]], algorithm: str = "HMAC_SHA1") -> str:
    # Twilio's SDKs sort repeated values of one name as well, and count each distinct value once.
    signed = url + "".join(name + value for name in sorted(params) for value in sorted(set(params[name])))
    return base64.b64encode(hmac.new(key.encode(), signed.encode(), ALGORITHMS[algorithm]).digest()).decode()


def body_hash(body: bytes) -> str:
    """The `bodySHA256` Twilio puts in the URL of a webhook with a JSON body."""
    return hashlib.sha256(body).hexdigest()


def url_variants(url: str) -> set[str]:
    """The URL as given, without its port and with the scheme's default port, as the SDKs accept each."""
    parts = urlsplit(url)
    if parts.port is None:
        with_port = parts._replace(netloc=f"{parts.netloc}:{DEFAULT_PORTS.get(parts.scheme, 80)}")
        return {url, urlunsplit(with_port)}
    without_port = parts._replace(netloc=parts.netloc.rpartition(":")[0])
    return {url, urlunsplit(without_port)}


def is_valid(
    key: str, url: str, params: Mapping[str, Sequence[str]], signature: str, algorithm: str = "HMAC_SHA1"
) -> bool:
    matches = [
        hmac.compare_digest(sign(key, variant, params, algorithm).encode(), signature.encode())
        for variant in sorted(url_variants(url))
    ]
    return any(matches)


def public_url(request: HttpRequest) -> str:
    return settings.PUBLIC_BASE_URL + request.get_full_path()


def is_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


def verify_signature(request: HttpRequest, auth_token: str, shared_key: str = "") -> None:
    """Refuses a request Twilio did not sign; a JSON body must also be the one whose hash the URL carries."""
    key, algorithm = _key_and_algorithm(request, auth_token, shared_key)
    received = request.headers.get(SIGNATURE_HEADER, "")
    if not received:
        raise RefusedRequest(f"no {SIGNATURE_HEADER} header")
    url = public_url(request)
    if is_json(request):
        # The hash is checked as well as the URL: a valid URL signature says nothing about the body by itself.
        claimed = parse_qs(urlsplit(url).query).get("bodySHA256", [""])[0]
        if not claimed or not hmac.compare_digest(claimed.lower().encode(), body_hash(request.body).encode()):
            raise RefusedRequest("the JSON body does not match the bodySHA256 of the signed URL")
        params = NO_PARAMS
    else:
        params = dict(request.POST.lists())
    if not is_valid(key, url, params, received, algorithm):
        raise RefusedRequest(f"{SIGNATURE_HEADER} does not match {url} and the posted parameters")


def _key_and_algorithm(request: HttpRequest, auth_token: str, shared_key: str) -> tuple[str, str]:
    """The auth token and SHA-1, unless the settings header names a Webhooks Rule's key and algorithm."""
    header = request.headers.get(SETTINGS_HEADER)
    if header is None:
        if not auth_token:
            raise RefusedRequest("the connection has no auth token to check signatures with")
        return auth_token, "HMAC_SHA1"
    fields = dict(part.strip().partition("=")[::2] for part in header.split(","))
    algorithm = fields.get("algorithm", "").strip().upper()
    if algorithm not in ALGORITHMS:
        raise RefusedRequest(f"{SETTINGS_HEADER} names an algorithm Twilio does not sign with: {algorithm[:40]!r}")
    if not shared_key:
        raise RefusedRequest(f"{SETTINGS_HEADER} asks for a shared key the connection does not have")
    return shared_key, algorithm
