"""Stickers and story mentions close an exchange rather than ask: on every platform that sends them, they are stored
and acknowledged by the agent's real turn, never answered with the fallback or handed to staff. Reactions are
stored and start no turn at all."""

from __future__ import annotations

import pytest

from agents.agent_loop import FALLBACK_REPLY
from agents.models import AgentRun
from agents.turns import answer_inbound_message
from conversations.models import Conversation, Message
from tests.support.platform_contract import harness_for

ASKING_NOTHING = [
    ("whatsapp", "sticker"),
    ("messenger", "sticker"),
    ("telegram", "sticker"),
    ("instagram", "story_mention"),
]
REACTIONS = [
    ("whatsapp", "reaction"),
    ("whatsapp", "reaction_removed"),
    ("messenger", "reaction"),
    ("instagram", "reaction"),
    ("telegram", "message_reaction"),
]


def deliver(client, business, fake_platform, platform: str, name: str) -> Message:
    harness = harness_for(platform)
    connection = harness.connect(business, fake_platform.url)
    response = harness.post(client, connection, harness.deliver(connection, harness.raw(name)))
    assert response.status_code in harness.accepted_statuses
    return Message.objects.get(direction=Message.Direction.INBOUND)


@pytest.mark.parametrize("platform, name", ASKING_NOTHING)
def test_a_sticker_or_story_mention_is_acknowledged_never_answered_with_the_fallback(
    client, business, fake_platform, platform, name
):
    message = deliver(client, business, fake_platform, platform, name)
    answer_inbound_message(message.pk, settle=False)
    run = AgentRun.objects.get(inbound_message=message)
    assert run.outcome == AgentRun.Outcome.ACKNOWLEDGED
    assert run.reply is None or run.reply.text != str(FALLBACK_REPLY)
    assert Conversation.objects.get().status == Conversation.Status.BOT


@pytest.mark.parametrize("platform, name", REACTIONS)
def test_a_reaction_is_stored_for_staff_and_starts_no_turn(
    client, business, fake_platform, platform, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        message = deliver(client, business, fake_platform, platform, name)
    assert message.kind == "reaction" and message.text.startswith("[customer ")
    assert callbacks == []
