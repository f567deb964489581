from __future__ import annotations

import hmac
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse

from conversations.events import CustomerMessage, InboundEvent, RefusedRequest
from conversations.inbound import store_events
from conversations.models import ChannelConnection

from ..webhooks import read_json, webhook_view
from .parser import parse_update
from .sender import callback_answer

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@webhook_view("telegram")
def telegram_webhook(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    verify_secret_token(request, connection.credential("secret_token"))
    try:
        update = read_json(request.body)
    except (UnicodeDecodeError, ValueError) as error:
        # Authentic but unreadable: Telegram repeats any non-2xx answer, and these bytes will never
        # parse, so a 400 would only hold the update in Telegram's queue for nothing.
        logger.warning(
            "Telegram webhook %s: body is not JSON, acknowledged (%s): %r", connection.pk, error, request.body[:500]
        )
        return HttpResponse(status=200)
    events = parse_update(update)
    store_events(connection, events)
    return _answer(events)


def verify_secret_token(request: HttpRequest, secret_token: str) -> None:
    """Telegram sends back verbatim the secret given to setWebhook; there is no signature."""
    if not secret_token:
        raise RefusedRequest("the connection has no secret token to check requests with")
    received = request.headers.get(SECRET_HEADER, "")
    if not received:
        raise RefusedRequest(f"no {SECRET_HEADER} header")
    if not hmac.compare_digest(received.encode(), secret_token.encode()):
        raise RefusedRequest(f"{SECRET_HEADER} is not the connection's secret token")


def _answer(events: list[InboundEvent]) -> HttpResponse:
    """A button press must be answered or the customer's client shows a spinner: done in our reply.

    Telegram runs one Bot API method named in the webhook's response, which costs no request of
    our own and cannot delay or fail the webhook; like any answerCallbackQuery, it is best effort.
    """
    for event in events:
        if isinstance(event, CustomerMessage) and "callback_query_id" in event.details:
            return JsonResponse(callback_answer(event.details["callback_query_id"]))
    return HttpResponse(status=200)
