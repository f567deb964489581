"""`manage.py reindex_search [slug ...]`: write every passage of the search again.

Passages hold fixed sentences in the business's languages and words from business/lexicon/: after
new translations or lexicon words are deployed, this brings the passages already written up to date.
Edits through the admin, imports and the API keep them current on their own (signals.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from business import search
from business.models import Business


class Command(BaseCommand):
    help = "Write the search's passages again, for the businesses named or for all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="businesses' slugs; all when none is given")

    def handle(self, *args: Any, slugs: list[str], **options: Any) -> None:
        businesses = Business.objects.filter(slug__in=slugs) if slugs else Business.objects.all()
        for business in businesses:
            search.reindex_business(business)
            self.stdout.write(f"{business.slug}: {business.passages.count()} passages")
