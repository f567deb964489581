"""A business, the people who run it, and the facts its agent answers from.

This app knows no messaging platform and no agent: those apps point at it, never the reverse.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .faq_publishing import faq_entry_publishing
from .hours import SpecialHours, describe, validate_opening_hours
from .languages import DEFAULT_LANGUAGES, default_languages, validate_languages
from .locale_format import money


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA timezone such as Europe/Paris.")


class Business(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, help_text="Short name used in URLs and commands.")
    description = models.TextField(blank=True, help_text="What the business does, in a few sentences.")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    opening_hours = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_opening_hours],
        help_text='Per weekday, a list of [open, close] pairs: {"mon": [["09:00", "17:00"]], ...}.',
    )
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    languages = models.JSONField(
        default=default_languages,
        validators=[validate_languages],
        help_text=_(
            "The languages the agent serves customers in, main one first, among en, fr, es, de, it and pt: "
            '["fr", "en"].'
        ),
    )
    transcript_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Messages older than this many days are deleted every hour. Empty: kept until deleted by hand.",
    )
    # A draft is a business of its own that staff edit and test before publishing it over this one (drafts.py):
    # never connected to a channel, it serves no customer.
    draft_of = models.OneToOneField(
        "self", null=True, blank=True, editable=False, on_delete=models.CASCADE, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name"]

    def __str__(self) -> str:
        if self.draft_of_id is not None:
            return gettext("Draft of %(name)s") % {"name": self.name}
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.draft_of_id is not None

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Business:
        instance = super().from_db(db, field_names, values)
        # Remembered so that a change of languages can rebuild the search index (signals.py).
        languages = instance.__dict__.get("languages")
        instance.loaded_languages = list(languages) if languages is not None else None
        return instance

    loaded_languages: list[str] | None = None

    @property
    def language(self) -> str:
        """The main language: the one searched in, and replies' language for customers it does not serve."""
        return self.languages[0] if self.languages else DEFAULT_LANGUAGES[0]

    def opening_hours_lines(self) -> list[str]:
        return describe(self.opening_hours or {})

    def special_hours(self, first: date, days: int = 366) -> dict[date, SpecialHours]:
        """The special days from `first` on, for `days` days, by date."""
        special = self.special_days.filter(date__gte=first, date__lt=first + timedelta(days=days))
        return {day.date: day.hours() for day in special}


class SpecialDay(models.Model):
    """A holiday, an exceptional closure or special hours on one date, over the weekly opening hours."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="special_days")
    date = models.DateField(_("date"))
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("What customers call the day: Christmas, stocktaking.")
    )
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday or special day")
        verbose_name_plural = _("holidays and special days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["business", "date"], name="one_special_day_per_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.label}".strip()

    def clean(self) -> None:
        if self.closed and (self.opens or self.closes):
            # Times typed but "closed all day" left ticked: which was meant is the staff's to say.
            raise ValidationError(_("Untick “closed all day” to open at these times, or clear them."))
        if self.closed:
            return
        if self.opens is None or self.closes is None:
            raise ValidationError(_("Give the opening and closing times of this day, or tick “closed all day”."))
        if self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})

    def hours(self) -> SpecialHours:
        open_hours = (
            [] if self.closed or not (self.opens and self.closes) else [[f"{self.opens:%H:%M}", f"{self.closes:%H:%M}"]]
        )
        return SpecialHours(self.date, open_hours, self.label)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"
        OPERATOR = "operator", "Operator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "business"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.business}"


class FaqEntry(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField()
    # An entry made from a customer's message starts unpublished: it holds that customer's words until
    # staff rewrite them, so nobody's search finds it and erasing the customer deletes it.
    published = models.BooleanField(
        default=True,
        help_text=_("Only published entries are searched by the agent. An entry made from a customer's message "
                    "starts unpublished: rewrite the question in your own words, then publish it."),
    )  # fmt: skip

    class Meta:
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.question

    def clean(self) -> None:
        if self.published:
            faq_entry_publishing.send(sender=FaqEntry, entry=self)


class CatalogueItem(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="catalogue_items")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    available = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["business", "name"], name="unique_item_name_per_business")]

    def __str__(self) -> str:
        return self.name

    def price_label(self) -> str:
        """The price as the active language writes it: "€5.20", "5,20 €"."""
        return money(self.price, self.currency)


class Document(models.Model):
    """Longer knowledge than an FAQ answer: a delivery policy, a menu, a returns page."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["business", "title"], name="unique_document_title_per_business")]

    def __str__(self) -> str:
        return self.title


class Customer(models.Model):
    """Someone the business deals with, whatever app they write from; orders and bookings are theirs."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="International format, e.g. +33612345678.")
    reference = models.CharField(
        max_length=100, blank=True, help_text="The business's own id for this customer, used by import files."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "reference"], condition=~Q(reference=""), name="unique_customer_reference"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"Customer {self.pk}"


class OfOneCustomer:
    """A record of one business's customer: the customer must be that business's. A staff member
    of two businesses is offered both's customers in the admin, and the agent's order lookup trusts
    that an order's customer is its business's own."""

    def clean(self) -> None:
        super().clean()  # type: ignore[misc]
        if self.customer_id and self.business_id and self.customer.business_id != self.business_id:  # type: ignore[attr-defined]
            raise ValidationError(
                {"customer": "This customer is another business's: pick one of this business's customers."}
            )


class Order(OfOneCustomer, models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready for collection")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="orders")
    reference = models.CharField(max_length=64)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    items = models.JSONField(default=list, blank=True, help_text='[{"name": "Sourdough loaf", "quantity": 2}]')
    total = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["business", "reference"], name="unique_order_reference")]

    def __str__(self) -> str:
        return self.reference


class Booking(OfOneCustomer, models.Model):
    """A table, an appointment or a callback the agent took; staff confirm it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="bookings")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="bookings")
    starts_at = models.DateTimeField()
    party_size = models.PositiveSmallIntegerField(default=1)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        local = self.starts_at.astimezone(zoneinfo.ZoneInfo(self.business.timezone))
        return f"{self.customer} at {local:%Y-%m-%d %H:%M} ({self.business.timezone})"


class Lead(OfOneCustomer, models.Model):
    """A prospective customer's request for staff to follow up."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="leads")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="leads")
    interest = models.TextField()
    contact_detail = models.CharField(max_length=200, blank=True, help_text="How the customer wants to be reached.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer}: {self.interest[:60]}"


class Passage(models.Model):
    """A piece of what the business knows, as the search finds it (search.py).

    Made by passages.py from the FAQ, documents, catalogue, opening hours, address, contact and
    orders, and remade whenever they change (signals.py): never edited by hand. An order's passage
    belongs to its customer, and only that customer's searches see it.
    """

    class Source(models.TextChoices):
        FAQ = "faq", "FAQ entry"
        DOCUMENT = "document", "Document"
        ITEM = "item", "Catalogue item"
        HOURS = "hours", "Opening hours"
        ADDRESS = "address", "Address"
        CONTACT = "contact", "Contact"
        ORDER = "order", "Order"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="passages")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    # What tells apart the passages of one source object: a weekday, a paragraph's number.
    key = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=16)
    title = models.CharField(max_length=300)
    body = models.TextField()
    # What a reply built on this passage must carry word for word (agents/grounding.py).
    facts = models.JSONField(default=list, blank=True)
    # The analysed text (text_analysis.py), padded with spaces so that " stem " finds a whole term.
    terms = models.TextField()
    title_terms = models.TextField()
    # The words customers use for the passage's topic ("price", "where"): nearly as telling as its title.
    topic_terms = models.TextField(blank=True)
    folded = models.TextField()
    # Which analysis wrote it (text_analysis.fingerprint()): a passage of an older one is written again.
    analysis = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["business", "source", "object_id"], name="passage_source")]

    def __str__(self) -> str:
        return self.title
