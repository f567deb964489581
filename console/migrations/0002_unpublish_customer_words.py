# "Add to FAQ" published the customer's words before issue 14: entries that still hold them go back to drafts,
# which no search finds and erasure deletes, until staff rewrite them (issue 14 item 13).
from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Left


def unpublish_customer_words(apps, schema_editor):
    Annotation = apps.get_model("console", "Annotation")
    FaqEntry = apps.get_model("business", "FaqEntry")
    # The words add_to_knowledge copied into the question, as console.operator_actions.still_quoting reads them.
    quoting = (
        Annotation.objects.alias(words=Left(Coalesce("reply__reply_to__text", "reply__text"), 300))
        .exclude(words="")
        .filter(Q(faq_entry__question__contains=F("words")) | Q(faq_entry__answer__contains=F("words")))
    )
    FaqEntry.objects.filter(published=True, pk__in=quoting.values("faq_entry")).update(published=False)


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_annotations"),
        ("business", "0005_faq_customer_words"),
    ]

    operations = [migrations.RunPython(unpublish_customer_words, migrations.RunPython.noop)]
