"""The domain's contract (apps/monitoring/contract.py) is what every layer enforces: the model,
the API's request schemas and the importer accept a number at its limit and refuse it just
past, the same for each; text limits in the API are the columns'; events have one shape."""

from typing import get_args

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from apps.api import schemas
from apps.monitoring import contract
from apps.monitoring.contract import LIMITS, EventKind
from apps.monitoring.events import event_publish_on_commit
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
from apps.monitoring.services.observations import READING_FIELDS
from apps.pipeline.timeparse import zone_named
from apps.pipeline.waterlevels import RowConverter, Vocabulary

# Each limited field: its model, and the API request schemas that take it.
LIMITED = {
    "latitude": (Location, [schemas.LocationIn, schemas.LocationPatch]),
    "longitude": (Location, [schemas.LocationIn, schemas.LocationPatch]),
    "land_surface_elevation_ft": (Location, [schemas.LocationIn, schemas.LocationPatch]),
    "well_depth_ft": (Well, [schemas.WellIn, schemas.WellPatch]),
    "depth_to_water_ft": (Observation, [schemas.ObservationIn]),
    "water_level_elevation_ft": (Observation, [schemas.ObservationIn]),
    "measuring_point_height_ft": (Observation, [schemas.ObservationIn]),
}
# The file columns the importer reads into a limited field, per format.
IMPORTED = {
    "depth_to_water_ft": ("csv", "depth_to_water_ft"),
    "measuring_point_height_ft": ("csv", "mp_height"),
    "water_level_elevation_ft": ("usgs-rdb", "sl_lev_va"),
}


def test_every_limited_number_is_named_in_the_table_above():
    assert set(LIMITED) == set(LIMITS)


def _model_range(model: type[models.Model], name: str) -> tuple[float, float]:
    validators = model._meta.get_field(name).validators
    low = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    high = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
    return (low[0] if low else None), (high[0] if high else None)


def _schema_range(schema: type[BaseModel], name: str) -> tuple[float, float]:
    metadata = schema.model_fields[name].metadata
    annotation = schema.model_fields[name].annotation
    # An optional number keeps its constraints on the Annotated member of the union.
    for member in getattr(annotation, "__args__", ()):
        metadata = [*metadata, *getattr(member, "__metadata__", ())]
    found = {}
    for item in metadata:
        for key in ("ge", "le"):
            if getattr(item, key, None) is not None:
                found[key] = getattr(item, key)
        for inner in getattr(item, "metadata", ()):
            for key in ("ge", "le"):
                if getattr(inner, key, None) is not None:
                    found[key] = getattr(inner, key)
    return found.get("ge"), found.get("le")


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_model_and_api_enforce_the_same_range(name):
    model, request_schemas = LIMITED[name]
    limit = LIMITS[name]
    assert _model_range(model, name) == (limit.low, limit.high)
    for schema in request_schemas:
        assert _schema_range(schema, name) == (limit.low, limit.high), schema.__name__


def _model_accepts(model, name, value) -> bool:
    field = model._meta.get_field(name)
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


def _api_accepts(schema, name, value) -> bool:
    """Whether ``schema`` validates ``value`` for the field ``name`` (the others aside)."""
    try:
        schema.__pydantic_validator__.validate_assignment(schema.model_construct(), name, value)
    except PydanticValidationError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_model_api_and_importer_agree_at_each_limit(name):
    """At the limit: accepted by all three; one hundredth past it: refused by all three."""
    model, request_schemas = LIMITED[name]
    file_format, column = IMPORTED[name]
    converter = RowConverter(
        file_format=file_format, zone=zone_named("UTC"), wells={}, vocabulary=Vocabulary()
    )
    for value, accepted in (
        (LIMITS[name].high, True),
        (LIMITS[name].low, True),
        (LIMITS[name].high + 0.01, False),
        (LIMITS[name].low - 0.01, False),
    ):
        errors = []
        converter._number(2, column, repr(value), errors, field=name)
        assert (not errors) is accepted, (name, value, errors)
        assert _model_accepts(model, name, value) is accepted, (name, value)
        for schema in request_schemas:
            assert _api_accepts(schema, name, value) is accepted, (schema.__name__, value)


# Each API request schema and the model whose columns it fills.
TEXT_SCHEMAS = [
    (schemas.LocationIn, Location),
    (schemas.LocationPatch, Location),
    (schemas.WellIn, Well),
    (schemas.WellPatch, Well),
    (schemas.ObservationIn, Observation),
    (schemas.SampleIn, Sample),
    (schemas.SampleResultIn, SampleResult),
    (schemas.ContactIn, Contact),
    (schemas.GroupIn, Group),
    (schemas.LexiconTermIn, LexiconTerm),
]


def _max_length(schema: type[BaseModel], name: str) -> int | None:
    lengths = [
        getattr(item, "max_length", None)
        for item in schema.model_fields[name].metadata
        if getattr(item, "max_length", None) is not None
    ]
    return lengths[0] if lengths else None


@pytest.mark.parametrize(("schema", "model"), TEXT_SCHEMAS, ids=lambda x: x.__name__)
def test_api_text_limits_are_the_columns(schema, model):
    checked = 0
    for name in schema.model_fields:
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if isinstance(field, models.CharField) and field.choices:
            # A choice: the schema offers exactly the model's choices.
            offered = {
                value
                for arg in get_args(schema.model_fields[name].annotation)
                for value in (get_args(arg) or (arg,))
                if value is not type(None)
            }
            assert offered <= {value for value, _ in field.choices}, (schema.__name__, name)
            checked += 1
        elif isinstance(field, models.CharField):
            assert _max_length(schema, name) == field.max_length, (schema.__name__, name)
            checked += 1
    assert checked, f"{schema.__name__} has no text column to compare"


def test_an_observation_row_is_the_tables_writable_columns():
    written = {
        f.attname
        for f in Observation._meta.concrete_fields
        # release_status: the database's default (public); the well's release governs.
        if f.name not in {"id", "flags", "created_at", "release_status"}
    }
    assert set(contract.OBSERVATION_COLUMNS) == written


def test_csv_and_api_show_the_same_columns():
    assert set(contract.CSV_FIELDS) == set(contract.OBSERVATION_FIELDS) - {"id"}
    concrete = {f.name for f in Observation._meta.concrete_fields}
    assert set(contract.OBSERVATION_FIELDS) <= concrete


def test_the_missing_depth_rule_is_the_database_constraint():
    constraint = next(
        c for c in Observation._meta.constraints if c.name == "observation_value_or_reason"
    )
    assert constraint.violation_error_message == contract.MISSING_DEPTH
    for status in contract.NO_VALUE_STATUSES:
        assert contract.depth_is_explained(None, status)
    assert not contract.depth_is_explained(None, "static")
    assert contract.depth_is_explained(12.0, "static")


@pytest.mark.django_db
def test_an_event_of_the_wrong_shape_is_refused_where_it_is_published():
    with pytest.raises(TypeError, match="missing \\['site_nos'\\]"):
        event_publish_on_commit(kind=EventKind.WELLS_CHANGED, payload={"site_no": "X"})
    with pytest.raises(TypeError, match="unknown \\['extra'\\]"):
        event_publish_on_commit(
            kind=EventKind.OBSERVATIONS_CREATED,
            payload={"site_no": "X", "observation_ids": [1], "extra": 1},
        )


def test_every_event_kind_has_a_payload_shape():
    assert set(contract.EVENT_PAYLOADS) == set(EventKind)
    for shape in contract.EVENT_PAYLOADS.values():
        assert shape.__required_keys__


def test_a_limit_refuses_what_is_not_finite():
    limit = LIMITS["depth_to_water_ft"]
    assert limit.contains(limit.high)
    assert not limit.contains(float("nan"))
    assert not limit.contains(float("inf"))


def test_the_api_takes_exactly_the_fields_a_reading_may_set():
    assert set(schemas.ObservationIn.model_fields) == READING_FIELDS
