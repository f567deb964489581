"""Off-topic requests: a polite word that the agent helps only with this business, and no colleague."""

from decimal import Decimal

import pytest
from django.core import mail

from agents.models import AgentRun
from agents.off_topic import is_off_topic
from business.models import Business, CatalogueItem
from conversations.models import Conversation


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Tell me a joke, please"),
        ("en", "Who won the match last night?"),
        ("en", "Should I vote in the election?"),
        ("fr", "Quel temps fera-t-il demain à Paris ?"),
        ("es", "¿Cuál es la capital de Francia?"),
        ("de", "Kannst du mir bei den Mathe-Hausaufgaben helfen?"),
        ("it", "Chi ha vinto la partita ieri sera?"),
        ("pt", "Podes escrever-me um poema sobre o mar?"),
        ("it", "Quanto fa 12 per 7?"),
        ("es", "¿Cómo se dice gracias en japonés?"),
    ],
)
def test_what_people_ask_a_general_assistant_is_off_topic(shop, language, text):
    assert is_off_topic(shop, text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Do you deliver?"),
        ("en", "Are you hiring at the moment?"),
        ("en", "Can I pay with bitcoin?"),
        ("en", "Are you open during the football match?"),
        ("en", "How much is the oat milk if it rains?"),
        ("en", "hey! is the linen shirt back in stock in M?"),
        ("fr", "Je peux payer en bitcoin ?"),
        ("fr", "Je préfère parler à une vraie personne"),
        ("de", "Haben Sie während der WM geöffnet?"),
    ],
)
def test_a_question_about_the_business_is_not_off_topic_whatever_else_it_names(shop, language, text):
    assert not is_off_topic(shop, text, language)


def test_a_subject_the_business_itself_sells_is_not_off_topic_there(shop: Business):
    assert is_off_topic(shop, "Can you recommend a good novel?", "en")
    CatalogueItem.objects.create(
        business=shop, name="Paperback novel", description="A crime novel.", price=Decimal("8.90"), currency="EUR"
    )
    assert not is_off_topic(shop, "Can you recommend a good novel?", "en")


def test_a_sum_is_off_topic_even_where_the_data_counts_times(shop: Business):
    CatalogueItem.objects.create(
        business=shop, name="Baguette", description="Baked four times a day.", price=Decimal("1.30"), currency="EUR"
    )
    assert is_off_topic(shop, "What's 17 times 23?", "en")
    assert not is_off_topic(shop, "Can I book a table for 2 at 8?", "en")


def test_an_off_topic_request_is_declined_in_a_sentence_without_a_colleague(say, shop):
    reply = say("Can you write me a poem about the sea?")
    assert "Corner Shop" in reply.text and "colleague" not in reply.text
    assert AgentRun.objects.get(reply=reply).outcome == AgentRun.Outcome.GUARDED
    assert Conversation.objects.get(pk=reply.conversation_id).status == Conversation.Status.BOT
    assert mail.outbox == []


def test_the_decline_is_in_the_customers_language(say, shop: Business):
    shop.languages = ["en", "fr"]
    shop.save()
    reply = say("Quelle est la capitale de l'Australie ?")
    assert reply.text.startswith("Désolé") and "Corner Shop" in reply.text
