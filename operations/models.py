"""What operations keep about themselves: a record of each erasure, with nothing that names the person."""

from __future__ import annotations

from django.db import models

from business.models import Business


class ErasureRecord(models.Model):
    """That a customer's data was erased, when, on whose request and how much: never who the customer was."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="erasure_records")
    platform = models.CharField(max_length=32)
    requested_by = models.CharField(max_length=150, help_text="The staff user, or the command that ran it.")
    erased_at = models.DateTimeField(auto_now_add=True)
    removed = models.JSONField(default=dict, help_text="How many rows of each kind were deleted or emptied.")

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure at {self.business} ({self.platform}) on {self.erased_at:%Y-%m-%d %H:%M}"
