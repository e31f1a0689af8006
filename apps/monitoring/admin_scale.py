"""What keeps the admin's observation pages fast at a survey's scale (millions of readings,
ADR-0008): every query a changelist runs is served by an index or touches a small table.

* ``BoundedCountPaginator``: the changelist's count stops at ``COUNT_CAP`` rows (a COUNT over
  a LIMITed subquery), and on PostgreSQL an unfiltered list takes the planner's estimate
  from ``pg_class``: an exact COUNT(*) over ten million readings costs seconds.
* ``ObservedFilter``: a date drill-down (recent periods, then each year between the first
  and the last reading: two index lookups) in place of ``date_hierarchy``, whose year links
  come from a DISTINCT over every row.
* ``LexiconFilter``: choices from the vocabulary table, not a DISTINCT over the readings.
* Search goes through the wells (a small table) by site number or name, then to their
  readings by the (well, observed_at) index, instead of a join and LIKE over every reading.
"""

from datetime import UTC, datetime, timedelta
from functools import cached_property

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from .models import LexiconTerm, Observation, Well

COUNT_CAP = 10_000


class BoundedCountPaginator(Paginator):
    """A count that costs the same at 100,000 and at 10,000,000 rows."""

    @cached_property
    def count(self) -> int:
        queryset: QuerySet = self.object_list
        if not queryset.query.where:
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate > COUNT_CAP:
                return estimate
        return queryset.order_by()[: COUNT_CAP + 1].count()


def _estimated_rows(queryset: QuerySet) -> int | None:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] > 0 else None


class TimeOrderedChangeList(ChangeList):
    """Django breaks ties with "-pk" whichever way the list is sorted. Sorted oldest first,
    that is observed_at ascending with id descending, which no index reads in order (SQLite
    then sorts every reading); ties broken in the sort's own direction are one index scan."""

    def get_ordering(self, request, queryset):
        ordering, seen = [], set()
        # A column sort comes before the admin's default ordering, which Django appends
        # again: keep each field's first mention only.
        for field in super().get_ordering(request, queryset):
            name = field.removeprefix("-") if isinstance(field, str) else field
            if name not in seen:
                seen.add(name)
                ordering.append(field)
        first = ordering[0] if ordering else None
        if ordering[-1:] == ["-pk"] and isinstance(first, str) and not first.startswith("-"):
            ordering[-1] = "pk"
        return ordering


class ObservedFilter(admin.SimpleListFilter):
    title = "observed"
    parameter_name = "observed"
    RECENT = {"30d": ("Last 30 days", 30), "12m": ("Last 12 months", 365)}

    def lookups(self, request, model_admin):
        # Two queries: SQLite answers a lone MIN or MAX from the index, but scans every row
        # for both in one query.
        first = Observation.objects.aggregate(at=Min("observed_at"))["at"]
        last = Observation.objects.aggregate(at=Max("observed_at"))["at"]
        years = range(last.year, first.year - 1, -1) if first else range(0)
        return [
            *((key, label) for key, (label, _) in self.RECENT.items()),
            *((str(year), str(year)) for year in years),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in self.RECENT:
            return queryset.filter(
                observed_at__gte=timezone.now() - timedelta(days=self.RECENT[value][1])
            )
        if value and value.isdigit():
            start = datetime(int(value), 1, 1, tzinfo=UTC)
            return queryset.filter(
                observed_at__gte=start, observed_at__lt=start.replace(year=start.year + 1)
            )
        return queryset


def lexicon_filter(field: str, category: str, label: str) -> type[admin.SimpleListFilter]:
    """A list filter whose choices are the vocabulary's terms for ``category``."""

    class LexiconFilter(admin.SimpleListFilter):
        title = label
        parameter_name = field

        def lookups(self, request, model_admin):
            return list(LexiconTerm.objects.filter(category=category).values_list("code", "label"))

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    LexiconFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return LexiconFilter


def observations_of_matching_wells(queryset: QuerySet, term: str) -> QuerySet:
    """Readings of the wells whose site number or name contains ``term``."""
    wells = Well.objects.filter(Q(site_no__icontains=term) | Q(name__icontains=term))
    return queryset.filter(well_id__in=wells.values("pk"))
