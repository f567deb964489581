# Placeholder reserved for: web chat public keys (issue 14 items 3, 4). Filled in with its operations (or removed if it stays empty).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0004_connection_secrets")]

    operations: list = []
