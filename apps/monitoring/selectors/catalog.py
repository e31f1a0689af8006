"""Reads of what surrounds the readings: samples, contacts, groups, vocabularies; and the
health check's round trip."""

from django.db.models import Count, QuerySet

from ..asyncdriver import read_path, reading
from ..models import Contact, Group, LexiconTerm, Sample
from .common import strict


def sample_queryset(*, site_no: str | None = None) -> QuerySet[Sample]:
    samples = strict(Sample.objects.select_related("well").prefetch_related("results"))
    if site_no:
        samples = samples.filter(well__site_no=site_no)
    return samples.order_by("-sampled_at", "pk")


def contact_queryset() -> QuerySet[Contact]:
    return strict(Contact.objects.order_by("name", "pk"))


def group_queryset() -> QuerySet[Group]:
    return strict(Group.objects.annotate(well_count=Count("wells")).order_by("name"))


def lexicon_queryset(*, category: str | None = None) -> QuerySet[LexiconTerm]:
    terms = strict(LexiconTerm.objects.all())
    if category:
        terms = terms.filter(category=category)
    return terms.order_by("category", "code")


async def database_aping() -> str:
    """One round trip to the database on the path public reads take, and which path that
    is ("async-driver" or "async-orm", ADR-0007); raises when it cannot be reached."""
    await reading(LexiconTerm).values_list("pk", flat=True).afirst()
    return read_path(LexiconTerm)
