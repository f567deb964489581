from django.contrib import admin
from django.http import HttpRequest

from business.admin_tenancy import TenantAdmin

from .models import Annotation


@admin.register(Annotation)
class AnnotationAdmin(TenantAdmin):
    """Corrections are made in the console; here staff review them all in one list."""

    tenant_path = "reply__conversation__business"
    list_display = ["reply", "correct_answer", "author", "faq_entry", "created_at"]
    readonly_fields = ["reply", "author", "faq_entry", "created_at"]
    search_fields = ["correct_answer", "note", "reply__text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
