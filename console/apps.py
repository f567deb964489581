from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Operator console"

    def ready(self) -> None:
        from business.faq_publishing import faq_entry_publishing
        from business.models import FaqEntry

        from .faq_publishing import refuse_customer_words

        faq_entry_publishing.connect(refuse_customer_words, sender=FaqEntry, dispatch_uid="console-faq")
