"""What every read does the same way."""

from django.conf import settings
from django.db import models
from django.db.models import QuerySet


def strict(queryset: QuerySet) -> QuerySet:
    """Apply the read fetch mode (settings.PIEZO_READ_FETCH_MODE): the test suite sets
    FETCH_RAISE, so a field or relation a read forgot to load fails loudly instead of
    running a hidden query (which in an async view would block, or raise)."""
    return queryset.fetch_mode(getattr(models, settings.PIEZO_READ_FETCH_MODE))
