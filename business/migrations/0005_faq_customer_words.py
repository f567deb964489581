# FAQ entries made from customers' words start unpublished (issue 14 item 13); existing entries stay published.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("business", "0004_transcript_retention")]

    operations = [
        migrations.AddField(
            model_name="faqentry",
            name="published",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Only published entries are searched by the agent. An entry made from a customer's message "
                    "starts unpublished: rewrite the question in your own words, then publish it."
                ),
            ),
        ),
    ]
