"""`import_business FILE`: in agents/, as a business file carries its agent's settings and business/ knows no agent;
its test cases too (test_cases/interchange.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from business.interchange import BusinessFileError
from test_cases.interchange import import_document

from ...interchange import read_document


class Command(BaseCommand):
    help = "Create or update a business (profile, hours, FAQ, catalogue, agent, test cases) from a YAML or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        try:
            business = import_document(read_document(file))
        except BusinessFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported {business.name} ({business.slug}).")
