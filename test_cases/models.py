"""Test cases: what customers say to a business's agent and what a right answer must do, turn by turn.

A case is played by running.py against the business (or its draft) and judged by judging/, the judge
`make eval` uses too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from business.languages import SUPPORTED_LANGUAGES
from business.models import Business
from conversations.models import Conversation
from judging.verdict import Expectation, ExpectedBooking

# A booking is expected at most this many days after the day the case runs.
MAX_BOOKING_DAYS = 365
MAX_BOOKING_PARTY = 50


class Case(models.Model):
    """One test case of a business: its customer turns, played in order, with the history before them."""

    class Source(models.TextChoices):
        WRITTEN = "written", _("Written by hand")
        TRANSCRIPT = "transcript", _("From a transcript")
        ANNOTATION = "annotation", _("From a correction")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="test_cases")
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.WRITTEN)
    # A case saved from a conversation holds the customer's words: it goes with them (erasure, retention).
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text=_("The conversation the case was saved from; deleted with it."),
    )  # fmt: skip
    annotation = models.ForeignKey(
        "console.Annotation", verbose_name=_("correction"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The correction the case was made from."),
    )  # fmt: skip
    # [{"author": "customer" | "agent", "text": "..."}]: the conversation before the first turn, given to the
    # agent as it was said, not played again.
    history = models.JSONField(
        _("history"), default=list, blank=True,
        help_text=_('What was said before the first turn, as [{"author": "customer" or "agent", "text": "..."}].'),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test case")
        verbose_name_plural = _("test cases")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["business", "name"], name="one_test_case_name_per_business")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.history, list) or not all(
            isinstance(line, dict)
            and set(line) == {"author", "text"}
            and line["author"] in ("customer", "agent")
            and isinstance(line["text"], str)
            for line in self.history
        ):
            raise ValidationError(
                {"history": _('Write the history as [{"author": "customer" or "agent", "text": "..."}].')}
            )


class CaseTurn(models.Model):
    """A customer message of a case and, when judged, what the agent's answer must do."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("the customer says"))
    judged = models.BooleanField(
        _("judged"),
        default=True,
        help_text=_("Unticked: the message is played for what follows, its answer not judged."),
    )
    must_contain = models.TextField(
        _("must contain"), blank=True, help_text=_("Facts the answer must state, one a line (a price, a time, a word).")
    )
    must_not_contain = models.TextField(
        _("must not contain"), blank=True, help_text=_("Facts it must not state, one a line.")
    )
    handoff = models.BooleanField(
        _("hands over"), null=True, blank=True,
        help_text=_("Whether the agent must hand the conversation to staff; empty: either is right."),
    )  # fmt: skip
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=list(SUPPORTED_LANGUAGES.items()),
        help_text=_("The language the answer must be in; empty: any."),
    )  # fmt: skip
    booking_in_days = models.PositiveSmallIntegerField(
        _("booking in days"), null=True, blank=True, validators=[MaxValueValidator(MAX_BOOKING_DAYS)],
        help_text=_("The booking it must write: how many days after the day the case runs (0: that day)."),
    )  # fmt: skip
    booking_time = models.TimeField(_("booking time"), null=True, blank=True)
    booking_party = models.PositiveSmallIntegerField(
        _("booking party size"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_BOOKING_PARTY)],
    )  # fmt: skip

    class Meta:
        verbose_name = _("turn")
        verbose_name_plural = _("turns")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def expects_booking(self) -> bool:
        return self.booking_time is not None

    def clean(self) -> None:
        given = [self.booking_in_days is not None, self.booking_time is not None, self.booking_party is not None]
        if any(given) and not all(given):
            raise ValidationError(_("A booking needs its day, its time and its party size, or none of them."))

    def expectation(self, today: date) -> Expectation:
        """What the answer must do, its booking counted from `today`, the business's date when the case runs."""
        booking = None
        if self.booking_time is not None and self.booking_in_days is not None:
            day = today + timedelta(days=self.booking_in_days)
            booking = ExpectedBooking(datetime.combine(day, self.booking_time), self.booking_party or 1)
        return Expectation(
            all_of=lines(self.must_contain),
            none_of=lines(self.must_not_contain),
            language=self.language or None,
            handoff=self.handoff,
            booking=booking,
        )


def lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())
