"""Whole turns with the real model in the customer's language: its fixed sentences, days and prices."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from agents.customer_language import turn_language
from agents.models import AgentConfig, AgentRun
from business.models import CatalogueItem
from conversations.events import Attachment, CustomerMessage, Kind
from conversations.inbound import store_customer_message
from conversations.models import Conversation, Message

from .conftest import _message_ids


@pytest.fixture
def multilingual(shop):
    shop.languages = ["en", "fr", "es", "de"]
    shop.save()
    return shop


def run_of(reply: Message) -> AgentRun:
    return AgentRun.objects.get(reply=reply)


def test_a_french_question_gets_a_french_answer(multilingual, say):
    reply = say("Êtes-vous ouverts samedi ?")
    assert reply.text.startswith("Le samedi, nous sommes ouverts 10:00–13:00.")
    assert run_of(reply).language == "fr"


def test_a_spanish_question_gets_a_spanish_answer(multilingual, say):
    assert say("¿A qué hora abren el sábado?").text.startswith("El sábado abrimos 10:00–13:00.")


def test_a_german_question_gets_a_german_answer(multilingual, say):
    assert say("Wann öffnen Sie am Samstag?").text.startswith("Am Samstag haben wir 10:00–13:00 geöffnet.")


def test_a_french_price_is_written_the_french_way(multilingual, say):
    CatalogueItem.objects.create(business=multilingual, name="Pain au levain", price=Decimal("5.20"), currency="EUR")
    assert say("Combien coûte le pain au levain ?").text == "Pain au levain : 5,20 €, en stock."


def test_greetings_are_answered_in_the_customers_language(multilingual, say_as, console_contact, say):
    assert say("Bonjour").text == "Bonjour ! Comment puis-je vous aider ?"
    assert say("Hola").text == "¡Hola! ¿En qué puedo ayudarle hoy?"
    assert say("Guten Tag").text == "Hallo! Wie kann ich Ihnen heute helfen?"


def test_a_question_nobody_can_answer_gets_the_fallback_in_spanish(
    multilingual, say, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = say("¿Pueden arreglar mi bicicleta eléctrica?")
    assert reply.text == "No sé la respuesta, lo siento. Voy a pedir a un compañero que le ayude."
    assert Conversation.objects.get(pk=reply.conversation_id).status == Conversation.Status.NEEDS_HUMAN


def test_asking_for_a_person_in_german_hands_over_in_german(multilingual, say):
    # While the shop is open (Monday 9:00-18:00 in Paris): closed, the reply says when staff are back.
    with time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=True):
        reply = say("Ich möchte bitte mit einem Menschen sprechen")
    assert reply.text == "Ich habe einen Kollegen gebeten, zu übernehmen; er antwortet Ihnen hier in Kürze."
    assert run_of(reply).outcome == AgentRun.Outcome.HANDOFF


def test_a_short_ok_after_french_messages_is_french(multilingual, say):
    say("Bonjour, vous êtes ouverts samedi ?")
    reply = say("ok")
    assert run_of(reply).language == "fr" and run_of(reply).outcome == AgentRun.Outcome.ACKNOWLEDGED


def test_merci_is_french_even_as_a_first_message(multilingual, say):
    reply = say("merci")
    assert reply.text == "Avec plaisir ! Puis-je vous aider pour autre chose ?"


def test_a_business_that_does_not_serve_german_answers_in_its_main_language(shop, say):
    shop.languages = ["en", "fr"]
    shop.save()
    reply = say("Wann öffnen Sie am Samstag?")
    assert reply.text.startswith("On Saturday we are open 10:00 AM–1:00 PM.")
    assert run_of(reply).language == "de"


def test_a_business_whose_main_language_is_french_answers_an_unserved_language_in_french(shop):
    shop.languages = ["fr", "en"]
    assert turn_language(shop, "Wann öffnen Sie am Samstag?").reply == "fr"
    assert turn_language(shop, "When do you open on Saturday?").reply == "en"


def test_a_product_name_does_not_decide_the_language(multilingual):
    CatalogueItem.objects.create(business=multilingual, name="Pain au chocolat", price=Decimal("1.60"), currency="EUR")
    assert turn_language(multilingual, "Und Pain au chocolat?", "de").customer == "de"
    assert turn_language(multilingual, "Olive oil?", "es").customer == "es"
    assert turn_language(multilingual, "and the pain au chocolat?", "fr").customer == "en"


def send(contact, text: str = "", *attachments: Attachment) -> Message | None:
    """A customer's message with attachments, stored as the webhook would and answered."""
    from agents.turns import answer_inbound_message

    event = CustomerMessage(
        platform_message_id=f"console-{next(_message_ids)}",
        sender_id=contact.platform_user_id,
        text=text,
        kind=Kind.MEDIA if attachments else Kind.TEXT,
        attachments=attachments,
    )
    inbound = store_customer_message(contact.connection, event)
    answer_inbound_message(inbound.pk, settle=False)
    return Message.objects.filter(reply_to=inbound).first()


@pytest.mark.parametrize(
    ("text", "attachments", "acknowledgement"),
    [
        ("thanks!", (), "You're welcome! Anything else I can help with?"),
        ("👍", (), "👍"),
        ("", (Attachment("sticker"),), "👍"),
        ("", (Attachment("story_mention", url="https://example.com/story"),), "👍"),
    ],
)
def test_what_asks_nothing_is_acknowledged_without_a_colleague(
    shop, console_contact, django_capture_on_commit_callbacks, text, attachments, acknowledgement
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = send(console_contact, text, *attachments)
    assert reply.text == acknowledgement
    assert run_of(reply).outcome == AgentRun.Outcome.ACKNOWLEDGED
    assert Conversation.objects.get(pk=reply.conversation_id).status == Conversation.Status.BOT
    assert mail.outbox == []


def test_a_business_can_leave_acknowledgements_unanswered(shop, console_contact):
    AgentConfig.objects.filter(business=shop).update(acknowledgements=AgentConfig.Acknowledgements.SILENT)
    assert send(console_contact, "ok 👍") is None
    run = AgentRun.objects.get(conversation__contact=console_contact)
    assert run.outcome == AgentRun.Outcome.ACKNOWLEDGED and run.reply is None


def test_a_photo_sent_with_a_question_is_still_answered(shop, console_contact):
    reply = send(console_contact, "How much is the oat milk?", Attachment("image", caption="this one"))
    assert "€2.10" in reply.text
