"""The webhook every Meta platform shares: the subscription handshake, then signed JSON deliveries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from conversations.events import MalformedPayload
from conversations.models import ChannelConnection

from ..webhooks import read_json, webhook_view
from .signature import answer_handshake, verify_signature

Receive = Callable[[ChannelConnection, Any], None]


def meta_webhook(platform: str, receive: Receive) -> Callable:
    """A view that answers Meta's GET handshake and hands each authentic POST body to `receive`."""

    @webhook_view(platform, methods=("GET", "POST"))
    def view(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
        if request.method == "GET":
            return answer_handshake(request, connection.credential("verify_token"))
        verify_signature(request, connection.credential("app_secret"))
        try:
            payload = read_json(request.body)
        except (UnicodeDecodeError, ValueError) as error:
            raise MalformedPayload(f"not JSON: {error}") from error
        receive(connection, payload)
        return HttpResponse("EVENT_RECEIVED", content_type="text/plain")

    view.__name__ = view.__qualname__ = f"{platform}_webhook"
    return view
