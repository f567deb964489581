"""Whole turns with the real model on the labelled businesses: answers to what was asked, orders, follow-ups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from agents.models import AgentConfig, AgentRun, ConversationSubject
from business.models import Business, Customer, Order
from business.tests import retrieval_set
from conversations.models import ChannelConnection, Contact, Conversation, Message
from tests.support import TEST_REPLY_TOKENS, written_for_the_module


@pytest.fixture(scope="module")
def labelled_ids(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The set written once for the module: a few seconds a test when written for each."""

    def write() -> dict[str, int]:
        businesses, _ = retrieval_set.load()
        for business in businesses.values():
            AgentConfig.objects.create(
                business=business, max_reply_tokens=TEST_REPLY_TOKENS, temperature=0.0, burst_settle_seconds=0.2
            )
        return {slug: business.pk for slug, business in businesses.items()}

    yield from written_for_the_module(django_db_blocker, write)


@pytest.fixture
def labelled(db: None, labelled_ids: dict[str, int]) -> dict[str, Business]:
    """The set's businesses, read afresh: no test sees another's changes to them."""
    return {slug: Business.objects.get(pk=pk) for slug, pk in labelled_ids.items()}


def customer_of(business: Business) -> Contact:
    connection = ChannelConnection.objects.create(business=business, platform="console", name="Terminal")
    customer = Customer.objects.get(business=business, reference="alex")
    return Contact.objects.create(
        connection=connection, platform_user_id=f"alex-{business.slug}", display_name="Alex", customer=customer
    )


@pytest.fixture
def ask_bike_shop(labelled, say_as) -> Callable[[str], Message]:
    contact = customer_of(labelled["quay-cycles"])
    return lambda text: say_as(contact, text)


@pytest.fixture
def ask_salon(labelled, say_as) -> Callable[[str], Message]:
    contact = customer_of(labelled["salon-elodie"])
    return lambda text: say_as(contact, text)


def searched(reply: Message) -> str:
    """What the turn's search found, as the model read it."""
    trace = AgentRun.objects.get(reply=reply).trace
    return "\n".join(step["result"] for step in trace if step["type"] == "tool" and step["found"])


def test_where_is_the_shop_gets_the_address(ask_bike_shop):
    reply = ask_bike_shop("Where is the shop?")
    assert "12 Quay Street, Bristol BS1 4DJ" in reply.text and "parking" not in reply.text.lower()


@pytest.mark.parametrize(
    "question", ["Do you have electric bikes?", "Are you open on bank holidays?", "Do you rent bikes for the weekend?"]
)
def test_a_question_nothing_answers_gets_the_honest_fallback_and_a_colleague(ask_bike_shop, question):
    reply = ask_bike_shop(question)
    assert AgentRun.objects.get(reply=reply).outcome == AgentRun.Outcome.FALLBACK
    assert Conversation.objects.get(pk=reply.conversation_id).status == Conversation.Status.NEEDS_HUMAN


def test_a_price_question_gets_the_sentence_with_the_price_only(ask_bike_shop):
    reply = ask_bike_shop("How much is a standard service?")
    assert "£65" in reply.text and "2 working days" not in reply.text and not reply.text.startswith("Yes.")


def test_a_compound_question_gets_each_part_and_spends_no_model_on_a_draft_never_kept(ask_bike_shop):
    reply = ask_bike_shop("How much is a standard service and how long does it take?")
    assert "£65" in reply.text and "one working day" in reply.text
    trace = AgentRun.objects.get(reply=reply).trace
    assert {"type": "draft", "skipped": "several parts"} in trace
    assert not any(step["type"] == "model" for step in trace)


def test_a_question_about_a_products_features_is_answered_from_its_description(ask_bike_shop):
    reply = ask_bike_shop("is the road pro carbon?")
    assert "carbon frame" in searched(reply) and "carbon" in reply.text.lower()


def test_a_typo_finds_the_product(ask_bike_shop):
    reply = ask_bike_shop("how much is a helmt")
    assert "£45.00" in reply.text


def test_and_is_it_in_stock_answers_for_the_product_just_discussed(ask_bike_shop):
    assert "£499.00" in ask_bike_shop("How much is the Quay City 7?").text
    reply = ask_bike_shop("and is it in stock?")
    assert searched(reply).startswith("Quay City 7: Quay City 7: £499.00, in stock.")
    assert "£499.00" in reply.text


def test_how_much_after_do_you_sell_helmets_gives_the_helmets_price(ask_bike_shop):
    ask_bike_shop("Do you sell helmets?")
    assert "£45.00" in ask_bike_shop("how much?").text


def test_what_about_saturday_after_friday_gives_saturdays_hours(ask_bike_shop):
    assert "On Friday we are open" in ask_bike_shop("Are you open on Friday?").text
    reply = ask_bike_shop("what about Saturday?")
    assert "On Saturday we are open 9:00 AM–4:00 PM." in reply.text


def test_et_le_samedi_after_vendredi_gives_saturdays_hours_on_a_french_business(ask_salon):
    assert "vendredi" in ask_salon("Êtes-vous ouverts le vendredi ?").text
    reply = ask_salon("et le samedi ?")
    assert "samedi" in reply.text and "09:00–17:00" in reply.text


def test_the_subject_of_the_conversation_is_kept_in_the_database(ask_bike_shop):
    reply = ask_bike_shop("Do you sell helmets?")
    subject = ConversationSubject.objects.get(conversation=reply.conversation)
    assert (subject.source, subject.label, subject.asks) == ("item", "Commuter helmet", "sell")


def test_and_the_other_product_asks_what_the_question_before_asked(ask_bike_shop):
    ask_bike_shop("How much is the D-lock?")
    reply = ask_bike_shop("and the repair kit?")
    subject = ConversationSubject.objects.get(conversation=reply.conversation)
    assert (subject.label, subject.asks) == ("Puncture repair kit", "much")
    assert "£6.50" in reply.text


@pytest.mark.parametrize("written", ["HB1042", "hb 1042", "HB-1042", "#hb-1042"])
def test_an_order_reference_matches_without_its_punctuation_and_case(ask_bike_shop, written):
    reply = ask_bike_shop(f"my order is {written}")
    assert "HB-1042" in reply.text and "ready for collection" in reply.text


@pytest.mark.parametrize("question", ["When can I pick up my order?", "has my order shipped yet?"])
def test_an_order_asked_about_without_its_reference_is_the_customers_one_open_order(ask_bike_shop, question):
    reply = ask_bike_shop(question)
    assert "HB-1042" in reply.text and "ready for collection" in reply.text


def test_with_several_open_orders_the_agent_asks_which_and_the_second_one_answers(labelled, ask_bike_shop):
    shop = labelled["quay-cycles"]
    Order.objects.create(
        business=shop,
        customer=Customer.objects.get(business=shop, reference="alex"),
        reference="HB-1077",
        status=Order.Status.SHIPPED,
        updated_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    )
    question = ask_bike_shop("When can I pick up my order?")
    assert "HB-1077, HB-1042. Which one do you mean?" in question.text
    reply = ask_bike_shop("the second one")
    assert "HB-1042" in reply.text and "ready for collection" in reply.text


def test_whats_in_it_after_an_order_names_what_the_order_holds(labelled, ask_bike_shop):
    order = Order.objects.get(business=labelled["quay-cycles"], reference="HB-1042")
    order.items = [{"name": "Commuter helmet", "quantity": 1}]
    order.save()
    assert "ready for collection" in ask_bike_shop("is my order HB-1042 ready?").text
    assert "1 × Commuter helmet" in ask_bike_shop("what's in it again?").text
