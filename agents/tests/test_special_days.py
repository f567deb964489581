"""Holidays and special days (business.SpecialDay) in whole turns, with the real model, on a fixed clock.

The clock is Thursday 24 December 2026, 10:00 in Paris; the shop opens 09:00-22:00 from Monday to Saturday, is
closed on Friday 25 December (Christmas) and opens only 09:00-12:00 on Thursday 31 December (New Year's Eve).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agents.models import PendingRequest
from business.models import Booking, Business, Passage, SpecialDay

from .test_booking_flow import OPEN_LATE

PARIS = ZoneInfo("Europe/Paris")
CHRISTMAS_EVE = datetime(2026, 12, 24, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def christmas_eve():
    with time_machine.travel(CHRISTMAS_EVE, tick=True):
        yield


@pytest.fixture(autouse=True)
def holidays(shop: Business) -> Business:
    shop.opening_hours = OPEN_LATE
    shop.languages = ["en", "fr"]
    shop.save()
    SpecialDay.objects.create(business=shop, date=date(2026, 12, 25), label="Christmas", closed=True)
    SpecialDay.objects.create(
        business=shop, date=date(2026, 12, 31), label="New Year's Eve", closed=False, opens=time(9), closes=time(12)
    )
    return shop


@pytest.mark.parametrize("question", ["Are you open tomorrow?", "Are you open on Friday?"])
def test_a_day_that_is_a_holiday_is_answered_closed_with_its_date_and_name(say, question):
    reply = say(question)
    assert "closed" in reply.text and "December 25" in reply.text and "Christmas" in reply.text
    assert "9:00 AM–10:00 PM" not in reply.text.split("December 25")[1]


def test_a_day_with_special_hours_is_answered_with_them(say):
    with time_machine.travel(datetime(2026, 12, 30, 10, 0, tzinfo=PARIS), tick=True):
        reply = say("What are your hours tomorrow?")
    assert "December 31" in reply.text and "9:00 AM–12:00 PM" in reply.text


def test_a_holiday_is_answered_in_the_customers_language_with_babels_date(say):
    reply = say("Vous êtes ouverts demain ?")
    assert "25 décembre" in reply.text and "fermé" in reply.text


def test_bank_holidays_are_answered_with_the_coming_special_days(say):
    reply = say("Are you open on bank holidays?")
    assert "December 25" in reply.text and "Christmas" in reply.text


def test_a_booking_on_a_closed_holiday_is_refused_with_the_nearest_open_days(say):
    reply = say("Can I book a table for 2 tomorrow at 12?")
    assert "closed on Friday, December 25 (Christmas)" in reply.text
    assert "Thursday, December 24" in reply.text and "Saturday, December 26" in reply.text
    say("yes")
    assert not Booking.objects.exists()


def test_a_booking_after_a_short_days_closing_is_refused_with_that_days_hours(say):
    reply = say("I'd like to book a table for 2 on December 31 at 3pm")
    assert "closed at that time" in reply.text and "On Thursday, December 31 we are open 9:00 AM–12:00 PM" in reply.text
    assert not Booking.objects.exists() and PendingRequest.objects.exists()


def test_the_hours_passages_follow_the_special_days(holidays):
    listed = Passage.objects.filter(business=holidays, key="special", language="en").get()
    assert "On Friday, December 25 we are closed (Christmas)." in listed.body
    SpecialDay.objects.filter(date=date(2026, 12, 25)).delete()
    listed = Passage.objects.filter(business=holidays, key="special", language="en").get()
    assert "Christmas" not in listed.body and "New Year's Eve" in listed.body
    SpecialDay.objects.all().delete()
    assert not Passage.objects.filter(business=holidays, key="special").exists()
