"""Errors a write can raise that an interface turns into a status: 404 for what does not
exist, 409 for what collides with stored data."""


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
    "ownerconsent_one_in_force": (
        "data_type",
        "This well already has a consent in force for that data; revoke it first.",
    ),
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
