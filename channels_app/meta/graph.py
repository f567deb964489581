"""Calls to Meta's Graph API, with its errors sorted into those worth retrying and those not."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from .. import api_calls
from ..sending import PermanentSendError, TemporarySendError

GRAPH_API_BASE = "https://graph.facebook.com"
GRAPH_API_VERSION = "v21.0"
# Meta's customer-service window: free-form messages only within 24 hours of the customer's last one.
STANDARD_WINDOW = timedelta(hours=24)
# A person may answer for 7 days after it, tagging the message HUMAN_AGENT.
HUMAN_AGENT_WINDOW = timedelta(days=7)
HUMAN_AGENT_TAG = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
# Graph error codes that mean "not now": unknown/service errors and the rate limits, with WhatsApp's
# service unavailable (131016), account rate limit (80007), throughput (130429) and pair rate limit (131056).
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131016, 131056})


def post(api_base: str, path: str, access_token: str, payload: dict[str, Any]) -> dict[str, Any]:
    url = f"{(api_base or GRAPH_API_BASE).rstrip('/')}/{GRAPH_API_VERSION}/{path}"
    response = api_calls.post(url, json=payload, headers={"Authorization": f"Bearer {access_token}"})
    body = api_calls.json_object(response)
    if response.is_success:
        return body
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = error.get("code")
    reason = f"HTTP {response.status_code}: {error.get('message') or response.text[:300]}"
    code_label = "/".join(str(part) for part in (code, error.get("error_subcode")) if part) or str(response.status_code)
    if response.status_code == 429 or response.status_code >= 500 or code in TRANSIENT_CODES or error.get("is_transient"):
        raise TemporarySendError(reason, code=code_label, retry_after=api_calls.retry_after(response))
    raise PermanentSendError(reason, code=code_label)

