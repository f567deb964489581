"""Staff write and edit their business's test cases in the admin, scoped to their businesses like every page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from business.admin import BUSINESS_FILTER, CompactRows
from business.admin_tenancy import TenantAdmin, TenantInline

from .models import Case, CaseTurn


class CaseTurnInline(CompactRows, TenantInline, admin.TabularInline):
    model = CaseTurn
    extra = 1
    fields = [
        "position", "text", "judged", "must_contain", "must_not_contain", "handoff", "language",
        "booking_in_days", "booking_time", "booking_party",
    ]  # fmt: skip


@admin.register(Case)
class CaseAdmin(TenantAdmin):
    list_display = ["name", "source", "business", "created_at"]
    list_filter = [BUSINESS_FILTER, "source"]
    search_fields = ["name", "turns__text"]
    inlines = [CaseTurnInline]
    fields = ["business", "name", "history", "source", "conversation", "annotation", "created_by", "created_at"]
    # Set by the console when a case is saved from a transcript: a picker would list every conversation.
    readonly_fields = ["source", "conversation", "annotation", "created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
