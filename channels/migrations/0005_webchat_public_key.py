# Web chat public keys unique and generated (issue 14 item 3); when a customer message's turn may start (item 4).
import secrets

import django.db.models.fields.json
from django.db import migrations, models


def give_duplicates_new_keys(apps, schema_editor):
    """The oldest connection keeps a key it shares; the others (a key copied from another business) get new ones."""
    ChannelConnection = apps.get_model("channels_app", "ChannelConnection")
    taken: set[str] = set()
    for connection in ChannelConnection.objects.filter(platform="webchat").order_by("created_at", "pk"):
        key = str(connection.credentials.get("public_key") or "")
        if not key or key in taken:
            key = secrets.token_urlsafe(18)
            connection.credentials = {**connection.credentials, "public_key": key}
            connection.save(update_fields=["credentials"])
        taken.add(key)


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0004_connection_secrets")]

    operations = [
        migrations.AddField(
            model_name="message",
            name="turn_not_before",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(give_duplicates_new_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="channelconnection",
            constraint=models.UniqueConstraint(
                django.db.models.fields.json.KeyTextTransform("public_key", "credentials"),
                condition=models.Q(("platform", "webchat")),
                name="webchat_public_key_unique",
            ),
        ),
    ]
