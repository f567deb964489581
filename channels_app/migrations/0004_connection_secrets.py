# Placeholder reserved for: connection secrets encrypted (issue 14 items 2, 14). Filled in with its operations (or removed if it stays empty).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0003_message_claimed_at")]

    operations: list = []
