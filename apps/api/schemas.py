"""Request and response shapes. Numbers refuse NaN and infinities; times must carry an
offset (a naive time is ambiguous for a network that spans time zones)."""

from copy import copy
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, Strict, create_model, field_validator

from apps.monitoring import roles
from apps.monitoring.contract import LIMITS
from apps.monitoring.models import (
    Contact,
    Group,
    LexiconTerm,
    Location,
    Observation,
    Sample,
    SampleResult,
    Well,
)
from apps.monitoring.plausibility import flags_list
from apps.monitoring.storable import text_problem

EARLIEST_MEASUREMENT = datetime(1800, 1, 1, tzinfo=UTC)


def _a_measurement_time(value: datetime) -> datetime:
    """In UTC, and when a measurement could have been made: from 1800 to tomorrow."""
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of the range of dates") from None
    if value < EARLIEST_MEASUREMENT:
        raise ValueError("is before 1800; check the year")
    if value > datetime.now(UTC) + timedelta(days=1):
        raise ValueError("is in the future")
    return value


# A time with an offset (naive times are ambiguous across a network's zones), plausible for
# a field measurement.
MeasurementTime = Annotated[AwareDatetime, AfterValidator(_a_measurement_time)]

# Strict: a JSON true is not the number 1. Finite: no NaN or infinities.
FiniteFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=4000)]


def measured(field: str) -> Any:
    """A finite number within the domain's range for ``field`` (contract.LIMITS)."""
    limit = LIMITS[field]
    return Annotated[float, Strict(), Field(allow_inf_nan=False, ge=limit.low, le=limit.high)]


def column(model: type[models.Model], field: str, *, required: bool = False) -> Any:
    """Text that fits ``model.field``'s column (its max_length); ``required``: not empty."""
    return Annotated[
        str,
        Field(min_length=1 if required else 0, max_length=model._meta.get_field(field).max_length),
    ]


class InSchema(Schema):
    """A request body: no text anywhere in it that a database cannot store (422 naming the
    field, on SQLite as on PostgreSQL; see apps/monitoring/storable.py)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        for text in value if isinstance(value, list) else (value,):
            if isinstance(text, str) and (problem := text_problem(text)):
                raise ValueError(problem)
        return value


class ErrorItem(Schema):
    loc: list[str | int] | None = None
    msg: str
    type: str | None = None


class ErrorOut(Schema):
    detail: list[ErrorItem]
    code: str


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """OpenAPI response entries for these error statuses, plus 503: any operation can find
    the database unavailable."""
    return {status: ErrorOut for status in (*statuses, 503)}


READ_ERRORS = error_responses(400, 401, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=1000)


class PageOut(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None


# --- Stats and health -----------------------------------------------------------------


class StatsOut(Schema):
    scope: Literal["public", "all"] = Field(
        description="public: the figures count public data only (anonymous callers and "
        "those without monitoring.view_private_data); all: every record."
    )
    wells: int
    active_wells: int
    wells_by_status: dict[str, int]
    observations: int
    observations_last_30_days: int = Field(
        description="Readings observed on the last 30 days (UTC calendar days, today included)."
    )
    latest_observed_at: datetime | None
    samples: int


class EventLoopOut(Schema):
    pid: int
    samples: int
    last_ms: float
    max_ms: float
    recent_max_ms: float = Field(..., description="The worst lag in the last recent_s seconds.")
    recent_s: float
    threshold_ms: float
    over_threshold: int


class HealthOut(Schema):
    status: Literal["ok", "unavailable"]
    database: str
    # Which path public reads take (ADR-0007): P4's asyncio driver or P2's async ORM.
    reads: Literal["async-driver", "async-orm"]
    event_loop: EventLoopOut


# --- Wells ----------------------------------------------------------------------------


class LocationOut(Schema):
    latitude: float
    longitude: float
    land_surface_elevation_ft: float | None
    vertical_datum: str
    county: str
    state: str
    huc: str
    precision: Literal["exact", "0.01°"] = Field(
        "exact",
        description="0.01°: rounded, because the owner has not consented to publishing the "
        "exact location.",
    )


def partial(schema: type[Schema], name: str, **annotations: Any) -> type[Schema]:
    """``schema`` with every field optional and absent by default, each keeping its
    constraints: the PATCH body of a POST body (``annotations`` replaces a field's type,
    e.g. a nested body by its own partial). Routes read ``dict(exclude_unset=True)``."""
    fields = {}
    for field_name, info in schema.model_fields.items():
        optional = copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (annotations.get(field_name, info.annotation), optional)
    return create_model(name, __base__=InSchema, **fields)


class LocationIn(InSchema):
    latitude: measured("latitude")
    longitude: measured("longitude")
    land_surface_elevation_ft: measured("land_surface_elevation_ft") | None = None
    vertical_datum: column(Location, "vertical_datum") = ""
    county: column(Location, "county") = ""
    state: column(Location, "state") = ""
    huc: column(Location, "huc") = ""


LocationPatch = partial(LocationIn, "LocationPatch")


SiteNo = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
WellStatus = Literal["active", "inactive", "destroyed"]


class WellOut(Schema):
    site_no: str
    name: str
    kind: str
    status: str
    aquifer: str
    well_depth_ft: float | None
    county: str = Field(..., alias="location.county")
    state: str = Field(..., alias="location.state")
    latitude: float = Field(..., alias="location.latitude")
    longitude: float = Field(..., alias="location.longitude")
    location_precision: Literal["exact", "0.01°"] = "exact"
    release_status: Literal["public", "private"]
    updated_at: datetime


class WellPageOut(PageOut):
    results: list[WellOut]


class ObservationOut(Schema):
    id: int
    site_no: str
    observed_at: datetime
    depth_to_water_ft: float | None
    water_level_elevation_ft: float | None
    elevation_datum: str
    measuring_point_height_ft: float | None
    method: str
    level_status: str
    data_quality: str
    source: str
    measured_by: str
    notes: str
    # Plausibility warnings (negative_not_flowing, outside_range, jump): stored as given.
    flags: list[str]

    @staticmethod
    def resolve_flags(obj) -> list[str]:
        text = obj["flags"] if isinstance(obj, dict) else obj.flags
        return text if isinstance(text, list) else flags_list(text)


class SeriesSummaryOut(Schema):
    count: int
    first_observed_at: datetime | None
    last_observed_at: datetime | None
    min_depth_to_water_ft: float | None
    max_depth_to_water_ft: float | None


class WellSummaryOut(Schema):
    """The well's figures, refreshed with every write to its readings. The trend is a
    Seasonal Kendall test with Sen's slope on monthly medians of static levels, over the
    months it names (the last ten years of the record, or all of it): positive, water
    falling; ``trend_direction`` says whether it is significant (p < 0.05)."""

    observation_count: int
    first_observed_at: datetime | None
    last_observed_at: datetime | None
    last_depth_to_water_ft: float | None
    min_depth_to_water_ft: float | None
    median_depth_to_water_ft: float | None
    max_depth_to_water_ft: float | None
    trend_ft_per_year: float | None
    trend_p_value: float | None
    trend_start: date | None
    trend_end: date | None
    trend_months: int | None
    trend_direction: str | None
    trend_method: str | None
    change_12_months_ft: float | None
    computed_at: datetime


class ContactRoleOut(Schema):
    name: str
    organization: str
    role: str


class WellDetailOut(Schema):
    site_no: str
    name: str
    kind: str
    status: str
    aquifer: str
    well_depth_ft: float | None
    release_status: Literal["public", "private"]
    location: LocationOut
    groups: list[str]
    contacts: list[ContactRoleOut]
    latest_observation: ObservationOut | None
    series: SeriesSummaryOut
    summary: WellSummaryOut | None
    created_at: datetime
    updated_at: datetime


class WellIn(InSchema):
    site_no: SiteNo
    name: column(Well, "name", required=True)
    kind: column(Well, "kind") = "well"
    status: WellStatus = "active"
    well_depth_ft: measured("well_depth_ft") | None = None
    aquifer: column(Well, "aquifer") = ""
    location: LocationIn
    groups: list[column(Group, "name")] = Field(default_factory=list, max_length=100)
    release_status: Literal["public", "private"] | None = Field(
        None, description="Absent: the deployment's default for new wells (private unless set)."
    )


WellPatch = partial(WellIn, "WellPatch", location=LocationPatch)


class GeoJSONFeature(Schema):
    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, Any]


class GeoJSONOut(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GeoJSONFeature]


# --- Observations ---------------------------------------------------------------------


class ObservationIn(InSchema):
    observed_at: MeasurementTime
    depth_to_water_ft: measured("depth_to_water_ft") | None = None
    water_level_elevation_ft: measured("water_level_elevation_ft") | None = None
    elevation_datum: column(Observation, "elevation_datum") = ""
    measuring_point_height_ft: measured("measuring_point_height_ft") | None = None
    method: column(Observation, "method") = ""
    level_status: column(Observation, "level_status") = "static"
    data_quality: column(Observation, "data_quality") = "provisional"
    source: Literal[tuple(Observation.Source.values)] = "manual"
    measured_by: column(Observation, "measured_by") = ""
    notes: Text = ""


ObservationBatchIn = Annotated[list[ObservationIn], Field(min_length=1, max_length=10_000)]


class ChartSeriesOut(Schema):
    t: list[float]
    depth: list[float | None]


class NoValueSeriesOut(Schema):
    t: list[float]
    status: list[str]


class HydrographOut(Schema):
    site_no: str
    total: int
    plotted: int
    downsampled: bool
    min_depth_to_water_ft: float | None
    max_depth_to_water_ft: float | None
    # Dense, regular runs (loggers, live or imported) are a line; the rest are dots.
    points: ChartSeriesOut
    provisional: ChartSeriesOut
    line: ChartSeriesOut
    line_provisional: ChartSeriesOut
    no_value: NoValueSeriesOut


class ObservationPageOut(Schema):
    site_no: str
    next: str | None
    previous: str | None
    results: list[ObservationOut]


class ObservationsCreatedOut(Schema):
    site_no: str
    created: int
    results: list[ObservationOut]


# --- Samples, contacts, groups, lexicon -----------------------------------------------


class SampleResultOut(Schema):
    analyte: str
    value: float
    unit: str
    below_detection: bool


class SampleResultIn(InSchema):
    analyte: column(SampleResult, "analyte", required=True)
    value: FiniteFloat
    unit: column(SampleResult, "unit", required=True)
    below_detection: bool = False


class SampleOut(Schema):
    id: int
    site_no: str = Field(..., alias="well.site_no")
    sampled_at: datetime
    collected_by: str
    laboratory: str
    notes: str
    results: list[SampleResultOut]

    @staticmethod
    def resolve_results(sample) -> list:
        return list(sample.results.all())


class SamplePageOut(PageOut):
    results: list[SampleOut]


class SampleIn(InSchema):
    site_no: SiteNo
    sampled_at: MeasurementTime
    collected_by: column(Sample, "collected_by") = ""
    laboratory: column(Sample, "laboratory") = ""
    notes: Text = ""
    results: list[SampleResultIn] = Field(default_factory=list, max_length=500)


# Who may see a contact's email and phone: contacts are people (landowners among them), so
# their details go only to callers holding this permission; everyone else gets null.
CONTACT_DETAILS_PERMISSION = roles.CONTACT_DETAILS_PERMISSION


class ContactOut(Schema):
    id: int
    name: str
    organization: str
    email: str | None = Field(
        None, description=f"null unless the caller holds {CONTACT_DETAILS_PERMISSION}"
    )
    phone: str | None = Field(
        None, description=f"null unless the caller holds {CONTACT_DETAILS_PERMISSION}"
    )

    @staticmethod
    def resolve_email(contact, context) -> str | None:
        return contact.email if _shows_contact_details(context) else None

    @staticmethod
    def resolve_phone(contact, context) -> str | None:
        return contact.phone if _shows_contact_details(context) else None


def _shows_contact_details(context) -> bool:
    """Decided by the route (``request.audience``, auth.audience_for) from the caller's
    permissions; undecided means no."""
    audience = getattr((context or {}).get("request"), "audience", None)
    return bool(audience and audience.contact_details)


class ContactPageOut(PageOut):
    results: list[ContactOut]


class ContactIn(InSchema):
    name: column(Contact, "name", required=True)
    organization: column(Contact, "organization") = ""
    email: column(Contact, "email") = ""
    phone: column(Contact, "phone") = ""


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    well_count: int


class GroupPageOut(PageOut):
    results: list[GroupOut]


class GroupIn(InSchema):
    name: column(Group, "name", required=True)
    kind: Literal[tuple(Group.Kind.values)] = "network"
    description: Text = ""


LexiconCategory = Literal["well_kind", "method", "level_status", "data_quality"]


class LexiconTermOut(Schema):
    category: str
    code: str
    label: str
    definition: str


class LexiconPageOut(PageOut):
    results: list[LexiconTermOut]


class LexiconTermIn(InSchema):
    category: LexiconCategory
    code: Annotated[column(LexiconTerm, "code", required=True), Field(pattern=r"^[-a-zA-Z0-9_]+$")]
    label: column(LexiconTerm, "label", required=True)
    definition: Text = ""
