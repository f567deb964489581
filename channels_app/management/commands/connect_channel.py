"""Create or update a business's connection to a platform, for scripted deployments."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from business.models import Business

from ...connections import complete_credentials, connectable_platforms, setup_line
from ...models import ChannelConnection
from ...registry import PLATFORMS


class Command(BaseCommand):
    help = "Create or update a channel connection; the last line printed is what the platform needs (a webhook URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The business's slug.")
        parser.add_argument("platform", choices=connectable_platforms())
        parser.add_argument(
            "--set", action="append", default=[], metavar="KEY=VALUE", dest="values", help="A credential or api_base."
        )
        parser.add_argument("--name", default="", help="A label for staff.")

    def handle(self, *args, slug: str, platform: str, values: list[str], name: str, **options) -> None:
        business = Business.objects.filter(slug=slug).first()
        if business is None:
            raise CommandError(f"no business with slug {slug!r}")
        spec = PLATFORMS[platform]
        settings: dict[str, str] = {}
        for item in values:
            key, separator, value = item.partition("=")
            if not separator:
                raise CommandError(f"--set {item!r}: expected KEY=VALUE")
            if key not in (*spec.credential_keys, "api_base"):
                raise CommandError(f"{platform} has no setting {key!r}; it takes {', '.join(spec.credential_keys)}, api_base")
            settings[key] = value
        connection = ChannelConnection.objects.filter(business=business, platform=platform).first()
        if connection is None:
            connection = ChannelConnection(business=business, platform=platform)
        connection.credentials = {**connection.credentials, **{k: v for k, v in settings.items() if k != "api_base"}}
        complete_credentials(connection)
        if "api_base" in settings:
            connection.api_base = settings["api_base"]
        if name:
            connection.name = name
        connection.save()
        for key in spec.credential_keys:
            shown = "(set)" if key in spec.secret_keys and connection.credential(key) else connection.credential(key)
            self.stdout.write(f"{key}: {shown or '(not set)'}")
        self.stdout.write(f"api_base: {connection.api_base or spec.default_api_base}")
        self.stdout.write(setup_line(connection))
