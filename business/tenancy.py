"""Which businesses a user may see: their memberships', or every one for a superuser."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from .models import Business


def businesses_of(user) -> QuerySet[Business]:
    if not user.is_authenticated or not user.is_active:
        return Business.objects.none()
    if user.is_superuser:
        return Business.objects.all()
    return Business.objects.filter(memberships__user=user)


def scoped(queryset: QuerySet, tenant_path: str, user) -> QuerySet:
    """Rows of `queryset` whose business (reached through `tenant_path`, "" for a Business) is the user's."""
    if user.is_superuser and user.is_active:
        return queryset
    lookup = f"{tenant_path}__in" if tenant_path else "pk__in"
    return queryset.filter(**{lookup: businesses_of(user).values("pk")})


def owns(user, obj: Model, tenant_path: str) -> bool:
    return scoped(type(obj)._default_manager.filter(pk=obj.pk), tenant_path, user).exists()
