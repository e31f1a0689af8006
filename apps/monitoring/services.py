"""Writes to the monitoring domain. Each public function is one transaction, sync,
keyword-only; async callers hand it to ``sync_to_async`` whole (Django has no async
``atomic()``)."""

import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from . import demo
from .models import (
    Contact,
    Deployment,
    Group,
    Location,
    Sample,
    SampleResult,
    Sensor,
    Well,
    WellContact,
)

ProgressCallback = Callable[[int], None]


def observation_bulk_insert(
    *,
    rows: Iterable[Sequence],
    columns: Sequence[str],
    batch_size: int = 10_000,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Insert observation rows fast, in the caller's transaction; returns the count.

    PostgreSQL takes them through ``COPY``; SQLite through batched ``executemany``.
    Rows must be new (no conflict handling here) and already validated.
    """
    table = "monitoring_observation"
    all_columns = (*columns, "created_at", "notes", "elevation_datum")
    extra = (datetime.now(UTC), "", "")
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(all_columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *extra))
                    inserted += 1
                    if on_progress and inserted % batch_size == 0:
                        on_progress(batch_size)
            if on_progress:
                on_progress(inserted % batch_size)
            return inserted
        placeholders = ", ".join(["%s"] * len(all_columns))
        sql = f"INSERT INTO {table} ({', '.join(all_columns)}) VALUES ({placeholders})"
        adapt = connection.ops.adapt_datetimefield_value
        datetime_positions = [i for i, name in enumerate(all_columns) if name.endswith("_at")]
        iterator = iter(rows)
        while batch := list(islice(iterator, batch_size)):
            prepared = []
            for row in batch:
                values = [*row, *extra]
                for position in datetime_positions:
                    values[position] = adapt(values[position])
                prepared.append(values)
            cursor.executemany(sql, prepared)
            inserted += len(prepared)
            if on_progress:
                on_progress(len(prepared))
    return inserted


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
