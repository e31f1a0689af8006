"""The audit trail of readings written set-wise (ADR-0012). django-simple-history records
every change that goes through a model's save() or delete(): wells, locations, samples,
consents, and readings saved one at a time. A request's batch, a bulk edit and a deletion of
many readings go through SQL, not save(); they are recorded here with one INSERT … SELECT
each, in the same transaction, as the same history rows."""

from typing import Literal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..models import Observation

HistoryType = Literal["+", "~", "-"]


def _acting_user_id() -> int | None:
    """The signed-in or token user of the request being served, as simple-history's
    middleware knows it (None in commands and migrations)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def readings_history_record(
    *, readings: QuerySet[Observation], kind: HistoryType, reason: str = ""
) -> None:
    """Copy ``readings`` as they are now into their history as created (+), changed (~) or
    about to be deleted (-), by the acting user, in one statement."""
    history = Observation.history.model
    tracked = [field.attname for field in history.tracked_fields]
    stamped = readings.order_by().annotate(
        _history_date=Value(timezone.now()),
        _history_type=Value(kind),
        # Typed: PostgreSQL cannot insert an untyped NULL parameter into a bigint column.
        _history_user_id=Cast(Value(_acting_user_id()), BigIntegerField()),
        _history_change_reason=Value(reason),
    )
    select = stamped.values_list(
        *tracked, "_history_date", "_history_type", "_history_user_id", "_history_change_reason"
    )
    try:
        sql, params = select.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to record
        return
    columns = [history._meta.get_field(name).column for name in tracked] + [
        "history_date",
        "history_type",
        "history_user_id",
        "history_change_reason",
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) {sql}",
            params,
        )
