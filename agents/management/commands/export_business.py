"""`export_business SLUG`: in agents/, as a business file carries its agent's settings and business/ knows no agent;
its test cases too (test_cases/interchange.py)."""

import sys

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from business.models import Business
from test_cases.interchange import export_document


class Command(BaseCommand):
    help = "Write a business (profile, hours, FAQ, catalogue, agent, test cases) in the import_business file format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="File to write; standard output by default.")

    def handle(self, *args, slug: str, output: str | None, **options) -> None:
        business = Business.objects.filter(slug=slug).first()
        if business is None:
            raise CommandError(f"no business with slug {slug!r}")
        text = yaml.safe_dump(export_document(business), sort_keys=False, allow_unicode=True)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
