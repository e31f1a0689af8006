"""Database expressions the selectors and services share."""

from django.db.models import FloatField, Func


class EpochSeconds(Func):
    """A timestamp as seconds since 1970 (UTC), computed by the database: the chart wants
    numbers, and converting 262,800 datetimes in Python was most of a big chart's cost."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s) - 2440587.5) * 86400.0",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra
        )
