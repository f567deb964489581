"""Annotations point at the conversations app's Message (conversations/migrations/0001), whose table is unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0002_unpublish_customer_words'),
        ('conversations', '0001_initial'),
    ]

    operations = [
        # The table is the same: only the model Django knows it by changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='annotation',
                    name='reply',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='annotation', to='conversations.message'),
                ),
            ],
        ),
    ]
