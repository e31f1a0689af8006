"""One small view per case the migration checklist must classify (tests/ops/test_checklist.py).
Never served: the checklist only reads their source."""

import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views import View
from django_async_backend.db import async_connections
from ninja import NinjaAPI, Router

from apps.monitoring.models import Well


def sync_view(request):
    return JsonResponse({"wells": Well.objects.count()})


async def native_view(request):
    well = await Well.objects.aget(site_no=request.GET["site_no"])
    names = [w.name async for w in Well.objects.filter(status="active")]
    return JsonResponse({"site_no": well.site_no, "names": names})


async def unsafe_direct_view(request):
    well = Well.objects.get(site_no=request.GET["site_no"])
    return JsonResponse({"site_no": well.site_no})


async def driver_view(request):
    """ADR-0007's P4: django-async-backend's manager, no thread."""
    names = [w.name async for w in Well.async_objects.filter(status="active")]
    return JsonResponse({"names": names, "count": await Well.async_objects.acount()})


async def driver_helper() -> int:
    connection = async_connections["readonly"]
    async with await connection.cursor() as cursor:
        await cursor.execute("SELECT 1")
        return (await cursor.fetchone())[0]


async def driver_through_helper_view(request):
    return JsonResponse({"one": await driver_helper()})


async def driver_but_unsafe_view(request):
    names = [w.name async for w in Well.async_objects.all()]
    return JsonResponse({"names": names, "count": Well.objects.count()})


def helper_that_iterates(status: str) -> list[str]:
    return [well.site_no for well in Well.objects.filter(status=status)]


async def unsafe_through_helper_view(request):
    return JsonResponse({"site_nos": helper_that_iterates("active")})


async def offloaded_view(request):
    count = await sync_to_async(Well.objects.count)()
    return JsonResponse({"wells": count})


async def sleeping_view(request):
    time.sleep(0.1)  # noqa: ASYNC251 - the case the checklist must catch
    return HttpResponse("slept")


class AsyncClassView(View):
    async def get(self, request):
        return JsonResponse({"wells": await Well.objects.acount()})

    async def post(self, request):
        return JsonResponse({"ok": True})


class CountingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"wells": await self.count()})

    @database_sync_to_async
    def count(self) -> int:
        return Well.objects.count()


router = Router()


@router.get("/mixed")
async def mixed_read(request):
    return {"wells": await Well.objects.acount()}


@router.post("/mixed")
def mixed_write(request):
    return {"wells": Well.objects.count()}


api = NinjaAPI(urls_namespace="checklist-fixture")
api.add_router("/", router)

urlpatterns = [
    path("sync/", sync_view),
    path("native/", native_view),
    path("unsafe-direct/", unsafe_direct_view),
    path("unsafe-helper/", unsafe_through_helper_view),
    path("offloaded/", offloaded_view),
    path("sleeping/", sleeping_view),
    path("class/", AsyncClassView.as_view()),
    path("api/", api.urls),
]
