"""Deterministic, realistic demo data for New Mexico: wells spread over the state's
counties and aquifers, monthly manual readings with seasonal cycles, multi-year trends,
noise, gaps and a few dry or obstructed visits, and hourly transducer series for a few
wells. Everything comes from one ``random.Random(seed)``, so a seed and an end date give
the same data every time. This module only generates; services/seeding.py writes.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .contract import ObservationRow

MOUNTAIN = ZoneInfo("America/Denver")

# County: approximate centroid (lat, lon) and the aquifers wells there are likely to tap.
COUNTIES: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "Bernalillo": (35.05, -106.67, ("Santa Fe Group", "Rio Grande alluvium")),
    "Catron": (33.92, -108.39, ("Datil Group", "Valley-fill alluvium")),
    "Chaves": (33.36, -104.47, ("Roswell Artesian", "Pecos Valley alluvium", "Ogallala")),
    "Cibola": (34.91, -107.99, ("San Andres-Glorieta", "Valley-fill alluvium")),
    "Colfax": (36.61, -104.65, ("Valley-fill alluvium", "Dakota Sandstone")),
    "Curry": (34.57, -103.35, ("Ogallala",)),
    "De Baca": (34.34, -104.41, ("Pecos Valley alluvium", "San Andres-Glorieta")),
    "Doña Ana": (32.35, -106.83, ("Mesilla Bolson", "Rio Grande alluvium")),
    "Eddy": (32.47, -104.30, ("Capitan Reef", "Pecos Valley alluvium")),
    "Grant": (32.74, -108.38, ("Mimbres Basin fill", "Gila Conglomerate")),
    "Guadalupe": (34.86, -104.79, ("Santa Rosa Sandstone", "San Andres-Glorieta")),
    "Harding": (35.86, -103.82, ("Dakota Sandstone", "Ogallala")),
    "Hidalgo": (31.91, -108.71, ("Animas Basin fill", "Playas Basin fill")),
    "Lea": (32.79, -103.41, ("Ogallala", "Capitan Reef")),
    "Lincoln": (33.75, -105.46, ("Valley-fill alluvium", "San Andres-Glorieta")),
    "Los Alamos": (35.87, -106.31, ("Santa Fe Group",)),
    "Luna": (32.18, -107.75, ("Mimbres Basin fill",)),
    "McKinley": (35.58, -108.26, ("Gallup Sandstone", "San Andres-Glorieta")),
    "Mora": (36.01, -104.94, ("Valley-fill alluvium", "Dakota Sandstone")),
    "Otero": (32.61, -105.74, ("Tularosa Basin fill", "Hueco Bolson")),
    "Quay": (35.11, -103.55, ("Ogallala", "Santa Rosa Sandstone")),
    "Rio Arriba": (36.51, -106.69, ("Santa Fe Group", "Valley-fill alluvium")),
    "Roosevelt": (34.02, -103.48, ("Ogallala",)),
    "San Juan": (36.51, -108.32, ("San Juan Basin alluvium", "Gallup Sandstone")),
    "San Miguel": (35.48, -104.80, ("Glorieta Sandstone", "Valley-fill alluvium")),
    "Sandoval": (35.69, -106.88, ("Santa Fe Group", "Rio Grande alluvium")),
    "Santa Fe": (35.51, -105.97, ("Santa Fe Group", "Ancha Formation")),
    "Sierra": (33.13, -107.19, ("Rio Grande alluvium", "Palomas Basin fill")),
    "Socorro": (33.99, -106.93, ("Rio Grande alluvium", "Santa Fe Group")),
    "Taos": (36.58, -105.63, ("Santa Fe Group", "Valley-fill alluvium")),
    "Torrance": (34.64, -105.85, ("Estancia Basin fill", "Madera Limestone")),
    "Union": (36.48, -103.47, ("Dakota Sandstone", "Ogallala")),
    "Valencia": (34.72, -106.81, ("Rio Grande alluvium", "Santa Fe Group")),
}

GROUPS = (
    ("Statewide Water Level Network", "network"),
    ("Estancia Basin Monitoring", "network"),
    ("Lower Rio Grande Basin Study", "project"),
    ("High Plains Aquifer Monitoring", "network"),
    ("Mora County Water Project", "project"),
)

CONTACTS = (
    ("Ana Martínez", "NM Bureau of Geology", "field"),
    ("Ben Yazzie", "NM Bureau of Geology", "field"),
    ("Carla Romero", "Office of the State Engineer", "data"),
    ("Dan Whitehorse", "Navajo Water Resources", "field"),
    ("Elena García", "Estancia Valley Water Cooperative", "owner"),
    ("Frank Baca", "Private well owner", "owner"),
    ("Grace Chavez", "Soil and Water Conservation District", "owner"),
    ("Hugo Lucero", "Private well owner", "owner"),
    ("Irene Tso", "NM Bureau of Geology", "data"),
    ("Jorge Padilla", "Lower Rio Grande Water Users", "owner"),
)

ANALYTES = (
    ("TDS", "mg/L", 250.0, 2500.0),
    ("Nitrate as N", "mg/L", 0.1, 15.0),
    ("Chloride", "mg/L", 5.0, 600.0),
    ("Arsenic", "µg/L", 1.0, 40.0),
    ("pH", "pH units", 6.6, 8.6),
    ("Specific conductance", "µS/cm", 300.0, 4000.0),
)


@dataclass
class DemoWell:
    site_no: str
    name: str
    kind: str
    status: str
    county: str
    aquifer: str
    latitude: float
    longitude: float
    land_surface_elevation_ft: float
    huc: str
    well_depth_ft: float
    # Hydrograph shape: depth to water = base + trend*years + seasonal + noise.
    base_depth_ft: float
    trend_ft_per_year: float
    seasonal_amplitude_ft: float
    noise_ft: float
    groups: list[str] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)
    transducer: bool = False


def usgs_site_no(lat: float, lon: float, sequence: int) -> str:
    """A USGS-style 15-digit site number: latitude DDMMSS, longitude DDDMMSS, sequence."""

    def dms(value: float, degree_digits: int) -> str:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = int(round(((value - degrees) * 60 - minutes) * 60)) % 60
        return f"{degrees:0{degree_digits}d}{minutes:02d}{seconds:02d}"

    return f"{dms(lat, 2)}{dms(lon, 3)}{sequence:02d}"


DEMO_CONSENT_NOTE = "Demo: the owner signed the network's data-sharing form."


def demo_release(index: int, well: DemoWell) -> tuple[str, list[str]]:
    """The demo's mix of release and consent (ADR-0012), by the well's position so the
    random series stay as they were: every fourth well without a logger is private, and
    an owned well's owner consented to some of water levels, chemistry and exact location.
    Returns the release status and the data types consented to."""
    private = not well.transducer and index % 4 == 3
    if not any(role == "owner" for _, role in well.contacts):
        return ("private" if private else "public"), []
    consents = [
        data_type
        for data_type, given in (
            # Loggers' owners all agreed: the live and featured wells show their series.
            ("water_levels", well.transducer or index % 5 != 2),
            ("chemistry", index % 2 == 0),
            ("location", index % 3 != 1),
        )
        if given
    ]
    return ("private" if private else "public"), consents


def demo_wells(rng: random.Random, *, count: int, transducer_count: int) -> list[DemoWell]:
    """``count`` wells over New Mexico; the first ``transducer_count`` active wells that are
    not springs carry loggers (fewer only when there are not that many)."""
    wells = []
    loggers = 0
    counties = list(COUNTIES)
    for index in range(count):
        county = counties[index % len(counties)] if index < len(counties) else rng.choice(counties)
        lat0, lon0, aquifers = COUNTIES[county]
        lat = round(lat0 + rng.uniform(-0.25, 0.25), 6)
        lon = round(lon0 + rng.uniform(-0.3, 0.3), 6)
        kind = (
            "spring" if rng.random() < 0.04 else ("piezometer" if rng.random() < 0.06 else "well")
        )
        well_depth = round(rng.uniform(60, 1400), 0)
        base_depth = round(min(rng.lognormvariate(4.3, 0.8), well_depth * 0.8), 2)
        if kind == "spring":
            base_depth = round(rng.uniform(-2.0, 0.5), 2)
        status_roll = rng.random()
        status = (
            "active" if status_roll < 0.82 else ("inactive" if status_roll < 0.97 else "destroyed")
        )
        if index % 2 == 0:
            site_no = usgs_site_no(lat, lon, 1 + index % 99)
        else:
            prefix = "".join(part[0] for part in county.upper().split())[:2].ljust(2, "X")
            site_no = f"{prefix}{index:04d}"
        wells.append(
            DemoWell(
                site_no=site_no,
                name=f"{county} {'Spring' if kind == 'spring' else 'Well'} {index + 1}",
                kind=kind,
                status=status,
                county=county,
                aquifer=rng.choice(aquifers),
                latitude=lat,
                longitude=lon,
                land_surface_elevation_ft=round(rng.uniform(3000, 8000), 1),
                huc=f"1302{rng.randint(0, 9999):04d}",
                well_depth_ft=well_depth,
                base_depth_ft=base_depth,
                trend_ft_per_year=round(rng.gauss(0.6, 0.9), 3),
                seasonal_amplitude_ft=round(rng.uniform(0.3, 6.0), 2),
                noise_ft=round(rng.uniform(0.05, 0.6), 2),
                groups=rng.sample([name for name, _ in GROUPS], k=rng.randint(0, 2)),
                contacts=[(rng.choice(CONTACTS)[0], rng.choice(("owner", "technician")))],
                transducer=loggers < transducer_count and kind != "spring" and status == "active",
            )
        )
        loggers += wells[-1].transducer
    return wells


def _depth(
    well: DemoWell, years_from_start: float, day_of_year: float, rng: random.Random
) -> float:
    # Irrigation pumping draws levels down in summer: deepest around early July (day 185).
    seasonal = well.seasonal_amplitude_ft * math.cos(2 * math.pi * (day_of_year - 185) / 365.25)
    value = (
        well.base_depth_ft
        + well.trend_ft_per_year * years_from_start
        + seasonal
        + rng.gauss(0, well.noise_ft)
    )
    return round(value, 2)


def manual_readings(
    rng: random.Random, *, well: DemoWell, well_id: int, end: date, years: int, staff: list[str]
) -> Iterator[ObservationRow]:
    """Monthly field visits over ``years`` up to ``end``, with gaps and a few failed visits."""
    start = date(end.year - years, end.month, 1)
    gap_start = rng.randint(0, max(1, years * 12 - 1)) if rng.random() < 0.35 else -1
    gap_months = rng.randint(3, 9)
    months = years * 12
    for month_index in range(months + 1):
        if gap_start <= month_index < gap_start + gap_months:
            continue  # a gap in the record: the well was not visited
        year = start.year + (start.month - 1 + month_index) // 12
        month = (start.month - 1 + month_index) % 12 + 1
        day = min(28, 10 + rng.randint(0, 10))
        # Off the hour: loggers read on it, and (well, time) is unique.
        minute = rng.choice((5, 20, 35, 50))
        local = datetime(year, month, day, 8 + rng.randint(0, 7), minute)
        if local.date() > end:
            break
        observed_at = local.replace(tzinfo=MOUNTAIN).astimezone(UTC)
        roll = rng.random()
        if roll < 0.006:
            depth, status = None, "dry"
        elif roll < 0.012:
            depth, status = None, "obstructed"
        else:
            depth = _depth(well, month_index / 12, local.timetuple().tm_yday, rng)
            status = "static" if rng.random() > 0.03 else "recently_pumped"
        quality = "provisional" if (end - local.date()).days < 365 else "approved"
        method = "steel_tape" if rng.random() < 0.5 else "electric_tape"
        yield ObservationRow(
            well_id,
            observed_at,
            depth,
            method=method,
            level_status=status,
            data_quality=quality,
            source="manual",
            measured_by=rng.choice(staff),
        )


def transducer_readings(
    rng: random.Random,
    *,
    well: DemoWell,
    well_id: int,
    sensor_id: int,
    end: date,
    days: int,
    record_years: float,
) -> Iterator[ObservationRow]:
    """Hourly logger readings for ``days`` up to ``end`` (UTC), with a small daily cycle,
    on the same trend as the well's manual record of ``record_years``."""
    end_at = datetime(end.year, end.month, end.day, tzinfo=UTC)
    start_at = end_at - timedelta(days=days)
    hours = days * 24
    # A logger outage: a hole of up to ten days (and 5% of the series) somewhere in it.
    outage_start = rng.randint(0, max(1, hours - 1))
    outage_hours = rng.randint(1, max(1, min(240, hours // 20)))
    total_years = days / 365.25
    for hour in range(hours):
        if outage_start <= hour < outage_start + outage_hours:
            continue
        observed_at = start_at + timedelta(hours=hour)
        # Years since the manual record began, so both series share the trend.
        years_from_record_start = record_years - total_years + hour / 8766.0
        day_of_year = observed_at.timetuple().tm_yday
        depth = (
            well.base_depth_ft
            + well.trend_ft_per_year * years_from_record_start
            + well.seasonal_amplitude_ft * math.cos(2 * math.pi * (day_of_year - 185) / 365.25)
            + 0.15 * math.sin(2 * math.pi * observed_at.hour / 24)
            + rng.gauss(0, 0.02)
        )
        quality = "provisional" if (end_at - observed_at).days < 365 else "approved"
        yield ObservationRow(
            well_id,
            observed_at,
            round(depth, 3),
            method="transducer",
            data_quality=quality,
            source="transducer",
            sensor_id=sensor_id,
        )
