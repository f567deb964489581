"""What Meta's platforms share on top of the contract every platform keeps: the subscription handshake and
signatures as Meta computes them, for each registered platform whose harness is a Meta one."""

from __future__ import annotations

import pytest

from channels.meta.signature import sign
from tests.support.platform_contract import harness_for, platforms_customers_reach

from .harness import MetaHarness

META_PLATFORMS = [name for name in platforms_customers_reach() if isinstance(harness_for(name), MetaHarness)]


@pytest.fixture(params=META_PLATFORMS)
def harness(request: pytest.FixtureRequest) -> MetaHarness:
    return harness_for(request.param)


def handshake(client, harness, connection, token):
    query = {**harness.fixture("verify_handshake")["query"], "hub.verify_token": token}
    return client.get(connection.webhook_path(), query)


def test_the_handshake_with_the_right_token_returns_the_challenge_as_text(client, harness, business, fake_platform):
    connection = harness.connect(business, fake_platform.url)
    response = handshake(client, harness, connection, connection.credential("verify_token"))
    assert response.status_code == 200
    assert response.content.decode() == harness.fixture("verify_handshake")["expect"]["response_body"]
    assert response["Content-Type"].startswith("text/plain")


def test_the_handshake_with_a_wrong_token_is_refused_without_the_challenge(client, harness, business, fake_platform):
    connection = harness.connect(business, fake_platform.url)
    response = handshake(client, harness, connection, "wrong-token")
    assert response.status_code == 403
    assert harness.fixture("verify_handshake")["query"]["hub.challenge"].encode() not in response.content


def test_the_signature_meta_documents_for_the_sample_is_the_one_we_compute(harness):
    fixture = harness.fixture("text_message")
    signing = fixture["signing"]
    assert sign(signing["example_secret"], fixture["raw_body"].encode()) == signing["example_signature"]
