from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from business.models import Membership
from conversations.models import ChannelConnection

from ...demo_account import DEMO_PASSWORD, DEMO_USERNAME
from ...interchange import import_document, read_document

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "demo_business.yaml"


class Command(BaseCommand):
    help = "Load (or refresh) the demo business and its admin user; safe to run again."

    def handle(self, *args, **options) -> None:
        if not settings.PARLEY_DEVELOPMENT:
            # Its superuser's password is in the README: anywhere else it is everyone's account.
            raise CommandError(
                _(
                    "setup_demo creates a superuser with a published password, so it runs only on a development "
                    "machine (PARLEY_DEVELOPMENT=true, which `make run` sets). In production, create the first "
                    "superuser with `python manage.py createsuperuser`."
                )
            )
        business = import_document(read_document(DEMO_FILE))
        ChannelConnection.objects.get_or_create(business=business, platform="console", defaults={"name": "Terminal"})
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = user_model.objects.create_superuser(DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD)
            password_note = DEMO_PASSWORD
        else:
            password_note = "(unchanged since it was created)"
        Membership.objects.get_or_create(user=user, business=business, defaults={"role": Membership.Role.OWNER})
        self.stdout.write(
            f"Demo business: {business.name} (slug {business.slug})\n"
            f"Admin: {settings.PUBLIC_BASE_URL}/admin/  user {DEMO_USERNAME}  password {password_note}\n"
            f"Chat with it: .venv/bin/python manage.py chat {business.slug}"
        )
