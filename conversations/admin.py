"""The store in the admin: conversations with their messages (contacts are in operations/admin.py, beside
their erasure)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from business.admin import BUSINESS_FILTER
from business.admin_tenancy import TenantAdmin
from business.admin_times import business_time_column

from .models import Conversation, Message, MessageTemplate


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = readonly_fields = ("time", "direction", "author", "text", "status", "error_code")
    can_delete = False
    time = business_time_column("created_at", _("Time"), "conversation__business")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("conversation__business")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff


@admin.register(Conversation)
class ConversationAdmin(TenantAdmin):
    list_display = ["contact", "connection", "status", "last_message", "console_link"]
    list_select_related = ["business", "contact", "connection"]
    fields = ["business", "connection", "contact", "status", "started", "last_message", "last_from_customer"]
    readonly_fields = ["started", "last_message", "last_from_customer"]
    started = business_time_column("created_at", _("Started"))
    last_message = business_time_column("last_message_at", _("Last message"))
    last_from_customer = business_time_column("last_inbound_at", _("Last message from the customer"))
    list_filter = [BUSINESS_FILTER, "status", "connection__platform"]
    search_fields = ["contact__display_name", "contact__platform_user_id", "messages__text"]
    inlines = [MessageInline]

    # The store's record of what was said: conversations are made by messages arriving, changed by the
    # console's actions, and only read here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Console")
    def console_link(self, conversation: Conversation) -> str:
        url = reverse("console:transcript", args=[conversation.business.slug, conversation.pk])
        return format_html('<a href="{}">Open in the console</a>', url)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(TenantAdmin):
    """The business's WhatsApp templates as approved at Meta, for operators to send and for booking reminders."""

    list_display = ["name", "language", "purpose", "category", "business"]
    list_filter = [BUSINESS_FILTER, "purpose"]
    search_fields = ["name", "body"]
    fields = ["business", "name", "language", "category", "body", "purpose"]
