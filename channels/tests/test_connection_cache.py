"""A connection kept by the web process for its webhooks still obeys every edit: at once when made in the
process, within PARLEY_CONNECTION_CACHE_SECONDS when made by another."""

from pathlib import Path

import pytest

from channels import connection_cache
from channels.meta.signature import sign
from conversations.models import ChannelConnection
from tests.support import load_fixture

pytestmark = pytest.mark.django_db

MESSENGER_TESTS = Path(__file__).parent.parent / "messenger" / "tests" / "test_webhook.py"
DELIVERY = load_fixture(str(MESSENGER_TESTS), "escaped_unicode_text")["raw_body"].encode()


def test_a_connection_deactivated_after_a_delivery_is_refused_at_once(post_signed, messenger_connection):
    assert post_signed(messenger_connection, DELIVERY).status_code == 200
    messenger_connection.is_active = False
    messenger_connection.save()
    assert post_signed(messenger_connection, DELIVERY).status_code == 404


def test_a_rotated_app_secret_is_enforced_at_once(post_signed, messenger_connection):
    old_secret = messenger_connection.credential("app_secret")
    assert post_signed(messenger_connection, DELIVERY).status_code == 200
    messenger_connection.credentials["app_secret"] = "rotated-app-secret-7f2e"
    messenger_connection.save()
    # An attacker holding the old secret signs a delivery of their own.
    assert post_signed(messenger_connection, DELIVERY, signature=sign(old_secret, DELIVERY)).status_code == 403
    assert post_signed(messenger_connection, DELIVERY).status_code == 200


def test_a_deleted_connection_is_not_found_at_once(post_signed, messenger_connection):
    assert post_signed(messenger_connection, DELIVERY).status_code == 200
    messenger_connection.delete()
    assert post_signed(messenger_connection, DELIVERY).status_code == 404


def test_an_edit_made_by_another_process_applies_once_the_kept_connection_expires(
    post_signed, messenger_connection, settings, monkeypatch
):
    settings.PARLEY_CONNECTION_CACHE_SECONDS = 2
    assert post_signed(messenger_connection, DELIVERY).status_code == 200
    # Another process's save: the row changes, and no signal reaches this process.
    ChannelConnection.objects.filter(pk=messenger_connection.pk).update(is_active=False)
    assert post_signed(messenger_connection, DELIVERY).status_code == 200
    later = connection_cache.monotonic() + 2.01
    monkeypatch.setattr(connection_cache, "monotonic", lambda: later)
    assert post_signed(messenger_connection, DELIVERY).status_code == 404


def test_no_connection_is_kept_when_the_cache_is_off(post_signed, messenger_connection, settings):
    settings.PARLEY_CONNECTION_CACHE_SECONDS = 0
    assert post_signed(messenger_connection, DELIVERY).status_code == 200
    ChannelConnection.objects.filter(pk=messenger_connection.pk).update(is_active=False)
    assert post_signed(messenger_connection, DELIVERY).status_code == 404
