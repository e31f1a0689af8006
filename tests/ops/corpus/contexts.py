"""Sync work in the places async code hides it: async generators feeding a streaming
response, async iterators, decorators around a view, class-based views and their helpers,
websocket consumers, and middleware running on the loop."""

import functools
import time

from asgiref.sync import markcoroutinefunction, sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views import View

from apps.monitoring.models import Observation, Well

from . import NATIVE, OFFLOADED, SITE, UNSAFE, case

CONTEXT = "async-context"


# -- async generators and iterators --------------------------------------------------------


async def rows_with_a_sync_query():
    yield "site_no\n"
    for well in Well.objects.filter(site_no=SITE):
        yield f"{well.site_no}\n"


async def rows_async():
    yield "site_no\n"
    async for well in Well.objects.filter(site_no=SITE):
        yield f"{well.site_no}\n"


@case(UNSAFE, CONTEXT)
async def streams_an_async_generator_with_a_sync_query(request):
    return StreamingHttpResponse(rows_with_a_sync_query(), content_type="text/csv")


@case(UNSAFE, CONTEXT)
async def streams_a_nested_generator(request):
    async def body():
        yield str(Well.objects.count())

    return StreamingHttpResponse(body())


class WellNames:
    """An async iterator whose __anext__ does sync work."""

    def __init__(self) -> None:
        self.done = False

    def __aiter__(self):
        return self

    async def __anext__(self) -> str:
        if self.done:
            raise StopAsyncIteration
        self.done = True
        return Well.objects.get(site_no=SITE).name


@case(UNSAFE, CONTEXT)
async def consumes_an_async_iterator_with_a_sync_query(request):
    return JsonResponse({"names": [name async for name in WellNames()]})


@case(NATIVE, CONTEXT)
async def streams_an_async_generator(request):
    return StreamingHttpResponse(rows_async(), content_type="text/csv")


# -- decorators ----------------------------------------------------------------------------


def audited(view):
    """A decorator a team writes: it logs the caller by reading the user (sync)."""

    @functools.wraps(view)
    async def wrapper(request, *args, **kwargs):
        _ = request.user.pk
        return await view(request, *args, **kwargs)

    return wrapper


def timed(view):
    @functools.wraps(view)
    async def wrapper(request, *args, **kwargs):
        started = time.monotonic()
        response = await view(request, *args, **kwargs)
        response["X-Elapsed"] = f"{time.monotonic() - started:.3f}"
        return response

    return wrapper


def slowed(view):
    @functools.wraps(view)
    async def wrapper(request, *args, **kwargs):
        time.sleep(0.01)
        return await view(request, *args, **kwargs)

    return wrapper


@case(UNSAFE, CONTEXT)
@audited
async def decorated_with_a_sync_decorator(request):
    return JsonResponse({"n": await Well.objects.acount()})


@case(UNSAFE, CONTEXT)
@slowed
async def decorated_with_a_sleeping_decorator(request):
    return JsonResponse({"n": await Well.objects.acount()})


@case(NATIVE, CONTEXT)
@timed
async def decorated_with_an_async_decorator(request):
    return JsonResponse({"n": await Well.objects.acount()})


# -- class-based views ---------------------------------------------------------------------


@case(UNSAFE, CONTEXT)
class ViewWithASyncHelper(View):
    async def get(self, request):
        return JsonResponse({"names": self.names()})

    def names(self) -> list[str]:
        return list(self.queryset().values_list("site_no", flat=True))

    def queryset(self):
        return Well.objects.filter(site_no=SITE)


@case(UNSAFE, CONTEXT)
class ViewWithASyncPost(View):
    async def get(self, request):
        return JsonResponse({"n": await Well.objects.acount()})

    async def post(self, request):
        Observation.objects.filter(well__site_no="no-such-well").delete()
        return HttpResponse("deleted")


@case(UNSAFE, CONTEXT, missed_as=NATIVE)
class ViewKeepingAQuerysetOnSelf(View):
    """Known miss: state set on self in one method and evaluated in another."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.wells = Well.objects.filter(site_no=SITE)

    async def get(self, request):
        return JsonResponse({"names": [w.name for w in self.wells]})


@case(NATIVE, CONTEXT)
class AsyncView(View):
    async def get(self, request):
        return JsonResponse({"names": await self.names()})

    async def names(self) -> list[str]:
        return [
            w async for w in Well.objects.filter(site_no=SITE).values_list("site_no", flat=True)
        ]


# -- websocket consumers -------------------------------------------------------------------


@case(UNSAFE, CONTEXT)
class ConsumerQueryingInConnect(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"wells": Well.objects.count()})


@case(UNSAFE, CONTEXT)
class ConsumerQueryingInAHandler(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.receive_json({"site_no": SITE})

    async def receive_json(self, content, **kwargs):
        well = Well.objects.filter(site_no=content.get("site_no")).first()
        await self.send_json({"name": well.name if well else None})


@case(OFFLOADED, CONTEXT)
class ConsumerWithDatabaseSyncToAsync(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"wells": await self.count()})

    @database_sync_to_async
    def count(self) -> int:
        return Well.objects.count()


@case(NATIVE, CONTEXT)
class ConsumerWithTheAsyncOrm(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"wells": await Well.objects.acount()})


# -- middleware on the loop ----------------------------------------------------------------


@case(UNSAFE, CONTEXT)
class MiddlewareReadingTheUser:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)  # as Django's docs say for an async-only middleware

    async def __call__(self, request):
        response = await self.get_response(request)
        response["X-User"] = str(request.user.pk)
        return response


@case(UNSAFE, CONTEXT)
class MiddlewareCountingInAHelper:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)  # as Django's docs say for an async-only middleware

    async def __call__(self, request):
        response = await self.get_response(request)
        response["X-Wells"] = str(self.count())
        return response

    def count(self) -> int:
        return Well.objects.count()


@case(OFFLOADED, CONTEXT)
class MiddlewareOffloadingItsQuery:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)  # as Django's docs say for an async-only middleware

    async def __call__(self, request):
        response = await self.get_response(request)
        response["X-Wells"] = str(await sync_to_async(Well.objects.count)())
        return response
