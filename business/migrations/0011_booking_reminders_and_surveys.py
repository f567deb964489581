# Booking reminders (when, and what became of each) and the satisfaction survey setting.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('business', '0010_business_draft_of'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='reminder',
            field=models.CharField(blank=True, choices=[('sent', 'Sent'), ('template', 'Sent as a WhatsApp template'), ('tagged', 'Sent as an event update (Messenger)'), ('no_template', 'Not sent: no WhatsApp reminder template'), ('window_closed', 'Not sent: the customer last wrote too long ago'), ('no_conversation', 'Not sent: the customer has never written')], editable=False, max_length=16, verbose_name='reminder'),
        ),
        migrations.AddField(
            model_name='booking',
            name='reminder_claimed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='business',
            name='booking_reminder_hours',
            field=models.PositiveSmallIntegerField(default=24, help_text='The customer is reminded of a booking this many hours before it, with buttons to confirm or cancel it. 0: no reminders.', verbose_name='booking reminder, hours before'),
        ),
        migrations.AddField(
            model_name='business',
            name='satisfaction_survey_minutes',
            field=models.PositiveIntegerField(default=0, help_text='After the agent or a colleague answered and the conversation has been quiet this long, the customer is asked once to rate it (only while the platform still allows a message). 0: never asked.', verbose_name='satisfaction survey, minutes of quiet'),
        ),
    ]
