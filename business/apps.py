from django.apps import AppConfig


class BusinessConfig(AppConfig):
    name = "business"
    verbose_name = "Businesses"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the search index signals)
