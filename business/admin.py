from django.contrib import admin

from .models import Business, CatalogueItem, FaqEntry, Membership


class FaqEntryInline(admin.TabularInline):
    model = FaqEntry
    extra = 0


class CatalogueItemInline(admin.TabularInline):
    model = CatalogueItem
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "language"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FaqEntryInline, CatalogueItemInline, MembershipInline]
