from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_message_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="transcription",
            field=models.CharField(
                blank=True,
                choices=[("pending", "Being transcribed"), ("done", "Transcribed"), ("failed", "Not transcribed")],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="transcript",
            field=models.TextField(blank=True, help_text="What the customer said in their voice note."),
        ),
    ]
