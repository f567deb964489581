"""Erasure in the admin: the record of each erasure, and contacts, which staff link to customers or erase."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from business.admin_tenancy import TenantAdmin
from business.models import Business
from conversations.models import Contact

from .erasure import forget
from .models import ErasureRecord


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ["erased_at", "business", "platform", "requested_by", "removed"]
    list_filter = ["business"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ErasureRecord | None = None) -> bool:
        return False


@admin.action(description="Erase these customers' data (messages, contact, bookings, leads)", permissions=["delete"])
def erase_customer_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Contact]
) -> TemplateResponse | None:
    """Asks first, as the admin's own delete does: a click on the wrong rows would erase for good."""
    contacts = list(queryset.select_related("connection__business"))
    if request.POST.get("post") != "yes":
        return TemplateResponse(
            request,
            "admin/operations/erase_confirmation.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": "Erase these customers' data?",
                "opts": modeladmin.model._meta,
                "contacts": contacts,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
    by_business: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_business.setdefault(contact.connection.business_id, []).append(contact)
    for business in Business.objects.filter(pk__in=by_business):
        record = forget(business, by_business[business.pk], requested_by=request.user.get_username())
        modeladmin.message_user(request, f"{business}: erased ({record.removed}).", messages.SUCCESS)
    return None


@admin.register(Contact)
class ContactAdmin(TenantAdmin):
    tenant_path = "connection__business"
    list_display = ["platform_user_id", "display_name", "customer", "connection"]
    search_fields = ["platform_user_id", "display_name"]
    actions = [erase_customer_data]
    autocomplete_fields = ["customer"]
    readonly_fields = ["connection", "platform_user_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Contacts come from the platforms' webhooks; staff only link them to customers.
        return False
