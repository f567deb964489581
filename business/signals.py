"""Keep the search's passages in step with the business's data, however it is edited."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search, text_analysis
from .models import Business, Passage, SpecialDay


def _reindex(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        search.reindex(instance)


def _unindex(sender: type, instance: Any, **kwargs: Any) -> None:
    search.unindex(instance)


for _model in search.SEARCHABLE:
    post_save.connect(_reindex, sender=_model, dispatch_uid=f"reindex-{_model.__name__}")
    post_delete.connect(_unindex, sender=_model, dispatch_uid=f"unindex-{_model.__name__}")


@receiver(post_save, sender=Business, dispatch_uid="reindex-business-details")
def _business_saved(sender: type, instance: Business, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if instance.loaded_languages not in (None, list(instance.languages)):
        # Stemming and the fixed words follow the languages: every passage is written again.
        search.reindex_business(instance)
    else:
        # Hours, address and contact are the business's own fields: cheap to write again on any save.
        search.reindex_business_details(instance)
    instance.loaded_languages = list(instance.languages)


@receiver(post_save, sender=SpecialDay, dispatch_uid="reindex-special-days-saved")
@receiver(post_delete, sender=SpecialDay, dispatch_uid="reindex-special-days-deleted")
def _special_day_changed(sender: type, instance: SpecialDay, raw: bool = False, **kwargs: Any) -> None:
    """The hours passages list the coming special days."""
    if not raw:
        search.reindex_business_details(instance.business)


def index_businesses_not_indexed(**kwargs: Any) -> None:
    """After migrating: the businesses that existed before the passages get theirs, and those indexed by an
    older analysis (other lexicons) get theirs written again (post_migrate, apps.py)."""
    if Passage._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the passages
    stale = Passage.objects.exclude(analysis=text_analysis.fingerprint()).values("business")
    indexed = Passage.objects.values("business")
    for business in Business.objects.filter(Q(pk__in=stale) | ~Q(pk__in=indexed)):
        search.reindex_business(business)
