"""Generated and mutated payloads at every webhook endpoint: never a 500, nothing stored unless authentic."""
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from business.models import Business
from channels_app.meta.signature import sign as meta_sign
from channels_app.models import ChannelConnection, Message
from channels_app.twilio.signature import sign as twilio_sign

PLATFORMS = ["messenger", "instagram", "whatsapp", "telegram", "twilio", "webchat"]
# Each body goes to every endpoint: 1,700 x 6, over 10,000 requests.
EXAMPLES = 1700
SECRET = "hostile-test-secret-1234567890"
SHOP_ORIGIN = "https://shop.example"
# Never an answer to anything: a 500 is a crash, a 503 here an exception the decorator caught.
CRASHES = {500, 503}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
SAMPLE_MESSAGE = {
    "object": "page",
    "entry": [{"id": "1", "time": 1, "messaging": [{"sender": {"id": "5"}, "recipient": {"id": "1"}, "timestamp": 1, "message": {"mid": "m_1", "text": "hi"}}]}],
    "update_id": 1,
    "message": {"message_id": 1, "chat": {"id": 5, "type": "private"}, "from": {"id": 5}, "date": 1, "text": "hi"},
    "visitor_id": str(uuid.uuid4()),
    "client_message_id": str(uuid.uuid4()),
    "text": "hi",
}


def mutated(value: Any) -> st.SearchStrategy[Any]:
    """The sample with some of its values replaced by generated ones, at any depth.

    One strategy built from the sample rather than a draw per value in the test: hypothesis's
    interactive draws cost more than twice the request they feed."""
    if isinstance(value, dict):
        return st.fixed_dictionaries({key: mutated(item) | json_values for key, item in value.items()})
    if isinstance(value, list):
        return st.tuples(*map(mutated, value)).map(list)
    return st.just(value) | json_values


def as_body(value: Any) -> bytes:
    return json.dumps(value).encode()


json_bodies = st.one_of(st.binary(max_size=200), json_values.map(as_body), mutated(SAMPLE_MESSAGE).map(as_body))


def connection_for(business: Business, platform: str) -> ChannelConnection:
    credentials = {
        "app_secret": SECRET, "verify_token": SECRET, "access_token": SECRET, "page_id": "1", "phone_number_id": "1",
        "bot_token": "1:" + SECRET, "secret_token": SECRET, "auth_token": SECRET, "account_sid": "AC1", "from_number": "+15550001",
        "public_key": uuid.uuid4().hex, "allowed_origins": SHOP_ORIGIN,
    }  # fmt: skip
    return ChannelConnection.objects.create(business=business, platform=platform, credentials=credentials, api_base="http://127.0.0.1:9")


def path_of(connection: ChannelConnection) -> str:
    if connection.platform == "webchat":
        return f"/webchat/{connection.credential('public_key')}/messages"
    return connection.webhook_path()


def request(client: Any, connection: ChannelConnection, body: bytes, authentic: bool, settings: Any) -> tuple[int, bool]:
    """Posts the body as the platform would, signed when `authentic`; returns the status and whether it was."""
    platform, path = connection.platform, path_of(connection)
    headers: dict[str, str] = {}
    content_type = "application/json"
    if platform in ("messenger", "instagram", "whatsapp"):
        headers["HTTP_X_HUB_SIGNATURE_256"] = meta_sign(SECRET, body) if authentic else "sha256=" + "0" * 64
    elif platform == "telegram":
        headers["HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"] = SECRET if authentic else "not-the-secret"
    elif platform == "webchat":
        headers["HTTP_ORIGIN"] = SHOP_ORIGIN if authentic else "https://evil.example"
    elif platform == "twilio":
        try:
            params = {str(key): str(value) for key, value in json.loads(body).items()}
        except (ValueError, AttributeError):
            params = {"Body": body.decode("latin-1")}
        body = urlencode(params).encode()
        content_type = "application/x-www-form-urlencoded"
        signature = twilio_sign(SECRET, settings.PUBLIC_BASE_URL + path, {k: [v] for k, v in params.items()})
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature if authentic else "bm90IGEgc2lnbmF0dXJl"
    return client.generic("POST", path, body, content_type=content_type, **headers).status_code, authentic


@pytest.mark.django_db
def test_generated_and_mutated_payloads_never_crash_and_only_authentic_ones_are_stored(client, business, settings):
    settings.WEBHOOK_RATE_LIMIT_PER_MINUTE = 0
    connections = [connection_for(business, platform) for platform in PLATFORMS]

    # One body for all the endpoints: generating it costs more than posting it six times.
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    @given(body=json_bodies, signed=st.tuples(*[st.booleans()] * len(PLATFORMS)))
    def run(body: bytes, signed: tuple[bool, ...]) -> None:
        for connection, sign in zip(connections, signed):
            stored_before = Message.objects.count()
            status, authentic = request(client, connection, body, sign, settings)
            assert status not in CRASHES, connection.platform
            if not authentic:
                assert status in (400, 403) and Message.objects.count() == stored_before, connection.platform

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_body_over_a_megabyte_is_refused_before_it_is_parsed(client, business, platform):
    connection = connection_for(business, platform)
    body = b"{" + b" " * (1024 * 1024) + b"}"
    assert client.generic("POST", path_of(connection), body, content_type="application/json").status_code == 413
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_connection_over_its_rate_limit_is_answered_429_and_others_are_not(client, business, settings):
    settings.WEBHOOK_RATE_LIMIT_PER_MINUTE = 5
    flooded, other = connection_for(business, "telegram"), connection_for(business, "telegram")
    statuses = [client.post(flooded.webhook_path(), b"{}", content_type="application/json").status_code for _ in range(8)]
    assert statuses[:5] == [403] * 5 and statuses[5:] == [429] * 3
    assert client.post(other.webhook_path(), b"{}", content_type="application/json").status_code == 403
