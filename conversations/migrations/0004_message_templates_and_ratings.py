# WhatsApp message templates staff register, and the satisfaction survey on each conversation.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('business', '0011_booking_reminders_and_surveys'),
        ('conversations', '0003_message_transcript'),
    ]

    operations = [
        migrations.AddField(
            model_name='conversation',
            name='rated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='conversation',
            name='rating',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(3, 'Good'), (2, 'OK'), (1, 'Poor')], null=True, verbose_name='rating'),
        ),
        migrations.AddField(
            model_name='conversation',
            name='satisfaction_asked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='MessageTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text="The template's name at Meta (WhatsApp Manager > Message templates), e.g. booking_reminder.", max_length=512, validators=[django.core.validators.RegexValidator('^[a-z0-9_]+$', 'Lower-case letters, digits and underscores, as at Meta.')], verbose_name='name')),
                ('language', models.CharField(help_text='The language it was approved in, as Meta writes it: en, en_GB, fr, pt_BR.', max_length=16, validators=[django.core.validators.RegexValidator('^[a-z]{2,3}(_[A-Z]{2})?$', 'A code such as en, en_GB or pt_BR.')], verbose_name='language code')),
                ('body', models.TextField(help_text='The approved body text with its placeholders {{1}}, {{2}}..., shown to operators and in transcripts.', verbose_name='body')),
                ('category', models.CharField(blank=True, choices=[('UTILITY', 'Utility'), ('MARKETING', 'Marketing'), ('AUTHENTICATION', 'Authentication')], max_length=16, verbose_name='category')),
                ('purpose', models.CharField(blank=True, choices=[('', 'Sent by operators'), ('booking_reminder', 'Booking reminders')], help_text="Booking reminders: sent when a reminder is due and the customer's window has closed. Its body's {{1}} is the booking's date, {{2}} its time, {{3}} the number of people, and it has two quick-reply buttons, Confirm then Cancel.", max_length=32, verbose_name='used for')),
                ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='message_templates', to='business.business')),
            ],
            options={
                'verbose_name': 'WhatsApp message template',
                'verbose_name_plural': 'WhatsApp message templates',
                'db_table': 'conversations_messagetemplate',
                'ordering': ['name', 'language'],
                'constraints': [models.UniqueConstraint(fields=('business', 'name', 'language'), name='one_template_per_name_and_language'), models.UniqueConstraint(condition=models.Q(('purpose', 'booking_reminder')), fields=('business', 'language'), name='one_reminder_template_per_language', violation_error_message='This business has a booking-reminder template in this language already.')],
            },
        ),
    ]
