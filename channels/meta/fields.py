"""The credentials every Meta platform asks for, where to find each in Meta's dashboards."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..credential_fields import CredentialField, numeric_id

APP_SECRET = CredentialField(
    "app_secret",
    _("App secret"),
    _("In the Meta app's dashboard: App settings > Basic > App secret (“Show”). It proves deliveries come from Meta."),
)
APP_ID = CredentialField(
    "app_id",
    _("App ID"),
    _(
        "At the top of the Meta app's dashboard. Optional: with it, “Save and check the webhook” reads the app's "
        "subscription."
    ),
    required=False,
    check=numeric_id,
)
VERIFY_TOKEN = CredentialField(
    "verify_token",
    _("Verify token"),
    _("Chosen by Parley (or type your own): paste it with the webhook URL in the app's webhook settings."),
)
REGISTER_LABEL = _("Save and check the webhook")
SETUP_HELP = _(
    "In the Meta app's dashboard, webhook settings: paste this callback URL and the verify token, subscribe to "
    "messages. “Save and check the webhook” then reads the subscription and says what is missing."
)
PAGE_ID = CredentialField(
    "page_id",
    _("Page ID"),
    _("On the Facebook Page: About > Page transparency, or in the app's Messenger settings next to the Page."),
    check=numeric_id,
)
PAGE_ACCESS_TOKEN = CredentialField(
    "access_token",
    _("Page access token"),
    _("In the Meta app: Messenger (or Instagram) > Settings > Access tokens > “Generate” next to the Page."),
)
