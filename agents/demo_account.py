"""The demo's superuser, whose password the README publishes, and what keeps it out of production.

`make run` (PARLEY_DEVELOPMENT) creates it with `setup_demo`. Earlier docker-compose files ran that command
on every start, so an upgraded production installation may still have the account: outside development
the published password logs nobody in (console/login_throttle.py asks `is_refused_password`), and
`migrate` warns about the account until its password is changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Warning
from django.utils.translation import gettext as _

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "parley-demo"


def is_refused_password(password: str | None) -> bool:
    return password == DEMO_PASSWORD and not settings.PARLEY_DEVELOPMENT


def check_no_account_has_the_demo_password(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Run by `migrate` (which names its database), so on every start of compose's `web`."""
    if settings.PARLEY_DEVELOPMENT or not databases:
        return []
    # Only the demo's user name: a password hash is slow to check by design, and every account's would be.
    demo_accounts = get_user_model().objects.using(databases[0]).filter(username=DEMO_USERNAME)
    # hashers.check_password, unlike the user's, never saves an upgraded hash.
    if not any(check_password(DEMO_PASSWORD, account.password) for account in demo_accounts):
        return []
    return [
        Warning(
            _("The account %(username)s still has the demo's published password.") % {"username": DEMO_USERNAME},
            hint=_(
                "Parley refuses that password outside development. Give the account a password of its own with "
                "`python manage.py changepassword %(username)s`, or delete it."
            )
            % {"username": DEMO_USERNAME},
            id="parley.W001",
        )
    ]
