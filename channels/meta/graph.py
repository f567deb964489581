"""Calls to Meta's Graph API, with its errors sorted into those worth retrying and those not."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from conversations.sending import PermanentSendError, TemporarySendError

from .. import api_calls

if TYPE_CHECKING:
    import httpx

    from conversations.models import ChannelConnection

GRAPH_API_BASE = "https://graph.facebook.com"
GRAPH_API_VERSION = "v21.0"
# Meta's customer-service window: free-form messages only within 24 hours of the customer's last one.
STANDARD_WINDOW = timedelta(hours=24)
# A person may answer for 7 days after it, tagging the message HUMAN_AGENT.
HUMAN_AGENT_WINDOW = timedelta(days=7)
HUMAN_AGENT_TAG = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
# Reminders and updates of an event the customer booked, allowed outside the window before the event (Messenger only).
CONFIRMED_EVENT_UPDATE_TAG = {"messaging_type": "MESSAGE_TAG", "tag": "CONFIRMED_EVENT_UPDATE"}
# Graph error codes that mean "not now": unknown/service errors and the rate limits, with WhatsApp's
# service unavailable (131016), account rate limit (80007), throughput (130429) and pair rate limit (131056).
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131016, 131056})


def post(connection: ChannelConnection, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST with the connection's access token; the answer's JSON object, or the error sorted."""
    return _answer(_request(connection, "POST", path, json=payload))


def get(connection: ChannelConnection, path: str, token: str = "") -> dict[str, Any]:
    """GET with the connection's access token, or with `token` (an app's `id|secret`)."""
    return _answer(_request(connection, "GET", path, token=token))


def _request(connection: ChannelConnection, method: str, path: str, token: str = "", **options: Any) -> httpx.Response:
    url = f"{api_calls.base_url(connection, GRAPH_API_BASE)}/{GRAPH_API_VERSION}/{path}"
    headers = {"Authorization": f"Bearer {token or connection.credential('access_token')}"}
    return api_calls.request(method, url, headers=headers, **options)


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object, or its error sorted into worth retrying or not."""
    body = api_calls.json_object(response)
    if response.is_success:
        return body
    error = body["error"] if isinstance(body.get("error"), dict) else {}
    code = error.get("code")
    reason = api_calls.refusal_reason(response, error.get("message"))
    code_label = "/".join(str(part) for part in (code, error.get("error_subcode")) if part) or str(response.status_code)
    if (
        response.status_code == 429
        or response.status_code >= 500
        or code in TRANSIENT_CODES
        or error.get("is_transient")
    ):
        raise TemporarySendError(reason, code=code_label, retry_after=api_calls.retry_after(response))
    raise PermanentSendError(reason, code=code_label)
