"""Reads of the audit trail (ADR-0012): who changed what, when, before and after, from the
history tables that django-simple-history and services/audit.py fill."""

from typing import Any

from ..models import Observation, OwnerConsent, Sample, Well

AUDITED = {
    "well": Well,
    "observation": Observation,
    "sample": Sample,
    "consent": OwnerConsent,
}
KINDS = {"+": "created", "~": "changed", "-": "deleted"}
IGNORED = {"updated_at", "created_at"}


def _changes(record, previous) -> dict[str, list[Any]]:
    """Field: [before, after] for what this record changed (every field when created or
    deleted)."""
    fields = [f.attname for f in record.instance_type._meta.concrete_fields]
    fields = [name for name in fields if name not in IGNORED and hasattr(record, name)]
    if record.history_type == "-":
        return {name: [getattr(record, name), None] for name in fields}
    if previous is None:
        return {name: [None, getattr(record, name)] for name in fields}
    return {
        name: [getattr(previous, name), getattr(record, name)]
        for name in fields
        if getattr(previous, name) != getattr(record, name)
    }


def audit_page(
    *, model: str, site_no: str | None = None, before: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The newest ``limit`` changes of one kind of record (of one well's, with ``site_no``),
    older than history id ``before``."""
    history = AUDITED[model].history.model
    records = history.objects.select_related("history_user").order_by("-history_id")
    if site_no is not None:
        well_ids = list(
            Well.history.model.objects.filter(site_no=site_no).values_list("id", flat=True)
        )
        key = "id" if model == "well" else "well_id"
        records = records.filter(**{f"{key}__in": well_ids})
    if before is not None:
        records = records.filter(history_id__lt=before)
    page = list(records[:limit])
    site_nos = _site_nos(model, page)
    return [
        {
            "history_id": record.history_id,
            "model": model,
            "object_id": record.id,
            "site_no": site_nos.get(record.id if model == "well" else record.well_id),
            "kind": KINDS[record.history_type],
            "at": record.history_date,
            "user": record.history_user.get_username() if record.history_user else None,
            "reason": record.history_change_reason or "",
            "changes": _changes(record, None if record.history_type != "~" else _previous(record)),
        }
        for record in page
    ]


def _previous(record):
    """The object's record before this one (for a set-wise deletion: its last state)."""
    return (
        type(record)
        .objects.filter(id=record.id, history_id__lt=record.history_id)
        .order_by("-history_id")
        .first()
    )


def _site_nos(model: str, page: list) -> dict[int, str]:
    well_ids = {r.id if model == "well" else r.well_id for r in page}
    rows = Well.history.model.objects.filter(id__in=well_ids).values_list("id", "site_no")
    return dict(rows)
