"""Who may see what (ADR-0012): the one place reads decide it.

A reader is an ``Audience``, decided once per request, websocket or command from the user's
permissions. Everything private shows to an audience with ``private_data``; to the public a
record shows where

- the well is released (``release_status`` public), and
- for readings, chemistry and the exact location: the well's owner, where it has one,
  consented to publishing that kind of data (an ``OwnerConsent`` in force), and
- the reading or sample itself is not withheld (its own ``release_status``).

A public well without consent to its exact location shows at ``COARSE_DEGREES``.

Every read in selectors/ filters through these functions; per-well reads go through a
``WellScope`` that only ``well_scope_aget``/``well_scope_get`` make, so a reading cannot be
read without its well's verdict."""

from dataclasses import dataclass
from typing import Literal

from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Manager,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Round

from ..asyncdriver import reading
from ..models import (
    Observation,
    OwnerConsent,
    Release,
    Sample,
    Well,
    WellContact,
    WellSummary,
)
from ..roles import CONTACT_DETAILS_PERMISSION, PRIVATE_DATA_PERMISSION

# About a kilometre: the well's section of land, not the owner's house.
COARSE_DEGREES = 2  # decimal places
COARSE_LABEL = "0.01°"
EXACT_LABEL = "exact"

Access = Literal["all", "public", "none"]


@dataclass(frozen=True, kw_only=True)
class Audience:
    """What one reader may see."""

    private_data: bool = False
    contact_details: bool = False

    @property
    def scope(self) -> str:
        """How /api/stats and the export name what they counted."""
        return "all" if self.private_data else "public"


PUBLIC = Audience()
EVERYONE = Audience(private_data=True, contact_details=True)


def audience_get(*, user) -> Audience:
    """The audience of a user (anonymous included): their roles' permissions."""
    if not user.is_authenticated:
        return PUBLIC  # Django's backends grant anonymous users nothing
    granted = user.get_all_permissions()
    return _audience(user, granted)


async def audience_aget(*, user) -> Audience:
    # Anonymous readers, most of the traffic, decide without a thread hop; a signed-in user
    # costs one (aget_all_permissions), not one per permission.
    if not user.is_authenticated:
        return PUBLIC
    return _audience(user, await user.aget_all_permissions())


def _audience(user, granted: set[str]) -> Audience:
    def holds(permission: str) -> bool:
        return user.is_active and (user.is_superuser or permission in granted)

    return Audience(
        private_data=holds(PRIVATE_DATA_PERMISSION),
        contact_details=holds(CONTACT_DETAILS_PERMISSION),
    )


class Published(Expression):
    """The well (``well`` names its key from the queried model) may publish ``data_type``:
    it has no owner recorded, or its owner's consent to that data is in force.

    Written as SQL rather than as ``~Exists(owners) | Exists(consents)``: every public read
    carries up to three of these, and Django compiling their subqueries cost more than the
    queries themselves (5 ms of a well's detail, ADR-0012). The SQL is the same; the
    tests' plain-SQL oracle (tests/support/visibility.py) holds it to the rule."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, data_type: str, *, well: str = "pk") -> None:
        super().__init__(output_field=BooleanField())
        self.data_type = data_type
        self.well = F(well)

    def get_source_expressions(self) -> list:
        return [self.well]

    def set_source_expressions(self, expressions: list) -> None:
        (self.well,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        well_sql, well_params = compiler.compile(self.well)
        quote = connection.ops.quote_name
        contacts, consents = quote(WellContact._meta.db_table), quote(OwnerConsent._meta.db_table)
        sql = (
            f"(NOT EXISTS (SELECT 1 FROM {contacts} piezo_owner"
            f" WHERE piezo_owner.well_id = {well_sql} AND piezo_owner.role = %s)"
            f" OR EXISTS (SELECT 1 FROM {consents} piezo_consent"
            f" WHERE piezo_consent.well_id = {well_sql} AND piezo_consent.data_type = %s"
            " AND piezo_consent.revoked_at IS NULL))"
        )
        params = (*well_params, WellContact.Role.OWNER.value, *well_params, self.data_type)
        return sql, params


def wells_visible(wells: QuerySet[Well], *, audience: Audience) -> QuerySet[Well]:
    """``wells`` less those the audience may not see."""
    if audience.private_data:
        return wells
    return wells.filter(release_status=Release.PUBLIC)


def wells_placed(wells: QuerySet[Well], *, audience: Audience) -> QuerySet[Well]:
    """``wells`` with the coordinates the audience may see (``shown_latitude``,
    ``shown_longitude``) and whether they are exact (``exact_location``)."""
    shown = location_shown(audience=audience)
    return wells.annotate(
        exact_location=shown["exact"],
        shown_latitude=shown["latitude"],
        shown_longitude=shown["longitude"],
    )


def location_shown(*, audience: Audience) -> dict[str, Expression]:
    """Expressions over a well for what the audience may see of its location: ``latitude``
    and ``longitude`` (rounded to COARSE_DEGREES without the owner's consent), whether they
    are ``exact``, and the ``precision`` label the API gives."""
    if audience.private_data:
        return {
            "exact": Value(True, output_field=BooleanField()),
            "latitude": F("location__latitude"),
            "longitude": F("location__longitude"),
            "precision": Value(EXACT_LABEL),
        }
    exact = Published(OwnerConsent.DataType.LOCATION)
    return {
        "exact": exact,
        "latitude": _coordinate("location__latitude", exact),
        "longitude": _coordinate("location__longitude", exact),
        "precision": Case(When(exact, then=Value(EXACT_LABEL)), default=Value(COARSE_LABEL)),
    }


def _coordinate(field: str, exact: Published) -> Case:
    return Case(
        When(exact, then=F(field)),
        default=Round(F(field), COARSE_DEGREES),
        output_field=FloatField(),
    )


def _publishing(data_type: str) -> QuerySet[Well]:
    """The public wells that may publish ``data_type``: a small set, which the database
    hashes once rather than probing the consents for every reading."""
    return Well.objects.filter(Published(data_type), release_status=Release.PUBLIC).values("pk")


def readings_visible(
    readings: QuerySet[Observation], *, audience: Audience
) -> QuerySet[Observation]:
    """Readings of any wells, less those the audience may not see."""
    if audience.private_data:
        return readings
    return readings.filter(
        release_status=Release.PUBLIC,
        well_id__in=_publishing(OwnerConsent.DataType.WATER_LEVELS),
    )


def tallies_visible(tallies: QuerySet, *, audience: Audience) -> QuerySet:
    """Per-well tallies of readings (WellSummary, ReadingDay) of the wells whose readings
    the audience may see; which of their counts it may see is ``tally_prefix`` (ADR-0013)."""
    if audience.private_data:
        return tallies
    return tallies.filter(well_id__in=_publishing(OwnerConsent.DataType.WATER_LEVELS))


def tally_prefix(*, audience: Audience) -> str:
    """The prefix of the tallies' figures the audience may see: "" for all readings,
    "public_" for those themselves released."""
    return "" if audience.private_data else "public_"


def samples_visible(samples: QuerySet[Sample], *, audience: Audience) -> QuerySet[Sample]:
    if audience.private_data:
        return samples
    return samples.filter(
        release_status=Release.PUBLIC, well_id__in=_publishing(OwnerConsent.DataType.CHEMISTRY)
    )


@dataclass(frozen=True, kw_only=True)
class WellScope:
    """One well as one audience may read it: its readings and samples all, only the
    public ones, or none; and whether its exact location."""

    id: int
    site_no: str
    readings: Access
    samples: Access
    exact_location: bool

    def filter_readings(self, readings: QuerySet[Observation]) -> QuerySet[Observation]:
        """``readings`` (of this well) less those its audience may not see."""
        return _scoped(readings, self.readings)

    def filter_samples(self, samples: QuerySet[Sample]) -> QuerySet[Sample]:
        return _scoped(samples, self.samples)


def _scoped(records: QuerySet, access: Access) -> QuerySet:
    if access == "none":
        return records.none()
    if access == "public":
        return records.filter(release_status=Release.PUBLIC)
    return records


def summary_visible(summary: WellSummary | None, *, well: WellScope) -> WellSummary | None:
    """A well's summary, where it describes only readings the audience may see. Its
    figures (range, latest depth, trend) are computed from all the well's readings, so the
    public gets none for a well whose water levels are not published, or that has readings
    withheld one by one (their depths would show in the range)."""
    if summary is None or well.readings == "all":
        return summary
    if well.readings == "public" and summary.public_observation_count == summary.observation_count:
        return summary
    return None


def wells_judged(wells: QuerySet[Well], *, audience: Audience) -> QuerySet[Well]:
    """``wells`` with whether their readings and chemistry may be published
    (``levels_published``, ``chemistry_published``), where the audience needs to know."""
    if audience.private_data:
        return wells
    return wells.annotate(
        levels_published=Published(OwnerConsent.DataType.WATER_LEVELS),
        chemistry_published=Published(OwnerConsent.DataType.CHEMISTRY),
    )


def well_scope_of(well, *, audience: Audience) -> WellScope:
    """The scope of a well (an instance or a values() row) read through wells_visible,
    wells_judged and wells_placed for ``audience``."""
    value = well.get if isinstance(well, dict) else lambda name: getattr(well, name)
    if audience.private_data:
        return WellScope(
            id=value("pk"),
            site_no=value("site_no"),
            readings="all",
            samples="all",
            exact_location=True,
        )
    return WellScope(
        id=value("pk"),
        site_no=value("site_no"),
        readings="public" if value("levels_published") else "none",
        samples="public" if value("chemistry_published") else "none",
        exact_location=bool(value("exact_location")),
    )


def _scope_queryset(site_no: str, audience: Audience, objects: Manager) -> QuerySet:
    wells = wells_visible(objects.filter(site_no=site_no), audience=audience)
    if audience.private_data:
        return wells.values("pk", "site_no")
    return (
        wells_judged(wells, audience=audience)
        .annotate(exact_location=Published(OwnerConsent.DataType.LOCATION))
        .values("pk", "site_no", "levels_published", "chemistry_published", "exact_location")
    )


async def well_scope_aget(*, site_no: str, audience: Audience) -> WellScope | None:
    """The well with this site number as ``audience`` may read it; None when there is no
    such well or the audience may not see it (the two answer alike: a 404)."""
    row = await _scope_queryset(site_no, audience, reading(Well)).afirst()
    return None if row is None else well_scope_of(row, audience=audience)


def well_scope_get(*, site_no: str, audience: Audience) -> WellScope | None:
    row = _scope_queryset(site_no, audience, Well.objects).first()
    return None if row is None else well_scope_of(row, audience=audience)
