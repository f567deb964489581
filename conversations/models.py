"""Connections to messaging platforms, the customers on them, and every message in and out.

The tables keep the names they were made with in the channels app (`db_table`): conversations/migrations/0001
moved the models here without touching a row. A connection lives with the messages that reference it: the
platform packages, which import the store, read and write it; the store knows a platform only by its name.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from business.models import Business, Customer
from infrastructure.credential_hosts import HostNotAllowed, platform_base_url
from infrastructure.encrypted_fields import EncryptedJSONField

from .platforms import find_platform, platform, platform_choices


class ChannelConnection(models.Model):
    """One business's account on one platform: where its webhooks arrive and how replies are sent."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="channel_connections")
    platform = models.CharField(max_length=32, choices=platform_choices)
    name = models.CharField(max_length=200, blank=True, help_text="A label for staff, such as the Page's name.")
    webhook_key = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Identifies this connection in its webhook URL."
    )
    credentials = models.JSONField(
        default=dict,
        blank=True,
        help_text="Platform ids (page id, phone number id...); secrets set here move to `secrets` on save.",
    )
    # The platform's secret keys (tokens, app secrets), encrypted: webhooks look connections up by the
    # ids in `credentials`, never by a secret.
    secrets = EncryptedJSONField(default=dict, blank=True, editable=False)
    api_base = models.URLField(
        blank=True,
        help_text="The platform's API host. Empty: the platform's real host. Another host must be listed in "
        "the server's PARLEY_PLATFORM_API_HOSTS.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "channels_app_channelconnection"
        ordering = ["business__name", "platform"]
        constraints = [
            # The key names the connection in the widget's public URLs: another business must not be able to take it.
            models.UniqueConstraint(
                KeyTextTransform("public_key", "credentials"),
                condition=Q(platform="webchat"),
                name="webchat_public_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.business} on {self.get_platform_display()}{f' ({self.name})' if self.name else ''}"

    def credential(self, key: str) -> str:
        """A credential, secret or not; one set in `credentials` and not saved yet comes first."""
        return str(self.credentials.get(key) or self.secrets.get(key) or "")

    def clean_fields(self, exclude: Any = None) -> None:
        super().clean_fields(exclude)
        if self.api_base and "api_base" not in (exclude or ()):
            try:
                platform_base_url(self.api_base, platform(self.platform).default_api_base)
            except HostNotAllowed as error:
                raise ValidationError({"api_base": str(error)}) from error

    def clean(self) -> None:
        super().clean()
        if self.business_id is not None and self.business.is_draft:
            # A draft serves no customer until it is published over its live business, which keeps the channels.
            raise ValidationError(
                {"business": _("A draft cannot be connected to a channel: connect its live business.")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Secret keys set in `credentials` are moved to the encrypted `secrets`."""
        spec = find_platform(self.platform)
        secret_keys = spec.secret_keys if spec else ()
        self.secrets = {**self.secrets, **{key: value for key, value in self.credentials.items() if key in secret_keys}}
        self.credentials = {key: value for key, value in self.credentials.items() if key not in secret_keys}
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "credentials" in update_fields:
            kwargs["update_fields"] = {*update_fields, "secrets"}
        super().save(*args, **kwargs)

    def webhook_path(self) -> str:
        return f"/webhooks/{self.platform}/{self.webhook_key}/"

    def webhook_url(self) -> str:
        return settings.PUBLIC_BASE_URL + self.webhook_path()


class Contact(models.Model):
    """A customer as one platform knows them (a Page-scoped id, a phone number, a chat id)."""

    connection = models.ForeignKey(ChannelConnection, on_delete=models.CASCADE, related_name="contacts")
    platform_user_id = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200, blank=True)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text="The business's customer this is; their orders and bookings are the ones the agent may see.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "channels_app_contact"
        constraints = [
            models.UniqueConstraint(fields=["connection", "platform_user_id"], name="one_contact_per_platform_user")
        ]

    def __str__(self) -> str:
        return self.display_name or self.platform_user_id


class Conversation(models.Model):
    class Status(models.TextChoices):
        BOT = "bot", "Answered by the agent"
        NEEDS_HUMAN = "needs_human", "Needs a human"
        HUMAN = "human", "Taken over by a human"
        CLOSED = "closed", "Closed"

    class Rating(models.IntegerChoices):
        """Three, as WhatsApp shows at most three reply buttons."""

        GOOD = 3, _("Good")
        OK = 2, _("OK")
        POOR = 1, _("Poor")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="conversations")
    connection = models.ForeignKey(ChannelConnection, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOT)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Platforms allow free-form replies only for a while after the customer last wrote (Meta: 24 h).
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    # The satisfaction survey: claimed once per conversation with a conditional UPDATE, then the
    # customer's answer and when it came.
    satisfaction_asked_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True, choices=Rating.choices)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "channels_app_conversation"
        ordering = ["-last_message_at"]
        constraints = [
            # Two webhooks racing for a new customer must end in one conversation, not two.
            models.UniqueConstraint(
                fields=["contact"], condition=~Q(status="closed"), name="one_open_conversation_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} with {self.business}"


PLACEHOLDER = re.compile(r"\{\{\s*(\d+)\s*\}\}")


class MessageTemplate(models.Model):
    """A message template the platform approved (WhatsApp), the only message it lets a business send once the
    customer's 24-hour window has closed. Registered here by staff as it was approved at Meta: Parley sends
    its name, language and the values of its {{1}}, {{2}}... placeholders, never its text."""

    class Purpose(models.TextChoices):
        OPERATORS = "", _("Sent by operators")
        BOOKING_REMINDER = "booking_reminder", _("Booking reminders")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="message_templates")
    name = models.CharField(
        _("name"),
        max_length=512,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Lower-case letters, digits and underscores, as at Meta."))],
        help_text=_("The template's name at Meta (WhatsApp Manager > Message templates), e.g. booking_reminder."),
    )
    language = models.CharField(
        _("language code"),
        max_length=16,
        validators=[RegexValidator(r"^[a-z]{2,3}(_[A-Z]{2})?$", _("A code such as en, en_GB or pt_BR."))],
        help_text=_("The language it was approved in, as Meta writes it: en, en_GB, fr, pt_BR."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "The approved body text with its placeholders {{1}}, {{2}}..., shown to operators and in transcripts."
        ),
    )
    category = models.CharField(
        _("category"),
        max_length=16,
        blank=True,
        choices=[("UTILITY", "Utility"), ("MARKETING", "Marketing"), ("AUTHENTICATION", "Authentication")],
    )
    purpose = models.CharField(
        _("used for"),
        max_length=32,
        blank=True,
        choices=Purpose.choices,
        help_text=_(
            "Booking reminders: sent when a reminder is due and the customer's window has closed. Its body's "
            "{{1}} is the booking's date, {{2}} its time, {{3}} the number of people, and it has two quick-reply "
            "buttons, Confirm then Cancel."
        ),
    )

    class Meta:
        db_table = "conversations_messagetemplate"
        ordering = ["name", "language"]
        verbose_name = _("WhatsApp message template")
        verbose_name_plural = _("WhatsApp message templates")
        constraints = [
            models.UniqueConstraint(fields=["business", "name", "language"], name="one_template_per_name_and_language"),
            # The reminder in a language is one template: which of two to send is not Parley's to guess.
            models.UniqueConstraint(
                fields=["business", "language"],
                condition=Q(purpose="booking_reminder"),
                name="one_reminder_template_per_language",
                violation_error_message=_("This business has a booking-reminder template in this language already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def placeholder_numbers(self) -> range:
        return range(1, self.parameter_count() + 1)

    def parameter_count(self) -> int:
        """How many values a send fills: the highest placeholder number in the body."""
        return max((int(number) for number in PLACEHOLDER.findall(self.body)), default=0)

    def clean(self) -> None:
        numbers = sorted({int(number) for number in PLACEHOLDER.findall(self.body)})
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError({"body": _("Number the placeholders {{1}}, {{2}}... from 1 without gaps.")})
        if self.purpose == self.Purpose.BOOKING_REMINDER and len(numbers) > 3:
            raise ValidationError(
                {"body": _("A booking reminder's body fills at most {{1}} date, {{2}} time and {{3}} people.")}
            )

    def filled(self, parameters: list[str]) -> str:
        """The body as the customer reads it with these values."""
        return PLACEHOLDER.sub(
            lambda match: parameters[int(match.group(1)) - 1] if int(match.group(1)) <= len(parameters) else "",
            self.body,
        )

    def message_metadata(self, parameters: list[str], buttons: list[str] | None = None) -> dict[str, Any]:
        """What a template message carries for its sender (Message.metadata["template"])."""
        template: dict[str, Any] = {"name": self.name, "language": self.language, "parameters": parameters}
        if buttons:
            template["buttons"] = buttons
        return {"template": template}


def error_code_column(code: str) -> str:
    """A platform's error code as Message.error_code holds it: a platform may send any text as its code."""
    return code[: Message._meta.get_field("error_code").max_length]


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", "From the customer"
        OUTBOUND = "out", "To the customer"

    class Author(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        AGENT = "agent", "Agent"
        OPERATOR = "operator", "Operator"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        READ = "read", "Read"
        FAILED = "failed", "Failed"

    class Transcription(models.TextChoices):
        PENDING = "pending", "Being transcribed"
        DONE = "done", "Transcribed"
        FAILED = "failed", "Not transcribed"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Kept beside the conversation so that a platform's message id can be unique per connection.
    connection = models.ForeignKey(ChannelConnection, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author = models.CharField(max_length=16, choices=Author.choices)
    kind = models.CharField(max_length=16, default="text", help_text="text, media, location, button, reaction, edit...")
    text = models.TextField(blank=True)
    metadata = models.JSONField(
        default=dict, blank=True, help_text="Attachments, button payloads, reacted-to messages, sent parts."
    )
    platform_message_id = models.CharField(max_length=255, null=True, blank=True)
    # A reply's choices offered to the customer, [{"id", "title"}] (conversations/choices.py), and on a
    # customer message the id of the choice it picked (its text is then that choice's title).
    choices = models.JSONField(default=list, blank=True)
    chosen = models.CharField(max_length=64, blank=True)
    reply_to = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply",
        help_text="For a reply, the customer message it answers: at most one reply per message.",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    # A customer's voice note or audio, transcribed on the worker (voice_notes.py): its turn waits for it.
    transcription = models.CharField(max_length=8, choices=Transcription.choices, blank=True)
    transcript = models.TextField(blank=True, help_text="What the customer said in their voice note.")
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a sender last claimed this reply: a claim long past means the sender died mid-send.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # For a customer message, when its turn may start: later than its arrival when its business was
    # over its turns per minute (agents/turn_quota.py). Kept so that a turn enqueued again waits too.
    turn_not_before = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_detail = models.TextField(blank=True)
    platform_timestamp = models.DateTimeField(null=True, blank=True, help_text="When the platform says it was sent.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "channels_app_message"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "platform_message_id"],
                condition=Q(platform_message_id__isnull=False),
                name="platform_message_id_unique_per_connection",
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"]),
            # A conversation's latest reply, which every delivery reads for the choices it offered (inbound.py):
            # found at once however many messages the customer sent since, not by reading them all.
            models.Index(
                fields=["conversation", "created_at"],
                condition=Q(direction="out"),
                name="message_latest_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.text[:60]}"
