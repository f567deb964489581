"""A Twilio connection, a fake Twilio REST API, and signed form posts to the connection's webhook."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from channels.twilio.signature import SIGNATURE_HEADER, sign
from conversations.models import ChannelConnection
from tests.fake_platform import Answer, FakePlatformServer, RecordedRequest
from tests.support import load_fixture

ACCOUNT_SID = "AC1ee1b5bf859731e7a9516a7e8fad50ba"
AUTH_TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
FROM_NUMBER = "+15557654321"
PROXY_HOST = "parley-web:8000"


def form_fields(raw: bytes | str) -> dict[str, list[str]]:
    """A form body as Twilio and Django read it: blank values are parameters too."""
    return parse_qs(raw.decode() if isinstance(raw, bytes) else raw, keep_blank_values=True)


def sent_form(request: RecordedRequest) -> dict[str, str]:
    return {name: values[-1] for name, values in form_fields(request.body).items()}


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def message_created(request: RecordedRequest, count: int) -> Answer:
    """What Twilio answers for an accepted message: 201 with the new message resource."""
    form = sent_form(request)
    sid = f"SMfake{count:026d}"
    return Answer(
        201,
        {
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
        },
    )


@pytest.fixture
def twilio_api() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer(default=message_created)
    yield server
    server.close()


@pytest.fixture
def twilio_connection(business: Any, twilio_api: FakePlatformServer) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business,
        platform="twilio",
        credentials={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": FROM_NUMBER},
        api_base=twilio_api.url,
    )


@pytest.fixture
def post_twilio(client: Any) -> Callable[..., Any]:
    """POST a form body to the connection's webhook, signed for its public URL unless told otherwise."""

    def post(connection: ChannelConnection, body: str, signature: str | None = "valid", **headers: str) -> Any:
        if signature == "valid":
            signature = sign(connection.credential("auth_token"), connection.webhook_url(), form_fields(body))
        if signature is not None:
            headers["HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")] = signature
        return client.post(
            connection.webhook_path(), data=body, content_type="application/x-www-form-urlencoded", **headers
        )

    return post


@pytest.fixture
def public_base_url(settings: Any) -> str:
    """A deployment behind a proxy: Twilio calls this public URL, the proxy passes on its own Host."""
    settings.PUBLIC_BASE_URL = "https://agent.example.com"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PROXY_HOST.partition(":")[0]]
    return settings.PUBLIC_BASE_URL
