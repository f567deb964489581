from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .admin_prices import PricedForm, PriceField
from .admin_tenancy import TenantAdmin, TenantInline
from .admin_times import business_time_column
from .hours_editor import HOURS_HELP, WeeklyHoursField
from .models import (
    Booking,
    Business,
    CatalogueItem,
    Customer,
    Document,
    FaqEntry,
    Lead,
    Membership,
    Order,
    SpecialDay,
)

BUSINESS_FILTER = ("business", admin.RelatedOnlyFieldListFilter)


class CompactRows:
    """Rows narrow enough for a 1366-pixel screen: the admin's own text areas are 48em wide, which pushed the
    catalogue's price, currency, available and delete columns off the business page."""

    formfield_overrides: Mapping[type[models.Field], Mapping[str, Any]] = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 34})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 22})},
    }


class FaqEntryInline(CompactRows, TenantInline, admin.TabularInline):
    model = FaqEntry
    extra = 0


class CatalogueItemForm(PricedForm):
    price = PriceField()

    class Meta:
        model = CatalogueItem
        fields = "__all__"
        widgets = {"currency": forms.TextInput(attrs={"size": 3})}


class OrderForm(PricedForm):
    price_fields = ("total",)
    total = PriceField(required=False)

    class Meta:
        model = Order
        fields = "__all__"


class CatalogueItemInline(CompactRows, TenantInline, admin.TabularInline):
    model = CatalogueItem
    form = CatalogueItemForm
    extra = 0


class SpecialDayInline(TenantInline, admin.TabularInline):
    """Holidays and exceptional closures or hours, by date: one blank row to add a day without JavaScript."""

    model = SpecialDay
    extra = 1
    fields = ["date", "label", "closed", "opens", "closes"]


class MembershipInline(admin.TabularInline):
    """Who works for the business: only superusers grant access."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class BusinessForm(forms.ModelForm):
    opening_hours = WeeklyHoursField(required=False, label=_("Opening hours"), help_text=HOURS_HELP)

    class Meta:
        model = Business
        fields = "__all__"


@admin.register(Business)
class BusinessAdmin(TenantAdmin):
    tenant_path = ""
    form = BusinessForm
    list_display = ["__str__", "slug", "timezone", "languages"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "languages"]}),
        ("Opening hours", {"fields": ["timezone", "opening_hours"]}),
        ("Contact", {"fields": ["address", "phone", "email"]}),
        (_("Reminders and surveys"), {"fields": ["booking_reminder_hours", "satisfaction_survey_minutes"]}),
    ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        business = self.get_object(request, object_id) if request.method == "GET" else None
        if business is not None and business.draft_of is not None:
            # Edited like the business, the draft must not be mistaken for it.
            live = business.draft_of.name
            self.message_user(
                request,
                _("This is the draft of %(name)s: customers do not see these changes until it is published from the "
                  "console's Draft page.") % {"name": live},
                messages.WARNING,
            )  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def get_inlines(self, request: HttpRequest, obj: Business | None) -> list:
        inlines = [FaqEntryInline, CatalogueItemInline, SpecialDayInline]
        return [*inlines, MembershipInline] if request.user.is_superuser else inlines

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(FaqEntry)
class FaqEntryAdmin(TenantAdmin):
    list_display = ["question", "published", "business"]
    list_filter = [BUSINESS_FILTER, "published"]
    search_fields = ["question", "answer"]


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    list_display = ["title", "business", "updated"]
    list_select_related = ["business"]
    updated = business_time_column("updated_at", _("Updated"))
    list_filter = [BUSINESS_FILTER]
    search_fields = ["title", "body"]


@admin.register(CatalogueItem)
class CatalogueItemAdmin(TenantAdmin):
    form = CatalogueItemForm
    list_display = ["name", "price_label", "available", "business"]
    list_filter = [BUSINESS_FILTER, "available"]
    list_editable = ["available"]
    search_fields = ["name", "description"]


@admin.register(Customer)
class CustomerAdmin(TenantAdmin):
    list_display = ["__str__", "reference", "email", "phone", "business"]
    list_filter = [BUSINESS_FILTER]
    search_fields = ["name", "email", "phone", "reference"]


@admin.register(Order)
class OrderAdmin(TenantAdmin):
    form = OrderForm
    list_display = ["reference", "customer", "status", "total", "updated", "business"]
    list_select_related = ["business", "customer"]
    updated = business_time_column("updated_at", _("Updated"))
    list_filter = [BUSINESS_FILTER, "status"]
    search_fields = ["reference", "customer__name"]
    autocomplete_fields = ["customer"]


@admin.register(Booking)
class BookingAdmin(TenantAdmin):
    list_display = ["customer", "starts", "party_size", "status", "reminder", "business"]
    readonly_fields = ["reminder"]
    list_select_related = ["business", "customer"]
    starts = business_time_column("starts_at", _("Starts"))
    list_filter = [BUSINESS_FILTER, "status"]
    list_editable = ["status"]
    search_fields = ["customer__name", "notes"]
    autocomplete_fields = ["customer"]


@admin.register(Lead)
class LeadAdmin(TenantAdmin):
    list_display = ["customer", "interest", "contact_detail", "created", "business"]
    list_select_related = ["business", "customer"]
    created = business_time_column("created_at", _("Created"))
    list_filter = [BUSINESS_FILTER]
    search_fields = ["customer__name", "interest", "contact_detail"]
    autocomplete_fields = ["customer"]
