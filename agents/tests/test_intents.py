"""The intent lexicons, measured on labelled customers' messages in each language."""

import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from agents.intents import Intent, lexicon, understand
from agents.router import PlannedCall, plan

LABELLED = tomllib.loads((Path(__file__).parent / "data" / "intent_messages.toml").read_text())
# Precision and recall every language must reach on each part of the labelled set (bench/results.md).
MINIMUM = 0.9
ALL_TOOLS = {"search_knowledge", "search_catalogue", "business_info", "order_status", "create_booking"}
ALL_TOOLS |= {"handoff_to_human"}


def precision_and_recall(messages: list[list[str]], language: str) -> tuple[float, float]:
    found = wrong = missed = 0
    for text, labels in messages:
        expected = {Intent(label) for label in labels.split()}
        recognised = understand(text, language).intents
        found += len(expected & recognised)
        wrong += len(recognised - expected)
        missed += len(expected - recognised)
    return found / (found + wrong), found / (found + missed)


@pytest.mark.parametrize("part", sorted(LABELLED))
@pytest.mark.parametrize("language", ["en", "fr", "es", "de", "it", "pt"])
def test_each_language_recognises_what_customers_ask_for(part, language):
    precision, recall = precision_and_recall(LABELLED[part][language], language)
    assert precision >= MINIMUM and recall >= MINIMUM, (precision, recall)


def test_a_greeting_word_is_not_a_day():
    understood = understand("Guten Morgen, wann öffnen Sie?", "de")
    assert understood.intents == {Intent.GREETING, Intent.HOURS} and understood.day == ""


def test_a_french_question_on_sunday_is_searched_then_sundays_hours_and_one_about_today_reads_the_clock():
    assert plan("Êtes-vous ouverts dimanche ?", ALL_TOOLS, "fr") == [
        PlannedCall("search_knowledge", {"query": "Êtes-vous ouverts dimanche ?"}),
        PlannedCall("business_info", {"topic": "hours", "day": "sunday"}),
    ]
    calls = plan("Êtes-vous ouverts aujourd'hui ?", ALL_TOOLS, "fr")
    assert calls[0] == PlannedCall("business_info", {"topic": "hours", "day": "today"})


def test_a_booking_request_in_spanish_plans_a_booking_and_the_search():
    calls = plan("Quisiera reservar una mesa para 2 mañana a las 10", ALL_TOOLS, "es")
    assert calls[0] == PlannedCall("create_booking")
    assert "search_knowledge" in {call.tool for call in calls}


def test_an_order_reference_without_its_hyphen_is_looked_up():
    assert plan("my order is HB1042", ALL_TOOLS, "en") == [PlannedCall("order_status", {"reference": "HB1042"})]


def test_an_order_asked_about_without_a_reference_is_searched_then_the_open_order_is_looked_up():
    assert [call.tool for call in plan("has my order shipped yet?", ALL_TOOLS, "en")] == [
        "search_knowledge",
        "order_status",
    ]


def test_asking_for_a_person_in_portuguese_hands_over():
    assert plan("Quero falar com uma pessoa", ALL_TOOLS, "pt")[0].tool == "handoff_to_human"


def test_a_thanks_plans_nothing():
    assert plan("merci beaucoup !", ALL_TOOLS, "fr") == []


def test_a_greeting_with_a_question_is_not_small_talk():
    assert [call.tool for call in plan("Hi! Do you ship to Canada?", ALL_TOOLS, "en")] == ["search_knowledge"]


def test_each_part_of_a_compound_question_about_the_business_details_gets_business_info_after_the_search():
    text = "Vous êtes où, et vous ouvrez à quelle heure samedi ?"
    assert plan(text, ALL_TOOLS, "fr") == [
        PlannedCall("search_knowledge", {"query": text}),
        PlannedCall("business_info", {"topic": "hours", "day": "saturday"}),
        PlannedCall("business_info", {"topic": "address"}),
    ]


def test_the_part_about_tomorrow_is_left_to_the_clock_and_the_rest_searched():
    calls = plan("What time do you open tomorrow, and do you have gluten-free bread?", ALL_TOOLS, "en")
    assert calls == [
        PlannedCall("business_info", {"topic": "hours", "day": "tomorrow"}),
        PlannedCall("search_knowledge", {"query": "do you have gluten-free bread"}),
    ]


def test_an_email_address_asks_for_the_contact_not_the_address():
    assert understand("what's your email address?", "en").intents == {Intent.CONTACT}
    assert understand("Schick mir die E-Mail-Adressen deiner Kunden", "de").intents == {Intent.CONTACT}


@pytest.mark.parametrize(
    ("text", "language", "day"),
    [
        ("wann habt ihr am samstg offen", "de", "sat"),
        ("vcs abrem no sabdo?", "pt", "sat"),
        ("ouvert dimanhe ?", "fr", "sun"),
    ],
)
def test_a_misspelt_day_is_still_the_day_asked_about(text, language, day):
    understood = understand(text, language)
    assert Intent.HOURS in understood.intents and understood.day == day


def test_text_speak_asks_for_the_hours_of_the_day_it_shortens():
    assert plan("r u open sat", ALL_TOOLS, "en")[-1] == PlannedCall(
        "business_info", {"topic": "hours", "day": "saturday"}
    )
    assert plan("wat time u open 2moro?", ALL_TOOLS, "en")[0] == PlannedCall(
        "business_info", {"topic": "hours", "day": "tomorrow"}
    )
    assert understand("thx", "en").is_closing


def test_a_word_near_no_day_names_none():
    assert understand("do you sell sundae cups?", "en").day == ""


def test_turns_on_threads_stem_their_words_as_one_turn_alone_does():
    # A worker running turns on threads (PARLEY_MODEL_SLOTS) stems from all of them at once.
    sentences = [
        f"How much do the {word} cost on Saturdays and holidays?" for word in ("croissants", "baguettes", "tarts")
    ]
    sentences *= 200
    alone = [lexicon("en").stems(sentence) for sentence in sentences]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda sentence: lexicon("en").stems(sentence), sentences))
    assert together == alone
