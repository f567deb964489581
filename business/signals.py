"""Keep the search index in step with the FAQ, documents and catalogue, however they are edited."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import Business


def _reindex(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        search.reindex(instance)


def _unindex(sender: type, instance: Any, **kwargs: Any) -> None:
    search.unindex(instance)


for _model in search.SEARCHABLE:
    post_save.connect(_reindex, sender=_model, dispatch_uid=f"reindex-{_model.__name__}")
    post_delete.connect(_unindex, sender=_model, dispatch_uid=f"unindex-{_model.__name__}")


@receiver(post_save, sender=Business, dispatch_uid="reindex-business-language")
def _language_changed(sender: type, instance: Business, raw: bool = False, **kwargs: Any) -> None:
    # The text search configuration follows the language: a new language means new vectors.
    if not raw and instance.loaded_language != instance.language:
        search.reindex_business(instance)
    instance.loaded_language = instance.language
