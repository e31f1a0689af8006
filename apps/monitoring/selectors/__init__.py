"""Reads from the monitoring domain, by entity: wells, observations, stats, catalog.
Querysets are built lazily (no database work until they are awaited or iterated);
``a``-prefixed functions are async and never block the event loop: they start from
``asyncdriver.reading(Model)``, which is django-async-backend's manager on PostgreSQL (P4,
ADR-0007) and Django's async ORM otherwise (P2). Their sync twins serve the live
publisher's thread, the benchmarks and ADR-0004's P0/P1.

Callers import from here; the modules are how the code is kept, not part of the contract."""

from ..asyncdriver import copy_supported, read_path
from ..contract import OBSERVATION_FIELDS
from .audit import AUDITED, audit_page
from .catalog import (
    contact_queryset,
    database_aping,
    group_queryset,
    lexicon_queryset,
    sample_queryset,
)
from .observations import (
    ObservationFilters,
    hydrograph_aget,
    observation_achunks,
    observation_apage,
    observation_apayloads,
    observation_chunks,
    observation_csv_achunks,
    observation_page,
    observation_payloads,
    observation_queryset,
    observation_recent_aget,
    observation_recent_get,
    well_series_asummary,
    well_series_summary,
)
from .stats import stats_aget, stats_get
from .visibility import (
    EVERYONE,
    PUBLIC,
    Audience,
    WellScope,
    audience_aget,
    audience_get,
    readings_visible,
    samples_visible,
    well_scope_aget,
    well_scope_get,
    wells_visible,
)
from .wells import (
    WELL_LIST_FIELDS,
    WELL_ORDERINGS,
    WellDetail,
    WellFilters,
    featured_well_aget,
    well_aget,
    well_aqueryset,
    well_counted_aqueryset,
    well_filter_choices_aget,
    well_get,
    well_queryset,
    well_row_aqueryset,
    well_row_queryset,
)

__all__ = [
    "AUDITED",
    "audit_page",
    "EVERYONE",
    "PUBLIC",
    "Audience",
    "WellScope",
    "audience_aget",
    "audience_get",
    "readings_visible",
    "samples_visible",
    "well_scope_aget",
    "well_scope_get",
    "wells_visible",
    "OBSERVATION_FIELDS",
    "WELL_LIST_FIELDS",
    "WELL_ORDERINGS",
    "ObservationFilters",
    "WellDetail",
    "WellFilters",
    "contact_queryset",
    "copy_supported",
    "database_aping",
    "featured_well_aget",
    "group_queryset",
    "hydrograph_aget",
    "lexicon_queryset",
    "observation_achunks",
    "observation_apage",
    "observation_apayloads",
    "observation_chunks",
    "observation_csv_achunks",
    "observation_page",
    "observation_payloads",
    "observation_queryset",
    "observation_recent_aget",
    "observation_recent_get",
    "read_path",
    "sample_queryset",
    "stats_aget",
    "stats_get",
    "well_aget",
    "well_aqueryset",
    "well_counted_aqueryset",
    "well_filter_choices_aget",
    "well_get",
    "well_queryset",
    "well_row_aqueryset",
    "well_row_queryset",
    "well_series_asummary",
    "well_series_summary",
]
