"""The widget's script and its one endpoint: POST a visitor's message, GET (poll) the conversation.

Replies arrive by polling rather than server-sent events: gunicorn's sync workers would each be
held by one open event stream, so a handful of visitors would stall the site, while a poll is a
short request any worker answers, survives proxies and reconnects by itself.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.events import MalformedPayload, RefusedRequest
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Message
from infrastructure import metrics

from ..webhooks import read_json, webhook_view
from .feed import read_feed
from .limits import WINDOW_SECONDS, Request, over_address_limit
from .origins import allowed_origin, preflight, with_cors
from .parser import parse_message, visitor_id
from .refusals import record_refused_origin
from .widget_config import widget_config

logger = logging.getLogger(__name__)

# A message of MAX_TEXT_CHARS characters, each escaped as a surrogate pair, fits with room to spare.
MAX_BODY_BYTES = 32 * 1024
MESSAGES_PER_MINUTE = 12
WIDGET_SOURCE = (Path(__file__).parent / "widget" / "widget.js").read_text()
WIDGET_CACHE_SECONDS = 300


def webchat_view(*methods: str) -> Callable:
    # Browsers, not a platform, call these: limited per client address (limits.py) rather than per connection.
    return webhook_view("webchat", methods=methods, lookup="credentials__public_key", per_connection_limit=False)


@webchat_view("GET")
def widget_script(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    return HttpResponse(
        WIDGET_SOURCE.replace("__PARLEY_WEBCHAT_CONFIG__", json.dumps(widget_config(connection))),
        content_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": f"public, max-age={WIDGET_CACHE_SECONDS}"},
    )


@webchat_view("OPTIONS", "GET", "POST")
def messages(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    try:
        origin = allowed_origin(request, connection)
    except RefusedRequest as refusal:
        return _refused_origin(request, connection, refusal)
    if request.method == "OPTIONS":
        return preflight(origin)
    kind = Request.POLL if request.method == "GET" else Request.MESSAGE
    if over_address_limit(request, connection, kind):
        return with_cors(_too_many(_("too many requests from this address: wait a minute")), origin)
    try:
        response = poll(request, connection) if request.method == "GET" else receive(request, connection)
    except MalformedPayload as problem:
        response = _error(400, str(problem))
    return with_cors(response, origin)


def receive(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, f"the request body is over {MAX_BODY_BYTES} bytes")
    try:
        payload = read_json(request.body)
    except ValueError as error:  # UnicodeDecodeError is one too
        raise MalformedPayload(f"not JSON: {error}") from error
    event = parse_message(payload)
    if _recent_messages(connection, event.sender_id) >= MESSAGES_PER_MINUTE:
        metrics.webchat_refused.labels(Request.MESSAGE, "visitor").inc()
        return _too_many(_("too many messages: wait a minute"))
    stored = store_customer_message(connection, event)
    # None: a retried POST of a message stored the first time; it is answered as the first was.
    message = stored or Message.objects.get(connection=connection, platform_message_id=event.platform_message_id)
    return JsonResponse({"id": message.pk, "status": message.status}, status=201 if stored else 200)


def poll(request: HttpRequest, connection: ChannelConnection) -> HttpResponse:
    visitor = visitor_id(request.GET.get("visitor"))
    after = request.GET.get("after", "0")
    if not re.fullmatch(r"[0-9]{1,18}", after):
        raise MalformedPayload('expected "after" to be a message id')
    feed = read_feed(connection, visitor, int(after), seen=request.GET.get("seen") == "1")
    return JsonResponse(feed, headers={"Cache-Control": "no-store"})


def _refused_origin(request: HttpRequest, connection: ChannelConnection, refusal: RefusedRequest) -> HttpResponse:
    """A 403 the refused page may read (a poll is sent without a preflight), so that the widget tells its
    visitor instead of failing silently; the origin is kept for the connection's admin page. A preflight
    stays unanswered: the refused page's messages are never sent."""
    logger.warning("webchat %s refused: %s", connection.credential("public_key"), refusal)
    origin = request.headers.get("Origin", "")
    if request.method == "OPTIONS" or not origin:
        return HttpResponse("Forbidden", status=403)
    record_refused_origin(connection, origin)
    refusal_body = {"error": "this website is not allowed to use the chat", "refused_origin": origin}
    return with_cors(JsonResponse(refusal_body, status=403), origin)


def _recent_messages(connection: ChannelConnection, visitor: str) -> int:
    return Message.objects.filter(
        connection=connection,
        direction=Message.Direction.INBOUND,
        conversation__contact__platform_user_id=visitor,
        created_at__gte=timezone.now() - timedelta(minutes=1),
    ).count()


def _error(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


def _too_many(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=429, headers={"Retry-After": str(WINDOW_SECONDS)})
