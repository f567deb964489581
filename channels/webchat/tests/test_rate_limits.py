"""The widget's requests are limited per client address, polls apart from messages.

Open panels poll by themselves: counted with messages, 40 of them locked every visitor out of
writing. The visitor id is the client's choice: one client rotating ids is limited by its address.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from pathlib import Path

import pytest

from channels.webchat.tests.harness import PUBLIC_KEY, SHOP_ORIGIN
from conversations.models import Message
from tests.support import load_fixture

ENDPOINT = f"/webchat/{PUBLIC_KEY}/messages"
WIDGET = (Path(__file__).parent.parent / "widget" / "widget.js").read_text()
POLL_OPEN_MS = int(re.search(r"POLL_OPEN_MS = (\d+)", WIDGET)[1])
PANELS = 40


def an_address(version: int = 4) -> str:
    """A client address of this test's own, so that counters left by an earlier run count nothing here."""
    if version == 6:
        return f"2001:db8:{random.randrange(1, 0xFFFF):x}:{random.randrange(1, 0xFFFF):x}::1"
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def message(visitor: str) -> str:
    fixture = load_fixture(__file__, "visitor_message")
    return json.dumps({**fixture, "visitor_id": visitor, "client_message_id": str(uuid.uuid4())})


def post(client, visitor: str, **headers: str):
    return client.post(ENDPOINT, message(visitor), "application/json", HTTP_ORIGIN=SHOP_ORIGIN, **headers)


def poll(client, visitor: str, **headers: str):
    return client.get(ENDPOINT, {"visitor": visitor, "after": 0}, HTTP_ORIGIN=SHOP_ORIGIN, **headers)


def test_forty_open_panels_polling_for_a_minute_do_not_stop_another_visitor_from_writing(client, webchat_connection):
    panels = {str(uuid.uuid4()): an_address() for _ in range(PANELS)}
    for visitor, address in panels.items():
        assert post(client, visitor, REMOTE_ADDR=address).status_code == 201
    for _ in range(60_000 // POLL_OPEN_MS):  # one minute of an open panel's polls, from each of the 40
        for visitor, address in panels.items():
            assert poll(client, visitor, REMOTE_ADDR=address).status_code == 200
    response = post(client, str(uuid.uuid4()), REMOTE_ADDR=an_address())
    assert response.status_code == 201
    assert Message.objects.count() == PANELS + 1


@pytest.mark.usefixtures("fresh_throttle_window")
@pytest.mark.parametrize("version", [4, 6])
def test_one_client_rotating_visitor_ids_is_limited_by_its_address(
    client, webchat_connection, settings, django_capture_on_commit_callbacks, version
):
    limit = settings.PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE
    attacker = an_address(version)
    # Behind the TLS proxy, as in production: the client is what the proxy appends to X-Forwarded-For.
    settings.PARLEY_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "172.18.0.2"}

    def from_attacker(number: int) -> dict[str, str]:
        # Over IPv6 a client holds a whole /64: it rotates its address inside it too.
        address = attacker.replace("::1", f"::{number + 1:x}") if version == 6 else attacker
        return {**proxy, "HTTP_X_FORWARDED_FOR": f"198.51.100.9, {address}"}

    with django_capture_on_commit_callbacks() as turns:
        answers = [post(client, str(uuid.uuid4()), **from_attacker(n)).status_code for n in range(limit + 20)]
    assert answers == [201] * limit + [429] * 20
    assert len(turns) == limit and Message.objects.count() == limit
    refused = post(client, str(uuid.uuid4()), **from_attacker(0))
    assert refused["Retry-After"] == "60" and refused["Access-Control-Allow-Origin"] == SHOP_ORIGIN
    # A visitor at another address, through the same proxy, writes as usual.
    assert post(client, str(uuid.uuid4()), **proxy, HTTP_X_FORWARDED_FOR=an_address(version)).status_code == 201


@pytest.mark.usefixtures("fresh_throttle_window")
def test_polls_over_their_limit_are_refused_but_the_same_address_may_still_write(client, webchat_connection, settings):
    settings.PARLEY_WEBCHAT_POLLS_PER_ADDRESS_PER_MINUTE = 30
    address, visitor = an_address(), str(uuid.uuid4())
    answers = [poll(client, visitor, REMOTE_ADDR=address).status_code for _ in range(35)]
    assert answers == [200] * 30 + [429] * 5
    assert post(client, visitor, REMOTE_ADDR=address).status_code == 201
    assert poll(client, visitor, REMOTE_ADDR=an_address()).status_code == 200
