"""Reads of wells: lists with filters, one well's detail, the browser's choices."""

from dataclasses import dataclass

from django.db.models import F, Manager, Q, QuerySet

from ..asyncdriver import reading
from ..models import Group, Well, WellContact, WellSummary
from .common import strict
from .visibility import (
    COARSE_LABEL,
    EXACT_LABEL,
    Audience,
    WellScope,
    location_shown,
    summary_visible,
    well_scope_of,
    wells_judged,
    wells_placed,
    wells_visible,
)

WELL_ORDERINGS = (
    "site_no",
    "-site_no",
    "name",
    "-name",
    "well_depth_ft",
    "-well_depth_ft",
    "updated_at",
    "-updated_at",
)


@dataclass(frozen=True, kw_only=True)
class WellFilters:
    status: str | None = None
    kind: str | None = None
    county: str | None = None
    aquifer: str | None = None
    group: str | None = None
    q: str | None = None
    # (min_lon, min_lat, max_lon, max_lat), as GeoJSON orders a bbox.
    bbox: tuple[float, float, float, float] | None = None
    ordering: str = "site_no"


def well_queryset(
    *, filters: WellFilters, audience: Audience, objects: Manager | None = None
) -> QuerySet[Well]:
    """Wells matching ``filters`` that ``audience`` may see, with their location joined (one
    query, no lazy loads) and the coordinates it may see, from ``objects`` (Django's
    manager unless given)."""
    wells = strict((Well.objects if objects is None else objects).select_related("location"))
    wells = _wells_matching(wells_visible(wells, audience=audience), filters)
    return wells_placed(wells, audience=audience).order_by(filters.ordering, "pk")


def well_aqueryset(*, filters: WellFilters, audience: Audience) -> QuerySet[Well]:
    """well_queryset for async callers (P4 or P2, ADR-0007)."""
    return well_queryset(filters=filters, audience=audience, objects=reading(Well))


def well_counted_aqueryset(*, filters: WellFilters, audience: Audience) -> QuerySet[Well]:
    """The wells of well_aqueryset, bare: what a page counts."""
    return _wells_matching(wells_visible(reading(Well).all(), audience=audience), filters)


def _wells_matching(wells: QuerySet[Well], filters: WellFilters) -> QuerySet[Well]:
    if filters.status:
        wells = wells.filter(status=filters.status)
    if filters.kind:
        wells = wells.filter(kind=filters.kind)
    if filters.county:
        wells = wells.filter(location__county__iexact=filters.county)
    if filters.aquifer:
        wells = wells.filter(aquifer__iexact=filters.aquifer)
    if filters.group:
        wells = wells.filter(groups__name__iexact=filters.group)
    if filters.q:
        wells = wells.filter(Q(name__icontains=filters.q) | Q(site_no__icontains=filters.q))
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        wells = wells.filter(
            location__longitude__gte=min_lon,
            location__longitude__lte=max_lon,
            location__latitude__gte=min_lat,
            location__latitude__lte=max_lat,
        )
    return wells


@dataclass(frozen=True)
class WellDetail:
    """One well with its location and summary loaded, its groups' names and its contacts
    (name, organization, role) in the order they were added; ``scope`` says what of it
    the audience may read, ``location`` the place as it may see it."""

    well: Well
    scope: WellScope
    groups: list[str]
    contacts: list[dict[str, str]]

    @property
    def summary(self) -> WellSummary | None:
        """The well's summary if the audience may see it (summary_visible); None also for a
        well without readings."""
        # getattr: a missing reverse one-to-one raises.
        return summary_visible(getattr(self.well, "summary", None), well=self.scope)

    @property
    def location(self) -> dict:
        place = self.well.location
        return {
            "latitude": self.well.shown_latitude,
            "longitude": self.well.shown_longitude,
            "land_surface_elevation_ft": place.land_surface_elevation_ft,
            "vertical_datum": place.vertical_datum,
            "county": place.county,
            "state": place.state,
            "huc": place.huc,
            "precision": EXACT_LABEL if self.well.exact_location else COARSE_LABEL,
        }


CONTACT_FIELDS = {"name": F("contact__name"), "organization": F("contact__organization")}


def _well_groups(well_id: int, objects: Manager) -> QuerySet:
    return objects.filter(wells=well_id).order_by("name").values_list("name", flat=True)


def _well_contacts(well_id: int, objects: Manager) -> QuerySet:
    return objects.filter(well_id=well_id).order_by("pk").values("role", **CONTACT_FIELDS)


WELL_LIST_FIELDS = (
    "site_no",
    "name",
    "kind",
    "status",
    "aquifer",
    "well_depth_ft",
    "release_status",
    "updated_at",
)


def well_row_queryset(
    *, filters: WellFilters, audience: Audience, objects: Manager | None = None
) -> QuerySet:
    """The wells of well_queryset as the API's list rows: plain values, the location's
    columns beside the well's and the coordinates the audience may see, with no model
    instances to build and no annotations beyond the row's own."""
    wells = strict((Well.objects if objects is None else objects).all())
    wells = _wells_matching(wells_visible(wells, audience=audience), filters)
    shown = location_shown(audience=audience)
    return wells.values(
        *WELL_LIST_FIELDS,
        county=F("location__county"),
        state=F("location__state"),
        latitude=shown["latitude"],
        longitude=shown["longitude"],
        location_precision=shown["precision"],
    ).order_by(filters.ordering, "pk")


def well_row_aqueryset(*, filters: WellFilters, audience: Audience) -> QuerySet:
    """well_row_queryset for async callers (P4 or P2, ADR-0007)."""
    return well_row_queryset(filters=filters, audience=audience, objects=reading(Well))


def _detail_queryset(site_no: str, audience: Audience, objects: Manager) -> QuerySet[Well]:
    wells = strict(objects.select_related("location", "summary")).filter(site_no=site_no)
    wells = wells_judged(wells_visible(wells, audience=audience), audience=audience)
    return wells_placed(wells, audience=audience)


async def well_aget(*, site_no: str, audience: Audience) -> WellDetail | None:
    """The well with this site number as ``audience`` may see it (its scope, location,
    summary, groups and contacts), or None: plain queries, since the async driver has no
    prefetch_related (ADR-0007)."""
    well = await _detail_queryset(site_no, audience, reading(Well)).afirst()
    if well is None:
        return None
    return WellDetail(
        well=well,
        scope=well_scope_of(well, audience=audience),
        groups=[name async for name in _well_groups(well.pk, reading(Group))],
        contacts=[contact async for contact in _well_contacts(well.pk, reading(WellContact))],
    )


def well_get(*, site_no: str, audience: Audience) -> WellDetail | None:
    """The sync twin of well_aget (the benchmarks' sync views)."""
    well = _detail_queryset(site_no, audience, Well.objects).first()
    if well is None:
        return None
    return WellDetail(
        well=well,
        scope=well_scope_of(well, audience=audience),
        groups=list(_well_groups(well.pk, Group.objects)),
        contacts=list(_well_contacts(well.pk, WellContact.objects)),
    )


async def featured_well_aget(*, audience: Audience) -> Well | None:
    """The landing page's featured well: an active well with a logger, else any active well,
    among those the audience may see."""
    active = wells_visible(
        strict(reading(Well).select_related("location")).filter(status=Well.Status.ACTIVE),
        audience=audience,
    )
    active = wells_placed(active, audience=audience)
    logged = active.filter(deployments__removed_on__isnull=True, deployments__isnull=False)
    return await logged.order_by("site_no").afirst() or await active.order_by("site_no").afirst()


async def well_filter_choices_aget(*, audience: Audience) -> dict[str, list[str]]:
    """The values the wells browser offers in its filters (of the wells it may show)."""
    wells = wells_visible(reading(Well).all(), audience=audience).order_by()
    return {
        "county": [
            c
            async for c in wells.exclude(location__county="")
            .order_by("location__county")
            .values_list("location__county", flat=True)
            .distinct()
        ],
        "aquifer": [
            a
            async for a in wells.exclude(aquifer="")
            .order_by("aquifer")
            .values_list("aquifer", flat=True)
            .distinct()
        ],
        "group": [g async for g in reading(Group).order_by("name").values_list("name", flat=True)],
        "status": list(Well.Status.values),
    }
