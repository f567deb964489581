"""The conversation store's models, moved from the channels app (label `channels_app`) with their tables.

Only Django's idea of which app holds them changes: the tables, their rows, constraints and indexes stay
as they are. Their content types follow them, so that staff's permissions on them are kept.
"""

import conversations.platforms
import django.db.models.deletion
import django.db.models.fields.json
import infrastructure.encrypted_fields
import uuid
from django.db import migrations, models


MODELS = ["channelconnection", "contact", "conversation", "message"]


def move_content_types(apps, schema_editor, source="channels_app", target="conversations"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="conversations", target="channels_app")


class Migration(migrations.Migration):

    initial = True

    # After the last migration of every app from before the move, so that the move starts from one state,
    # the one conversations/tests/test_move_from_channels_app.py migrates back to.
    dependencies = [
        ('agents', '0006_finite_settings'),
        ('business', '0005_faq_customer_words'),
        ('channels_app', '0005_webchat_public_key'),
        ('console', '0002_unpublish_customer_words'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChannelConnection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('platform', models.CharField(choices=conversations.platforms.platform_choices, max_length=32)),
                        ('name', models.CharField(blank=True, help_text="A label for staff, such as the Page's name.", max_length=200)),
                        ('webhook_key', models.UUIDField(default=uuid.uuid4, editable=False, help_text='Identifies this connection in its webhook URL.', unique=True)),
                        ('credentials', models.JSONField(blank=True, default=dict, help_text='Platform ids (page id, phone number id...); secrets set here move to `secrets` on save.')),
                        ('secrets', infrastructure.encrypted_fields.EncryptedJSONField(blank=True, default=dict, editable=False)),
                        ('api_base', models.URLField(blank=True, help_text="The platform's API host. Empty: the platform's real host. Another host must be listed in the server's PARLEY_PLATFORM_API_HOSTS.")),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='channel_connections', to='business.business')),
                    ],
                    options={
                        'db_table': 'channels_app_channelconnection',
                        'ordering': ['business__name', 'platform'],
                    },
                ),
                migrations.CreateModel(
                    name='Contact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('platform_user_id', models.CharField(max_length=200)),
                        ('display_name', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('connection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='conversations.channelconnection')),
                        ('customer', models.ForeignKey(blank=True, help_text="The business's customer this is; their orders and bookings are the ones the agent may see.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contacts', to='business.customer')),
                    ],
                    options={
                        'db_table': 'channels_app_contact',
                    },
                ),
                migrations.CreateModel(
                    name='Conversation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('bot', 'Answered by the agent'), ('needs_human', 'Needs a human'), ('human', 'Taken over by a human'), ('closed', 'Closed')], default='bot', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_message_at', models.DateTimeField(blank=True, null=True)),
                        ('last_inbound_at', models.DateTimeField(blank=True, null=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='business.business')),
                        ('connection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='conversations.channelconnection')),
                        ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='conversations.contact')),
                    ],
                    options={
                        'db_table': 'channels_app_conversation',
                        'ordering': ['-last_message_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Message',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('direction', models.CharField(choices=[('in', 'From the customer'), ('out', 'To the customer')], max_length=3)),
                        ('author', models.CharField(choices=[('customer', 'Customer'), ('agent', 'Agent'), ('operator', 'Operator')], max_length=16)),
                        ('kind', models.CharField(default='text', help_text='text, media, location, button, reaction, edit...', max_length=16)),
                        ('text', models.TextField(blank=True)),
                        ('metadata', models.JSONField(blank=True, default=dict, help_text='Attachments, button payloads, reacted-to messages, sent parts.')),
                        ('platform_message_id', models.CharField(blank=True, max_length=255, null=True)),
                        ('status', models.CharField(choices=[('received', 'Received'), ('pending', 'Waiting to be sent'), ('sending', 'Being sent'), ('sent', 'Sent'), ('delivered', 'Delivered'), ('read', 'Read'), ('failed', 'Failed')], max_length=16)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('turn_not_before', models.DateTimeField(blank=True, null=True)),
                        ('error_code', models.CharField(blank=True, max_length=64)),
                        ('error_detail', models.TextField(blank=True)),
                        ('platform_timestamp', models.DateTimeField(blank=True, help_text='When the platform says it was sent.', null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('connection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='conversations.channelconnection')),
                        ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='conversations.conversation')),
                        ('reply_to', models.OneToOneField(blank=True, help_text='For a reply, the customer message it answers: at most one reply per message.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reply', to='conversations.message')),
                    ],
                    options={
                        'db_table': 'channels_app_message',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='channelconnection',
                    constraint=models.UniqueConstraint(django.db.models.fields.json.KeyTextTransform('public_key', 'credentials'), condition=models.Q(('platform', 'webchat')), name='webchat_public_key_unique'),
                ),
                migrations.AddConstraint(
                    model_name='contact',
                    constraint=models.UniqueConstraint(fields=('connection', 'platform_user_id'), name='one_contact_per_platform_user'),
                ),
                migrations.AddConstraint(
                    model_name='conversation',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'closed'), _negated=True), fields=('contact',), name='one_open_conversation_per_contact'),
                ),
                migrations.AddIndex(
                    model_name='message',
                    index=models.Index(fields=['conversation', 'created_at'], name='channels_ap_convers_aa23a3_idx'),
                ),
                migrations.AddConstraint(
                    model_name='message',
                    constraint=models.UniqueConstraint(condition=models.Q(('platform_message_id__isnull', False)), fields=('connection', 'platform_message_id'), name='platform_message_id_unique_per_connection'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
