"""Calls through the project's own helpers: deep chains, cycles, methods on models,
helpers imported under another name, custom querysets."""

from django.http import HttpResponse, JsonResponse

from apps.monitoring.models import Well

from . import NATIVE, SITE, UNSAFE, case
from .offloading import count_wells as tally  # a helper under another name

HELPERS = "helpers"


def level_5(site_no: str) -> str:
    return Well.objects.get(site_no=site_no).name


def level_4(site_no: str) -> str:
    return level_5(site_no).strip()


def level_3(site_no: str) -> str:
    return level_4(site_no)


def level_2(site_no: str) -> str:
    return level_3(site_no)


def level_1(site_no: str) -> str:
    return level_2(site_no)


async def alevel_1(site_no: str) -> str:
    return level_1(site_no)


def ping(n: int) -> int:
    return pong(n - 1) if n > 0 else Well.objects.count()


def pong(n: int) -> int:
    return ping(n - 1) if n > 0 else 0


def names(wells) -> list[str]:
    return [w.name for w in wells]


def safe_ping(n: int) -> int:
    return safe_pong(n - 1) if n > 0 else 0


def safe_pong(n: int) -> int:
    return safe_ping(n - 1) if n > 0 else 1


class Formatter:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def label(self, site_no: str) -> str:
        return self.prefix + level_5(site_no)

    def plain(self, text: str) -> str:
        return self.prefix + text


@case(UNSAFE, HELPERS)
async def five_calls_deep(request):
    return HttpResponse(level_1(SITE))


@case(UNSAFE, HELPERS)
async def through_an_async_helper(request):
    return HttpResponse(await alevel_1(SITE))


@case(UNSAFE, HELPERS)
async def through_a_cycle(request):
    return JsonResponse({"n": ping(2)})


@case(UNSAFE, HELPERS)
async def passes_a_queryset_to_a_helper_that_iterates_it(request):
    return JsonResponse({"names": names(Well.objects.filter(site_no=SITE))})


@case(UNSAFE, HELPERS)
async def helper_imported_under_another_name(request):
    return JsonResponse({"n": tally()})


@case(UNSAFE, HELPERS)
async def method_of_a_helper_object(request):
    return HttpResponse(Formatter("well ").label(SITE))


@case(UNSAFE, HELPERS)
async def model_method(request):
    well = await Well.objects.aget(site_no=SITE)
    return HttpResponse(str(well.full_clean()))


@case(UNSAFE, HELPERS)
async def project_model_method(request):
    # Well.clean() checks its kind against the lexicon: a query, two calls down.
    well = await Well.objects.aget(site_no=SITE)
    well.clean()
    return HttpResponse("clean")


# -- safe ----------------------------------------------------------------------------------


@case(NATIVE, HELPERS)
async def pure_helpers_through_a_cycle(request):
    return JsonResponse({"n": safe_ping(4)})


@case(NATIVE, HELPERS)
async def helper_given_a_list(request):
    wells = [w async for w in Well.objects.filter(site_no=SITE)]
    return JsonResponse({"names": names(wells)})


@case(NATIVE, HELPERS)
async def pure_method_of_a_helper_object(request):
    return HttpResponse(Formatter("well ").plain(SITE))
