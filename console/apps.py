from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Operator console"

    def ready(self) -> None:
        from business.faq_publishing import faq_entry_publishing
        from business.models import FaqEntry

        # Registered in every process, so that the draft's pages enqueue their jobs by name (tasks.py).
        from . import tasks  # noqa: F401
        from .faq_publishing import refuse_customer_words

        faq_entry_publishing.connect(refuse_customer_words, sender=FaqEntry, dispatch_uid="console-faq")
