"""Reads of what surrounds the readings: samples, contacts, groups, vocabularies; and the
health check's round trip."""

from django.db.models import Count, Q, QuerySet

from ..asyncdriver import read_path, reading
from ..models import Contact, Group, LexiconTerm, Release, Sample
from .common import strict
from .visibility import Audience, samples_visible


def sample_queryset(*, audience: Audience, site_no: str | None = None) -> QuerySet[Sample]:
    """Samples with their results that ``audience`` may see, newest first."""
    samples = strict(Sample.objects.select_related("well").prefetch_related("results"))
    if site_no:
        samples = samples.filter(well__site_no=site_no)
    return samples_visible(samples, audience=audience).order_by("-sampled_at", "pk")


def contact_queryset() -> QuerySet[Contact]:
    return strict(Contact.objects.order_by("name", "pk"))


def group_queryset(*, audience: Audience) -> QuerySet[Group]:
    """Groups with how many of their wells ``audience`` may see."""
    counted = None if audience.private_data else Q(wells__release_status=Release.PUBLIC)
    return strict(
        Group.objects.annotate(well_count=Count("wells", filter=counted)).order_by("name")
    )


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
