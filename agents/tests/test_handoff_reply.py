"""Handing a customer to a person promises an answer when staff are there: now, or when the business opens."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from agents.handoff_reply import handoff_reply
from agents.tools import build_tools, tool_result
from business.hours import WEEKDAYS

PARIS = ZoneInfo("Europe/Paris")
# The corner shop (conftest): Monday 9:00-18:00 and Saturday 10:00-13:00, in Paris. 7 December 2026 is a Monday.
MONDAY = datetime(2026, 12, 7, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "promise"),
    [
        (MONDAY.replace(hour=12), "I've asked a colleague to take over; they will reply here soon."),
        (MONDAY.replace(hour=3), "they will reply here once we open, today at 9:00 AM."),
        (MONDAY.replace(hour=18, minute=30), "they will reply here once we open, on Saturday at 10:00 AM."),
        (MONDAY + timedelta(days=5, hours=14), "they will reply here once we open, on Monday at 9:00 AM."),
        (MONDAY - timedelta(hours=4), "they will reply here once we open, tomorrow at 9:00 AM."),
    ],
)
def test_the_handoff_reply_says_when_staff_are_back(business, moment, promise):
    reply = handoff_reply(business, now=moment)
    assert reply.endswith(promise)
    assert ("We're closed now" in reply) == (moment.hour != 12)


def test_the_time_is_the_businesss_own_whatever_the_servers(business):
    # 02:00 UTC is 03:00 in Paris: closed until 09:00 Paris time, not 09:00 UTC.
    assert handoff_reply(business, now=MONDAY.replace(hour=2, tzinfo=ZoneInfo("UTC"))).endswith("today at 9:00 AM.")


def test_the_promise_is_in_the_replys_language_with_its_day_and_time_formats(business):
    saturday_afternoon = MONDAY + timedelta(days=5, hours=14)
    expected = {
        "fr": "Nous sommes fermés : il vous répondra ici dès notre ouverture, lundi à 09:00.",
        "de": "Wir haben gerade geschlossen: er antwortet Ihnen hier, sobald wir öffnen, am Montag um 09:00.",
        "es": "Ahora estamos cerrados: le responderá aquí en cuanto abramos, el lunes a las 9:00.",
        "it": "Ora siamo chiusi: ti risponderà qui appena apriamo, lunedì alle 09:00.",
        "pt": "Agora estamos fechados: vai responder aqui assim que abrirmos, segunda-feira às 09:00.",
    }
    for language, promise in expected.items():
        with translation.override(language):
            assert handoff_reply(business, now=saturday_afternoon).endswith(promise), language


def test_a_business_without_opening_hours_promises_soon(business):
    business.opening_hours = {}
    assert handoff_reply(business, now=MONDAY.replace(hour=3)).endswith("they will reply here soon.")


def test_the_handoff_tool_answers_with_the_opening_time(turn_context):
    business = turn_context.business
    # Open only the day after tomorrow: closed now, whatever the time the test runs at.
    later = datetime.now(ZoneInfo(business.timezone)) + timedelta(days=2)
    business.opening_hours = {WEEKDAYS[later.weekday()]: [["09:00", "12:00"]]}
    tools = {tool.name: tool for tool in build_tools(turn_context)}
    answer = tool_result(tools["handoff_to_human"].invoke({"reason": "wants a refund"})).answer
    assert "We're closed now" in answer and answer == handoff_reply(business)


def test_a_holiday_is_skipped_when_saying_when_staff_are_back(business):
    business.special_days.create(date=MONDAY.date(), label="Closing for stock")
    assert handoff_reply(business, now=MONDAY.replace(hour=3)).endswith("on Saturday at 10:00 AM.")
