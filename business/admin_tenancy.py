"""Admin classes that show a staff user only their own businesses' rows, everywhere the admin lists them.

A staff user's right to a business comes from their Membership, not from Django's per-model
permissions: lists, search, related pickers (select boxes and autocompletes) and single pages are all
cut down to the businesses they belong to. Superusers see everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .admin_times import InBusinessTime
from .tenancy import businesses_of, owns, scoped


class TenantPermissions:
    """Membership-based permissions, shared by model admins and inlines."""

    def _is_staff_member(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or businesses_of(user).exists())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_staff_member(request)


class TenantAdmin(InBusinessTime, TenantPermissions, admin.ModelAdmin):
    # The lookup from this model to its Business; "" for Business itself.
    tenant_path = "business"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), self.tenant_path, request.user)

    def _may(self, request: HttpRequest, obj: Model | None) -> bool:
        return self._is_staff_member(request) and (obj is None or owns(request.user, obj, self.tenant_path))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_staff_member(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A staff member of one business adds rows only to it: choosing it each time is a chore easily missed.
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        if self.tenant_path == "business" and "business" not in initial:
            theirs = list(businesses_of(request.user).values_list("pk", flat=True)[:2])
            if len(theirs) == 1:
                initial["business"] = theirs[0]
        return initial

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A related picker offers only rows the user may see: the related model's own admin scopes them.
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, TenantAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TenantInline(TenantPermissions):
    """Rows edited inside their business's page: allowed exactly when the page is."""

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_staff_member(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission
