# Placeholder reserved for: FAQ entries from customers' words (issue 14 item 13). Filled in with its operations (or removed if it stays empty).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("business", "0004_transcript_retention")]

    operations: list = []
