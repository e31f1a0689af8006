"""Writes of wells and their locations: from the API, the admin and the site importer."""

from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from ..contract import EventKind
from ..events import event_publish_on_commit
from ..models import Group, Location, Observation, Well, new_well_release
from .audit import readings_history_record
from .common import model_update
from .errors import NotFoundError, conflict_for_constraint

# What an update may change. Timestamps, the summary and the readings are not a well's
# own fields to set; names outside these lists are refused (services/common.py).
WELL_UPDATE_FIELDS = (
    "site_no",
    "name",
    "kind",
    "status",
    "well_depth_ft",
    "aquifer",
    "release_status",
)
LOCATION_UPDATE_FIELDS = (
    "latitude",
    "longitude",
    "land_surface_elevation_ft",
    "vertical_datum",
    "county",
    "state",
    "huc",
)


class LocationData(TypedDict, total=False):
    latitude: float
    longitude: float
    land_surface_elevation_ft: float | None
    vertical_datum: str
    county: str
    state: str
    huc: str


class WellChanges(TypedDict, total=False):
    site_no: str
    name: str
    kind: str
    status: str
    well_depth_ft: float | None
    aquifer: str
    location: LocationData
    groups: list[str]


def _wells_changed(*site_nos: str) -> None:
    event_publish_on_commit(kind=EventKind.WELLS_CHANGED, payload={"site_nos": list(site_nos)})


def well_create(
    *,
    site_no: str,
    name: str,
    location: LocationData,
    kind: str = "well",
    status: str = Well.Status.ACTIVE,
    well_depth_ft: float | None = None,
    aquifer: str = "",
    groups: list[str] | None = None,
    release_status: str | None = None,
) -> Well:
    """Create a well and its location; one transaction. Without ``release_status`` the
    well gets the deployment's default (models.new_well_release)."""
    with transaction.atomic():
        if Well.objects.filter(site_no=site_no).exists():
            raise conflict_for_constraint("well_unique_site_no")
        place = Location(**location)
        _location_clean(place)
        place.save()
        well = Well(
            site_no=site_no,
            name=name,
            kind=kind,
            status=status,
            well_depth_ft=well_depth_ft,
            aquifer=aquifer,
            location=place,
            release_status=release_status or new_well_release(),
        )
        well.full_clean(validate_constraints=False)
        well.save()
        well.groups.set(_groups_by_name(groups or []))
        _wells_changed(well.site_no)
    return well


def _location_clean(location: Location) -> None:
    """full_clean, with each error keyed under "location." as the API input nests it."""
    try:
        location.full_clean()
    except ValidationError as error:
        raise ValidationError({f"location.{k}": v for k, v in error.message_dict.items()}) from None


def _groups_by_name(names: list[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=names))
    missing = sorted(set(names) - {g.name for g in groups})
    if missing:
        raise ValidationError({"groups": f"Unknown group(s): {', '.join(missing)}."})
    return groups


def well_update(*, site_no: str, changes: WellChanges) -> Well:
    """Apply a partial update (only the given fields, from WELL_UPDATE_FIELDS and
    LOCATION_UPDATE_FIELDS) to a well and its location; one transaction."""
    changes = dict(changes)
    location_changes = changes.pop("location", None) or {}
    group_names = changes.pop("groups", None)
    with transaction.atomic():
        well = (
            Well.objects.select_related("location")
            .select_for_update()
            .filter(site_no=site_no)
            .first()
        )
        if well is None:
            raise NotFoundError(f"No well with site number {site_no!r}.")
        new_site_no = changes.get("site_no")
        if (
            new_site_no
            and new_site_no != site_no
            and Well.objects.filter(site_no=new_site_no).exists()
        ):
            raise conflict_for_constraint("well_unique_site_no")
        if location_changes:
            try:
                model_update(
                    instance=well.location, fields=LOCATION_UPDATE_FIELDS, data=location_changes
                )
            except ValidationError as error:
                raise ValidationError(
                    {f"location.{k}": v for k, v in error.message_dict.items()}
                ) from None
        model_update(instance=well, fields=WELL_UPDATE_FIELDS, data=changes)
        if group_names is not None:
            well.groups.set(_groups_by_name(group_names))
        _wells_changed(*{site_no, well.site_no})
    return well


def well_save(*, well: Well) -> Well:
    """Save a well that a form has validated whole (the admin's change page), and announce
    it; in the caller's transaction (the admin's view is one)."""
    well.save()
    _wells_changed(well.site_no)
    return well


def well_delete(*, site_no: str) -> None:
    """Delete a well with its readings and samples."""
    with transaction.atomic():
        wells = Well.objects.filter(site_no=site_no)
        readings_history_record(readings=Observation.objects.filter(well__in=wells), kind="-")
        deleted, _ = wells.delete()
        if not deleted:
            raise NotFoundError(f"No well with site number {site_no!r}.")
        _wells_changed(site_no)


def wells_delete(*, well_ids: list[int]) -> int:
    """Delete these wells with their readings and samples (the admin's bulk delete);
    returns how many wells went."""
    with transaction.atomic():
        wells = Well.objects.filter(pk__in=well_ids)
        site_nos = list(wells.values_list("site_no", flat=True))
        readings_history_record(readings=Observation.objects.filter(well__in=wells), kind="-")
        wells.delete()
        if site_nos:
            _wells_changed(*site_nos)
    return len(site_nos)


class SiteRecord(TypedDict):
    """One well of a site file, validated: its site number, name, kind and location."""

    site_no: str
    name: str
    kind: str
    location: LocationData


def wells_upsert(*, sites: list[SiteRecord]) -> tuple[int, int]:
    """Create the wells of a site file that are new and update the ones that exist (name,
    kind, location), validating each as the API would; all or nothing. Returns (created,
    updated)."""
    created = updated = 0
    with transaction.atomic():
        existing = {
            well.site_no: well
            for well in Well.objects.select_related("location").filter(
                site_no__in=[site["site_no"] for site in sites]
            )
        }
        for index, site in enumerate(sites):
            well = existing.get(site["site_no"])
            try:
                if well is None:
                    place = Location(**site["location"])
                    _location_clean(place)
                    place.save()
                    well = Well(
                        site_no=site["site_no"],
                        name=site["name"],
                        kind=site["kind"],
                        location=place,
                    )
                    well.full_clean(validate_constraints=False)
                    well.save()
                    created += 1
                else:
                    model_update(
                        instance=well.location,
                        fields=LOCATION_UPDATE_FIELDS,
                        data=site["location"],
                    )
                    model_update(
                        instance=well,
                        fields=WELL_UPDATE_FIELDS,
                        data={"name": site["name"] or well.name, "kind": site["kind"]},
                    )
                    updated += 1
            except ValidationError as error:
                raise ValidationError(
                    {f"{index}.{k}": v for k, v in error.message_dict.items()}
                ) from None
        if sites:
            _wells_changed(*[site["site_no"] for site in sites])
    return created, updated
