"""A business, the people who run it, and the facts its agent answers from.

This app knows no messaging platform and no agent: those apps point at it, never the reverse.
"""
from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .hours import describe, validate_opening_hours


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
    language = models.CharField(max_length=16, default="en", help_text="Language code, such as en or fr.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def opening_hours_lines(self) -> list[str]:
        return describe(self.opening_hours or {})


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

    class Meta:
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.question


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
        return f"{self.price} {self.currency}"
