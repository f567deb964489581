"""Whether Meta sends a connection's webhooks where they belong: Meta has no API to set a callback URL for
an app (its dashboard does that), so Parley reads the subscription and says what is missing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from conversations.models import ChannelConnection

from ..webhook_setup import WebhookReport
from . import graph


def subscription_report(
    connection: ChannelConnection, webhook_object: str, fields: tuple[str, ...], page_fields: tuple[str, ...] = ()
) -> WebhookReport:
    """The gaps in the app's subscription to `webhook_object` (read with its App ID) and, where the platform
    has one, in the Page's subscription to the app."""
    gaps = page_gaps(connection, page_fields) if page_fields else []
    if connection.credential("app_id"):
        gaps += app_gaps(connection, webhook_object, fields)
    elif not page_fields:
        return WebhookReport(False, (_("Type the App ID above and save: it is needed to read the app's webhook."),))
    if gaps:
        return WebhookReport(False, tuple(gaps))
    return WebhookReport(True, (_("Meta sends this connection's messages to its webhook URL."),))


def app_gaps(connection: ChannelConnection, webhook_object: str, fields: tuple[str, ...]) -> list[str]:
    """`GET /{app-id}/subscriptions` with the app's own token, `{app-id}|{app-secret}`."""
    app_id = connection.credential("app_id")
    body = graph.get(connection, f"{app_id}/subscriptions", token=f"{app_id}|{connection.credential('app_secret')}")
    entry = next((item for item in _data(body) if item.get("object") == webhook_object), None)
    if entry is None:
        return [
            _(
                "The Meta app has no webhook for “%(object)s”: in its dashboard, set the callback URL and verify "
                "token shown above."
            )
            % {"object": webhook_object}
        ]
    gaps = []
    if entry.get("callback_url") != connection.webhook_url():
        gaps.append(
            _("The Meta app sends its webhooks to %(url)s, not to this connection's URL.")
            % {"url": entry.get("callback_url") or "?"}
        )
    if entry.get("active") is not True:
        gaps.append(_("Meta has not verified the callback URL: save the webhook in the app's dashboard again."))
    subscribed = {item.get("name") for item in entry.get("fields") or [] if isinstance(item, dict)}
    gaps += _missing_fields(fields, subscribed)
    return gaps


def page_gaps(connection: ChannelConnection, fields: tuple[str, ...]) -> list[str]:
    """`GET /{page-id}/subscribed_apps` with the Page's token: the apps the Page delivers to, and what."""
    body = graph.get(connection, f"{connection.credential('page_id')}/subscribed_apps")
    apps = _data(body)
    if app_id := connection.credential("app_id"):
        apps = [app for app in apps if str(app.get("id")) == app_id]
    if not apps:
        return [_("The Page is not subscribed to the app: in the app's webhook settings, add a subscription for it.")]
    return _missing_fields(fields, set(apps[0].get("subscribed_fields") or []))


def _missing_fields(fields: tuple[str, ...], subscribed: set[Any]) -> list[str]:
    missing = [field for field in fields if field not in subscribed]
    if not missing:
        return []
    return [_("The subscription lacks these webhook fields: %(fields)s.") % {"fields": ", ".join(missing)}]


def _data(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
