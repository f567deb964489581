"""What operators record about the agent's replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from business.models import FaqEntry
from conversations.models import Message


class Annotation(models.Model):
    """An agent reply an operator marked wrong, with the answer it should have given."""

    reply = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="annotation")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    correct_answer = models.TextField(help_text="What the agent should have said.")
    note = models.TextField(blank=True, help_text="Why the reply was wrong, for whoever tunes the agent.")
    faq_entry = models.ForeignKey(
        FaqEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The knowledge-base entry made from this correction.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Correction of message {self.reply_id}"
