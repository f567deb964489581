"""The business page's weekly editor of opening hours, through the admin with the test client."""

from __future__ import annotations

from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.urls import reverse

from business.models import Business


class FormFields(HTMLParser):
    """The values a browser without JavaScript would submit from the page's main form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("submit", "button", "file"):
            if found.get("type") in ("checkbox", "radio"):
                if "checked" in found:
                    self.fields[name] = found.get("value") or "on"
            else:
                self.fields[name] = found.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self.fields[self._select] = found.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\n") if not self.fields[self._textarea] else data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_url(business: Business) -> str:
    return reverse("admin:business_business_change", args=[business.pk])


def submitted(client, business: Business, **changes: str | None) -> dict[str, str]:
    parser = FormFields()
    parser.feed(client.get(page_url(business)).content.decode())
    fields = parser.fields | {key: value for key, value in changes.items() if value is not None}
    return {key: value for key, value in fields.items() if changes.get(key, "") is not None}


def test_the_stored_hours_show_in_the_editor(staff_client, business):
    fields = submitted(staff_client, business)
    assert fields["opening_hours_mon_0_open"] == "09:00" and fields["opening_hours_mon_0_close"] == "18:00"
    assert fields["opening_hours_sat_0_open"] == "10:00" and fields["opening_hours_sat_0_close"] == "13:00"
    assert "opening_hours_mon_closed" not in fields
    assert fields["opening_hours_sun_closed"] == "on"


def test_a_page_saved_unchanged_keeps_the_hours(staff_client, business):
    assert staff_client.post(page_url(business), submitted(staff_client, business)).status_code == 302
    business.refresh_from_db()
    assert business.opening_hours == {"mon": [["09:00", "18:00"]], "sat": [["10:00", "13:00"]]}


def test_a_split_shift_and_a_new_open_day_are_saved_in_the_stored_format(staff_client, business):
    data = submitted(
        staff_client,
        business,
        opening_hours_mon_0_close="12:30",
        opening_hours_mon_1_open="14:00",
        opening_hours_mon_1_close="18:00",
        opening_hours_tue_closed=None,
        opening_hours_tue_0_open="9h00",
        opening_hours_tue_0_close="17:00",
        opening_hours_sat_closed="on",
    )
    assert staff_client.post(page_url(business), data).status_code == 302
    business.refresh_from_db()
    assert business.opening_hours == {
        "mon": [["09:00", "12:30"], ["14:00", "18:00"]],
        "tue": [["09:00", "17:00"]],
    }
    # The saved split shift shows as two shifts, and a blank third to add another.
    fields = submitted(staff_client, business)
    assert (fields["opening_hours_mon_1_open"], fields["opening_hours_mon_2_open"]) == ("14:00", "")


def assert_refused(client, business: Business, data: dict[str, str], *errors: str) -> str:
    before = Business.objects.get(pk=business.pk).opening_hours
    page = client.post(page_url(business), data)
    html = page.content.decode()
    assert page.status_code == 200
    for error in errors:
        assert error in html
    assert Business.objects.get(pk=business.pk).opening_hours == before
    return html


def test_a_shift_that_closes_before_it_opens_is_refused_and_what_was_typed_stays(staff_client, business):
    data = submitted(staff_client, business, opening_hours_mon_0_open="18:00", opening_hours_mon_0_close="09:00")
    html = assert_refused(staff_client, business, data, "Monday: the shift 18:00–09:00 closes before it opens.")
    assert 'name="opening_hours_mon_0_open" value="18:00"' in html


def test_overlapping_shifts_are_refused(staff_client, business):
    data = submitted(staff_client, business, opening_hours_mon_1_open="17:00", opening_hours_mon_1_close="19:00")
    assert_refused(staff_client, business, data, "Monday: the shifts 09:00–18:00 and 17:00–19:00 overlap.")


def test_a_typo_in_a_time_is_a_clear_error_not_invalid_json(staff_client, business):
    data = submitted(staff_client, business, opening_hours_sat_0_close="25:00")
    html = assert_refused(staff_client, business, data, "Saturday: “25:00” is not a time of day; write it as 09:00.")
    assert "valid JSON" not in html


def test_an_open_day_without_times_or_half_a_shift_is_refused(staff_client, business):
    data = submitted(staff_client, business, opening_hours_sun_closed=None, opening_hours_mon_0_close="")
    assert_refused(
        staff_client,
        business,
        data,
        "Sunday: enter the opening and closing times, or tick Closed.",
        "Monday: a shift needs both an opening and a closing time.",
    )


def test_the_editors_errors_are_in_the_active_language():
    from django.utils import translation

    from business.hours_editor import DayDraft, WeeklyHoursField

    week = {"mon": DayDraft(closed=False, shifts=[("18:00", "09:00")])}
    with translation.override("fr"):
        try:
            WeeklyHoursField(required=False).clean(week)
        except ValidationError as error:
            assert error.messages == ["lundi : la plage 18:00–09:00 ferme avant d’ouvrir."]
        else:
            raise AssertionError("a shift closing before it opens was accepted")


def test_a_holiday_and_a_short_day_are_added_without_javascript(staff_client, business):
    data = submitted(staff_client, business)
    total = int(data["special_days-TOTAL_FORMS"])
    assert total == 1  # the blank row to add one
    data |= {
        "special_days-0-date": "2026-12-25",
        "special_days-0-label": "Christmas",
        "special_days-0-closed": "on",
    }
    assert staff_client.post(page_url(business), data).status_code == 302
    data = submitted(staff_client, business)
    data |= {
        "special_days-1-date": "2026-12-31",
        "special_days-1-label": "New Year's Eve",
        "special_days-1-closed": None,
        "special_days-1-opens": "09:00",
        "special_days-1-closes": "12:00",
    }
    data = {key: value for key, value in data.items() if value is not None}
    assert staff_client.post(page_url(business), data).status_code == 302
    days = [(day.label, day.hours().intervals) for day in business.special_days.all()]
    assert days == [("Christmas", []), ("New Year's Eve", [["09:00", "12:00"]])]


def test_times_typed_on_a_day_left_closed_are_refused_not_dropped(staff_client, business):
    data = submitted(staff_client, business, **{"special_days-0-date": "2026-12-31", "special_days-0-opens": "09:00"})
    assert_refused(staff_client, business, data, "Untick “closed all day” to open at these times, or clear them.")
    assert not business.special_days.exists()
