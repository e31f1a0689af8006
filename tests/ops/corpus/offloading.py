"""Handing sync work to a thread: right (thread-sensitive, or channels'
database_sync_to_async, which closes its connections) and wrong (an unpinned thread that
reaches the ORM: a connection per thread that nobody closes)."""

import asyncio
import functools

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.http import JsonResponse

from apps.monitoring.models import Well

from . import OFFLOADED, SITE, UNSAFE, case

OFFLOAD = "offload"


def count_wells() -> int:
    return Well.objects.count()


def checksum(text: str) -> int:
    return sum(map(ord, text))


@sync_to_async(thread_sensitive=False)
def count_wells_unpinned() -> int:
    return Well.objects.filter(site_no=SITE).count()


@case(UNSAFE, OFFLOAD)
async def thread_sensitive_false_reaching_the_orm(request):
    return JsonResponse({"n": await sync_to_async(count_wells, thread_sensitive=False)()})


@case(UNSAFE, OFFLOAD)
async def thread_sensitive_false_lambda(request):
    n = await sync_to_async(lambda: Well.objects.count(), thread_sensitive=False)()
    return JsonResponse({"n": n})


@case(UNSAFE, OFFLOAD)
async def thread_sensitive_false_bound_method(request):
    n = await sync_to_async(Well.objects.count, thread_sensitive=False)()
    return JsonResponse({"n": n})


@case(UNSAFE, OFFLOAD)
async def decorated_unpinned_function(request):
    return JsonResponse({"n": await count_wells_unpinned()})


@case(UNSAFE, OFFLOAD)
async def asyncio_to_thread_reaching_the_orm(request):
    return JsonResponse({"n": await asyncio.to_thread(count_wells)})


@case(UNSAFE, OFFLOAD)
async def run_in_executor_reaching_the_orm(request):
    loop = asyncio.get_running_loop()
    return JsonResponse({"n": await loop.run_in_executor(None, count_wells)})


# -- safe ----------------------------------------------------------------------------------


@case(OFFLOADED, OFFLOAD)
async def sync_to_async_service(request):
    return JsonResponse({"n": await sync_to_async(count_wells)()})


@case(OFFLOADED, OFFLOAD)
async def database_sync_to_async_outside_a_consumer(request):
    return JsonResponse({"n": await database_sync_to_async(count_wells)()})


@case(OFFLOADED, OFFLOAD)
async def thread_sensitive_false_for_pure_work(request):
    total = await sync_to_async(checksum, thread_sensitive=False)("piezo")
    return JsonResponse({"total": total})


@case(OFFLOADED, OFFLOAD)
async def to_thread_for_pure_work(request):
    total = await asyncio.to_thread(functools.partial(checksum, "piezo"))
    return JsonResponse({"total": total})


@case(OFFLOADED, OFFLOAD)
async def sync_to_async_lambda(request):
    names = await sync_to_async(lambda: [w.name for w in Well.objects.all()])()
    return JsonResponse({"names": names})
