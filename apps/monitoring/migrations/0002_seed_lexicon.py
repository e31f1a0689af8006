"""Seed the controlled vocabularies (apps/monitoring/vocabulary.py)."""

from django.db import migrations


def seed_lexicon(apps, schema_editor):
    from apps.monitoring.vocabulary import lexicon_ensure

    lexicon_ensure(apps.get_model("monitoring", "LexiconTerm"))


def unseed_lexicon(apps, schema_editor):
    from apps.monitoring.vocabulary import LEXICON

    LexiconTerm = apps.get_model("monitoring", "LexiconTerm")
    for category, terms in LEXICON.items():
        LexiconTerm.objects.filter(category=category, code__in=[t[0] for t in terms]).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed_lexicon, unseed_lexicon)]
