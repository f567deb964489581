"""The work every platform's webhook shares, in one decorator (as Zulip does for its integrations).

It finds the connection named in the URL, refuses oversized bodies before anything parses them,
answers 429 to a connection over its rate limit, exempts the view from CSRF (the platform
authenticates itself, checked by the view), and turns every failure into the answer the platform
expects: 403 for a request that is not the platform's, 400 for an authentic but unreadable body,
and 503 when we could not store what arrived (the database unavailable, or the connection's secrets
undecryptable with the configured keys), so that the platform delivers it again instead of it being
lost. A 500 never leaves here.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from conversations.events import MalformedPayload, RefusedRequest
from conversations.models import ChannelConnection
from infrastructure import metrics
from infrastructure.encrypted_fields import UndecryptableSecret
from infrastructure.log_context import bind as bind_log_ids

from .connection_cache import active_connection
from .rate_limit import WINDOW_SECONDS, over_rate_limit

logger = logging.getLogger(__name__)

ConnectionView = Callable[[HttpRequest, ChannelConnection], HttpResponse]
# Platforms' deliveries nest about 10 levels deep; 64 leaves them room and stays far from Python's recursion limit.
MAX_JSON_DEPTH = 64


def read_json(body: bytes) -> Any:
    """A webhook's JSON body; ValueError when it is not JSON as RFC 8259 defines it. Python's
    parser also takes NaN and Infinity, and reads 1e999 as infinity, which PostgreSQL's jsonb refuses:
    such a body, stored, failed as a database error, and the platform was asked to send it again and again.

    A body nested deeper than MAX_JSON_DEPTH is refused too: past about 1,000 levels the parser
    raises RecursionError, and a few hundred were enough to make the parsers, the log and the
    jsonb encoder, which walk what they are given recursively, raise it after reading."""
    try:
        value = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError as error:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels") from error
    if nesting_depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def nesting_depth(value: Any) -> int:
    """How many arrays and objects deep `value` goes, counted a level at a time rather than recursively."""
    depth, level = 0, [value]
    while containers := [item for item in level if isinstance(item, dict | list)]:
        depth += 1
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return depth


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is beyond any number JSON's readers share")
    return number


def try_again_later() -> HttpResponse:
    return HttpResponse("Temporarily unavailable", status=503, headers={"Retry-After": "30"})


def webhook_view(
    platform: str, methods: tuple[str, ...] = ("POST",), lookup: str = "webhook_key", per_connection_limit: bool = True
) -> Callable[[ConnectionView], Callable]:
    """`lookup` is the connection field the URL's key is matched against (the web chat's public key);
    `per_connection_limit` False leaves rate limiting to the view (the web chat's, per client address)."""

    def decorator(view: ConnectionView) -> Callable[[HttpRequest, UUID | str], HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, key: UUID | str) -> HttpResponse:
            response = respond(request, key)
            if request.method == "POST":
                metrics.record_webhook(platform, response.status_code)
            return response

        def respond(request: HttpRequest, key: UUID | str) -> HttpResponse:
            if request.method not in methods:
                return HttpResponse(status=405, headers={"Allow": ", ".join(methods)})
            if _declared_length(request) > settings.WEBHOOK_MAX_BODY_BYTES:
                logger.warning("%s webhook %s: body of %s bytes refused", platform, key, _declared_length(request))
                return HttpResponse("Request body too large", status=413)
            connection = _find_connection(platform, lookup, key)
            if isinstance(connection, HttpResponse):
                return connection
            bind_log_ids(business_id=connection.business_id)
            if per_connection_limit and over_rate_limit(connection):
                logger.warning("%s webhook %s: over the rate limit, asked to deliver later", platform, key)
                return HttpResponse("Too many requests", status=429, headers={"Retry-After": str(WINDOW_SECONDS)})
            return _answer(view, request, connection, platform, key)

        # The only views exempt from CSRF: tests check that no other view is (tests/test_security.py).
        wrapped.is_platform_webhook = True  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _find_connection(platform: str, lookup: str, key: UUID | str) -> ChannelConnection | HttpResponse:
    """The active connection the URL's key names, or the answer to give when there is none to be had."""
    try:
        return active_connection(platform, lookup, key)
    except ChannelConnection.DoesNotExist:
        # Both keys are unique in the database (the web chat's public key by a constraint).
        return HttpResponse("Unknown webhook", status=404)
    except DatabaseError:
        logger.exception("%s webhook %s: database unavailable", platform, key)
        return try_again_later()
    except UndecryptableSecret as error:
        return _undecryptable(platform, key, error)


def _answer(
    view: ConnectionView, request: HttpRequest, connection: ChannelConnection, platform: str, key: UUID | str
) -> HttpResponse:
    """The view's answer, or the one the platform expects for each way the view can fail."""
    try:
        return view(request, connection)
    except RequestDataTooBig:
        logger.warning("%s webhook %s: body over the size limit refused", platform, key)
        return HttpResponse("Request body too large", status=413)
    except SuspiciousOperation as problem:
        # More form or query fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): no platform's request.
        logger.warning("%s webhook %s: request refused: %s", platform, key, problem)
        return HttpResponse("Malformed request", status=400)
    except RefusedRequest as refusal:
        logger.warning("%s webhook %s refused: %s", platform, key, refusal)
        return HttpResponse("Forbidden", status=403)
    except MalformedPayload as problem:
        logger.warning("%s webhook %s: malformed payload: %s", platform, key, problem)
        return HttpResponse(f"Malformed payload: {problem}", status=400)
    except DatabaseError:
        logger.exception("%s webhook %s: database unavailable, asking the platform to redeliver", platform, key)
        return try_again_later()
    except UndecryptableSecret as error:
        return _undecryptable(platform, key, error)
    except Exception:
        logger.exception("%s webhook %s: unexpected error, asking the platform to redeliver", platform, key)
        return try_again_later()


def _undecryptable(platform: str, key: UUID | str, error: UndecryptableSecret) -> HttpResponse:
    # The server's keys changed, not the request: the platform delivers it again once the keys are put back.
    logger.error("%s webhook %s: asking the platform to redeliver: %s", platform, key, error)
    return try_again_later()


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return 0
