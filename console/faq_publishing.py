"""Staff publish an FAQ entry made from a customer's message only once they have rewritten the customer's words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextField, Value
from django.utils.translation import gettext_lazy as _

from business.models import FaqEntry

from .models import Annotation
from .operator_actions import still_quoting


def refuse_customer_words(sender: type[FaqEntry], entry: FaqEntry, **kwargs: Any) -> None:
    """Answers business.faq_publishing.faq_entry_publishing: published, the customer's words would reach every
    customer's search, and erasing that customer would no longer delete them."""
    if entry.pk is None:
        return
    corrections = Annotation.objects.filter(faq_entry_id=entry.pk)
    text = {field: Value(getattr(entry, field), output_field=TextField()) for field in ("question", "answer")}
    if still_quoting(corrections, **text).exists():
        raise ValidationError(
            _(
                "This entry still holds the customer's message word for word. "
                "Rewrite it in your own words, then publish it."
            ),
            code="customer_words",
        )
