import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("business", "0009_special_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="business",
            name="draft_of",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="draft",
                to="business.business",
            ),
        ),
    ]
