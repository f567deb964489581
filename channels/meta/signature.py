"""Meta's webhook authentication, shared by Messenger, Instagram and WhatsApp."""

from __future__ import annotations

import hashlib
import hmac

from django.http import HttpRequest, HttpResponse

from conversations.events import RefusedRequest

SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(request: HttpRequest, app_secret: str) -> None:
    """HMAC-SHA256 of the raw body with the app secret; the parsed JSON is never re-encoded for this."""
    if not app_secret:
        raise RefusedRequest("the connection has no app secret to check signatures with")
    received = request.headers.get(SIGNATURE_HEADER, "")
    if not received:
        raise RefusedRequest(f"no {SIGNATURE_HEADER} header")
    if not hmac.compare_digest(received.encode(), sign(app_secret, request.body).encode()):
        raise RefusedRequest(f"{SIGNATURE_HEADER} does not match the body")


def answer_handshake(request: HttpRequest, verify_token: str) -> HttpResponse:
    """The GET Meta sends when the webhook is subscribed: echo hub.challenge iff the token is ours."""
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if mode == "subscribe" and verify_token and hmac.compare_digest(token.encode(), verify_token.encode()):
        return HttpResponse(challenge, content_type="text/plain")
    raise RefusedRequest("verification handshake with a wrong verify token")
