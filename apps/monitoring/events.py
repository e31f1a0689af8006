"""The one place domain changes are announced. Writers call ``event_publish_on_commit``
inside their transaction; subscribers (the live-updates layer) hear about the change only
once it is committed, so nobody is told about a reading that was rolled back."""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Event = dict[str, Any]
_subscribers: list[Callable[[Event], None]] = []


def event_subscribe(callback: Callable[[Event], None]) -> None:
    """Register ``callback(event)`` to run after each committed change."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def event_unsubscribe(callback: Callable[[Event], None]) -> None:
    if callback in _subscribers:
        _subscribers.remove(callback)


def event_publish_on_commit(*, kind: str, payload: dict[str, Any]) -> None:
    """Announce ``kind`` (e.g. "observations.created") when the current transaction commits."""
    event = {"kind": kind, **payload}
    transaction.on_commit(lambda: _deliver(event))


def _deliver(event: Event) -> None:
    for callback in list(_subscribers):
        try:
            callback(event)
        except Exception:
            # A subscriber's failure (Redis down, say) must never undo or fail the write.
            logger.exception("Event subscriber %r failed for %s", callback, event["kind"])
