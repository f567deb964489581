from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from ..events import MalformedPayload
from ..inbound import store_events
from ..meta.signature import answer_handshake, verify_signature
from ..models import ChannelConnection
from ..webhooks import webhook_view
from .parser import parse_delivery


@webhook_view("messenger", methods=("GET", "POST"))
def messenger_webhook(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    if request.method == "GET":
        return answer_handshake(request, connection.credential("verify_token"))
    verify_signature(request, connection.credential("app_secret"))
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedPayload(f"not JSON: {error}") from error
    store_events(connection, parse_delivery(payload))
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")
