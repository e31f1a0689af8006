"""Writes of what surrounds the readings: water-chemistry samples, contacts, groups of wells
and the controlled vocabularies."""

from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from ..contract import EventKind
from ..events import event_publish_on_commit
from ..models import Contact, Group, LexiconTerm, Sample, SampleResult, Well
from ..vocabulary import lexicon_ensure
from .errors import conflict_for_constraint


class SampleResultData(TypedDict, total=False):
    analyte: str
    value: float
    unit: str
    below_detection: bool


def sample_create(
    *,
    site_no: str,
    sampled_at: datetime,
    collected_by: str = "",
    laboratory: str = "",
    notes: str = "",
    results: list[SampleResultData] | None = None,
) -> Sample:
    """Create a sample and its results for the well named by ``site_no``."""
    results = results or []
    with transaction.atomic():
        well = Well.objects.filter(site_no=site_no).first()
        if well is None:
            raise ValidationError({"site_no": f"No well with site number {site_no!r}."})
        analytes = [result["analyte"] for result in results]
        if len(set(analytes)) != len(analytes):
            raise conflict_for_constraint("sampleresult_unique_analyte")
        sample = Sample(
            well=well,
            sampled_at=sampled_at,
            collected_by=collected_by,
            laboratory=laboratory,
            notes=notes,
        )
        sample.full_clean()
        sample.save()
        result_rows = [SampleResult(sample=sample, **result) for result in results]
        for index, row in enumerate(result_rows):
            try:
                row.full_clean(exclude={"sample"}, validate_constraints=False)
            except ValidationError as error:
                raise ValidationError(
                    {f"results.{index}.{k}": v for k, v in error.message_dict.items()}
                ) from None
        SampleResult.objects.bulk_create(result_rows)
        event_publish_on_commit(kind=EventKind.SAMPLES_CREATED, payload={"site_no": site_no})
    return sample


def sample_save(*, sample: Sample) -> Sample:
    """Save a sample that a form validated (the admin's), in the caller's transaction, and
    announce it as created or changed (its results are saved by the form's inline)."""
    kind = EventKind.SAMPLES_CREATED if sample.pk is None else EventKind.SAMPLES_CHANGED
    sample.save()
    event_publish_on_commit(kind=kind, payload={"site_no": sample.well.site_no})
    return sample


def contact_create(
    *, name: str, organization: str = "", email: str = "", phone: str = ""
) -> Contact:
    contact = Contact(name=name, organization=organization, email=email, phone=phone)
    contact.full_clean()
    contact.save()
    return contact


def group_create(*, name: str, kind: str = Group.Kind.NETWORK, description: str = "") -> Group:
    with transaction.atomic():
        if Group.objects.filter(name=name).exists():
            raise conflict_for_constraint("monitoring_group_name_key")
        group = Group(name=name, kind=kind, description=description)
        group.full_clean(validate_unique=False)
        group.save()
    return group


def lexicon_term_create(
    *, category: str, code: str, label: str, definition: str = ""
) -> LexiconTerm:
    with transaction.atomic():
        if LexiconTerm.objects.filter(category=category, code=code).exists():
            raise conflict_for_constraint("lexicon_unique_code")
        term = LexiconTerm(category=category, code=code, label=label, definition=definition)
        term.full_clean(validate_constraints=False)
        term.save()
    return term


def lexicon_seed() -> int:
    """Create the starting vocabularies that are missing (after a test flushed them, say);
    returns how many were created. The data migration runs the same function."""
    return lexicon_ensure(LexiconTerm)
