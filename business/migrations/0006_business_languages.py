"""A business serves a list of languages, main one first, instead of one language."""

from django.db import migrations, models

import business.languages

SUPPORTED = ("en", "fr", "es", "de", "it", "pt")


def languages_from_language(apps, schema_editor):
    Business = apps.get_model("business", "Business")
    for business in Business.objects.all():
        code = business.language.split("-")[0].lower()
        business.languages = [code if code in SUPPORTED else "en"]
        business.save(update_fields=["languages"])


def language_from_languages(apps, schema_editor):
    Business = apps.get_model("business", "Business")
    for business in Business.objects.all():
        business.language = (business.languages or ["en"])[0]
        business.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [("business", "0005_faq_customer_words")]

    operations = [
        migrations.AddField(
            model_name="business",
            name="languages",
            field=models.JSONField(
                default=business.languages.default_languages,
                help_text='The languages the agent serves customers in, main one first, among en, fr, es, de, it '
                'and pt: ["fr", "en"].',
                validators=[business.languages.validate_languages],
            ),
        ),
        migrations.RunPython(languages_from_language, language_from_languages),
        migrations.RemoveField(model_name="business", name="language"),
    ]
