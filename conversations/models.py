"""Connections to messaging platforms, the customers on them, and every message in and out.

The tables keep the names they were made with in the channels app (`db_table`): conversations/migrations/0001
moved the models here without touching a row. A connection lives with the messages that reference it: the
platform packages, which import the store, read and write it; the store knows a platform only by its name.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="conversations")
    connection = models.ForeignKey(ChannelConnection, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOT)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Platforms allow free-form replies only for a while after the customer last wrote (Meta: 24 h).
    last_inbound_at = models.DateTimeField(null=True, blank=True)

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
    reply_to = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply",
        help_text="For a reply, the customer message it answers: at most one reply per message.",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
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
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.text[:60]}"
