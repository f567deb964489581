from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BusinessConfig(AppConfig):
    name = "business"
    verbose_name = "Businesses"

    def ready(self) -> None:
        from . import signals  # connects the search index signals

        post_migrate.connect(signals.index_businesses_not_indexed, sender=self, dispatch_uid="index-businesses")
