"""The store in the admin: conversations with their messages (contacts are in operations/admin.py, beside
their erasure)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from business.admin import BUSINESS_FILTER
from business.admin_tenancy import TenantAdmin

from .models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = readonly_fields = ("created_at", "direction", "author", "text", "status", "error_code")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff


@admin.register(Conversation)
class ConversationAdmin(TenantAdmin):
    list_display = ["contact", "connection", "status", "last_message_at", "console_link"]
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
