"""What widget.js is served with (greeting, AI disclosure, hours, labels in the business's languages, colour and
side), the operator's name on their replies, and the record of a website refused for its origin."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from business.models import Membership
from channels.admin import connection_form_for
from channels.webchat.refusals import last_refused_origin
from channels.webchat.tests.harness import PUBLIC_KEY
from channels.webchat.widget_config import DEFAULT_COLOUR, widget_config
from conversations import outbox
from conversations.models import Message

VISITOR = "0b9f7c1e-3d2a-4f5b-8e6d-1a2b3c4d5e6f"
ENDPOINT = f"/webchat/{PUBLIC_KEY}/messages"
PARIS = ZoneInfo("Europe/Paris")
A_MONDAY_MORNING = datetime(2026, 12, 7, 8, 30, tzinfo=PARIS)
A_SUNDAY = datetime(2026, 12, 6, 11, 0, tzinfo=PARIS)


def served_config(client) -> dict:
    script = client.get(f"/webchat/{PUBLIC_KEY}/widget.js").content.decode()
    return json.loads(script[script.rindex("})(") + 3 : script.rindex(");")])


def test_the_widget_is_served_with_its_sentences_in_each_of_the_business_languages(client, webchat_connection):
    webchat_connection.business.languages = ["fr", "en"]
    webchat_connection.business.save()

    config = served_config(client)

    assert config["languages"] == ["fr", "en"]
    french, english = config["texts"]["fr"], config["texts"]["en"]
    assert english["disclosure"].startswith("You are chatting with an AI assistant.")
    assert french["disclosure"].startswith("Vous discutez avec un assistant IA.")
    assert (english["placeholder"], french["placeholder"]) == ("Write a message…", "Écrivez un message…")
    assert french["failed"] == "Non envoyé — touchez pour réessayer"
    assert french["open"] == "Ouvrir le chat" and french["send"] == "Envoyer"


def test_the_owners_greeting_and_disclosure_replace_the_defaults(webchat_connection):
    webchat_connection.credentials.update(greeting="Bonjour from the corner!", ai_disclosure="Our bot Max, an AI.")

    texts = widget_config(webchat_connection)["texts"]["en"]

    assert (texts["greeting"], texts["disclosure"]) == ("Bonjour from the corner!", "Our bot Max, an AI.")


def test_todays_hours_are_said_in_the_visitors_language(webchat_connection):
    webchat_connection.business.languages = ["fr", "en"]

    monday = widget_config(webchat_connection, now=A_MONDAY_MORNING)["texts"]
    sunday = widget_config(webchat_connection, now=A_SUNDAY)["texts"]

    assert monday["fr"]["availability"] == "Ouvert aujourd'hui 09:00–18:00"
    assert monday["en"]["availability"] == "Open today 9:00 AM–6:00 PM"
    assert sunday["en"]["availability"] == "Closed today, open Monday 9:00 AM–6:00 PM"
    assert sunday["fr"]["availability"] == "Fermé aujourd'hui, ouvert lundi 09:00–18:00"


def test_a_business_without_hours_says_how_soon_it_replies(webchat_connection):
    webchat_connection.business.opening_hours = {}

    texts = widget_config(webchat_connection)["texts"]["en"]

    assert texts["availability"] == "Usually replies within minutes"


def test_the_brand_colour_and_side_are_used_and_a_bad_colour_is_not(webchat_connection):
    webchat_connection.credentials.update(brand_colour="#FACC15", position="left")
    config = widget_config(webchat_connection)
    assert (config["colour"], config["position"]) == ("#FACC15", "left")
    assert config["textColour"] == "#111827"  # dark text on yellow

    # Set with `connect_channel --set`, past the admin's form: it would end up in the widget's style sheet.
    webchat_connection.credentials.update(brand_colour="red; } body { display: none", position="middle")
    config = widget_config(webchat_connection)
    assert (config["colour"], config["position"]) == (DEFAULT_COLOUR, "right")
    assert config["textColour"] == "#ffffff"


@pytest.mark.parametrize(("key", "value"), [("brand_colour", "blue"), ("brand_colour", "#12345"), ("position", "top")])
def test_the_admin_refuses_a_colour_or_side_the_widget_cannot_use(webchat_connection, key, value):
    fields = {
        "business": webchat_connection.business_id,
        "platform": "webchat",
        "name": "Corner Shop website",
        "is_active": "on",
        "credential_allowed_origins": "https://corner-shop.example",
        f"credential_{key}": value,
    }
    form = connection_form_for(webchat_connection)(fields, instance=webchat_connection)
    assert not form.is_valid()
    assert list(form.errors) == [f"credential_{key}"]


def test_a_page_on_a_refused_origin_is_told_so_and_the_owner_sees_it_in_the_admin(client, webchat_connection):
    response = client.get(ENDPOINT, {"visitor": VISITOR, "after": 0}, HTTP_ORIGIN="http://localhost:8000")

    assert response.status_code == 403
    # Readable by the refused page, so that its widget can say why it cannot chat.
    assert response["Access-Control-Allow-Origin"] == "http://localhost:8000"
    assert response.json()["refused_origin"] == "http://localhost:8000"
    refused = last_refused_origin(webchat_connection)
    assert refused is not None and refused.origin == "http://localhost:8000"
    assert not Message.objects.exists()


def test_the_connections_admin_page_shows_the_last_refused_origin(admin_client, client, webchat_connection):
    change = reverse("admin:conversations_channelconnection_change", args=[webchat_connection.pk])
    assert "Last website refused" not in admin_client.get(change).content.decode()

    client.get(ENDPOINT, {"visitor": VISITOR, "after": 0}, HTTP_ORIGIN="https://corner-shop.example.evil.example")
    page = admin_client.get(change).content.decode()

    assert "Last website refused: https://corner-shop.example.evil.example on " in page
    assert "(Europe/Paris)" in page


def test_a_preflight_from_a_refused_origin_is_refused_and_not_recorded(client, webchat_connection):
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type"}
    response = client.options(ENDPOINT, HTTP_ORIGIN="https://evil.example", **preflight)
    assert response.status_code == 403 and "Access-Control-Allow-Origin" not in response
    assert last_refused_origin(webchat_connection) is None


def test_an_operators_reply_from_the_console_reaches_the_widget_with_their_first_name(
    client, webchat_connection, django_user_model
):
    client.post(
        ENDPOINT,
        {"visitor_id": VISITOR, "client_message_id": "5f0c2a8e-9b7d-4c3e-a1f2-6d5e4c3b2a19", "text": "Hello?"},
        content_type="application/json",
        HTTP_ORIGIN="https://corner-shop.example",
    )
    conversation = Message.objects.get().conversation
    camille = django_user_model.objects.create_user("camille", first_name="Camille", last_name="Roux", is_staff=True)
    Membership.objects.create(user=camille, business=webchat_connection.business)
    client.force_login(camille)
    client.post(reverse("console:reply", args=["corner-shop", conversation.pk]), {"text": "Hi, Camille here."})
    outbox.deliver(Message.objects.get(author=Message.Author.OPERATOR).pk)

    feed = client.get(ENDPOINT, {"visitor": VISITOR, "after": 0}, HTTP_ORIGIN="https://corner-shop.example").json()

    assert [(m["from"], m["name"], m["text"]) for m in feed["messages"]] == [
        ("visitor", "", "Hello?"),
        ("operator", "Camille", "Hi, Camille here."),
    ]


def test_a_holiday_today_says_when_the_business_opens_next(webchat_connection):
    webchat_connection.business.special_days.create(date=A_MONDAY_MORNING.date(), label="Christmas")

    texts = widget_config(webchat_connection, now=A_MONDAY_MORNING)["texts"]["en"]

    assert texts["availability"] == "Closed today, open Saturday 10:00 AM–1:00 PM"
