"""The roles (ADR-0012), as Django groups with permissions: migration 0010 creates them
with ``roles_ensure``, as the tests do after a flush. A user (and every API token of
theirs) acts with the union of their groups' permissions; superusers hold them all. Staff
status (the admin's door) is given per user, not by a role."""

VIEWER = "viewer"  # reads private data and contacts' details
FIELD = "field"  # a viewer who also adds readings and samples
DATA_MANAGER = "data manager"  # imports, edits, approves, sets release and consent, audits
ADMIN = "admin"  # everything, including users and tokens

ROLES = (VIEWER, FIELD, DATA_MANAGER, ADMIN)

PRIVATE_DATA_PERMISSION = "monitoring.view_private_data"
CONTACT_DETAILS_PERMISSION = "monitoring.view_contact"
AUDIT_PERMISSION = "monitoring.view_audit"

_MANAGED = (
    "well",
    "location",
    "observation",
    "sample",
    "sampleresult",
    "contact",
    "wellcontact",
    "group",
    "lexiconterm",
    "ownerconsent",
    "sensor",
    "deployment",
)
_VIEWER = (PRIVATE_DATA_PERMISSION, CONTACT_DETAILS_PERMISSION)
_FIELD = (
    *_VIEWER,
    "monitoring.add_observation",
    "monitoring.add_sample",
    "monitoring.add_sampleresult",
)
_DATA_MANAGER = (
    *_FIELD,
    AUDIT_PERMISSION,
    "monitoring.view_wellsummary",
    *(
        f"monitoring.{action}_{model}"
        for model in _MANAGED
        for action in ("view", "add", "change", "delete")
    ),
)
# Each role's permissions as "app_label.codename"; None: every permission there is.
ROLE_PERMISSIONS: dict[str, tuple[str, ...] | None] = {
    VIEWER: _VIEWER,
    FIELD: _FIELD,
    DATA_MANAGER: _DATA_MANAGER,
    ADMIN: None,
}


def roles_ensure(*, group_model, permission_model) -> None:
    """Create the role groups and grant their permissions (the models are passed in, so a
    migration can give its historical ones); raises if a permission does not exist."""
    everything = list(permission_model.objects.select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in everything}
    for role, names in ROLE_PERMISSIONS.items():
        if names is not None and (missing := sorted(set(names) - by_name.keys())):
            raise LookupError(f"Permissions missing for the {role!r} role: {missing}")
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.add(*(everything if names is None else [by_name[n] for n in names]))
