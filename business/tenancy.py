"""Which businesses a user may see: their memberships' and those businesses' drafts, or every one for a superuser."""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from .models import Business


def businesses_of(user) -> QuerySet[Business]:
    if not user.is_authenticated or not user.is_active:
        return Business.objects.none()
    if user.is_superuser:
        return Business.objects.all()
    # A draft has no members of its own: whoever works for the live business edits and tests it.
    mine = Business.objects.filter(memberships__user=user).values("pk")
    return Business.objects.filter(Q(pk__in=mine) | Q(draft_of__in=mine))


def live_businesses_of(user) -> QuerySet[Business]:
    """The businesses the user may see that serve customers: their drafts left out."""
    return businesses_of(user).filter(draft_of=None)


def scoped(queryset: QuerySet, tenant_path: str, user) -> QuerySet:
    """Rows of `queryset` whose business (reached through `tenant_path`, "" for a Business) is the user's."""
    if user.is_superuser and user.is_active:
        return queryset
    lookup = f"{tenant_path}__in" if tenant_path else "pk__in"
    return queryset.filter(**{lookup: businesses_of(user).values("pk")})


def owns(user, obj: Model, tenant_path: str) -> bool:
    return scoped(type(obj)._default_manager.filter(pk=obj.pk), tenant_path, user).exists()
