# Placeholder reserved for: agent setting bounds (issue 14 items 5, 9, 11). Filled in with its operations (or removed if it stays empty).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agents", "0004_agent_secrets")]

    operations: list = []
