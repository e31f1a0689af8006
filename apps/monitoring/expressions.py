"""Database expressions the selectors and services share."""

from django.db.models import FloatField, Func, TextField

from .contract import FORMULA_STARTS


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


# The CSV export's cells written by PostgreSQL (exports.py): each renders a column as the
# exact text Python's csv module writes for the value Django reads, so a `COPY ... TO
# STDOUT` of them is byte for byte the export that formats rows in Python. NULL is COPY's
# empty unquoted cell, which is what csv.writer writes for None and for "".


class IsoTimestamp(Func):
    """A timestamp as ``datetime.isoformat()`` writes an aware UTC datetime: seconds, the
    microseconds only when there are any, and ``+00:00``."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            " || CASE WHEN date_trunc('second', %(expressions)s) = %(expressions)s THEN ''"
            " ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', '.US') END || '+00:00')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class FloatText(Func):
    """A float as Python's ``repr`` writes it. PostgreSQL's shortest round-trip output (the
    default ``extra_float_digits``) has the same digits, but writes a whole number without
    ``.0``; the limits in contract.LIMITS keep values far from where the two switch to
    exponents differently (1e15)."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(CASE WHEN %(expressions)s = trunc(%(expressions)s)"
            " THEN %(expressions)s::text || '.0' ELSE %(expressions)s::text END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class SafeText(Func):
    """A text cell as exports.csv_cell makes it: a leading quote before a character that
    would start a spreadsheet formula, and NULL for "" (COPY quotes an empty string, which
    csv.writer does not)."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        starts = ", ".join(f"chr({ord(char)})" for char in sorted(FORMULA_STARTS))
        template = (
            f"NULLIF(CASE WHEN left(%(expressions)s, 1) IN ({starts})"
            " THEN '''' || %(expressions)s ELSE %(expressions)s END, '')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)
