"""Bookings and leads over several turns, with the real model and database, on a fixed clock.

The clock is Thursday 3 December 2026, 09:20 in Paris; the shop is open 09:00-22:00 from Monday to
Saturday and closed on Sunday. Nothing is written before the customer says yes to the read-back.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agents.booking_flow import RequestTurn
from agents.models import PendingRequest
from agents.router import PlannedCall
from business.models import Booking, Business, Lead
from conversations.models import Message

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 3, 9, 20, tzinfo=PARIS)
OPEN_LATE = {day: [["09:00", "22:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


@pytest.fixture(autouse=True)
def thursday_morning():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def open_late(shop: Business) -> Business:
    shop.opening_hours = OPEN_LATE
    shop.save()
    return shop


def test_a_table_for_tomorrow_is_read_back_then_booked_on_a_yes(say):
    reply = say("I'd like to book a table for 2 tomorrow at 10")
    assert (
        "Friday, December 4 at 10:00" in reply.text
        and "AM" in reply.text
        and "2 people" in reply.text
        and "?" in reply.text
    )
    assert not Booking.objects.exists()
    reply = say("yes")
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.party_size) == (datetime(2026, 12, 4, 10, 0, tzinfo=PARIS), 2)
    assert "requested" in reply.text and not PendingRequest.objects.exists()


def test_a_service_next_tuesday_is_booked_on_that_tuesday(say):
    reply = say("I'd like to book a service for next Tuesday at 11am")
    assert "Tuesday, December 8 at 11:00" in reply.text
    say("yes please")
    assert Booking.objects.get().starts_at == datetime(2026, 12, 8, 11, 0, tzinfo=PARIS)


def test_a_time_that_has_passed_gets_the_same_time_on_the_nearest_days_and_no_booking(say):
    reply = say("Can I book a table for 2 today at 9am?")
    assert "already passed" in reply.text and "On Thursday, December 3 we are open 9:00 AM–10:00 PM" in reply.text
    assert "Friday, December 4 at 9:00 AM" in reply.text and "Saturday, December 5 at 9:00 AM" in reply.text
    assert not Booking.objects.exists()


def test_a_time_the_business_is_never_open_at_gets_the_nearest_open_days_with_their_hours(say):
    # Every time in the reply is the business's hours or the customer's own: none is made up.
    reply = say("Can I book a table for 2 on Saturday at 7am?")
    assert "closed at that time" in reply.text and "On Saturday, December 5 we are open 9:00 AM–10:00 PM" in reply.text
    assert "Friday, December 4 (9:00 AM–10:00 PM)" in reply.text


def test_a_closed_day_gets_the_nearest_open_times_and_no_booking(say):
    reply = say("Can I book a table for 4 on Sunday at 12?")
    assert "closed on Sunday, December 6" in reply.text
    assert "Saturday, December 5" in reply.text and "Monday, December 7" in reply.text
    say("yes")
    assert not Booking.objects.exists()


def test_a_no_with_a_new_time_changes_the_booking_before_it_is_written(say):
    say("I'd like to book a table for 2 tomorrow at 10")
    reply = say("no, make it 8pm")
    assert "Friday, December 4 at 8:00" in reply.text and "PM" in reply.text
    say("yes")
    assert Booking.objects.get().starts_at == datetime(2026, 12, 4, 20, 0, tzinfo=PARIS)


def test_a_number_after_the_read_back_changes_the_time_and_a_thumbs_up_books_it(say):
    say("I'd like to book a table for 2 tomorrow at 10")
    assert "Friday, December 4 at 11:00 AM" in say("actually make it 11").text
    assert "What would you like to change" in say("no").text
    assert "Friday, December 4 at 12:00 PM" in say("change it to 12").text
    say("👍")
    assert Booking.objects.get().starts_at == datetime(2026, 12, 4, 12, 0, tzinfo=PARIS)


def test_dropping_the_request_after_the_read_back_books_nothing(say):
    say("I'd like to book a table for 2 tomorrow at 10")
    assert "dropped that request" in say("no thanks, forget it").text
    say("yes")
    assert not Booking.objects.exists() and not PendingRequest.objects.exists()


def test_a_missing_party_size_and_time_are_asked_for_one_after_the_other(say):
    assert "time" in say("Can I book a table for Saturday?").text
    assert "how many" in say("at 8 then").text.lower()
    reply = say("4")
    # "at 8" on an open morning is 08:00; the read-back shows it for the customer to change.
    assert "for 4 people on Saturday, December 5 at 8:00" in reply.text
    say("ok")
    assert Booking.objects.get().party_size == 4


def test_a_french_booking_is_taken_over_several_turns_in_french(turn_context, say, shop):
    shop.languages = ["fr"]
    shop.save()
    # The first message as the router plans it once it reads French (this branch's router is English).
    first = RequestTurn(turn_context, "Je voudrais réserver une table pour samedi").answer(
        [PlannedCall("create_booking")]
    )
    assert "heure" in first.answer
    assert "combien" in say("à 19h30").text.lower()
    reply = say("pour 4 personnes")
    assert "samedi 5 décembre à 19:30" in reply.text and "4 personnes" in reply.text
    reply = say("dimanche plutôt")
    assert "fermés" in reply.text and "dimanche 6 décembre" in reply.text
    assert "lundi 7 décembre à 19:30" in say("lundi alors").text
    assert "demandée" in say("oui").text
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.party_size) == (datetime(2026, 12, 7, 19, 30, tzinfo=PARIS), 4)


@pytest.mark.parametrize(
    ("language", "words", "read_back", "yes"),
    [
        (
            "es",
            "una mesa para 2 mañana a las 20h",
            "Una reserva para 2 personas el viernes, 4 de diciembre a las 20:00. ¿La confirmo?",
            "sí",
        ),
        (
            "de",
            "einen Tisch für 2 morgen um 20 Uhr",
            "Eine Reservierung für 2 Personen am Freitag, 4. Dezember um 20:00 Uhr. Soll ich sie buchen?",
            "ja",
        ),
        (
            "it",
            "un tavolo per 2 domani alle 20",
            "Una prenotazione per 2 persone venerdì 4 dicembre alle 20:00. La confermo?",
            "sì",
        ),
        (
            "pt",
            "uma mesa para 2 amanhã às 20h",
            "Uma reserva para 2 pessoas sexta-feira, 4 de dezembro às 20:00. Posso confirmar?",
            "sim",
        ),
    ],
)
def test_a_booking_is_read_back_and_confirmed_in_the_customers_language(
    turn_context, shop, language, words, read_back, yes
):
    shop.languages = [language]
    shop.save()
    reply = RequestTurn(turn_context, words).answer([PlannedCall("create_booking")])
    assert reply.answer == read_back
    RequestTurn(turn_context, yes).answer([])
    assert Booking.objects.get().starts_at == datetime(2026, 12, 4, 20, 0, tzinfo=PARIS)


def test_a_booking_abandoned_for_another_question_is_dropped(say):
    say("I'd like to book a table for 2 tomorrow at 10")
    reply = say("Do you deliver?")
    assert "5 km" in reply.text
    assert not PendingRequest.objects.exists() and not Booking.objects.exists()


def test_a_booking_left_unanswered_for_hours_expires(say):
    say("I'd like to book a table for 2 tomorrow at 10")
    with time_machine.travel(datetime(2026, 12, 3, 13, 0, tzinfo=PARIS)):
        say("yes")
    assert not Booking.objects.exists() and not PendingRequest.objects.exists()


def test_a_lead_asked_for_during_a_booking_replaces_it(turn_context):
    RequestTurn(turn_context, "a table for 2 tomorrow at 10").answer([PlannedCall("create_booking")])
    RequestTurn(turn_context, "actually I need a catering quote").answer([PlannedCall("capture_lead")])
    assert PendingRequest.objects.get().kind == PendingRequest.Kind.LEAD


def test_a_models_booking_arguments_only_fill_what_the_words_leave_out(turn_context):
    call = PlannedCall("create_booking", {"day": "2026-12-05", "hour": "11:00", "party_size": 7})
    reply = RequestTurn(turn_context, "a table for 2 please").answer([call])
    assert "for 2 people on Saturday, December 5 at 11:00" in reply.answer
    assert not Booking.objects.exists()


def test_a_models_booking_in_the_past_is_refused(turn_context):
    call = PlannedCall("create_booking", {"day": "2018-05-31", "hour": "10:45", "party_size": 2})
    reply = RequestTurn(turn_context, "book me in").answer([call])
    assert "already passed" in reply.answer and not Booking.objects.exists()


def test_a_lead_is_read_back_and_sent_on_a_yes(turn_context, say):
    text = "I'd like a quote for catering for 40 people"
    first = RequestTurn(turn_context, text).answer([PlannedCall("capture_lead")])
    assert "email" in first.answer
    reply = say("you can email me at alex@example.com")
    assert "catering for 40 people" in reply.text and "alex@example.com" in reply.text
    assert not Lead.objects.exists()
    say("yes")
    lead = Lead.objects.get()
    assert (lead.interest, lead.contact_detail) == (text, "alex@example.com")


def test_the_read_back_offers_yes_and_change_and_picking_yes_books_it(say):
    reply = say("I'd like to book a table for 2 tomorrow at 10")
    assert reply.choices == [
        {"id": "booking:confirm", "title": "Yes"},
        {"id": "booking:change", "title": "Change"},
    ]
    picked = say("Yes")
    assert Message.objects.get(pk=picked.reply_to_id).chosen == "booking:confirm"
    assert Booking.objects.get().party_size == 2 and picked.choices == []


def test_a_french_read_back_offers_its_choices_in_french_and_modifier_means_change(turn_context, say, shop):
    shop.languages = ["fr"]
    shop.save()
    RequestTurn(turn_context, "Je voudrais réserver une table pour 4 samedi à 19h30").answer(
        [PlannedCall("create_booking")]
    )
    reply = say("pour 4 personnes")
    assert "samedi 5 décembre à 19:30" in reply.text
    assert [choice["title"] for choice in reply.choices] == ["Oui", "Modifier"]
    # "Modifier" is no French "non": the pick itself says it.
    assert "changer" in say("Modifier").text
    assert not Booking.objects.exists()
