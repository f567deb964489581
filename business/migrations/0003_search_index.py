"""The full-text search columns (see business/search.py): tsvector + GIN on PostgreSQL, FTS5 on SQLite."""
from django.db import migrations

SEARCHABLE_TABLES = ("business_faqentry", "business_document", "business_catalogueitem")


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            for table in SEARCHABLE_TABLES:
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector")
                cursor.execute(f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector)")
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE business_search_fts USING fts5("
                "kind UNINDEXED, object_id UNINDEXED, business_id UNINDEXED, body, tokenize = 'porter unicode61')"
            )


def drop_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            for table in SEARCHABLE_TABLES:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        else:
            cursor.execute("DROP TABLE business_search_fts")


class Migration(migrations.Migration):
    dependencies = [("business", "0002_customer_booking_document_lead_order_and_more")]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
