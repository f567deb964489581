# Connection secrets encrypted at rest (issue 14 item 14): the platforms' secret keys move from
# `credentials` (kept for the ids webhooks look connections up by) to the encrypted `secrets`.
from django.db import migrations, models

import infrastructure.encrypted_fields

# Each platform's secret keys when this migration was written (channels_app/<platform>/platform.py).
SECRET_KEYS = {
    "messenger": ("access_token", "app_secret"),
    "instagram": ("access_token", "app_secret"),
    "whatsapp": ("access_token", "app_secret"),
    "telegram": ("bot_token", "secret_token"),
    "twilio": ("auth_token",),
}


def encrypt_secrets(apps, schema_editor):
    ChannelConnection = apps.get_model("channels_app", "ChannelConnection")
    for connection in ChannelConnection.objects.filter(platform__in=SECRET_KEYS):
        keys = SECRET_KEYS[connection.platform]
        ChannelConnection.objects.filter(pk=connection.pk).update(
            credentials={key: value for key, value in connection.credentials.items() if key not in keys},
            secrets={key: value for key, value in connection.credentials.items() if key in keys},
        )


def decrypt_secrets(apps, schema_editor):
    ChannelConnection = apps.get_model("channels_app", "ChannelConnection")
    for connection in ChannelConnection.objects.all():
        merged = {**connection.credentials, **connection.secrets}
        ChannelConnection.objects.filter(pk=connection.pk).update(credentials=merged)


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0003_message_claimed_at")]

    operations = [
        migrations.AddField(
            model_name="channelconnection",
            name="secrets",
            field=infrastructure.encrypted_fields.EncryptedJSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AlterField(
            model_name="channelconnection",
            name="api_base",
            field=models.URLField(
                blank=True,
                help_text="The platform's API host. Empty: the platform's real host. Another host must be listed "
                "in the server's PARLEY_PLATFORM_API_HOSTS.",
            ),
        ),
        migrations.AlterField(
            model_name="channelconnection",
            name="credentials",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Platform ids (page id, phone number id...); secrets set here move to `secrets` on save.",
            ),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
