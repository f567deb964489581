"""Replies with choices, run against each platform Parley sends replies to: the choices reach the customer as the
platform's own buttons (or numbered lines where it has none), and the customer's pick comes back as that choice."""

from __future__ import annotations

from typing import Any

import pytest

from conversations import outbox
from conversations.choices import Choice
from conversations.models import Message
from tests.fake_platform import FakePlatformServer
from tests.support.platform_contract import harness_for, platforms_customers_reach, sends_through_an_api

PLATFORMS = [name for name in platforms_customers_reach() if sends_through_an_api(name)]
CHOICES = [Choice("booking:confirm", "Yes"), Choice("booking:change", "Change the time")]


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Any:
    server = FakePlatformServer(default=harness_for(request.node.callspec.params["platform"]).api_answer)
    yield server
    server.close()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_reply_offers_its_choices_and_the_customers_pick_comes_back_as_that_choice(client, business, api, platform):
    harness = harness_for(platform)
    connection = harness.connect(business, api.url)
    harness.post(client, connection, harness.deliver(connection, harness.raw(harness.text_message)))
    inbound = Message.objects.get()
    reply = outbox.queue_reply(
        inbound.conversation, "A table for 2 at 19:30?", author=Message.Author.AGENT, reply_to=inbound, choices=CHOICES
    )
    outbox.deliver(reply.pk)
    [request] = api.requests
    shown = harness.sent_choices(request)
    if shown is None:
        assert harness.sent_text(request) == "A table for 2 at 19:30?\n\n1. Yes\n2. Change the time"
        payload, title = "", ""
    else:
        assert harness.sent_text(request) == "A table for 2 at 19:30?"
        assert shown == [(choice.id, choice.title) for choice in CHOICES]
        payload, title = shown[1]

    pick = harness.pick(payload, title, number=2)
    assert harness.post(client, connection, harness.deliver(connection, pick)).status_code in harness.accepted_statuses

    picked = Message.objects.filter(direction=Message.Direction.INBOUND).latest("id")
    assert (picked.chosen, picked.text, picked.kind) == ("booking:change", "Change the time", "button")
    assert picked.conversation_id == inbound.conversation_id
