"""The admin's weekly editor of opening hours: per weekday "closed" or open–close shifts, plain form fields.

It edits the stored format of hours.py ({"mon": [["09:00", "12:30"], ["14:00", "18:00"]], ...}) and needs no
JavaScript: each day shows its shifts and one blank shift to add another (weekly_hours.js hides that blank
shift behind an "Add a shift" button).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .hours import WEEKDAYS, OpeningHours
from .locale_format import weekday_name

# "9:00", "09:00", "9h00", "9.00": what people type where the browser has no time picker.
_TYPED_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$")
MAX_SHIFTS = 6


@dataclass
class DayDraft:
    """A weekday as typed: whether "closed" is ticked and the shifts' raw open and close texts."""

    closed: bool = True
    shifts: list[tuple[str, str]] = field(default_factory=list)


WeekDraft = dict[str, DayDraft]


def draft_of(hours: OpeningHours | None) -> WeekDraft:
    stored = hours or {}
    return {
        day: DayDraft(closed=not stored.get(day), shifts=[(opens, closes) for opens, closes in stored.get(day) or []])
        for day in WEEKDAYS
    }


def typed_clock(text: str) -> str | None:
    """ "9h00" as "09:00"; None for what is no time of day."""
    match = _TYPED_CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return f"{int(match[1]):02d}:{match[2]}"


class WeeklyHoursWidget(forms.Widget):
    template_name = "business/weekly_hours.html"

    class Media:
        js = ["business/weekly_hours.js"]
        css = {"all": ["business/weekly_hours.css"]}

    def format_value(self, value: Any) -> WeekDraft:  # type: ignore[override]
        if isinstance(value, dict) and all(isinstance(day, DayDraft) for day in value.values()):
            return value
        return draft_of(value if isinstance(value, dict) else None)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        days = []
        for index, day in enumerate(WEEKDAYS):
            draft = context["widget"]["value"].get(day) or DayDraft()
            typed = [shift for shift in draft.shifts if any(shift)]
            # One blank shift after the typed ones: where a split shift or a first shift is added.
            shifts = [*typed, ("", "")][:MAX_SHIFTS]
            days.append(
                {
                    "key": day,
                    "label": weekday_name(index),
                    "closed": draft.closed,
                    "closed_name": f"{name}_{day}_closed",
                    "shifts": [
                        {
                            "number": number + 1,
                            "open_name": f"{name}_{day}_{number}_open",
                            "close_name": f"{name}_{day}_{number}_close",
                            "opens": opens,
                            "closes": closes,
                            "blank": not (opens or closes),
                        }
                        for number, (opens, closes) in enumerate(shifts)
                    ],
                }
            )
        context["widget"]["days"] = days
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> WeekDraft | None:
        if self.value_omitted_from_data(data, files, name):
            return None  # a form posted without the editor keeps the stored hours
        week: WeekDraft = {}
        for day in WEEKDAYS:
            shifts = [
                (data.get(f"{prefix}_open", "").strip(), data.get(f"{prefix}_close", "").strip())
                for prefix in (f"{name}_{day}_{number}" for number in range(MAX_SHIFTS))
            ]
            week[day] = DayDraft(closed=bool(data.get(f"{name}_{day}_closed")), shifts=[s for s in shifts if any(s)])
        return week

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(key.startswith(f"{name}_") for key in data)


class WeeklyHoursField(forms.Field):
    widget = WeeklyHoursWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> OpeningHours:
        if not isinstance(value, dict) or not all(isinstance(day, DayDraft) for day in value.values()):
            return value or {}
        errors: list[str] = []
        hours: OpeningHours = {}
        for index, day in enumerate(WEEKDAYS):
            draft = value.get(day) or DayDraft()
            if draft.closed:
                continue
            label = weekday_name(index)
            if not draft.shifts:
                errors.append(gettext("%(day)s: enter the opening and closing times, or tick Closed.") % {"day": label})
                continue
            shifts = []
            for opens_text, closes_text in draft.shifts:
                if not opens_text or not closes_text:
                    errors.append(
                        gettext("%(day)s: a shift needs both an opening and a closing time.") % {"day": label}
                    )
                    continue
                opens, closes = typed_clock(opens_text), typed_clock(closes_text)
                for typed, parsed in ((opens_text, opens), (closes_text, closes)):
                    if parsed is None:
                        errors.append(
                            gettext("%(day)s: “%(text)s” is not a time of day; write it as 09:00.")
                            % {"day": label, "text": typed}
                        )
                if opens and closes:
                    shifts.append([opens, closes])
            hours[day] = sorted(shifts)
        if errors:
            raise ValidationError(errors)
        return {day: shifts for day, shifts in hours.items() if shifts}

    def validate(self, value: OpeningHours) -> None:
        super().validate(value)
        errors = []
        for index, day in enumerate(WEEKDAYS):
            label = weekday_name(index)
            shifts = value.get(day) or []
            for opens, closes in shifts:
                if closes <= opens:
                    errors.append(
                        gettext("%(day)s: the shift %(opens)s–%(closes)s closes before it opens.")
                        % {"day": label, "opens": opens, "closes": closes}
                    )
            for (opens, closes), (next_opens, next_closes) in zip(shifts, shifts[1:], strict=False):
                if next_opens < closes:
                    errors.append(
                        gettext("%(day)s: the shifts %(first)s and %(second)s overlap.")
                        % {"day": label, "first": f"{opens}–{closes}", "second": f"{next_opens}–{next_closes}"}
                    )
        if errors:
            raise ValidationError(errors)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != (initial or {})
        except ValidationError:
            return True


HOURS_HELP = _(
    "Tick Closed for a day the business does not open. A split shift, such as 09:00–12:30 and 14:00–18:00, "
    "is two shifts on the same day."
)
