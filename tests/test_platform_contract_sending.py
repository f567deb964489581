"""The sending half of the contract, run against each harness of a platform Parley sends replies to: a reply goes
out once, a refusal for now keeps it for the next attempt, a refusal for good fails it with the platform's code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from channels.registry import PLATFORMS as PLATFORMS_BY_NAME
from conversations import outbox
from conversations.models import ChannelConnection, Conversation, Message
from conversations.sending import TemporarySendError
from tests.fake_platform import FakePlatformServer
from tests.support.platform_contract import (
    PlatformHarness,
    harness_for,
    platforms_customers_reach,
    sends_through_an_api,
)

PLATFORMS = [name for name in platforms_customers_reach() if sends_through_an_api(name)]


def refusals(kind: str) -> list[Any]:
    return [
        pytest.param(platform, case, id=f"{platform}-{case}")
        for platform in PLATFORMS
        for case in getattr(harness_for(platform), kind)()
    ]


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Any:
    server = FakePlatformServer(default=harness_for(request.node.callspec.params["platform"]).api_answer)
    yield server
    server.close()


def pending_reply(client: Any, harness: PlatformHarness, connection: ChannelConnection) -> Message:
    """The agent's reply to the customer's text message, queued in the outbox."""
    harness.post(client, connection, harness.deliver(connection, harness.raw(harness.text_message)))
    inbound = Message.objects.get()
    return outbox.queue_reply(inbound.conversation, "Yes, we do.", author=Message.Author.AGENT, reply_to=inbound)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_reply_is_sent_once_however_often_it_is_delivered(client, business, api, platform):
    harness = harness_for(platform)
    reply = pending_reply(client, harness, harness.connect(business, api.url))
    outbox.deliver(reply.pk)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (Message.Status.SENT, 1) and reply.platform_message_id
    assert [harness.sent_text(request) for request in api.requests] == ["Yes, we do."]


@pytest.mark.parametrize("platform, case", refusals("temporary_refusals"))
def test_a_refusal_for_now_keeps_the_reply_pending_and_the_next_attempt_sends_it(client, business, api, platform, case):
    harness = harness_for(platform)
    refusal = harness.temporary_refusals()[case]
    reply = pending_reply(client, harness, harness.connect(business, api.url))
    api.script(refusal.answer)
    with pytest.raises(TemporarySendError) as raised:
        outbox.deliver(reply.pk)
    assert raised.value.retry_after == refusal.retry_after
    reply.refresh_from_db()
    assert (reply.status, reply.error_code) == (Message.Status.PENDING, refusal.code)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (Message.Status.SENT, 2)
    first, again = api.requests
    assert first.body == again.body


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_api_that_cannot_be_reached_is_a_refusal_for_now(client, business, api, platform):
    harness = harness_for(platform)
    # Nothing listens on port 9.
    reply = pending_reply(client, harness, harness.connect(business, "http://127.0.0.1:9"))
    with pytest.raises(TemporarySendError):
        outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.PENDING


@pytest.mark.parametrize("platform, case", refusals("permanent_refusals"))
def test_a_refusal_for_good_fails_the_reply_with_the_platforms_code_and_is_never_retried(
    client, business, api, platform, case
):
    harness = harness_for(platform)
    refusal = harness.permanent_refusals()[case]
    reply = pending_reply(client, harness, harness.connect(business, api.url))
    api.script(refusal.answer)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error_code) == (Message.Status.FAILED, refusal.code)
    assert refusal.detail in reply.error_detail
    outbox.deliver(reply.pk)
    assert len(api.requests) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_agent_reply_goes_out_only_within_the_platforms_reply_window(client, business, api, platform):
    harness = harness_for(platform)
    window = PLATFORMS_BY_NAME[platform].reply_window
    reply = pending_reply(client, harness, harness.connect(business, api.url))
    wrote_long_ago = timezone.now() - (window or timedelta(days=365)) - timedelta(hours=1)
    Conversation.objects.filter(pk=reply.conversation_id).update(last_inbound_at=wrote_long_ago)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    if window is None:
        assert reply.status == Message.Status.SENT
    else:
        assert (reply.status, reply.error_code) == (Message.Status.FAILED, "window_closed")
        assert api.requests == []
