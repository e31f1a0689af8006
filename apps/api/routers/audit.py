"""The audit trail for data managers (ADR-0012): who changed which well, reading, sample or
consent, when, and what it was before and after. Sync: django-simple-history's managers
are sync, and this is an occasional read."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from apps.monitoring import roles, selectors

from ..auth import WriteAccess
from ..schemas import READ_ERRORS, error_responses

router = Router(tags=["audit"])


class AuditQuery(Schema):
    model: Literal[tuple(selectors.AUDITED)] = "well"
    site_no: str | None = Field(None, max_length=32, description="Only this well's records.")
    before: int | None = Field(None, ge=1, description="Page cursor: entries older than this id.")
    limit: int = Field(100, ge=1, le=500)


class AuditEntryOut(Schema):
    history_id: int
    model: str
    object_id: int
    site_no: str | None
    kind: Literal["created", "changed", "deleted"]
    at: datetime
    user: str | None
    reason: str
    changes: dict[str, list[Any]] = Field(description="field: [before, after]")


class AuditPageOut(Schema):
    results: list[AuditEntryOut]
    next_before: int | None = Field(description="Pass as before= for the next, older page.")


@router.get(
    "/audit",
    response={200: AuditPageOut, **READ_ERRORS, **error_responses(403)},
    auth=WriteAccess(roles.AUDIT_PERMISSION),
    summary="The audit trail (data managers)",
)
def audit_list(request: HttpRequest, query: Query[AuditQuery]):
    """Changes newest first, each with who made it and the fields' values before and after.
    Needs monitoring.view_audit (the data manager role)."""
    entries = selectors.audit_page(
        model=query.model, site_no=query.site_no, before=query.before, limit=query.limit
    )
    full = len(entries) == query.limit
    return {"results": entries, "next_before": entries[-1]["history_id"] if full else None}
