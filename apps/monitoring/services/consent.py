"""Owners' consent to publishing a well's data (ADR-0012). A consent is recorded and later
revoked, never edited or deleted: the rows are the history of what was allowed. Either
change takes effect on the next read (selectors/visibility.py reads the rows in force)."""

from django.db import transaction
from django.utils import timezone

from ..contract import EventKind
from ..events import event_publish_on_commit
from ..models import OwnerConsent, Well
from .errors import conflict_for_constraint


def _announce(site_no: str) -> None:
    # Public figures and pages change with what may be published.
    event_publish_on_commit(kind=EventKind.WELLS_CHANGED, payload={"site_nos": [site_no]})


def consent_record(
    *, well: Well, data_type: str, recorded_by=None, notes: str = ""
) -> OwnerConsent:
    """Record the owner's consent to publishing ``data_type``; 409 while one is in force."""
    with transaction.atomic():
        if OwnerConsent.objects.filter(
            well=well, data_type=data_type, revoked_at__isnull=True
        ).exists():
            raise conflict_for_constraint("ownerconsent_one_in_force")
        consent = OwnerConsent(well=well, data_type=data_type, recorded_by=recorded_by, notes=notes)
        consent.full_clean(validate_constraints=False)
        consent.save()
        _announce(well.site_no)
    return consent


def consent_revoke(*, consent: OwnerConsent, revoked_by=None, notes: str = "") -> OwnerConsent:
    """Revoke a consent in force (kept, with who and when); revoking twice changes nothing."""
    with transaction.atomic():
        consent = OwnerConsent.objects.select_for_update().select_related("well").get(pk=consent.pk)
        if consent.revoked_at is None:
            consent.revoked_at = timezone.now()
            consent.revoked_by = revoked_by
            consent.revocation_notes = notes
            consent.save(update_fields=["revoked_at", "revoked_by", "revocation_notes"])
            _announce(consent.well.site_no)
    return consent
