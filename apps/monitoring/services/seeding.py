"""The demo dataset's writer: what demo.py generates, stored in one transaction."""

import random
from datetime import UTC, date, datetime, timedelta

from django.db import transaction

from .. import demo
from ..models import (
    Contact,
    Deployment,
    Group,
    Location,
    OwnerConsent,
    Sample,
    SampleResult,
    Sensor,
    Well,
    WellContact,
)
from .bulk import ProgressCallback, observation_bulk_insert
from .summaries import well_summaries_rebuild


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
    """Load deterministic demo data (see demo.py) in one transaction, with the figures
    /api/stats sums (the wells' summaries and recent days, ADR-0013); returns counts."""
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
                release_status=demo.demo_release(index, w)[0],
            )
            for index, (w, location) in enumerate(zip(demo_wells, locations, strict=True))
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
        OwnerConsent.objects.bulk_create(
            OwnerConsent(well=well, data_type=data_type, notes=demo.DEMO_CONSENT_NOTE)
            for index, (w, well) in enumerate(zip(demo_wells, well_rows, strict=True))
            for data_type in demo.demo_release(index, w)[1]
        )
        observation_count = 0
        for w, well in zip(demo_wells, well_rows, strict=True):
            observation_count += observation_bulk_insert(
                rows=demo.manual_readings(
                    rng, well=w, well_id=well.pk, end=end, years=years, staff=staff
                ),
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
        # The readings went in by bulk insert, past the per-write refresh: one pass over
        # them all is cheaper than a refresh per batch.
        well_summaries_rebuild()
    return {"wells": len(well_rows), "observations": observation_count, "samples": samples}
