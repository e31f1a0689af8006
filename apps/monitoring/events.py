"""The one place domain changes are announced. Writers call ``event_publish_on_commit``
inside their transaction with a kind and payload from contract.py; subscribers (the
live-updates layer) hear about the change only once it is committed, so nobody is told
about a reading that was rolled back."""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from .contract import EventKind, payload_problem

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


def event_publish_on_commit(*, kind: EventKind, payload: Any) -> None:
    """Announce ``kind`` with its payload (contract.EVENT_PAYLOADS) when the current
    transaction commits. A payload of the wrong shape is a programming error: it raises
    here, in the writer's tests, not later in a subscriber."""
    if problem := payload_problem(kind, payload):
        raise TypeError(problem)
    event = {"kind": str(kind), **payload}
    transaction.on_commit(lambda: _deliver(event))


def _deliver(event: Event) -> None:
    for callback in list(_subscribers):
        try:
            callback(event)
        except Exception:
            # A subscriber's failure (Redis down, say) must never undo or fail the write.
            logger.exception("Event subscriber %r failed for %s", callback, event["kind"])
