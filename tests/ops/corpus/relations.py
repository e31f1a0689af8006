"""Lazy relations: attribute access that runs a query because the query that fetched the
instance did not load the relation; and the same reads done right."""

from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import aget_object_or_404

from apps.monitoring.models import Observation, Well

from . import NATIVE, SITE, UNKNOWN, UNSAFE, case

LAZY = "lazy-relation"


@case(UNSAFE, LAZY)
async def forward_fk_without_select_related(request):
    well = await Well.objects.aget(site_no=SITE)
    return HttpResponse(well.location.county)


@case(UNSAFE, LAZY)
async def forward_fk_in_an_async_for(request):
    counties = [w.location.county async for w in Well.objects.filter(site_no=SITE)]
    return JsonResponse({"counties": counties})


@case(UNSAFE, LAZY)
async def select_related_of_another_relation(request):
    observation = (
        await Observation.objects.select_related("sensor").filter(well__site_no=SITE).afirst()
    )
    return HttpResponse(observation.well.name if observation else "")


@case(UNSAFE, LAZY)
async def two_hops_with_only_the_first_loaded(request):
    observation = (
        await Observation.objects.select_related("well").filter(well__site_no=SITE).afirst()
    )
    return HttpResponse(observation.well.location.county if observation else "")


@case(UNSAFE, LAZY)
async def reverse_one_to_one(request):
    well = await Well.objects.aget(site_no=SITE)
    summary = well.summary
    return HttpResponse(str(summary.pk))


@case(UNSAFE, LAZY)
async def deferred_field_outside_only(request):
    well = await Well.objects.only("site_no").aget(site_no=SITE)
    return HttpResponse(well.name)


@case(UNSAFE, LAZY)
async def object_from_aget_object_or_404(request):
    well = await aget_object_or_404(Well, site_no=SITE)
    return HttpResponse(well.location.county)


def _county(well: Well) -> str:
    return well.location.county


@case(UNKNOWN, LAZY)
async def helper_reads_a_relation_of_an_unknown_instance(request, well=None):
    # The helper cannot know what the caller loaded; neither can the analyser.
    return HttpResponse(_county(well) if well else "")


@case(UNSAFE, LAZY, missed_as=NATIVE)
async def relation_read_with_getattr(request):
    # Known miss: a relation named by a string is not followed.
    well = await Well.objects.aget(site_no=SITE)
    return HttpResponse(getattr(well, "location").county)  # noqa: B009


# -- safe ----------------------------------------------------------------------------------


@case(NATIVE, LAZY)
async def select_related_then_access(request):
    well = await Well.objects.select_related("location").aget(site_no=SITE)
    return HttpResponse(well.location.county)


@case(NATIVE, LAZY)
async def select_related_two_hops(request):
    observation = (
        await Observation.objects.select_related("well__location")
        .filter(well__site_no=SITE)
        .afirst()
    )
    return HttpResponse(observation.well.location.county if observation else "")


@case(NATIVE, LAZY)
async def prefetch_related_then_all(request):
    well = await Well.objects.prefetch_related("groups").aget(site_no=SITE)
    return JsonResponse({"groups": [g.name for g in well.groups.all()]})


@case(NATIVE, LAZY)
async def prefetch_object_then_all(request):
    wells = Well.objects.prefetch_related(Prefetch("groups")).filter(site_no=SITE)
    names = [[g.name for g in w.groups.all()] async for w in wells]
    return JsonResponse({"groups": names})


@case(NATIVE, LAZY)
async def foreign_key_id_needs_no_query(request):
    well = await Well.objects.aget(site_no=SITE)
    return JsonResponse({"location": well.location_id})


@case(NATIVE, LAZY)
async def helper_given_a_loaded_instance(request):
    well = await Well.objects.select_related("location").aget(site_no=SITE)
    return HttpResponse(_county(well))


@case(NATIVE, LAZY)
async def only_the_fields_read(request):
    well = await Well.objects.only("site_no", "name").aget(site_no=SITE)
    return HttpResponse(f"{well.site_no} {well.name}")
