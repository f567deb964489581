"""Generated and mutated payloads at every webhook endpoint: never a 500, nothing stored unless authentic."""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from business.models import Business
from channels.webhooks import MAX_JSON_DEPTH
from conversations.models import ChannelConnection, Message
from tests.support.platform_contract import harness_for, platforms_customers_reach

PLATFORMS = platforms_customers_reach()
# Each body goes to every endpoint: 400 x 6, 2,400 requests. The attacks fuzzing found have tests of their
# own (below, beside the parsers); this is the net for new ones, the same bodies each run (derandomised).
EXAMPLES = 400
# Never an answer to anything: a 500 is a crash, a 503 here an exception the decorator caught.
CRASHES = {500, 503}

# Written as 1e999, a number JSON allows and no double holds (Python reads it as infinity);
# floats() adds NaN and Infinity.
BEYOND_A_DOUBLE = "<1e999>"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.just(BEYOND_A_DOUBLE) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def sample_message() -> dict[str, Any]:
    """Every platform's sample text message merged into one JSON object (a key two of them use keeps the
    first platform's value): one body that each endpoint can read some of."""
    sample: dict[str, Any] = {}
    for platform in PLATFORMS:
        harness = harness_for(platform)
        raw = harness.raw(harness.text_message)
        try:
            fields = json.loads(raw)
        except ValueError:
            fields = {name: values[-1] for name, values in parse_qs(raw.decode()).items()}
        sample = fields | sample
    return sample


SAMPLE_MESSAGE = sample_message()


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
    # Sends go nowhere: nothing listens on port 9.
    return harness_for(platform).connect(business, "http://127.0.0.1:9")


def request(client: Any, connection: ChannelConnection, body: bytes, authentic: bool) -> tuple[int, bool]:
    """Posts the body as the platform would, signed when `authentic`; returns the status and whether it was."""
    harness = harness_for(connection.platform)
    body = harness.from_json(body)
    delivery = harness.deliver(connection, body) if authentic else harness.forgeries(connection, body)[1]
    return harness.post(client, connection, delivery).status_code, authentic


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
        for connection, sign in zip(connections, signed, strict=True):
            stored_before = Message.objects.count()
            status, authentic = request(client, connection, body, sign)
            assert status not in CRASHES, connection.platform
            if not authentic:
                assert status in (400, 403) and Message.objects.count() == stored_before, connection.platform

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_body_over_a_megabyte_is_refused_before_it_is_parsed(client, business, platform):
    connection = connection_for(business, platform)
    body = b"{" + b" " * (1024 * 1024) + b"}"
    endpoint = harness_for(platform).endpoint(connection)
    assert client.generic("POST", endpoint, body, content_type="application/json").status_code == 413
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_throttle_window")
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


def signed_post(client: Any, connection: ChannelConnection, body: bytes) -> int:
    """Posts the bytes as they are, authentic (Twilio gets them as its form body)."""
    harness = harness_for(connection.platform)
    return harness.post(client, connection, harness.deliver(connection, body)).status_code


def malformed_answer(platform: str) -> int:
    """What the platform is answered for an authentic body it can never read."""
    return harness_for(platform).unreadable_status


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("depth", [5000, 900, MAX_JSON_DEPTH + 1])
def test_a_signed_body_nested_too_deep_is_answered_as_malformed_and_nothing_is_stored(
    client, business, platform, depth
):
    connection = connection_for(business, platform)
    assert signed_post(client, connection, nested(depth)) == malformed_answer(platform)
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
@pytest.mark.parametrize("platform", [platform for platform in PLATFORMS if harness_for(platform).posts_json])
@pytest.mark.parametrize("extra_levels", [0, 900])
def test_a_real_delivery_with_any_value_nested_deep_never_crashes(client, business, settings, platform, extra_levels):
    """Each value of every sample delivery in turn nested to the deepest allowed, then 900 levels deeper:
    read and stored (or ignored) in the first case, refused as malformed in the second, never a crash.
    Before the depth limit, 900 levels in a Telegram message or a Messenger postback were a 503."""
    settings.WEBHOOK_RATE_LIMIT_PER_MINUTE = 0
    settings.PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE = 0
    connection = connection_for(business, platform)
    fixtures = harness_for(platform).fixtures.glob("*.json")
    samples = [json.loads(path.read_text()).get("raw_body") or "" for path in fixtures]
    bodies = [body for body in map(json.loads, filter(None, samples)) if isinstance(body, dict)] + [SAMPLE_MESSAGE]
    for body in bodies:
        for changed in with_each_value_nested(body, MAX_JSON_DEPTH + extra_levels):
            status = request(client, connection, changed, True)[0]
            assert status not in CRASHES
            assert not extra_levels or (status == malformed_answer(platform) and not Message.objects.exists())


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_request_with_more_fields_than_django_reads_is_refused_not_retried(client, business, settings, platform):
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS, reading the form or the query raised an error answered 503."""
    connection = connection_for(business, platform)
    fields = "&".join(f"f{index}=1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    endpoint = harness_for(platform).endpoint(connection)
    as_form = client.generic("POST", endpoint, fields, content_type="application/x-www-form-urlencoded")
    as_query = client.get(f"{endpoint}?{fields}")
    assert as_form.status_code not in CRASHES and as_query.status_code not in CRASHES
    assert not Message.objects.exists()


# The platforms that share locations.
LOCATIONS = [platform for platform in PLATFORMS if harness_for(platform).location]


def location_at(platform: str, latitude: str) -> bytes:
    """The platform's sample location, its latitude written as `latitude`."""
    harness = harness_for(platform)
    assert harness.location
    body = harness.fixture(harness.location.fixture)["body"]
    place = body
    for step in harness.location.path:
        place = place[step]
    place[harness.location.latitude] = "<latitude>"
    return json.dumps(body).replace('"<latitude>"', latitude).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", [platform for platform in LOCATIONS if harness_for(platform).posts_json])
@pytest.mark.parametrize("latitude", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_signed_number_no_double_holds_is_answered_as_malformed_not_retried(client, business, platform, latitude):
    """Read as infinity, 1e999 reached PostgreSQL's jsonb, which refuses it: a 503, redelivered for ever."""
    connection = connection_for(business, platform)
    assert request(client, connection, location_at(platform, latitude), True)[0] == malformed_answer(platform)
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", LOCATIONS)
@pytest.mark.parametrize("latitude", ["1e999", "nan", "-inf", "91", "north"])
def test_a_location_at_coordinates_no_place_has_is_stored_without_them(client, business, platform, latitude):
    """Written as text (all of Twilio's form is), they were read as inf or NaN and answered 503, or stored as given;
    a 400 would lose the message for good on Twilio, and on Meta every other message of its batch."""
    connection = connection_for(business, platform)
    status = request(client, connection, location_at(platform, json.dumps(latitude)), True)[0]
    message = Message.objects.get()
    assert status == 200 and message.kind == "location"
    [place] = message.metadata["attachments"]
    assert place["type"] == "location" and "latitude" not in place and "longitude" not in place
