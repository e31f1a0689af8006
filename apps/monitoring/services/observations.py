"""Writes of readings one by one or in a request's batch (the API, the admin). Every such
write judges the readings' plausibility and refreshes the well's summary in its own
transaction, then announces what it did; bulk files go through bulk.py."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from .. import plausibility
from ..contract import MISSING_DEPTH, OBSERVATION_COLUMNS, EventKind, depth_is_explained
from ..events import event_publish_on_commit
from ..expressions import EpochSeconds
from ..models import Observation, Well, lexicon_errors, lexicon_vocabulary
from .audit import readings_history_record
from .errors import NotFoundError, conflict_for_constraint
from .summaries import well_summaries_refresh

# What a request's reading may set: a contract.ObservationRow's values, by name, less the
# well (the route names it) and the sensor (loggers' deployments set it).
READING_FIELDS = frozenset(OBSERVATION_COLUMNS) - {"well_id", "sensor_id"}
Reading = Mapping[str, Any]


def _observation_errors(
    reading: Observation, *, vocabulary: dict[str, set[str]]
) -> dict[str, list[str]]:
    """Field errors for one reading, without a query per row (batches can be large)."""
    errors: dict[str, list[str]] = {}
    try:
        reading.clean_fields(exclude={"well"})
    except ValidationError as error:
        errors.update(error.message_dict)
    for name, message in lexicon_errors(
        reading, Observation.LEXICON_FIELDS, vocabulary=vocabulary
    ).items():
        errors.setdefault(name, []).append(message)
    if not depth_is_explained(reading.depth_to_water_ft, reading.level_status):
        errors.setdefault("depth_to_water_ft", []).append(MISSING_DEPTH)
    return errors


def _announce(kind: EventKind, site_no: str, ids: list[int]) -> None:
    if ids:
        event_publish_on_commit(kind=kind, payload={"site_no": site_no, "observation_ids": ids})


def observation_create_many(*, site_no: str, readings: list[Reading]) -> list[Observation]:
    """Add readings to a well, all or nothing, in one transaction.

    Raises ValidationError keyed "<index>.<field>" for invalid rows, and ConflictError
    when a reading already exists at the same time (in the database or twice in the batch).
    """
    with transaction.atomic():
        well = Well.objects.filter(site_no=site_no).first()
        if well is None:
            raise NotFoundError(f"No well with site number {site_no!r}.")
        for index, reading in enumerate(readings):
            if refused := sorted(reading.keys() - READING_FIELDS):
                raise ValidationError(
                    {f"{index}.{name}": "Not a reading's field." for name in refused}
                )
        vocabulary = lexicon_vocabulary()
        observations = [Observation(well=well, **reading) for reading in readings]
        errors: dict[str, list[str]] = {}
        for index, reading in enumerate(observations):
            for field, messages in _observation_errors(reading, vocabulary=vocabulary).items():
                errors[f"{index}.{field}"] = messages
        if errors:
            raise ValidationError(errors)
        times = [reading.observed_at for reading in observations]
        if (
            len(set(times)) != len(times)
            or Observation.objects.filter(well=well, observed_at__in=times).exists()
        ):
            raise conflict_for_constraint("observation_unique_well_time")
        created = Observation.objects.bulk_create(observations)
        readings_history_record(
            readings=Observation.objects.filter(pk__in=[o.pk for o in created]), kind="+"
        )
        flagged = observations_written(
            well_id=well.pk, start=min(times), written=Q(pk__in={o.pk for o in created})
        )
        for observation in created:
            observation.flags = plausibility.flags_text(flagged.get(observation.pk, []))
        _announce(EventKind.OBSERVATIONS_CREATED, well.site_no, [o.pk for o in created])
    return created


def observations_save(
    *, well: Well, observations: list[Observation], deleted: list[Observation] = ()
) -> None:
    """Save readings of ``well`` that a form validated (the admin's well page: new ones and
    edited ones) and delete ``deleted``, in the caller's transaction (the admin's view is
    one); judge and summarise as every write of readings does, and announce each kind of
    change for what it is."""
    new = [o for o in observations if o.pk is None]
    for observation in observations:
        observation.well = well
        observation.save()
    deleted_ids = [o.pk for o in deleted if o.pk is not None]
    going = Observation.objects.filter(pk__in=deleted_ids, well=well)
    readings_history_record(readings=going, kind="-")
    going.delete()
    if observations or deleted_ids:
        start = min((o.observed_at for o in observations), default=datetime.now(UTC))
        observations_written(
            well_id=well.pk, start=start, written=Q(pk__in=[o.pk for o in observations])
        )
    _announce(EventKind.OBSERVATIONS_CREATED, well.site_no, [o.pk for o in new])
    _announce(
        EventKind.OBSERVATIONS_CHANGED,
        well.site_no,
        [o.pk for o in observations if o not in new],
    )
    if deleted_ids:
        event_publish_on_commit(
            kind=EventKind.OBSERVATIONS_DELETED,
            payload={"site_no": well.site_no, "count": len(deleted_ids)},
        )


def observation_save(*, observation: Observation, previous_well_id: int | None = None) -> None:
    """Save one reading that a form validated (the admin's reading page), in the caller's
    transaction: judged, its well summarised (and the well it moved from, if it moved), and
    announced as created or changed."""
    created = observation.pk is None
    observation.save()
    observations_written(
        well_id=observation.well_id, start=observation.observed_at, written=Q(pk=observation.pk)
    )
    if previous_well_id and previous_well_id != observation.well_id:
        well_summaries_refresh(well_ids=[previous_well_id])
    kind = EventKind.OBSERVATIONS_CREATED if created else EventKind.OBSERVATIONS_CHANGED
    _announce(kind, observation.well.site_no, [observation.pk])


def observations_delete(*, readings: QuerySet[Observation]) -> int:
    """Delete these readings, refresh their wells' summaries and announce it per well; one
    transaction. Returns how many readings went."""
    with transaction.atomic():
        per_well = {
            row["well_id"]: (row["well__site_no"], row["n"])
            for row in readings.order_by()
            .values("well_id", "well__site_no")
            .annotate(n=Count("pk"))
        }
        going = Observation.objects.filter(pk__in=readings.values("pk"))
        readings_history_record(readings=going, kind="-")
        going.delete()
        well_summaries_refresh(well_ids=per_well)
        for site_no, count in per_well.values():
            event_publish_on_commit(
                kind=EventKind.OBSERVATIONS_DELETED, payload={"site_no": site_no, "count": count}
            )
    return sum(count for _, count in per_well.values())


def observations_quality_set(*, readings: QuerySet[Observation], quality: str) -> int:
    """Mark these readings' data quality (approved, provisional) and announce the change per
    well; one transaction. Returns how many readings changed."""
    with transaction.atomic():
        changing = readings.exclude(data_quality=quality).order_by()
        by_well: dict[str, list[int]] = {}
        for site_no, pk in changing.values_list("well__site_no", "pk"):
            by_well.setdefault(site_no, []).append(pk)
        ids = [pk for pks in by_well.values() for pk in pks]
        changed = Observation.objects.filter(pk__in=ids).update(data_quality=quality)
        readings_history_record(readings=Observation.objects.filter(pk__in=ids), kind="~")
        for site_no, ids in by_well.items():
            _announce(EventKind.OBSERVATIONS_CHANGED, site_no, ids)
    return changed


def observations_written(*, well_id: int, start: datetime, written: Q) -> dict[int, list[str]]:
    """What every write of a well's readings does before its transaction commits (the API,
    the admin; imports do the same per file): judge the written readings (``written``, from
    ``start`` on) and refresh the well's summary. Returns the flags by reading id."""
    flagged = observation_flags_apply(well_id=well_id, start=start, new=written)
    well_summaries_refresh(well_ids=[well_id])
    return flagged


def observation_flags_apply(*, well_id: int, start: datetime, new: Q) -> dict[int, list[str]]:
    """Judge a well's new or changed readings (those matching ``new``, e.g.
    ``Q(pk__in=ids)`` or ``Q(created_at=stamp)``) from ``start`` on against the readings
    before them, in the caller's transaction, and store their plausibility flags
    (plausibility.py; a flag that no longer applies is cleared). Returns the
    flags by reading id, flagged readings only. Times come as epoch seconds and newness as a
    column, both computed by the database: a million-row import reads no datetimes."""
    rows = list(
        Observation.objects.filter(
            well_id=well_id, observed_at__gte=start - plausibility.RANGE_WINDOW
        )
        .order_by("observed_at")
        .values_list(
            "pk",
            EpochSeconds("observed_at"),
            "depth_to_water_ft",
            "level_status",
            ExpressionWrapper(new, output_field=BooleanField()),
            "flags",
        )
    )
    found = plausibility.series_flags(
        [row[1:4] for row in rows], judge=[bool(row[4]) for row in rows]
    )
    by_text: dict[str, list[int]] = {}
    for index, flags in found.items():
        by_text.setdefault(plausibility.flags_text(flags), []).append(rows[index][0])
    # A judged reading that no longer looks implausible (an edit corrected it) loses its flag.
    cleared = [r[0] for i, r in enumerate(rows) if r[4] and r[5] and i not in found]
    if cleared:
        by_text[""] = cleared
    for text, pks in by_text.items():
        for start_at in range(0, len(pks), 500):  # SQLite's limit on query parameters
            Observation.objects.filter(pk__in=pks[start_at : start_at + 500]).update(flags=text)
    return {rows[index][0]: flags for index, flags in found.items()}
