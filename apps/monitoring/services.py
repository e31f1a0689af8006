"""Writes to the monitoring domain. Each public function is one transaction, sync,
keyword-only; async callers hand it to ``sync_to_async`` whole (Django has no async
``atomic()``)."""

import random
import secrets
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q

from . import demo, plausibility
from .events import event_publish_on_commit
from .expressions import EpochSeconds
from .models import (
    NO_VALUE_STATUSES,
    Contact,
    Deployment,
    Group,
    LexiconTerm,
    Location,
    Observation,
    Sample,
    SampleResult,
    Sensor,
    Well,
    WellContact,
    WellSummary,
    lexicon_errors,
    lexicon_vocabulary,
)
from .trends import well_trend
from .vocabulary import LEXICON


class NotFoundError(Exception):
    """The named object does not exist (the API answers 404)."""


class ConflictError(Exception):
    """The change collides with existing data (the API answers 409)."""

    def __init__(self, message: str, *, constraint: str, field: str | None = None) -> None:
        super().__init__(message)
        self.constraint = constraint
        self.field = field


# Each named constraint a client can run into, with the field and message to report.
CONFLICTS = {
    "well_unique_site_no": ("site_no", "A well with this site number already exists."),
    "observation_unique_well_time": (
        "observed_at",
        "This well already has a reading at that time.",
    ),
    "lexicon_unique_code": ("code", "This vocabulary already has that code."),
    "sampleresult_unique_analyte": ("results", "A sample can have one result per analyte."),
    # Group.name is unique=True, so PostgreSQL names the constraint itself.
    "monitoring_group_name_key": ("name", "A group with this name already exists."),
}


def conflict_for_constraint(constraint: str) -> ConflictError | None:
    """The ConflictError for a violated constraint name, or None if it is not one of ours."""
    if constraint in CONFLICTS:
        field, message = CONFLICTS[constraint]
        return ConflictError(message, constraint=constraint, field=field)
    return None


def lexicon_seed() -> int:
    """Create the starting vocabularies that are missing; returns how many were created."""
    created = 0
    for category, terms in LEXICON.items():
        for code, label, definition in terms:
            _, was_created = LexiconTerm.objects.get_or_create(
                category=category, code=code, defaults={"label": label, "definition": definition}
            )
            created += was_created
    return created


def well_create(*, data: dict[str, Any]) -> Well:
    """Create a well and its location from validated API input; one transaction."""
    data = dict(data)
    location_data = data.pop("location")
    group_names = data.pop("groups", [])
    with transaction.atomic():
        if Well.objects.filter(site_no=data.get("site_no")).exists():
            raise conflict_for_constraint("well_unique_site_no")
        location = Location(**location_data)
        _location_clean(location)
        location.save()
        well = Well(location=location, **data)
        well.full_clean(validate_constraints=False)
        well.save()
        well.groups.set(_groups_by_name(group_names))
        event_publish_on_commit(kind="wells.changed", payload={"site_no": well.site_no})
    return well


def _location_clean(location: Location) -> None:
    """full_clean, with each error keyed under "location." as the API input nests it."""
    try:
        location.full_clean()
    except ValidationError as error:
        raise ValidationError({f"location.{k}": v for k, v in error.message_dict.items()}) from None


def _groups_by_name(names: list[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=names))
    missing = sorted(set(names) - {g.name for g in groups})
    if missing:
        raise ValidationError({"groups": f"Unknown group(s): {', '.join(missing)}."})
    return groups


def well_update(*, site_no: str, changes: dict[str, Any]) -> Well:
    """Apply a partial update (only the given fields) to a well and its location."""
    changes = dict(changes)
    with transaction.atomic():
        well = (
            Well.objects.select_related("location")
            .select_for_update()
            .filter(site_no=site_no)
            .first()
        )
        if well is None:
            raise NotFoundError(f"No well with site number {site_no!r}.")
        location_changes = changes.pop("location", None) or {}
        group_names = changes.pop("groups", None)
        new_site_no = changes.get("site_no")
        if (
            new_site_no
            and new_site_no != site_no
            and Well.objects.filter(site_no=new_site_no).exists()
        ):
            raise conflict_for_constraint("well_unique_site_no")
        for field, value in location_changes.items():
            setattr(well.location, field, value)
        if location_changes:
            _location_clean(well.location)
            well.location.save()
        for field, value in changes.items():
            setattr(well, field, value)
        well.full_clean(validate_constraints=False)
        well.save()
        if group_names is not None:
            well.groups.set(_groups_by_name(group_names))
        event_publish_on_commit(kind="wells.changed", payload={"site_no": well.site_no})
    return well


def well_delete(*, site_no: str) -> None:
    """Delete a well with its readings and samples."""
    with transaction.atomic():
        deleted, _ = Well.objects.filter(site_no=site_no).delete()
        if not deleted:
            raise NotFoundError(f"No well with site number {site_no!r}.")
        event_publish_on_commit(kind="wells.changed", payload={"site_no": site_no})


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
    if reading.depth_to_water_ft is None and reading.level_status not in NO_VALUE_STATUSES:
        errors.setdefault("depth_to_water_ft", []).append(
            "A reading without a depth needs a level status that says why "
            f"({', '.join(NO_VALUE_STATUSES)})."
        )
    return errors


def observation_create_many(*, site_no: str, readings: list[dict[str, Any]]) -> list[Observation]:
    """Add readings to a well, all or nothing, in one transaction.

    Raises ValidationError keyed "<index>.<field>" for invalid rows, and ConflictError
    when a reading already exists at the same time (in the database or twice in the batch).
    """
    with transaction.atomic():
        well = Well.objects.filter(site_no=site_no).first()
        if well is None:
            raise NotFoundError(f"No well with site number {site_no!r}.")
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
        flagged = observations_written(
            well_id=well.pk, start=min(times), written=Q(pk__in={o.pk for o in created})
        )
        for observation in created:
            observation.flags = plausibility.flags_text(flagged.get(observation.pk, []))
        event_publish_on_commit(
            kind="observations.created",
            payload={"site_no": well.site_no, "observation_ids": [o.pk for o in created]},
        )
    return created


def sample_create(*, data: dict[str, Any]) -> Sample:
    """Create a sample and its results for the well named by ``site_no``."""
    data = dict(data)
    results = data.pop("results", [])
    site_no = data.pop("site_no")
    with transaction.atomic():
        well = Well.objects.filter(site_no=site_no).first()
        if well is None:
            raise ValidationError({"site_no": f"No well with site number {site_no!r}."})
        analytes = [result["analyte"] for result in results]
        if len(set(analytes)) != len(analytes):
            raise conflict_for_constraint("sampleresult_unique_analyte")
        sample = Sample(well=well, **data)
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
        event_publish_on_commit(kind="samples.created", payload={"site_no": site_no})
    return sample


def contact_create(*, data: dict[str, Any]) -> Contact:
    contact = Contact(**data)
    contact.full_clean()
    contact.save()
    return contact


def group_create(*, data: dict[str, Any]) -> Group:
    with transaction.atomic():
        if Group.objects.filter(name=data.get("name")).exists():
            raise conflict_for_constraint("monitoring_group_name_key")
        group = Group(**data)
        group.full_clean(validate_unique=False)
        group.save()
    return group


def lexicon_term_create(*, data: dict[str, Any]) -> LexiconTerm:
    with transaction.atomic():
        if LexiconTerm.objects.filter(
            category=data.get("category"), code=data.get("code")
        ).exists():
            raise conflict_for_constraint("lexicon_unique_code")
        term = LexiconTerm(**data)
        term.full_clean(validate_constraints=False)
        term.save()
    return term


ProgressCallback = Callable[[int], None]


# Columns that are NOT NULL without a database default, filled when a caller leaves them out.
_OBSERVATION_TEXT_DEFAULTS = ("notes", "elevation_datum", "measured_by", "method", "flags")


def _rows_write(
    cursor,
    *,
    target: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    batch_size: int,
    on_progress: ProgressCallback | None,
) -> tuple[str, datetime, int]:
    """Write validated observation rows into ``target`` (the table, or a staging copy of
    it) as fast as each database allows: PostgreSQL through ``COPY``, SQLite through batched
    ``executemany`` with its datetimes adapted once per value. The text columns a row does
    not carry are filled with "", and every row gets one ``created_at``. Returns the column
    list written, that ``created_at`` and how many rows."""
    fillers = [name for name in _OBSERVATION_TEXT_DEFAULTS if name not in columns]
    all_columns = (*columns, *fillers, "created_at")
    created_at = datetime.now(UTC)
    extra = (*("" for _ in fillers), created_at)
    column_list = ", ".join(all_columns)
    if connection.vendor == "postgresql":
        written = 0
        with cursor.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *extra))
                written += 1
                if on_progress and written % batch_size == 0:
                    on_progress(batch_size)
        if on_progress:
            on_progress(written % batch_size)
        return column_list, created_at, written
    placeholders = ", ".join(["%s"] * len(all_columns))
    sql = f"INSERT INTO {target} ({column_list}) VALUES ({placeholders})"
    # created_at is one value for the whole write: adapt it once, not per row.
    extra = (*extra[:-1], _sqlite_datetime(created_at))
    datetime_positions = [i for i, name in enumerate(columns) if name.endswith("_at")]
    iterator, written = iter(rows), 0
    while batch := list(islice(iterator, batch_size)):
        prepared = []
        for row in batch:
            values = [*row, *extra]
            for position in datetime_positions:
                values[position] = _sqlite_datetime(values[position])
            prepared.append(values)
        cursor.executemany(sql, prepared)
        written += len(prepared)
        if on_progress:
            on_progress(len(prepared))
    return column_list, created_at, written


def observation_bulk_insert(
    *,
    rows: Iterable[Sequence],
    columns: Sequence[str],
    batch_size: int = 10_000,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Insert validated observation rows fast, in the caller's transaction (demo data,
    benchmarks, tests); returns how many. Imports go through observation_import_rows,
    which also compares rows with what is stored."""
    with connection.cursor() as cursor:
        return _rows_write(
            cursor,
            target=Observation._meta.db_table,
            columns=columns,
            rows=rows,
            batch_size=batch_size,
            on_progress=on_progress,
        )[2]


# What a re-imported row may say differently about a stored reading: every value column.
# Not the key (well, time), not how or when it arrived (source, created_at), not what Piezo
# derives from it (flags).
_NOT_COMPARED = {"id", "well", "observed_at", "source", "sensor", "flags", "created_at"}
_COMPARED_COLUMNS = tuple(
    f.column for f in Observation._meta.concrete_fields if f.name not in _NOT_COMPARED
)
DIFFERENCE_EXAMPLES = 20


@dataclass
class ImportWrite:
    """What an import wrote: new readings, stored readings the file says differently
    (``differing``, the first few in ``differences``) and how many of those it replaced."""

    inserted: int = 0
    differing: int = 0
    replaced: int = 0
    differences: list[dict] = field(default_factory=list)
    created_at: datetime | None = None  # every inserted row's: how to find them again


def observation_import_rows(
    *,
    rows: Iterable[Sequence],
    columns: Sequence[str],
    replace: bool = False,
    batch_size: int = 10_000,
    on_progress: ProgressCallback | None = None,
) -> ImportWrite:
    """Write an import's validated rows in the caller's transaction, through a staging
    table and set-based SQL on both databases (ADR-0005): rows whose (well, time) is new
    are inserted (the first of any repeated in the file); rows whose key is stored are
    compared column by column, counted and listed when they differ, and replaced only with
    ``replace``. Never silently kept, never silently overwritten."""
    table = Observation._meta.db_table
    staging = "piezo_import_staging"
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        # The staging table: the observation table's columns, no rows, no constraints.
        if postgres:
            cursor.execute(
                f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT * FROM {table} WITH NO DATA"
            )
        else:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{staging}")
            cursor.execute(f"CREATE TEMP TABLE {staging} AS SELECT * FROM {table} WHERE 0")
        column_list, stamp, _ = _rows_write(
            cursor,
            target=staging,
            columns=columns,
            rows=rows,
            batch_size=batch_size,
            on_progress=on_progress,
        )
        compared = [c for c in _COMPARED_COLUMNS if c in column_list.split(", ")]
        differs = " OR ".join(
            f"s.{c} IS DISTINCT FROM o.{c}" if postgres else f"s.{c} IS NOT o.{c}" for c in compared
        )
        # One row per key: the first the file gave.
        if postgres:
            first = (
                f"(SELECT DISTINCT ON (well_id, observed_at) {column_list} FROM {staging} "
                "ORDER BY well_id, observed_at, ctid)"
            )
        else:
            first = (
                f"(SELECT {column_list} FROM {staging} WHERE rowid IN "
                f"(SELECT MIN(rowid) FROM {staging} GROUP BY well_id, observed_at))"
            )
        matched = (
            f"FROM {first} s JOIN {table} o "
            "ON o.well_id = s.well_id AND o.observed_at = s.observed_at"
        )
        cursor.execute(f"SELECT COUNT(*) {matched} WHERE {differs}")
        result = ImportWrite(differing=cursor.fetchone()[0], created_at=stamp)
        if result.differing:
            pairs = ", ".join(f"o.{c}, s.{c}" for c in compared)
            cursor.execute(
                f"SELECT w.site_no, s.observed_at, {pairs} {matched} "
                f"JOIN {Well._meta.db_table} w ON w.id = s.well_id WHERE {differs} "
                f"ORDER BY s.well_id, s.observed_at LIMIT {DIFFERENCE_EXAMPLES}"
            )
            for site_no, observed_at, *values in cursor.fetchall():
                if isinstance(observed_at, str):  # SQLite's naive UTC text
                    observed_at = datetime.fromisoformat(observed_at).replace(tzinfo=UTC)
                changes = {
                    c: [values[2 * i], values[2 * i + 1]]
                    for i, c in enumerate(compared)
                    if values[2 * i] != values[2 * i + 1]
                }
                result.differences.append(
                    {"site_no": site_no, "observed_at": observed_at, "changes": changes}
                )
        if replace and result.differing:
            assignments = ", ".join(f"{c} = s.{c}" for c in compared)
            cursor.execute(
                f"UPDATE {table} AS o SET {assignments} FROM {first} s "
                "WHERE o.well_id = s.well_id AND o.observed_at = s.observed_at "
                f"AND ({differs})"
            )
            result.replaced = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {first} s "
            "WHERE true ON CONFLICT (well_id, observed_at) DO NOTHING"
        )
        result.inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
    return result


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What Django's SQLite adapt_datetimefield_value stores (naive UTC text, the
    connection's zone being UTC), without its per-value settings lookups."""
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def demo_seed(
    *,
    seed: int,
    wells: int,
    years: int,
    transducer_wells: int,
    transducer_days: int,
    end: date,
    on_progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Load deterministic demo data (see demo.py) in one transaction; returns counts."""
    rng = random.Random(seed)
    demo_wells = demo.demo_wells(rng, count=wells, transducer_count=transducer_wells)
    with transaction.atomic():
        groups = {
            name: Group.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            for name, kind in demo.GROUPS
        }
        contacts = {
            name: Contact.objects.get_or_create(
                name=name,
                defaults={
                    "organization": organization,
                    "email": f"{name.split()[0].lower()}@example.org",
                },
            )[0]
            for name, organization, _ in demo.CONTACTS
        }
        staff = [name for name, _, role in demo.CONTACTS if role in {"field", "data"}]
        locations = Location.objects.bulk_create(
            Location(
                latitude=w.latitude,
                longitude=w.longitude,
                land_surface_elevation_ft=w.land_surface_elevation_ft,
                vertical_datum="NAVD88",
                county=w.county,
                state="NM",
                huc=w.huc,
            )
            for w in demo_wells
        )
        well_rows = Well.objects.bulk_create(
            Well(
                site_no=w.site_no,
                name=w.name,
                kind=w.kind,
                status=w.status,
                well_depth_ft=w.well_depth_ft,
                aquifer=w.aquifer,
                location=location,
            )
            for w, location in zip(demo_wells, locations, strict=True)
        )
        Well.groups.through.objects.bulk_create(
            Well.groups.through(well_id=well.pk, group_id=groups[name].pk)
            for w, well in zip(demo_wells, well_rows, strict=True)
            for name in w.groups
        )
        WellContact.objects.bulk_create(
            WellContact(well=well, contact=contacts[name], role=role)
            for w, well in zip(demo_wells, well_rows, strict=True)
            for name, role in w.contacts
        )
        observation_count = 0
        for w, well in zip(demo_wells, well_rows, strict=True):
            observation_count += observation_bulk_insert(
                rows=demo.manual_readings(
                    rng, well=w, well_id=well.pk, end=end, years=years, staff=staff
                ),
                columns=demo.OBSERVATION_COLUMNS,
                on_progress=on_progress,
            )
            if w.transducer:
                sensor = Sensor.objects.create(
                    serial_no=f"LT-{seed}-{well.site_no}",
                    model="Levelogger 5",
                    manufacturer="Solinst",
                )
                Deployment.objects.create(
                    sensor=sensor, well=well, installed_on=end - timedelta(days=transducer_days)
                )
                observation_count += observation_bulk_insert(
                    rows=demo.transducer_readings(
                        rng,
                        well=w,
                        well_id=well.pk,
                        sensor_id=sensor.pk,
                        end=end,
                        days=transducer_days,
                        record_years=years,
                    ),
                    columns=demo.OBSERVATION_COLUMNS,
                    on_progress=on_progress,
                )
        samples = 0
        for w, well in zip(demo_wells, well_rows, strict=True):
            if w.kind == "spring" or rng.random() < 0.5:
                continue
            sampled_on = end - timedelta(days=rng.randint(30, 365 * max(1, years)))
            sample = Sample.objects.create(
                well=well,
                sampled_at=datetime(
                    sampled_on.year, sampled_on.month, sampled_on.day, 17, tzinfo=UTC
                ),
                collected_by=rng.choice(staff),
                laboratory="NMBGMR Chemistry Lab",
            )
            SampleResult.objects.bulk_create(
                SampleResult(
                    sample=sample,
                    analyte=analyte,
                    value=round(rng.uniform(low, high), 2),
                    unit=unit,
                    below_detection=analyte == "Arsenic" and rng.random() < 0.3,
                )
                for analyte, unit, low, high in demo.ANALYTES
            )
            samples += 1
    return {"wells": len(well_rows), "observations": observation_count, "samples": samples}


def local_admin_ensure(*, username: str, password_file: Path) -> tuple[str, bool]:
    """Make sure a local superuser exists; returns (password, created).

    The password is generated once and kept in ``password_file`` (under var/, not in
    git) so that every `make run` can print it again.
    """
    User = get_user_model()
    if password_file.exists():
        password = password_file.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    if created or not password_file.exists():
        user.set_password(password)
        user.save()
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
    return password, created


def _well_summary(
    well_id: int,
    readings: list[tuple[float, float | None, str]],
    *,
    first_at: datetime,
    last_at: datetime,
    now: datetime,
) -> WellSummary:
    """A well's summary from its readings as (epoch seconds, depth, level_status), in time
    order, and its exact first and last times. The trend is trends.well_trend's: seasonal,
    robust, over the period it reports."""
    values = [depth for _, depth, _ in readings if depth is not None]
    with_values = [(at, depth) for at, depth, _ in readings if depth is not None]
    trend = well_trend(readings)
    change = None
    if with_values:
        latest_at, latest_depth = with_values[-1]
        target = latest_at - 365 * 86400
        nearest = min(with_values, key=lambda reading: abs(reading[0] - target))
        if abs(nearest[0] - target) <= 45 * 86400:
            change = round(latest_depth - nearest[1], 3)
    return WellSummary(
        well_id=well_id,
        observation_count=len(readings),
        first_observed_at=first_at,
        last_observed_at=last_at,
        last_depth_to_water_ft=with_values[-1][1] if with_values else None,
        min_depth_to_water_ft=min(values) if values else None,
        median_depth_to_water_ft=statistics.median(values) if values else None,
        max_depth_to_water_ft=max(values) if values else None,
        trend_ft_per_year=round(trend.slope_ft_per_year, 4) if trend else None,
        trend_p_value=round(trend.p_value, 6) if trend else None,
        trend_start=trend.start if trend else None,
        trend_end=trend.end if trend else None,
        trend_months=trend.months if trend else None,
        change_12_months_ft=change,
        computed_at=now,
    )


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


# Times as epoch seconds computed by the database: converting every reading's datetime in
# Python was most of a summary's cost (0.8 s for a 262,800-reading well on SQLite).
_SUMMARY_COLUMNS = ("well_id", EpochSeconds("observed_at"), "depth_to_water_ft", "level_status")


_SUMMARY_FIELDS = [f.name for f in WellSummary._meta.concrete_fields if not f.primary_key]


def _time_bounds(readings) -> dict[int, tuple[datetime, datetime]]:
    """Each well's first and last reading time, exactly (one indexed query)."""
    return {
        row["well_id"]: (row["first"], row["last"])
        for row in readings.values("well_id").annotate(
            first=Min("observed_at"), last=Max("observed_at")
        )
    }


def well_summaries_refresh(*, well_ids: Iterable[int]) -> int:
    """Recompute these wells' summaries in the caller's transaction (or one of its own), so
    that a write and the figures it changes commit together (a page never shows a summary
    older than the readings under it). Returns how many wells have a summary now."""
    ids = sorted(set(well_ids))
    if not ids:
        return 0
    with transaction.atomic():
        return _summaries_refresh(ids)


def _summaries_refresh(ids: list[int]) -> int:
    # One refresh of a well at a time, each reading what the ones before it committed:
    # without this, two concurrent writes to a well could each compute from a series
    # missing the other's reading, and the later commit would leave a stale summary.
    # NO KEY UPDATE, because the writes' inserts hold KEY SHARE on the well (the foreign
    # key); in id order, so that writes to several wells cannot deadlock. SQLite: a no-op,
    # its writers are serialised already.
    list(
        Well.objects.filter(pk__in=ids)
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )
    now = datetime.now(UTC)
    summaries = []
    bounds = _time_bounds(Observation.objects.filter(well_id__in=ids))
    for well_id in ids:
        readings = list(
            Observation.objects.filter(well_id=well_id)
            .order_by("observed_at")
            .values_list(*_SUMMARY_COLUMNS[1:])
        )
        if readings:
            first_at, last_at = bounds[well_id]
            summaries.append(
                _well_summary(well_id, readings, first_at=first_at, last_at=last_at, now=now)
            )
    summarised = {summary.well_id for summary in summaries}
    WellSummary.objects.filter(well_id__in=[i for i in ids if i not in summarised]).delete()
    # An upsert: `rebuild_stats` may be swapping the whole table in meanwhile.
    WellSummary.objects.bulk_create(
        summaries,
        update_conflicts=True,
        unique_fields=["well"],
        update_fields=_SUMMARY_FIELDS,
    )
    return len(summaries)


def well_summaries_rebuild(*, on_progress: ProgressCallback | None = None) -> int:
    """Recompute every well's summary from its readings, then swap the new rows in, in one
    short transaction (readers see the old set or the new one, never a mix). Streams the
    readings well by well, so memory holds one well's series at a time."""
    now = datetime.now(UTC)
    summaries: list[WellSummary] = []
    current_id, readings = None, []
    stream = (
        Observation.objects.order_by("well_id", "observed_at")
        .values_list(*_SUMMARY_COLUMNS)
        .iterator(chunk_size=20_000)
    )
    bounds = _time_bounds(Observation.objects.all())

    def summary_of(well_id: int) -> WellSummary:
        first_at, last_at = bounds[well_id]
        return _well_summary(well_id, readings, first_at=first_at, last_at=last_at, now=now)

    for well_id, observed_at, depth, status in stream:
        if well_id != current_id and readings:
            summaries.append(summary_of(current_id))
            if on_progress:
                on_progress(len(readings))
            readings = []
        current_id = well_id
        readings.append((observed_at, depth, status))
    if readings:
        summaries.append(summary_of(current_id))
        if on_progress:
            on_progress(len(readings))
    with transaction.atomic():
        # Upserts (a write may refresh a well's row meanwhile), then the rows of wells
        # that no longer have readings go.
        WellSummary.objects.bulk_create(
            summaries,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["well"],
            update_fields=_SUMMARY_FIELDS,
        )
        WellSummary.objects.exclude(well_id__in=Observation.objects.values("well_id")).delete()
        event_publish_on_commit(kind="stats.rebuilt", payload={"wells": len(summaries)})
    return len(summaries)
