"""Reads of wells: lists with filters, one well's detail, the browser's choices."""

from dataclasses import dataclass

from django.db.models import F, Manager, Q, QuerySet

from ..asyncdriver import reading
from ..models import Group, Location, Well, WellContact
from .common import strict

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


def well_queryset(*, filters: WellFilters, objects: Manager | None = None) -> QuerySet[Well]:
    """Wells matching ``filters``, with their location joined (one query, no lazy loads),
    from ``objects`` (Django's manager unless given)."""
    wells = strict((Well.objects if objects is None else objects).select_related("location"))
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
    return wells.order_by(filters.ordering, "pk")


def well_aqueryset(*, filters: WellFilters) -> QuerySet[Well]:
    """well_queryset for async callers (P4 or P2, ADR-0007)."""
    return well_queryset(filters=filters, objects=reading(Well))


@dataclass(frozen=True)
class WellDetail:
    """One well with its location and summary loaded, its groups' names and its contacts
    (name, organization, role) in the order they were added."""

    well: Well
    groups: list[str]
    contacts: list[dict[str, str]]


CONTACT_FIELDS = {"name": F("contact__name"), "organization": F("contact__organization")}


def _well_detail_queryset(site_no: str, objects: Manager) -> QuerySet[Well]:
    return strict(objects.select_related("location", "summary")).filter(site_no=site_no)


def _well_groups(well_id: int, objects: Manager) -> QuerySet:
    return objects.filter(wells=well_id).order_by("name").values_list("name", flat=True)


def _well_contacts(well_id: int, objects: Manager) -> QuerySet:
    return objects.filter(well_id=well_id).order_by("pk").values("role", **CONTACT_FIELDS)


WELL_LIST_FIELDS = ("site_no", "name", "kind", "status", "aquifer", "well_depth_ft", "updated_at")


def well_rows(wells: QuerySet[Well]) -> QuerySet:
    """``wells`` as the API's list rows: plain values with the location's columns beside
    the well's, no model instances to build and read back."""
    return wells.values(
        *WELL_LIST_FIELDS,
        county=F("location__county"),
        state=F("location__state"),
        latitude=F("location__latitude"),
        longitude=F("location__longitude"),
    )


async def well_aget(*, site_no: str) -> WellDetail | None:
    """One well with its location, summary, groups and contacts, or None: three plain
    queries, since the async driver has no prefetch_related (ADR-0007)."""
    well = await _well_detail_queryset(site_no, reading(Well)).afirst()
    if well is None:
        return None
    return WellDetail(
        well,
        [name async for name in _well_groups(well.pk, reading(Group))],
        [contact async for contact in _well_contacts(well.pk, reading(WellContact))],
    )


def well_get(*, site_no: str) -> WellDetail | None:
    """The sync twin of well_aget (the benchmarks' sync views)."""
    well = _well_detail_queryset(site_no, Well.objects).first()
    if well is None:
        return None
    return WellDetail(
        well,
        list(_well_groups(well.pk, Group.objects)),
        list(_well_contacts(well.pk, WellContact.objects)),
    )


async def well_aget_id(*, site_no: str) -> int | None:
    return await reading(Well).filter(site_no=site_no).values_list("pk", flat=True).afirst()


def well_get_id(*, site_no: str) -> int | None:
    return Well.objects.filter(site_no=site_no).values_list("pk", flat=True).first()


async def well_aexists(*, site_no: str) -> bool:
    """Whether a well has this site number (a websocket's subscription check)."""
    return await well_aget_id(site_no=site_no) is not None


def well_exists(*, site_no: str) -> bool:
    return Well.objects.filter(site_no=site_no).exists()


async def featured_well_aget() -> Well | None:
    """The landing page's featured well: an active well with a logger, else any active well."""
    logged = strict(reading(Well).select_related("location")).filter(
        status=Well.Status.ACTIVE, deployments__removed_on__isnull=True, deployments__isnull=False
    )
    return (
        await logged.order_by("site_no").afirst()
        or await strict(reading(Well).select_related("location"))
        .filter(status=Well.Status.ACTIVE)
        .order_by("site_no")
        .afirst()
    )


async def well_filter_choices_aget() -> dict[str, list[str]]:
    """The values the wells browser offers in its filters."""
    return {
        "county": [
            c
            async for c in reading(Location)
            .exclude(county="")
            .order_by("county")
            .values_list("county", flat=True)
            .distinct()
        ],
        "aquifer": [
            a
            async for a in reading(Well)
            .exclude(aquifer="")
            .order_by("aquifer")
            .values_list("aquifer", flat=True)
            .distinct()
        ],
        "group": [g async for g in reading(Group).order_by("name").values_list("name", flat=True)],
        "status": list(Well.Status.values),
    }
