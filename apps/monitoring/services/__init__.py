"""Writes to the monitoring domain, by entity: wells, observations (one by one), bulk
(imports, demo data), catalog (samples, contacts, groups, vocabularies), summaries, seeding,
accounts. Each public function is keyword-only and typed, and is one transaction (or joins
its caller's, where it says so); async callers hand it to ``sync_to_async`` whole (Django
has no async ``atomic()``). Every write announces itself after commit (events.py).

Callers import from here; the modules are how the code is kept, not part of the contract."""

from .accounts import local_admin_ensure
from .audit import readings_history_record
from .bulk import (
    DIFFERENCE_EXAMPLES,
    ImportWrite,
    ProgressCallback,
    observation_bulk_insert,
    observation_import_rows,
)
from .catalog import (
    contact_create,
    group_create,
    lexicon_seed,
    lexicon_term_create,
    sample_create,
    sample_save,
)
from .consent import consent_record, consent_revoke
from .errors import CONFLICTS, ConflictError, NotFoundError, conflict_for_constraint
from .observations import (
    observation_create_many,
    observation_flags_apply,
    observation_save,
    observations_delete,
    observations_quality_set,
    observations_save,
    observations_written,
)
from .seeding import demo_seed
from .summaries import well_summaries_check, well_summaries_rebuild, well_summaries_refresh
from .wells import (
    SiteRecord,
    well_create,
    well_delete,
    well_save,
    well_update,
    wells_delete,
    wells_upsert,
)

__all__ = [
    "CONFLICTS",
    "DIFFERENCE_EXAMPLES",
    "ConflictError",
    "ImportWrite",
    "NotFoundError",
    "ProgressCallback",
    "SiteRecord",
    "conflict_for_constraint",
    "consent_record",
    "consent_revoke",
    "contact_create",
    "demo_seed",
    "group_create",
    "lexicon_seed",
    "lexicon_term_create",
    "local_admin_ensure",
    "observation_bulk_insert",
    "observation_create_many",
    "observation_flags_apply",
    "observation_import_rows",
    "observation_save",
    "observations_delete",
    "observations_quality_set",
    "observations_save",
    "observations_written",
    "readings_history_record",
    "sample_create",
    "sample_save",
    "well_create",
    "well_delete",
    "well_save",
    "well_summaries_rebuild",
    "well_summaries_check",
    "well_summaries_refresh",
    "well_update",
    "wells_delete",
    "wells_upsert",
]
