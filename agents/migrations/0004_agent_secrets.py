# Placeholder reserved for: agent secrets and server settings (issue 14 items 2, 14). Filled in with its operations (or removed if it stays empty).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agents", "0003_agentconfig_allow_financial_advice_and_more")]

    operations: list = []
