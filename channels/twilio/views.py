from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from conversations.inbound import store_events
from conversations.models import ChannelConnection

from ..webhooks import webhook_view
from .parser import parse_request
from .signature import verify_signature

# Replies go out later through the REST API (the outbox), so Twilio is told to send nothing now.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@webhook_view("twilio")
def twilio_webhook(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    verify_signature(request, connection.credential("auth_token"))
    store_events(connection, parse_request(request.POST.dict()))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
