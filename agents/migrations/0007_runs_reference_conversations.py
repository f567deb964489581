"""Agent runs point at the conversations app's models (conversations/migrations/0001), whose tables are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agents', '0006_finite_settings'),
        ('conversations', '0001_initial'),
    ]

    operations = [
        # The table is the same: only the model Django knows it by changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='agentrun',
                    name='conversation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agent_runs', to='conversations.conversation'),
                ),
                migrations.AlterField(
                    model_name='agentrun',
                    name='inbound_message',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agent_runs_answering', to='conversations.message'),
                ),
                migrations.AlterField(
                    model_name='agentrun',
                    name='reply',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='agent_run', to='conversations.message'),
                ),
            ],
        ),
    ]
