# Agent secrets encrypted at rest and the model server's URL limited to the server's allow-list
# (issue 14 items 2, 14).
from django.db import migrations, models
from django.db.models.functions import Cast

import infrastructure.credential_hosts
import infrastructure.encrypted_fields

ENCRYPTED = (("AgentConfig", "server_api_key"), ("HttpTool", "signing_secret"))


def encrypt_existing(apps, schema_editor):
    """The columns still hold plain text: read as text (not decrypted) and written back encrypted."""
    for model_name, field in ENCRYPTED:
        model = apps.get_model("agents", model_name)
        plain = model.objects.exclude(**{field: ""}).annotate(plain=Cast(field, models.TextField()))
        for pk, value in plain.values_list("pk", "plain"):
            model.objects.filter(pk=pk).update(**{field: value})


def decrypt_existing(apps, schema_editor):
    for model_name, field in ENCRYPTED:
        model = apps.get_model("agents", model_name)
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field):
            model.objects.filter(pk=pk).update(**{field: models.Value(value, output_field=models.TextField())})


class Migration(migrations.Migration):
    dependencies = [("agents", "0003_agentconfig_allow_financial_advice_and_more")]

    operations = [
        migrations.AlterField(
            model_name="agentconfig",
            name="server_api_key",
            field=infrastructure.encrypted_fields.EncryptedTextField(
                blank=True, help_text="For the server backend, if it needs one."
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="server_url",
            field=models.URLField(
                blank=True,
                help_text="For the server backend: its base URL, e.g. http://gpu-host:8080/v1, on a host the server's "
                "PARLEY_MODEL_SERVER_HOSTS lists.",
                validators=[infrastructure.credential_hosts.AllowedHostValidator("PARLEY_MODEL_SERVER_HOSTS")],
            ),
        ),
        migrations.AlterField(
            model_name="httptool",
            name="signing_secret",
            field=infrastructure.encrypted_fields.EncryptedTextField(
                help_text="Requests carry X-Parley-Signature: sha256=HMAC(secret, body) so the URL can check them."
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
