"""Structured logs: every line of a turn names what it is about, and none carries the customer's words."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from conversations.models import Message
from infrastructure.log_context import ContextFilter, JsonFormatter

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER_WORDS = "Do you have the blue teapot my aunt Margarethe liked?"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every record at every level, formatted as the JSON setting formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_of_a_turn_names_the_business_conversation_and_message(business, json_log):
    call_command("chat", business.slug, "--message", CUSTOMER_WORDS, verbosity=2)
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    logged = lines(json_log)
    first = next(index for index, line in enumerate(logged) if line.get("conversation_id") == inbound.conversation_id)
    turn = logged[first:]
    # The turn's task and the handoff it ends with (the fallback reply to a question nothing answers).
    assert {"celery.app.trace", "agents.notifications"} <= {line["logger"] for line in turn}
    for line in turn:
        assert line["business_id"] == business.pk, line
        assert line["conversation_id"] == inbound.conversation_id, line
        assert line["message_id"] in {inbound.pk, inbound.reply.pk}, line


def test_the_customers_words_are_not_logged_unless_asked(business, json_log):
    call_command("chat", business.slug, "--message", CUSTOMER_WORDS, verbosity=2)
    assert "Margarethe" not in json_log.getvalue()


def test_asked_to_log_message_bodies_they_appear_at_debug_only(business, json_log, settings):
    settings.PARLEY_LOG_MESSAGE_BODIES = True
    call_command("chat", business.slug, "--message", CUSTOMER_WORDS, verbosity=2)
    naming = [line for line in lines(json_log) if "Margarethe" in line["message"]]
    assert naming
    assert {line["level"] for line in naming} == {"DEBUG"}
