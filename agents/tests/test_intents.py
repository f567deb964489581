"""The intent lexicons, measured on labelled customers' messages in each language."""

import tomllib
from pathlib import Path

import pytest

from agents.intents import Intent, understand
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


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Do I need to book to get a puncture fixed?"),
        ("en", "Do we need an appointment on Saturdays?"),
        ("fr", "Est-ce qu'il faut prendre rendez-vous le samedi ?"),
        ("es", "¿Hace falta reservar mesa?"),
        ("de", "Muss man für einen Haarschnitt einen Termin buchen?"),
        ("it", "Bisogna prenotare per il pranzo di domenica?"),
        ("pt", "É preciso marcar para um corte?"),
    ],
)
def test_asking_whether_one_must_book_is_searched_not_booked(language, text):
    assert [call.tool for call in plan(text, ALL_TOOLS, language)] == ["search_knowledge"]


def test_coming_in_at_a_time_is_an_hours_question_not_a_booking():
    calls = plan("Can I come in on Saturday at 11?", ALL_TOOLS, "en")
    assert "create_booking" not in {call.tool for call in calls}
    assert PlannedCall("business_info", {"topic": "hours", "day": "saturday"}) in calls


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Tisch für 2 am Samstag um 14 Uhr bitte"),
        ("es", "Mesa para 4 el viernes a las 11"),
        ("fr", "Table pour 3 dimanche à 10h"),
        ("it", "Tavolo per 2 domenica alle 10"),
        ("pt", "Mesa para 2 no sábado às 11h"),
    ],
)
def test_a_table_for_some_people_without_an_article_plans_a_booking(language, text):
    assert plan(text, ALL_TOOLS, language)[0] == PlannedCall("create_booking")
