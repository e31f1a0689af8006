"""Request and response shapes. Numbers refuse NaN and infinities; times must carry an
offset (a naive time is ambiguous for a network that spans time zones)."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, Strict, field_validator

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


READ_ERRORS = error_responses(400, 404)
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
    wells: int
    active_wells: int
    wells_by_status: dict[str, int]
    observations: int
    observations_last_30_days: int
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


class LocationIn(InSchema):
    latitude: FiniteFloat = Field(..., ge=-90, le=90)
    longitude: FiniteFloat = Field(..., ge=-180, le=180)
    land_surface_elevation_ft: FiniteFloat | None = Field(None, ge=-1500, le=30000)
    vertical_datum: str = Field("", max_length=16)
    county: str = Field("", max_length=64)
    state: str = Field("", max_length=2)
    huc: str = Field("", max_length=16)


class LocationPatch(InSchema):
    latitude: FiniteFloat = Field(None, ge=-90, le=90)
    longitude: FiniteFloat = Field(None, ge=-180, le=180)
    land_surface_elevation_ft: FiniteFloat | None = Field(None, ge=-1500, le=30000)
    vertical_datum: str = Field(None, max_length=16)
    county: str = Field(None, max_length=64)
    state: str = Field(None, max_length=2)
    huc: str = Field(None, max_length=16)


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
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = Field("well", max_length=32)
    status: WellStatus = "active"
    well_depth_ft: FiniteFloat | None = Field(None, ge=0, le=50000)
    aquifer: str = Field("", max_length=120)
    location: LocationIn
    groups: list[Annotated[str, Field(max_length=120)]] = Field(
        default_factory=list, max_length=100
    )


class WellPatch(InSchema):
    site_no: SiteNo = None
    name: str = Field(None, min_length=1, max_length=200)
    kind: str = Field(None, max_length=32)
    status: WellStatus = None
    well_depth_ft: FiniteFloat | None = Field(None, ge=0, le=50000)
    aquifer: str = Field(None, max_length=120)
    location: LocationPatch = None
    groups: list[Annotated[str, Field(max_length=120)]] = Field(None, max_length=100)


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
    depth_to_water_ft: FiniteFloat | None = Field(None, ge=-1000, le=10000)
    water_level_elevation_ft: FiniteFloat | None = Field(None, ge=-2000, le=40000)
    elevation_datum: str = Field("", max_length=16)
    measuring_point_height_ft: FiniteFloat | None = Field(None, ge=-100, le=100)
    method: str = Field("", max_length=32)
    level_status: str = Field("static", max_length=32)
    data_quality: str = Field("provisional", max_length=32)
    source: Literal["manual", "transducer", "import"] = "manual"
    measured_by: str = Field("", max_length=120)
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
    analyte: str = Field(..., min_length=1, max_length=64)
    value: FiniteFloat
    unit: str = Field(..., min_length=1, max_length=16)
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
    collected_by: str = Field("", max_length=120)
    laboratory: str = Field("", max_length=120)
    notes: Text = ""
    results: list[SampleResultIn] = Field(default_factory=list, max_length=500)


class ContactOut(Schema):
    id: int
    name: str
    organization: str
    email: str
    phone: str


class ContactPageOut(PageOut):
    results: list[ContactOut]


class ContactIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    organization: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    well_count: int


class GroupPageOut(PageOut):
    results: list[GroupOut]


class GroupIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: Literal["network", "project"] = "network"
    description: Text = ""


LexiconCategory = Literal["well_kind", "method", "level_status", "data_quality"]


class LexiconTermOut(Schema):
    category: str
    code: str
    label: str
    definition: str


class LexiconPageOut(PageOut):
    results: list[LexiconTermOut]


class LexiconTermIn(Schema):
    category: LexiconCategory
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    label: str = Field(..., min_length=1, max_length=100)
    definition: Text = ""
