"""Encrypt every stored secret again with the first of PARLEY_ENCRYPTION_KEYS (key rotation).

Put the new key first and keep the old ones after it, run this, then remove the old keys.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from infrastructure.encrypted_fields import encrypted_fields


class Command(BaseCommand):
    help = "Encrypt every stored secret again with the newest key (the first of PARLEY_ENCRYPTION_KEYS)."

    def handle(self, *args, **options) -> None:
        for model, fields in encrypted_fields():
            with transaction.atomic():
                # Locked, so that a secret changed meanwhile is not overwritten with the value read here.
                rows = model._base_manager.select_for_update().values_list("pk", *fields)
                for pk, *values in rows:
                    model._base_manager.filter(pk=pk).update(**dict(zip(fields, values, strict=True)))
            self.stdout.write(f"{model._meta.label}: {len(rows)} rows encrypted with the newest key")
