"""Every way a queryset is evaluated synchronously, and the async ORM that is not."""

from django.http import HttpResponse, JsonResponse

from apps.monitoring.models import Observation, Well

from . import NATIVE, SITE, UNSAFE, case

QUERYSET = "queryset-evaluation"
ORM = "orm"


@case(UNSAFE, QUERYSET)
async def iterates_in_a_for_loop(request):
    names = []
    for well in Well.objects.filter(site_no=SITE):
        names.append(well.name)
    return JsonResponse({"names": names})


@case(UNSAFE, QUERYSET)
async def iterates_in_a_comprehension(request):
    return JsonResponse({"names": [w.name for w in Well.objects.all()]})


@case(UNSAFE, QUERYSET)
async def takes_len(request):
    wells = Well.objects.filter(site_no=SITE)
    return JsonResponse({"count": len(wells)})


@case(UNSAFE, QUERYSET)
async def makes_a_list(request):
    wells = list(Well.objects.values_list("site_no", flat=True))
    return JsonResponse({"wells": wells})


@case(UNSAFE, QUERYSET)
async def tests_truth_with_if(request):
    wells = Well.objects.filter(site_no=SITE)
    if wells:
        return HttpResponse("some")
    return HttpResponse("none")


@case(UNSAFE, QUERYSET)
async def tests_truth_with_bool_and_not(request):
    empty = not Well.objects.filter(site_no="nothing")
    return JsonResponse({"empty": empty})


@case(UNSAFE, QUERYSET)
async def indexes(request):
    well = Well.objects.order_by("site_no")[0]
    return HttpResponse(well.site_no)


@case(UNSAFE, QUERYSET)
async def slices_with_a_step(request):
    every_other = Well.objects.order_by("site_no")[::2]
    return JsonResponse({"n": 1 if every_other else 0})


@case(UNSAFE, QUERYSET)
async def takes_repr_in_an_fstring(request):
    wells = Well.objects.all()
    return HttpResponse(f"wells: {wells}")


@case(UNSAFE, QUERYSET)
async def tests_membership(request):
    well = await Well.objects.aget(site_no=SITE)
    return JsonResponse({"member": well in Well.objects.all()})


@case(UNSAFE, QUERYSET)
async def unpacks(request):
    (well,) = Well.objects.filter(site_no=SITE)
    return HttpResponse(well.site_no)


@case(UNSAFE, QUERYSET)
async def sums_a_generator(request):
    total = sum(o.depth_to_water_ft or 0 for o in Observation.objects.all()[:10])
    return JsonResponse({"total": total})


@case(UNSAFE, QUERYSET)
async def iterates_a_related_manager(request):
    well = await Well.objects.aget(site_no=SITE)
    return JsonResponse({"n": len([o.pk for o in well.observations.all()])})


@case(UNSAFE, QUERYSET)
async def uses_exists_in_a_condition(request):
    return JsonResponse({"any": Well.objects.filter(site_no=SITE).exists()})


@case(UNSAFE, ORM)
async def gets(request):
    well = Well.objects.get(site_no=SITE)
    return HttpResponse(well.name)


@case(UNSAFE, ORM)
async def counts(request):
    return JsonResponse({"wells": Well.objects.count()})


@case(UNSAFE, ORM)
async def aggregates(request):
    from django.db.models import Max

    return JsonResponse(Well.objects.aggregate(latest=Max("site_no")))


@case(UNSAFE, ORM)
async def saves_an_instance(request):
    well = await Well.objects.aget(site_no=SITE)
    well.name = well.name.strip()
    well.save(update_fields=["name"])
    return HttpResponse("saved")


@case(UNSAFE, ORM)
async def refreshes_an_instance(request):
    well = await Well.objects.aget(site_no=SITE)
    well.refresh_from_db()
    return HttpResponse(well.name)


@case(UNSAFE, ORM)
async def deletes_through_a_queryset(request):
    Observation.objects.filter(well__site_no="no-such-well").delete()
    return HttpResponse("gone")


@case(UNSAFE, ORM)
async def counts_a_related_manager(request):
    well = await Well.objects.aget(site_no=SITE)
    return JsonResponse({"n": well.observations.count()})


@case(UNSAFE, QUERYSET, missed_as=NATIVE)
async def iterates_a_queryset_kept_in_a_dict(request):
    # Known miss: values inside containers are not tracked.
    parts = {"wells": Well.objects.filter(site_no=SITE)}
    return JsonResponse({"names": [w.name for w in parts["wells"]]})


# -- safe ----------------------------------------------------------------------------------


@case(NATIVE, QUERYSET)
async def async_for(request):
    names = [w.name async for w in Well.objects.filter(site_no=SITE)]
    return JsonResponse({"names": names})


@case(NATIVE, QUERYSET)
async def async_terminals(request):
    well = await Well.objects.aget(site_no=SITE)
    first = await Well.objects.order_by("site_no").afirst()
    count = await Well.objects.acount()
    exists = await Well.objects.filter(site_no=SITE).aexists()
    return JsonResponse({"w": well.site_no, "f": first.site_no, "c": count, "e": exists})


@case(NATIVE, QUERYSET)
async def aiterator_and_plain_slice(request):
    wells = Well.objects.order_by("site_no")[:5]
    names = [w.site_no async for w in wells.aiterator(chunk_size=10)]
    return JsonResponse({"names": names})


@case(NATIVE, ORM)
async def async_writes(request):
    well = await Well.objects.aget(site_no=SITE)
    await well.asave(update_fields=["name"])
    await well.arefresh_from_db()
    await Observation.objects.filter(well__site_no="no-such-well").adelete()
    updated = await Well.objects.filter(site_no="no-such-well").aupdate(name="x")
    return JsonResponse({"updated": updated})


@case(NATIVE, QUERYSET)
async def builds_a_queryset_without_evaluating_it(request):
    wells = Well.objects.filter(site_no=SITE).exclude(name="").order_by("name")
    latest = wells.values("site_no")
    return JsonResponse({"sql": str(latest.query)[:0], "n": await latest.acount()})
