"""The conversation store's models now belong to the conversations app (its 0001 takes them over with their
tables): this app forgets them, once every model pointing at them points at the new ones."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("channels_app", "0005_webchat_public_key"),
        ("conversations", "0001_initial"),
        ("agents", "0007_runs_reference_conversations"),
        ("console", "0003_annotations_reference_conversations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # Referencing models first; the tables stay, now the conversations app's.
            state_operations=[
                migrations.DeleteModel(name="Message"),
                migrations.DeleteModel(name="Conversation"),
                migrations.DeleteModel(name="Contact"),
                migrations.DeleteModel(name="ChannelConnection"),
            ],
        ),
    ]
