from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from business.models import Business
from conversations.platforms import platform_choices
from operations.erasure import ContactNotFound, forget_contact


class Command(BaseCommand):
    help = (
        "Erase one customer's data at a business: their messages, contact record, bookings and leads "
        "(and every contact linked to the same customer). Leaves an erasure record without personal data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("business", help="The business's slug.")
        names = [name for name, _ in platform_choices()]
        parser.add_argument("platform", choices=names, help="The platform the customer wrote on.")
        parser.add_argument(
            "customer_id", help="The customer's id on that platform (Page-scoped id, phone number, chat id)."
        )

    def handle(self, *args: object, business: str, platform: str, customer_id: str, **options: object) -> None:
        try:
            shop = Business.objects.get(slug=business)
        except Business.DoesNotExist:
            raise CommandError(f"no business with the slug {business!r}") from None
        try:
            record = forget_contact(shop, platform, customer_id, requested_by="forget_contact command")
        except ContactNotFound as error:
            raise CommandError(str(error)) from None
        removed = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in record.removed.items())
        self.stdout.write(f"Erased: {removed}. Erasure record {record.pk}.")
