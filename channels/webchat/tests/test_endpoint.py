import json
from io import StringIO

import pytest
from django.core.management import call_command

from channels.webchat.tests.harness import PUBLIC_KEY, SHOP_ORIGIN
from channels.webchat.views import MAX_BODY_BYTES, MESSAGES_PER_MINUTE
from conversations import outbox
from conversations.choices import Choice
from conversations.models import ChannelConnection, Contact, Conversation, Message
from tests.support import load_fixture

VISITOR = "0b9f7c1e-3d2a-4f5b-8e6d-1a2b3c4d5e6f"
ENDPOINT = f"/webchat/{PUBLIC_KEY}/messages"


def body(name: str) -> str:
    return json.dumps(load_fixture(__file__, name))


@pytest.fixture
def post(client):
    def post(data: str | bytes, origin: str | None = SHOP_ORIGIN, path: str = ENDPOINT):
        headers = {"HTTP_ORIGIN": origin} if origin is not None else {}
        return client.post(path, data=data, content_type="application/json", **headers)

    return post


@pytest.fixture
def poll(client):
    def poll(after: int = 0, visitor: str = VISITOR, **extra: str):
        return client.get(ENDPOINT, {"visitor": visitor, "after": after, **extra}, HTTP_ORIGIN=SHOP_ORIGIN)

    return poll


def reply_to_last_message(text: str, send: bool = True) -> Message:
    """The reply as the agent's turn leaves it, then delivered through the outbox to the web chat sender."""
    inbound = Message.objects.filter(direction=Message.Direction.INBOUND).last()
    reply = outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, reply_to=inbound)
    if send:
        outbox.deliver(reply.pk)
    reply.refresh_from_db()
    return reply


def test_the_widget_script_is_served_with_the_connections_settings(client, webchat_connection):
    response = client.get(f"/webchat/{PUBLIC_KEY}/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    script = response.content.decode()
    assert '"key": "pk_cornershop_7Hq2xY9w"' in script and '"title": "Corner Shop website"' in script
    assert "__PARLEY_WEBCHAT_CONFIG__" not in script


def test_the_snippet_printed_by_connect_channel_loads_the_widget(client, business):
    output = StringIO()
    call_command("connect_channel", business.slug, "webchat", "--set", f"allowed_origins={SHOP_ORIGIN}", stdout=output)
    connection = ChannelConnection.objects.get(platform="webchat")
    key = connection.credential("public_key")
    assert len(key) >= 24
    snippet = output.getvalue().splitlines()[-1]
    assert snippet == f'<script src="http://localhost:8000/webchat/{key}/widget.js" async></script>'
    assert client.get(f"/webchat/{key}/widget.js").status_code == 200
    call_command("connect_channel", business.slug, "webchat", stdout=StringIO())
    connection.refresh_from_db()
    assert connection.credential("public_key") == key


def test_an_accepted_message_is_answered_with_its_id_and_the_cors_headers(post, webchat_connection):
    response = post(body("visitor_message"))
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == SHOP_ORIGIN
    assert "Origin" in response["Vary"]
    [message] = Message.objects.all()
    assert response.json() == {"id": message.pk, "status": "received"}
    assert message.text == "Hi! Are you open on Saturday?"
    assert message.metadata == {"page_url": "https://corner-shop.example/contact"}
    assert message.conversation.contact.platform_user_id == VISITOR


def test_a_retried_post_is_answered_with_the_message_the_first_one_created(post, webchat_connection):
    first = post(body("visitor_message"))
    again = post(body("visitor_message"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()


def test_another_visitor_reusing_a_client_id_does_not_lose_their_message(post, webchat_connection):
    assert post(body("visitor_message")).status_code == 201
    assert post(body("another_visitor_same_client_id")).status_code == 201
    assert Contact.objects.count() == 2 and Message.objects.count() == 2


@pytest.mark.parametrize("path", [f"/webchat/pk_nobody_has_this_key/{name}" for name in ("messages", "widget.js")])
def test_an_unknown_public_key_is_not_found(post, client, webchat_connection, path):
    response = post(body("visitor_message"), path=path) if path.endswith("messages") else client.get(path)
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_a_key_of_another_platform_is_not_found(post, webchat_connection, messenger_connection):
    response = post(body("visitor_message"), path=f"/webchat/{messenger_connection.webhook_key}/messages")
    assert response.status_code == 404


def test_allowed_origins_are_compared_without_case_or_trailing_slash(post, webchat_connection):
    response = post(body("visitor_message"), origin="HTTPS://WWW.Corner-Shop.example/")
    assert response.status_code == 201


def test_with_no_allowed_origins_any_website_may_embed_the_widget(post, webchat_connection):
    webchat_connection.credentials["allowed_origins"] = ""
    webchat_connection.save()
    response = post(body("visitor_message"), origin="https://anywhere.example")
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://anywhere.example"


def test_the_browsers_preflight_is_answered_for_an_allowed_origin_only(client, webchat_connection):
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type"}
    allowed = client.options(ENDPOINT, HTTP_ORIGIN=SHOP_ORIGIN, **preflight)
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == SHOP_ORIGIN
    assert allowed["Access-Control-Allow-Methods"] == "GET, POST"
    assert allowed["Access-Control-Allow-Headers"] == "Content-Type"
    assert client.options(ENDPOINT, HTTP_ORIGIN="https://evil.example", **preflight).status_code == 403


def test_a_bad_request_carries_the_cors_headers_so_the_widget_can_read_its_error(post, webchat_connection):
    response = post(b"{not json")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == SHOP_ORIGIN
    assert "error" in response.json()
    assert not Message.objects.exists()


MALFORMED = ["text_not_a_string", "visitor_id_not_a_uuid", "blank_text", "missing_client_message_id"]


@pytest.mark.parametrize("name", MALFORMED)
def test_a_message_with_a_wrong_field_is_a_bad_request(post, webchat_connection, name):
    assert post(body(name)).status_code == 400
    assert not Message.objects.exists()


def test_an_oversized_body_is_refused(post, webchat_connection):
    payload = {**load_fixture(__file__, "visitor_message"), "text": "x" * MAX_BODY_BYTES}
    response = post(json.dumps(payload))
    assert response.status_code == 413
    assert not Message.objects.exists()


@pytest.mark.usefixtures("fresh_throttle_window")
def test_a_visitor_writing_too_fast_is_asked_to_wait(post, webchat_connection):
    fixture = load_fixture(__file__, "visitor_message")
    for number in range(MESSAGES_PER_MINUTE):
        client_id = f"5f0c2a8e-9b7d-4c3e-a1f2-{number:012d}"
        assert post(json.dumps({**fixture, "client_message_id": client_id})).status_code == 201
    response = post(json.dumps({**fixture, "client_message_id": "5f0c2a8e-9b7d-4c3e-a1f2-999999999999"}))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert Message.objects.count() == MESSAGES_PER_MINUTE


def test_the_poll_returns_the_reply_and_marks_it_delivered(post, poll, webchat_connection):
    posted = post(body("visitor_message")).json()
    reply = reply_to_last_message("Yes, from 10:00 to 13:00.")
    assert reply.status == Message.Status.SENT and reply.platform_message_id.startswith("webchat-")

    feed = poll().json()
    assert [(m["from"], m["text"], m["status"]) for m in feed["messages"]] == [
        ("visitor", "Hi! Are you open on Saturday?", "received"),
        ("agent", "Yes, from 10:00 to 13:00.", "delivered"),
    ]
    assert feed["messages"][0]["id"] == posted["id"]
    assert feed["messages"][0]["client_message_id"] == "5f0c2a8e-9b7d-4c3e-a1f2-6d5e4c3b2a19"
    assert feed["cursor"] == reply.pk and feed["typing"] is False
    reply.refresh_from_db()
    assert reply.status == Message.Status.DELIVERED
    assert poll(after=feed["cursor"]).json()["messages"] == []


def test_a_poll_with_the_panel_in_view_marks_the_reply_read(post, poll, webchat_connection):
    post(body("visitor_message"))
    reply = reply_to_last_message("Yes, from 10:00 to 13:00.")
    [_, shown] = poll(seen="1").json()["messages"]
    assert shown["status"] == "read"
    reply.refresh_from_db()
    assert reply.status == Message.Status.READ


def test_the_agent_is_shown_writing_until_its_reply_is_sent(post, poll, webchat_connection):
    post(body("visitor_message"))
    assert poll().json()["typing"] is True
    reply = reply_to_last_message("Yes.", send=False)
    waiting = poll().json()
    assert waiting["typing"] is True
    assert [m["from"] for m in waiting["messages"]] == ["visitor"]
    outbox.deliver(reply.pk)
    assert poll().json()["typing"] is False


def test_the_cursor_stops_before_a_reply_still_being_sent(post, poll, webchat_connection):
    first = post(body("visitor_message")).json()
    reply = reply_to_last_message("Yes.", send=False)
    later = post(body("visitor_message_without_page")).json()
    feed = poll().json()
    assert [m["id"] for m in feed["messages"]] == [first["id"], later["id"]]
    assert feed["cursor"] == first["id"]
    outbox.deliver(reply.pk)
    assert [m["id"] for m in poll(after=feed["cursor"]).json()["messages"]] == [reply.pk, later["id"]]


def test_no_typing_is_shown_once_staff_took_the_conversation(post, poll, webchat_connection):
    post(body("visitor_message"))
    Conversation.objects.update(status=Conversation.Status.HUMAN)
    assert poll().json()["typing"] is False


def test_a_visitor_sees_only_their_own_conversation(post, poll, webchat_connection):
    post(body("another_visitor_same_client_id"))
    reply_to_last_message("We deliver on weekdays.")
    assert poll().json() == {"messages": [], "cursor": 0, "typing": False}


@pytest.mark.parametrize("query", [{"visitor": "visitor-42"}, {"after": "-1"}, {"after": "²"}, {"after": "9" * 30}])
def test_a_poll_with_a_bad_visitor_or_cursor_is_a_bad_request(client, webchat_connection, query):
    params = {"visitor": VISITOR, "after": "0", **query}
    assert client.get(ENDPOINT, params, HTTP_ORIGIN=SHOP_ORIGIN).status_code == 400


def test_a_poll_from_another_website_is_refused(client, webchat_connection):
    response = client.get(ENDPOINT, {"visitor": VISITOR, "after": 0}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403


def test_a_visitor_posting_a_choice_never_offered_to_them_picks_nothing(post, webchat_connection):
    # The id of a choice another feature acts on (a reminder's "Cancel"), posted by hand.
    message = {**load_fixture(__file__, "visitor_message"), "text": "Cancel", "choice_id": "reminder:cancel:1"}
    assert post(json.dumps(message)).status_code == 201
    stored = Message.objects.get()
    assert (stored.chosen, stored.text, stored.kind) == ("", "Cancel", "button")


def test_a_choice_id_that_is_not_a_string_is_refused(post, webchat_connection):
    message = {**load_fixture(__file__, "visitor_message"), "choice_id": ["booking:confirm"]}
    assert post(json.dumps(message)).status_code == 400
    assert not Message.objects.exists()


def test_the_poll_serves_a_replys_choices_and_its_formatting_as_spans(post, poll, webchat_connection):
    post(body("visitor_message"))
    inbound = Message.objects.get()
    choices = [Choice("booking:confirm", "Yes")]
    reply = outbox.queue_reply(inbound.conversation, "**Saturday** 9-18", author=Message.Author.AGENT, choices=choices)
    outbox.deliver(reply.pk)
    served = poll().json()["messages"][-1]
    assert served["choices"] == [{"id": "booking:confirm", "title": "Yes"}]
    assert served["spans"] == [
        {"text": "Saturday", "bold": True, "italic": False, "code": False, "link": ""},
        {"text": " 9-18", "bold": False, "italic": False, "code": False, "link": ""},
    ]
