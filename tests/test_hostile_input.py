"""Generated and mutated payloads at every webhook endpoint: never a 500, nothing stored unless authentic."""

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from business.models import Business
from channels.meta.signature import sign as meta_sign
from channels.twilio.signature import sign as twilio_sign
from channels.webhooks import MAX_JSON_DEPTH
from conversations.models import ChannelConnection, Message
from tests.support import load_fixture

PLATFORMS = ["messenger", "instagram", "whatsapp", "telegram", "twilio", "webchat"]
# Each body goes to every endpoint: 1,700 x 6, over 10,000 requests.
EXAMPLES = 1700
SECRET = "hostile-test-secret-1234567890"
SHOP_ORIGIN = "https://shop.example"
# Never an answer to anything: a 500 is a crash, a 503 here an exception the decorator caught.
CRASHES = {500, 503}
FIXTURES = Path(__file__).parent.parent / "channels"

# Written as 1e999, a number JSON allows and no double holds (Python reads it as infinity);
# floats() adds NaN and Infinity.
BEYOND_A_DOUBLE = "<1e999>"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.just(BEYOND_A_DOUBLE) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
SAMPLE_MESSAGE = {
    "object": "page",
    "entry": [
        {
            "id": "1",
            "time": 1,
            "messaging": [
                {
                    "sender": {"id": "5"},
                    "recipient": {"id": "1"},
                    "timestamp": 1,
                    "message": {"mid": "m_1", "text": "hi"},
                }
            ],
        }
    ],
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
    return json.dumps(value).replace(f'"{BEYOND_A_DOUBLE}"', "1e999").encode()


json_bodies = st.one_of(st.binary(max_size=200), json_values.map(as_body), mutated(SAMPLE_MESSAGE).map(as_body))


def connection_for(business: Business, platform: str) -> ChannelConnection:
    credentials = {
        "app_secret": SECRET, "verify_token": SECRET, "access_token": SECRET, "page_id": "1", "phone_number_id": "1",
        "bot_token": "1:" + SECRET, "secret_token": SECRET, "auth_token": SECRET, "account_sid": "AC1", "from_number": "+15550001",
        "public_key": uuid.uuid4().hex, "allowed_origins": SHOP_ORIGIN,
    }  # fmt: skip
    return ChannelConnection.objects.create(
        business=business, platform=platform, credentials=credentials, api_base="http://127.0.0.1:9"
    )


def path_of(connection: ChannelConnection) -> str:
    if connection.platform == "webchat":
        return f"/webchat/{connection.credential('public_key')}/messages"
    return connection.webhook_path()


def request(
    client: Any, connection: ChannelConnection, body: bytes, authentic: bool, settings: Any
) -> tuple[int, bool]:
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
    settings.PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE = 0
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
    statuses = [
        client.post(flooded.webhook_path(), b"{}", content_type="application/json").status_code for _ in range(8)
    ]
    assert statuses[:5] == [403] * 5 and statuses[5:] == [429] * 3
    assert client.post(other.webhook_path(), b"{}", content_type="application/json").status_code == 403


def nested(depth: int) -> bytes:
    """A JSON object `depth` levels deep: 5,000 levels make 30 KB, well under the body size limit."""
    return b'{"a":' * depth + b"1" + b"}" * depth


def signed_post(client: Any, connection: ChannelConnection, body: bytes, settings: Any) -> int:
    """Posts the bytes as the platform would, authentic; Twilio gets them as its form body."""
    if connection.platform != "twilio":
        return request(client, connection, body, True, settings)[0]
    path = path_of(connection)
    signature = twilio_sign(SECRET, settings.PUBLIC_BASE_URL + path, {body.decode(): [""]})
    return client.generic(
        "POST", path, body, content_type="application/x-www-form-urlencoded", HTTP_X_TWILIO_SIGNATURE=signature
    ).status_code


# What each platform is answered for an authentic body it can never read: Telegram repeats anything but a 200.
MALFORMED_ANSWER = {platform: 400 for platform in PLATFORMS} | {"telegram": 200}


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("depth", [5000, 900, MAX_JSON_DEPTH + 1])
def test_a_signed_body_nested_too_deep_is_answered_as_malformed_and_nothing_is_stored(
    client, business, settings, platform, depth
):
    connection = connection_for(business, platform)
    assert signed_post(client, connection, nested(depth), settings) == MALFORMED_ANSWER[platform]
    assert not Message.objects.exists()


def with_each_value_nested(body: Any, depth: int) -> Iterator[bytes]:
    """The body once per value in it, that value replaced by an object taking the body to `depth` levels.

    Written as bytes: Python's own encoder would run out of recursion on the deepest."""
    for changed in with_each_value_replaced(body, lambda above: f"<nested {depth - above}>"):
        encoded = json.dumps(changed)
        yield re.sub(r'"<nested (\d+)>"', lambda marker: nested(int(marker[1])).decode(), encoded).encode()


def with_each_value_replaced(body: Any, make: Callable[[int], Any], level: int = 1) -> Iterator[Any]:
    """The body once per value in it, that value replaced by make(the number of levels above it)."""
    if isinstance(body, dict):
        for key, item in body.items():
            yield {**body, key: make(level)}
            changes = with_each_value_replaced(item, make, level + 1)
            yield from ({**body, key: changed} for changed in changes)
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield [*body[:index], make(level), *body[index + 1 :]]
            changes = with_each_value_replaced(item, make, level + 1)
            yield from ([*body[:index], changed, *body[index + 1 :]] for changed in changes)


@pytest.mark.django_db
@pytest.mark.parametrize("platform", [platform for platform in PLATFORMS if platform != "twilio"])  # forms are flat
@pytest.mark.parametrize("extra_levels", [0, 900])
def test_a_real_delivery_with_any_value_nested_deep_never_crashes(client, business, settings, platform, extra_levels):
    """Each value of every sample delivery in turn nested to the deepest allowed, then 900 levels deeper:
    read and stored (or ignored) in the first case, refused as malformed in the second, never a crash.
    Before the depth limit, 900 levels in a Telegram message or a Messenger postback were a 503."""
    settings.WEBHOOK_RATE_LIMIT_PER_MINUTE = 0
    settings.PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE = 0
    connection = connection_for(business, platform)
    fixtures = FIXTURES.glob(f"{platform}/tests/fixtures/*.json")
    samples = [json.loads(path.read_text()).get("raw_body") or "" for path in fixtures]
    bodies = [body for body in map(json.loads, filter(None, samples)) if isinstance(body, dict)] + [SAMPLE_MESSAGE]
    for body in bodies:
        for changed in with_each_value_nested(body, MAX_JSON_DEPTH + extra_levels):
            status = request(client, connection, changed, True, settings)[0]
            assert status not in CRASHES
            assert not extra_levels or (status == MALFORMED_ANSWER[platform] and not Message.objects.exists())


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_request_with_more_fields_than_django_reads_is_refused_not_retried(client, business, settings, platform):
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS, reading the form or the query raised an error answered 503."""
    connection = connection_for(business, platform)
    fields = "&".join(f"f{index}=1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    as_form = client.generic("POST", path_of(connection), fields, content_type="application/x-www-form-urlencoded")
    as_query = client.get(f"{path_of(connection)}?{fields}")
    assert as_form.status_code not in CRASHES and as_query.status_code not in CRASHES
    assert not Message.objects.exists()


# A sample location of each platform that has them, with the fields holding its coordinates.
LOCATIONS = {
    "messenger": (
        "location",
        ("entry", 0, "messaging", 0, "message", "attachments", 0, "payload", "coordinates"),
        "lat",
    ),
    "whatsapp": ("location", ("entry", 0, "changes", 0, "value", "messages", 0, "location"), "latitude"),
    "telegram": ("location", ("message", "location"), "latitude"),
    "twilio": ("whatsapp_location", (), "Latitude"),
}


def location_at(platform: str, latitude: str) -> bytes:
    """The platform's sample location, routed to connection_for's ids, its latitude written as `latitude`."""
    body = json.loads(json.dumps(load_fixture(f"{FIXTURES}/{platform}/tests/x", LOCATIONS[platform][0])["body"]))
    if platform == "messenger":
        body["entry"][0]["id"] = "1"
    if platform == "whatsapp":
        body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "1"
    place = body
    for step in LOCATIONS[platform][1]:
        place = place[step]
    place[LOCATIONS[platform][2]] = "<latitude>"
    return json.dumps(body).replace('"<latitude>"', latitude).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", [platform for platform in LOCATIONS if platform != "twilio"])  # forms hold text
@pytest.mark.parametrize("latitude", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_signed_number_no_double_holds_is_answered_as_malformed_not_retried(
    client, business, settings, platform, latitude
):
    """Read as infinity, 1e999 reached PostgreSQL's jsonb, which refuses it: a 503, redelivered for ever."""
    connection = connection_for(business, platform)
    assert request(client, connection, location_at(platform, latitude), True, settings)[0] == MALFORMED_ANSWER[platform]
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", list(LOCATIONS))
@pytest.mark.parametrize("latitude", ["1e999", "nan", "-inf", "91", "north"])
def test_a_location_at_coordinates_no_place_has_is_stored_without_them(client, business, settings, platform, latitude):
    """Written as text (all of Twilio's form is), they were read as inf or NaN and answered 503, or stored as given;
    a 400 would lose the message for good on Twilio, and on Meta every other message of its batch."""
    connection = connection_for(business, platform)
    status = request(client, connection, location_at(platform, json.dumps(latitude)), True, settings)[0]
    message = Message.objects.get()
    assert status == 200 and message.kind == "location"
    [place] = message.metadata["attachments"]
    assert place["type"] == "location" and "latitude" not in place and "longitude" not in place
