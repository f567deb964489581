from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from conversations.events import MalformedPayload
from conversations.inbound import store_events
from conversations.models import ChannelConnection

from ..webhooks import read_json, webhook_view
from .parser import parse_request
from .signature import is_json, verify_signature

# Replies go out later through the REST API (the outbox), so Twilio is told to send nothing now.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@webhook_view("twilio")
def twilio_webhook(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    verify_signature(request, connection.credential("auth_token"), connection.credential("webhook_signing_key"))
    fields = json_fields(request.body) if is_json(request) else request.POST.dict()
    store_events(connection, parse_request(fields))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


def json_fields(body: bytes) -> dict[str, str]:
    """A JSON body's fields, named as in the form Twilio otherwise posts; numbers and booleans as their text."""
    try:
        payload: Any = read_json(body)
    except ValueError as error:
        raise MalformedPayload(f"not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise MalformedPayload("expected a JSON object of Twilio's fields")
    return {name: _text(value) for name, value in payload.items() if isinstance(value, str | int | float | bool)}


def _text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
