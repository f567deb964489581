"""A booking's day, time and party size read from customers' words in six languages, on a fixed clock.

The clock is Thursday 3 December 2026, 09:20 in Paris. Each row is a phrasing and what it asks for:
(language, words, day of December or None, "HH:MM" or None, party size or None). The pass rate per
language is in bench/results.md.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from agents.booking_request import lone_number, read_booking_request

NOW = datetime(2026, 12, 3, 9, 20, tzinfo=ZoneInfo("Europe/Paris"))

PHRASINGS = [
    ("en", "I'd like to book a table for 2 tomorrow at 10", 4, "10:00", 2),
    ("en", "on Saturday at 11", 5, "11:00", None),
    ("en", "book a service for next Tuesday at 11am", 8, "11:00", None),
    ("en", "at 7.30pm", None, "19:30", None),
    ("en", "for 2 at 8", None, "08:00", 2),
    ("en", "this evening", 3, None, None),
    ("en", "Saturday", 5, None, None),
    ("en", "at 8 then", None, "08:00", None),
    ("en", "table for four at noon on Friday", 4, "12:00", 4),
    ("en", "can we come on Monday at 1pm, 6 people", 7, "13:00", 6),
    ("en", "tonight at 8 for three", 3, "20:00", 3),
    ("en", "on the 12th at 7pm", 12, "19:00", None),
    ("en", "Thursday", 3, None, None),
    ("en", "Can I book a table for 4 on Sunday at 12?", 6, "12:00", 4),
    ("en", "I would like a Sunday lunch for 3", 6, None, 3),
    ("en", "in a week at 10am", 10, "10:00", None),
    ("en", "next Thursday at 9:30", 10, "09:30", None),
    ("en", "Sunday 14:00", 6, "14:00", None),
    ("en", "a table for 2 people on 12 December at 8:30pm", 12, "20:30", 2),
    ("fr", "demain à 19h", 4, "19:00", None),
    ("fr", "samedi à 11h", 5, "11:00", None),
    ("fr", "samedi plutôt", 5, None, None),
    ("fr", "pour 4 personnes", None, None, 4),
    ("fr", "Je voudrais réserver une table pour deux ce soir à 20h30", 3, "20:30", 2),
    ("fr", "lundi prochain à midi", 7, "12:00", None),
    ("fr", "mardi 8 décembre à 14h", 8, "14:00", None),
    ("fr", "nous serons 6 vendredi vers 21h", 4, "21:00", 6),
    ("fr", "à 8 heures du soir", None, "20:00", None),
    ("fr", "jeudi prochain", 10, None, None),
    ("fr", "le 12 à 19h30", 12, "19:30", None),
    ("fr", "samedi à huit heures et demie du soir", 5, "20:30", None),
    ("es", "mañana a las 8", 4, "08:00", None),
    ("es", "para dos", None, None, 2),
    ("es", "una mesa para 4 personas el viernes a las 9 de la noche", 4, "21:00", 4),
    ("es", "hoy a las 14:00", 3, "14:00", None),
    ("es", "el sábado a las 13h", 5, "13:00", None),
    ("es", "somos 5, el lunes a las 20:30", 7, "20:30", 5),
    ("es", "esta noche a las 10", 3, "22:00", None),
    ("es", "el martes que viene a mediodía", 8, "12:00", None),
    ("es", "pasado mañana a las 11", 5, "11:00", None),
    ("es", "para tres personas el domingo", 6, None, 3),
    ("es", "el viernes a las ocho y media de la noche", 4, "20:30", None),
    ("de", "am Samstag um 11 Uhr", 5, "11:00", None),
    ("de", "wir kommen zu dritt", None, None, 3),
    ("de", "morgen um 19:30", 4, "19:30", None),
    ("de", "einen Tisch für 4 Personen am Freitag um 20 Uhr", 4, "20:00", 4),
    ("de", "heute Abend um 8", 3, "20:00", None),
    ("de", "übermorgen um 12", 5, "12:00", None),
    ("de", "nächsten Dienstag um 10 Uhr", 8, "10:00", None),
    ("de", "für zwei am Montag gegen 13 Uhr", 7, "13:00", 2),
    ("de", "zu zweit am Sonntag mittags", 6, "12:00", 2),
    ("de", "morgen um viertel nach 7 abends", 4, "19:15", None),
    ("it", "sabato alle 11", 5, "11:00", None),
    ("it", "un tavolo per due stasera alle 8", 3, "20:00", 2),
    ("it", "domani alle 20.30", 4, "20:30", None),
    ("it", "per 4 persone lunedì alle 13", 7, "13:00", 4),
    ("it", "siamo in 3, venerdì alle 21", 4, "21:00", 3),
    ("it", "martedì prossimo a mezzogiorno", 8, "12:00", None),
    ("it", "dopodomani alle 19", 5, "19:00", None),
    ("pt", "sábado às 11", 5, "11:00", None),
    ("pt", "uma mesa para 3 pessoas amanhã às 20h", 4, "20:00", 3),
    ("pt", "hoje às 14:30", 3, "14:30", None),
    ("pt", "para dois na sexta-feira às 21h", 4, "21:00", 2),
    ("pt", "esta noite às 8", 3, "20:00", None),
    ("pt", "na segunda às 13h", 7, "13:00", None),
    ("pt", "somos 4, domingo ao meio-dia", 6, "12:00", 4),
    ("pt", "depois de amanhã às 10", 5, "10:00", None),
]


@pytest.mark.parametrize(("language", "words", "day", "clock", "party_size"), PHRASINGS)
def test_a_booking_request_is_read_from_the_customers_words(language, words, day, clock, party_size):
    request = read_booking_request(words, language, NOW)
    assert (request.day, request.time, request.party_size) == (
        date(2026, 12, day) if day else None,
        time.fromisoformat(clock) if clock else None,
        party_size,
    )


def test_an_hour_without_am_or_pm_is_left_for_the_opening_hours_to_settle():
    assert read_booking_request("at 8", "en", NOW).twelve_hour
    assert not read_booking_request("at 8pm", "en", NOW).twelve_hour
    assert not read_booking_request("à 20h", "fr", NOW).twelve_hour


def test_a_table_or_people_make_the_party_size_matter():
    assert read_booking_request("a table tomorrow", "en", NOW).mentions_party
    assert not read_booking_request("a service tomorrow", "en", NOW).mentions_party


def test_a_number_alone_answers_a_question_in_each_language():
    answers = (("4", "en"), ("quatre", "fr"), ("dos", "es"), ("drei", "de"))
    assert [lone_number(text, language) for text, language in answers] == [4, 4, 2, 3]
    assert lone_number("for 4 at 8", "en") is None


def test_the_one_number_of_a_short_answer_is_read_but_an_article_is_not():
    assert [lone_number(text, "en") for text in ("no, 12", "11 instead", "3 please")] == [12, 11, 3]
    assert lone_number("non, une heure plus tard", "fr") is None
    assert lone_number("I have 2 questions about your cakes and the delivery", "en") is None
