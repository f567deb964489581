"""The contract every platform's webhook keeps, written once and run against each registered platform's harness
(tests/support/platform_contract.py): what is stored, what starts a turn, what is refused, and how."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from conversations.models import ChannelConnection, Contact, Conversation, Message
from tests.support import ROOT
from tests.support.platform_contract import PlatformHarness, harness_for, platforms_customers_reach

PLATFORMS = platforms_customers_reach()


def with_fixtures(names: Callable[[PlatformHarness], tuple[str, ...] | str | None]) -> list[Any]:
    """(platform, fixture) pairs for the platforms whose harness names fixtures of that kind."""
    pairs = []
    for platform in PLATFORMS:
        chosen = names(harness_for(platform))
        for name in (chosen,) if isinstance(chosen, str) and chosen else chosen or ():
            pairs.append(pytest.param(platform, name, id=f"{platform}-{name}"))
    return pairs


@pytest.fixture(params=PLATFORMS)
def harness(request: pytest.FixtureRequest) -> PlatformHarness:
    return harness_for(request.param)


@pytest.fixture
def connection(harness: PlatformHarness, business: Any, fake_platform: Any) -> ChannelConnection:
    return harness.connect(business, fake_platform.url)


@pytest.fixture
def send(client: Any, harness: PlatformHarness, connection: ChannelConnection) -> Callable[[bytes], Any]:
    """Sends a body to the connection as its platform does, authentic."""
    return lambda body: harness.post(client, connection, harness.deliver(connection, body))


@pytest.fixture
def deliver_fixture(client: Any, business: Any, fake_platform: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Delivers a platform's fixture to a new connection as the platform does, checks it is accepted, and gives
    the callbacks run on commit (the turns enqueued)."""

    def deliver(platform: str, name: str) -> list[Callable[[], Any]]:
        harness = harness_for(platform)
        connection = harness.connect(business, fake_platform.url)
        with django_capture_on_commit_callbacks() as callbacks:
            response = harness.post(client, connection, harness.deliver(connection, harness.raw(name)))
        assert response.status_code in harness.accepted_statuses
        return callbacks

    return deliver


def inbound_texts() -> list[str]:
    return [message.text for message in Message.objects.filter(direction=Message.Direction.INBOUND).order_by("id")]


def test_every_platform_customers_reach_has_a_harness_fixtures_and_a_doc_page():
    for platform in PLATFORMS:
        harness = harness_for(platform)
        assert harness.platform == platform
        assert (harness.fixtures / f"{harness.text_message}.json").is_file(), platform
        assert (ROOT / "docs" / "channels" / f"{platform}.md").is_file(), platform


def test_an_authentic_message_is_stored_and_its_turn_enqueued_after_commit(
    harness, send, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = send(harness.raw(harness.text_message))
    assert response.status_code in harness.accepted_statuses
    assert inbound_texts() == harness.texts(harness.text_message)
    assert Message.objects.get().conversation.status == Conversation.Status.BOT
    assert len(callbacks) == 1


def test_a_redelivered_message_is_stored_and_answered_once(harness, send, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = send(harness.raw(harness.text_message))
        again = send(harness.raw(harness.text_message))
    assert {first.status_code, again.status_code} <= set(harness.accepted_statuses)
    assert Message.objects.count() == 1
    assert len(callbacks) == 1


def test_a_forged_delivery_is_refused_and_nothing_stored(client, harness, connection):
    for forgery in harness.forgeries(connection, harness.raw(harness.text_message)):
        response = harness.post(client, connection, forgery)
        assert response.status_code == 403, forgery
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_an_authentic_body_that_will_never_parse_is_answered_as_malformed_and_nothing_stored(harness, send):
    for body in harness.unreadable_bodies:
        assert send(body).status_code == harness.unreadable_status, body
    assert not Message.objects.exists()


@pytest.mark.parametrize("platform, name", with_fixtures(lambda harness: harness.receipts))
def test_receipts_and_echoes_store_nothing_and_enqueue_nothing(deliver_fixture, platform, name):
    callbacks = deliver_fixture(platform, name)
    assert not Message.objects.exists()
    assert callbacks == []


@pytest.mark.parametrize("platform, name", with_fixtures(lambda harness: tuple(harness.answered_kinds)))
def test_media_locations_and_buttons_are_stored_with_their_kind_and_answered(deliver_fixture, platform, name):
    callbacks = deliver_fixture(platform, name)
    assert Message.objects.get().kind == harness_for(platform).answered_kinds[name]
    assert len(callbacks) == 1


@pytest.mark.parametrize("platform, name", with_fixtures(lambda harness: harness.not_answered))
def test_messages_the_agent_does_not_answer_are_stored_for_staff_and_start_no_turn(deliver_fixture, platform, name):
    callbacks = deliver_fixture(platform, name)
    assert Message.objects.count() == 1
    assert callbacks == []


@pytest.mark.parametrize("platform, name", with_fixtures(lambda harness: harness.batched))
def test_a_batched_delivery_stores_every_customers_message(client, business, fake_platform, platform, name):
    harness = harness_for(platform)
    connection = harness.connect(business, fake_platform.url)
    assert harness.post(client, connection, harness.deliver(connection, harness.raw(name))).status_code == 200
    assert inbound_texts() == harness.texts(name)


def our_reply(client: Any, harness: PlatformHarness, connection: ChannelConnection) -> Message:
    """The customer's text message, and our reply to it as sent: the one the harness's status callbacks are about."""
    harness.post(client, connection, harness.deliver(connection, harness.raw(harness.text_message)))
    inbound = Message.objects.get()
    sent_at = harness.our_reply_sent_at
    return Message.objects.create(
        conversation=inbound.conversation,
        connection=connection,
        direction=Message.Direction.OUTBOUND,
        author=Message.Author.AGENT,
        text="Yes.",
        platform_message_id=harness.our_reply_id,
        status=Message.Status.SENT,
        sent_at=None if sent_at is None else datetime.fromtimestamp(sent_at, tz=UTC),
    )


@pytest.mark.parametrize("platform, name", with_fixtures(lambda harness: harness.read_receipt))
def test_receipts_move_our_reply_forward_and_never_back(client, business, fake_platform, platform, name):
    harness = harness_for(platform)
    connection = harness.connect(business, fake_platform.url)
    reply = our_reply(client, harness, connection)
    harness.post(client, connection, harness.deliver(connection, harness.raw(name)))
    reply.refresh_from_db()
    assert reply.status == Message.Status.READ
    if harness.delivered_receipt:
        harness.post(client, connection, harness.deliver(connection, harness.raw(harness.delivered_receipt)))
        reply.refresh_from_db()
        assert reply.status == Message.Status.READ


@pytest.mark.parametrize("platform, name", with_fixtures(lambda harness: (harness.window_closed_status or ("",))[0]))
def test_a_reply_refused_after_the_window_closed_fails_and_hands_the_conversation_to_staff(
    client, business, fake_platform, platform, name
):
    harness = harness_for(platform)
    connection = harness.connect(business, fake_platform.url)
    reply = our_reply(client, harness, connection)
    assert harness.post(client, connection, harness.deliver(connection, harness.raw(name))).status_code == 200
    reply.refresh_from_db()
    assert (reply.status, reply.error_code) == (Message.Status.FAILED, harness.window_closed_status[1])
    assert reply.error_detail
    assert reply.conversation.status == Conversation.Status.NEEDS_HUMAN


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(harness, send, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 1000
    assert send(harness.raw(harness.text_message) + b" " * 1000).status_code == 413
    assert not Message.objects.exists()


def test_an_inactive_connection_is_not_found(harness, connection, send):
    connection.is_active = False
    connection.save()
    assert send(harness.raw(harness.text_message)).status_code == 404
    assert not Message.objects.exists()


def test_a_connection_that_does_not_exist_is_not_found(client, harness, connection):
    delivery = harness.deliver(connection, harness.raw(harness.text_message))
    connection.delete()
    assert harness.post(client, connection, delivery).status_code == 404


def test_a_method_the_platform_never_uses_is_not_allowed(client, harness, connection):
    assert client.generic(harness.refused_method, harness.endpoint(connection)).status_code == 405
