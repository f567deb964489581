"""What each part of a stored delivery costs, timed alone in the bench process, the way the webhook does it
beside the way it did before: the connection's lookup, the rate counter, the store, the turn's publish; and
the parts that had no other way, alone too: the signature, reading the body, the database connection's
check at each request's first query (the storing view pays it too), Django's handling of a request."""

from __future__ import annotations

import io
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from celery import current_app
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection as database
from django.utils import timezone

from channels.connection_cache import active_connection
from channels.messenger.parser import parse_delivery
from channels.meta.signature import sign
from channels.webhooks import read_json
from conversations.events import CustomerMessage
from conversations.inbound import stored_in_one_statement, stored_in_steps, unsaved_message
from conversations.models import ChannelConnection
from conversations.task_queue import ANSWER_MESSAGE
from infrastructure.throttling import count_hit, window_key

from .pauses import collector_paused
from .stack import APP_SECRET, messenger_delivery
from .urls import BARE_PATH

REPEATS = 300
# A message id no turn will ever find: the tasks published here are dropped with the bench's queues.
NO_MESSAGE = 0


@dataclass
class Step:
    name: str
    before: str
    after: str
    before_ms: float
    after_ms: float


@dataclass
class Part:
    name: str
    ms: float


def median_ms(call: Callable[[], object]) -> float:
    call()  # the first call's imports and connections are not what is timed
    seconds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000


def stored_by(store: Callable, connection: ChannelConnection, sender: Callable[[], str]) -> Callable[[], object]:
    def call() -> object:
        event = CustomerMessage(platform_message_id=f"m_step_{uuid.uuid4().hex}", sender_id=sender(), text="Hi")
        assert store(unsaved_message(connection, event), event, timezone.now())
        return event

    return call


def time_steps(connection: ChannelConnection) -> list[Step]:
    key = connection.webhook_key
    counter = f"bench-step:{uuid.uuid4().hex}"
    count_hit(counter, 60)
    task = current_app.tasks[ANSWER_MESSAGE]
    stock = current_app.connection_for_write(transport="redis")
    kept = current_app.connection_for_write()

    def known() -> str:
        return "ingest-0"

    def new() -> str:
        return f"first-step-{uuid.uuid4().hex}"

    with collector_paused():
        return [
            Step(
                "connection",
                "looked up",
                "kept in the process",
                median_ms(lambda: ChannelConnection.objects.get(webhook_key=key, platform="messenger", is_active=True)),
                median_ms(lambda: active_connection("messenger", "webhook_key", key)),
            ),
            Step(
                "rate counter",
                "Django's cache.incr (checks the key, then counts)",
                "one script on a kept client",
                median_ms(lambda: cache.incr(window_key(counter, 60))),
                median_ms(lambda: count_hit(counter, 60)),
            ),
            Step(
                "store, known customer",
                "a transaction of steps",
                "one statement",
                median_ms(stored_by(stored_in_steps, connection, known)),
                median_ms(stored_by(stored_in_one_statement, connection, known)),
            ),
            Step(
                "store, first message",
                "a transaction of steps",
                "one statement",
                median_ms(stored_by(stored_in_steps, connection, new)),
                median_ms(stored_by(stored_in_one_statement, connection, new)),
            ),
            Step(
                "turn published",
                "kombu's Redis transport, a new client each publish",
                "a client kept per channel",
                median_ms(lambda: task.apply_async((NO_MESSAGE,), connection=stock)),
                median_ms(lambda: task.apply_async((NO_MESSAGE,), connection=kept)),
            ),
        ]


def bare_request(body: bytes) -> Callable[[], object]:
    """The bare view served by Django's WSGI handler in this process: the request and response objects, the
    middleware, the URL resolution and the request signals, without gunicorn's sockets."""
    handler = WSGIHandler()

    def call() -> object:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": BARE_PATH, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
        }  # fmt: skip
        response = handler(environ, lambda status, headers: None)
        response.close()
        return response

    return call


def time_parts() -> list[Part]:
    body = messenger_delivery("ingest-0", "Do you deliver?", f"m_part_{uuid.uuid4().hex}")
    with collector_paused():
        return [
            Part("signature (HMAC-SHA256 of the body)", median_ms(lambda: sign(APP_SECRET, body))),
            Part("body read as JSON and parsed into events", median_ms(lambda: parse_delivery(read_json(body)))),
            Part(
                "the database connection's check before a request's first query (SELECT 1, both views)",
                median_ms(database.is_usable),
            ),
            Part("Django's handling of a request, the bare view's, without gunicorn", median_ms(bare_request(body))),
        ]
