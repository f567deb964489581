"""Twilio's published signature vector, its port variants, and the public URL behind a proxy."""

import pytest
from django.test import RequestFactory

from channels.twilio.signature import is_valid, public_url, sign, verify_signature
from conversations.events import RefusedRequest
from tests.support import load_fixture

from .conftest import PROXY_HOST
from .harness import form_fields

VECTOR = load_fixture(__file__, "signature_test_vector")
SIGNING = VECTOR["signing"]
PARAMS = form_fields(VECTOR["raw_body"])


def test_twilios_vector_is_what_we_compute():
    assert sign(SIGNING["example_secret"], SIGNING["url"], PARAMS) == SIGNING["example_signature"]


def test_the_sms_fixture_signature_is_what_we_compute():
    fixture = load_fixture(__file__, "sms_text_message")
    signing = fixture["signing"]
    assert (
        sign(signing["example_secret"], signing["url"], form_fields(fixture["raw_body"]))
        == signing["example_signature"]
    )


@pytest.mark.parametrize("url, signature", SIGNING["port_variants"].items())
def test_a_url_signed_with_an_explicit_port_is_accepted(url, signature):
    assert is_valid(SIGNING["example_secret"], url, PARAMS, signature)


def test_a_default_port_twilio_added_is_accepted_for_a_url_configured_without_one():
    assert is_valid(
        SIGNING["example_secret"],
        SIGNING["url"],
        PARAMS,
        SIGNING["port_variants"]["https://mycompany.com:443/myapp.php?foo=1&bar=2"],
    )


def test_the_signature_without_a_port_is_accepted_for_a_url_configured_with_one():
    assert is_valid(
        SIGNING["example_secret"],
        "https://mycompany.com:443/myapp.php?foo=1&bar=2",
        PARAMS,
        SIGNING["example_signature"],
    )


@pytest.mark.parametrize(
    "secret, url, params",
    [
        ("another-token", SIGNING["url"], PARAMS),
        (SIGNING["example_secret"], "https://mycompany.com/myapp.php?foo=1&bar=3", PARAMS),
        (SIGNING["example_secret"], SIGNING["url"], {**PARAMS, "Digits": ["9999"]}),
        (SIGNING["example_secret"], "http://mycompany.com/myapp.php?foo=1&bar=2", PARAMS),
    ],
)
def test_a_change_of_token_url_or_parameter_breaks_the_signature(secret, url, params):
    assert not is_valid(secret, url, params, SIGNING["example_signature"])


def test_the_signed_url_is_the_public_one_not_the_proxys_host(settings):
    settings.PUBLIC_BASE_URL = "https://mycompany.com"
    request = RequestFactory().post(
        "/myapp.php?foo=1&bar=2", data=VECTOR["raw_body"], content_type="application/x-www-form-urlencoded",
        HTTP_HOST=PROXY_HOST, HTTP_X_TWILIO_SIGNATURE=SIGNING["example_signature"],
    )  # fmt: skip
    assert public_url(request) == SIGNING["url"]
    verify_signature(request, SIGNING["example_secret"])


@pytest.mark.parametrize("token, signature", [("", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), ("12345", None)])
def test_no_token_or_no_signature_is_refused(settings, token, signature):
    settings.PUBLIC_BASE_URL = "https://mycompany.com"
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    request = RequestFactory().post(
        "/myapp.php?foo=1&bar=2", data=VECTOR["raw_body"], content_type="application/x-www-form-urlencoded", **headers
    )
    with pytest.raises(RefusedRequest):
        verify_signature(request, token)
