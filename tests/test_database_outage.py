"""PostgreSQL unreachable: every webhook answers 5xx so that the platform delivers again; nothing is
acknowledged unstored."""

import psycopg
import pytest
from django.db import connection as db

from conversations.models import Message
from tests.reliability_traffic import PAGE_ID, messenger_text
from tests.services import database_url
from tests.support.platform_contract import platforms_customers_reach
from tests.test_hostile_input import connection_for, request

pytestmark = pytest.mark.django_db(transaction=True)

PLATFORMS = platforms_customers_reach()
CLOSED_PORT = 9  # discard: nothing listens on it here


def test_with_the_database_unreachable_every_webhook_asks_for_redelivery_and_then_stores_it_once(
    client, business, figures
):
    connections = [connection_for(business, platform) for platform in PLATFORMS]
    # Messenger stores an entry under the connection of the entry's Page: the delivery's.
    connections[0].credentials["page_id"] = PAGE_ID
    connections[0].save()
    body = messenger_text("7006000000000001", "m_db_outage", "Hello")
    real_port = db.settings_dict["PORT"]
    db.close()
    db.settings_dict["PORT"] = CLOSED_PORT
    try:
        during = [request(client, connection, body, True)[0] for connection in connections]
    finally:
        db.close()
        db.settings_dict["PORT"] = real_port

    after = [request(client, connection, body, True)[0] for connection in connections]
    assert during == [503] * len(PLATFORMS)
    assert Message.objects.get(connection=connections[0]).platform_message_id == "m_db_outage"
    assert all(status < 500 for status in after)
    figures["database_outage"] = {
        "deliveries_during_outage": len(PLATFORMS),
        "answered_503": during.count(503),
        "acknowledged_unstored": 0,
    }


def test_a_database_connection_killed_under_the_web_process_answers_503_and_stores_nothing(client, business):
    messenger = connection_for(business, "messenger")
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with psycopg.connect(database_url(db.settings_dict), autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [backend])
    assert request(client, messenger, messenger_text("7006000000000002", "m_killed", "Hi"), True)[0] == 503
    db.close()
    assert not Message.objects.filter(platform_message_id="m_killed").exists()
