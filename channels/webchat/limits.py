"""The widget's anonymous requests, limited per client address: polls and messages counted apart.

Open chat panels poll by themselves (every 1.5 to 15 s, widget.js), so a limit that counted polls
with messages let 40 open panels lock every visitor out of writing. The visitor id is the client's
own choice, so only the client's address limits one client; the agent's turns are capped per
business besides (agents/turn_quota.py).
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest

from conversations.models import ChannelConnection
from infrastructure import metrics
from infrastructure.client_address import client_address
from infrastructure.throttling import address_bucket, over_limit

WINDOW_SECONDS = 60


class Request(StrEnum):
    POLL = "poll"
    MESSAGE = "message"


def over_address_limit(request: HttpRequest, connection: ChannelConnection, kind: Request) -> bool:
    """Counts this request for its client address at this website's widget."""
    limit = {
        Request.POLL: settings.PARLEY_WEBCHAT_POLLS_PER_ADDRESS_PER_MINUTE,
        Request.MESSAGE: settings.PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE,
    }[kind]
    name = f"webchat-{kind}:{connection.pk}:{address_bucket(client_address(request))}"
    if over_limit(name, limit, WINDOW_SECONDS):
        metrics.webchat_refused.labels(kind, "address").inc()
        return True
    return False
