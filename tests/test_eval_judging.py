"""The judge `make eval` and test cases share: facts compared whatever the locale's writing, languages told,
inventions caught."""

from decimal import Decimal

import pytest

from business.models import CatalogueItem
from evaluation.dataset import load_businesses, load_conversations
from judging.business_facts import facts_of
from judging.facts import canonical, contains, known_facts, reply_language
from judging.verdict import Expectation, expected_language


@pytest.mark.parametrize("written", ["10:00", "10h00", "10 h", "10.00", "10 Uhr", "10am", "10 a.m."])
def test_a_time_matches_however_the_locale_writes_it(written):
    assert contains(f"We open at {written} tomorrow", "10:00")


@pytest.mark.parametrize("written", ["4,50 €", "€4.50", "4.50 EUR", "EUR 4,50"])
def test_a_price_matches_however_the_locale_writes_it(written):
    assert contains(f"La tarte coûte {written}.", "4.50")


@pytest.mark.parametrize("written", ["1,30 €", "€1.30", "1.30 EUR"])
def test_an_expected_price_ending_in_30_is_an_amount_not_a_time(written):
    assert contains(f"Baguette: {written}, in stock.", "1.30")
    assert not contains("We open at 1:30.", "1.30")


def test_a_catalogue_price_beside_its_currency_is_known():
    facts = known_facts(["Baguette 1.30 EUR"], set(), {})
    assert facts.invented("Baguette : 1,30 €, en stock.", customer_said="", customer_statuses=set()) == []


def test_facts_are_compared_without_case_or_accents():
    assert contains("Nous sommes FERMES le lundi", "fermés")


def test_a_number_does_not_match_inside_a_longer_one():
    assert not contains("It costs £165.", "65")
    assert contains("It costs £65.00.", "65")


def test_a_price_beside_its_currency_is_not_read_as_a_time():
    assert canonical("12.00 EUR") == "12 eur"
    assert canonical("2 pm") == "14:00"


def test_a_notice_period_is_not_a_time_of_day():
    assert canonical("24h") == "24h"


def test_a_reply_language_is_detected_and_short_replies_are_not_judged():
    assert reply_language("Nous sommes ouverts le dimanche de 8 h à 12 h 30.") == "fr"
    assert reply_language("Wir haben am Sonntag von 8 bis 12:30 Uhr geöffnet.") == "de"
    assert reply_language("ok merci") is None


def test_the_business_data_a_reply_quotes_is_not_its_language():
    reply = "Road Pro Carbon : 949,00 £, en stock. D'après sa description : « Full carbon frame and fork, 8.4 kg. »"
    assert reply_language(reply) == "fr"


def test_the_business_address_and_product_names_in_a_reply_are_not_its_language():
    reply = "A nossa morada é 27 cours de l'Intendance, 33000 Bordeaux, France."
    assert reply_language(reply) == "fr"
    assert reply_language(reply, ["Salon Lumière", "27 cours de l'Intendance, 33000 Bordeaux, France"]) is None


def test_prices_times_and_order_states_not_in_the_data_are_invented():
    facts = known_facts(["Lemon tart 4.50 EUR", "Delivery costs 5 EUR"], {"07:00", "19:00"}, {"A-1042": "ready"})
    reply = "Your order A1042 has shipped; the tart is €4.50, the cake €9, and we open 7:00 to 20:00."
    assert facts.invented(reply, customer_said="book for tomorrow at 10", customer_statuses=set()) == [
        "price 9",
        "time 20:00",
        "order status shipped",
    ]


SATURDAY_HOURS = {"sat": [["09:00", "17:00"]], "sun": []}


@pytest.mark.parametrize(
    "offer",
    [
        "We could offer Saturday, December 5 at 4:30 PM. Which would suit you?",
        "Nous pouvons vous proposer samedi 5 décembre à 16:30.",
        "Wir könnten Samstag, 5. Dezember um 16:30 Uhr anbieten.",
    ],
)
def test_an_open_time_offered_on_a_named_day_is_held_by_the_opening_hours(offer):
    facts = known_facts([], {"09:00", "17:00"}, {}, SATURDAY_HOURS)
    assert facts.invented(offer, customer_said="Saturday at 6pm", customer_statuses=set()) == []


def test_a_time_the_business_is_closed_at_on_the_named_day_is_still_invented():
    facts = known_facts([], {"09:00", "17:00"}, {}, SATURDAY_HOURS)
    said = "book on Saturday"
    assert facts.invented("On Saturday we are open until 17:30.", said, set()) == ["time 17:30"]
    assert facts.invented("We could offer Sunday, December 6 at 10:30 AM.", said, set()) == ["time 10:30"]
    assert facts.invented("We open at 10:30.", said, set()) == ["time 10:30"]


@pytest.mark.parametrize("reply", ["Baguette: €1.30, in stock.", "Baguette: 1,30 €, disponibile.", "We open at 1.30."])
def test_an_expected_number_written_like_a_time_matches_as_a_price_too(reply):
    assert contains(reply, "1.30")


def test_an_hour_the_customer_said_before_a_comma_is_theirs():
    facts = known_facts([], {"07:00", "19:00"}, {})
    assert facts.invented("A booking for 2 people at 9:00 AM.", "at 9, for two of us", set()) == []


def test_a_catalogue_price_written_like_a_time_is_a_known_price(business):
    CatalogueItem.objects.create(business=business, name="Baguette", price=Decimal("1.30"), currency="EUR")
    facts = facts_of(business)
    assert facts.invented("Baguette: 1,30 €, disponibile.", "Quanto costa la baguette?", set()) == []


def test_what_the_customer_said_is_not_counted_as_invented():
    facts = known_facts([], {"07:00", "19:00"}, {})
    assert (
        facts.invented("Booked for tomorrow at 10:00.", customer_said="tomorrow at 10", customer_statuses=set()) == []
    )


def test_a_bare_hour_before_a_comma_or_a_full_stop_is_what_the_customer_said():
    facts = known_facts([], set(), {})
    for said in ("at 9, for two of us", "tomorrow at 9."):
        assert facts.invented("Friday at 9:00 AM?", customer_said=said, customer_statuses=set()) == []
    assert facts.invented("At 4:50 PM?", customer_said="the tart at 4,50 EUR", customer_statuses=set()) == [
        "time 16:50"
    ]


def test_a_customers_yes_no_on_and_off_are_read_as_words_not_booleans(tmp_path):
    (tmp_path / "words.yaml").write_text(
        "category: bookings\nbusiness: demo-bakery\nlanguage: en\nnow: 2026-12-03T10:00\nconversations:\n"
        "  - id: words\n    turns:\n"
        + "".join(f"      - say: {word}\n        expect: {{handoff: false}}\n" for word in ("yes", "no", "on", "off"))
    )
    turns = load_conversations(tmp_path)[0].turns
    assert [turn.text for turn in turns] == ["yes", "no", "on", "off"]
    assert [turn.expect.handoff for turn in turns] == [False] * 4


def test_the_reply_is_expected_in_the_customers_language_when_the_business_serves_it():
    businesses = load_businesses()
    bike_shop = businesses["quayside-cycles"].languages
    assert expected_language(Expectation(), "de", bike_shop) == "de"
    assert expected_language(Expectation(), "fr", bike_shop) == "en"
    assert expected_language(Expectation(language=None), "de", bike_shop) is None


def test_the_set_holds_150_conversations_in_four_languages_for_three_businesses():
    conversations = load_conversations()
    assert len(conversations) >= 150
    assert {"en", "fr", "es", "de"} <= {conversation.language for conversation in conversations}
    assert len({conversation.business for conversation in conversations}) >= 3
    assert sum(len(conversation.turns) > 1 for conversation in conversations) >= 40
