"""Django's sync-only APIs called from async code, and their async twins."""

from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, alogin, authenticate, login
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from apps.monitoring.models import Well

from . import NATIVE, SITE, UNSAFE, case

API = "sync-only-api"


@case(UNSAFE, API)
async def transaction_atomic_block(request):
    with transaction.atomic():
        await Well.objects.filter(site_no="no-such-well").aupdate(name="x")
    return HttpResponse("done")


@case(UNSAFE, API)
async def connection_cursor(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return JsonResponse({"one": row[0]})


@case(UNSAFE, API)
async def sync_cache_get(request):
    return JsonResponse({"value": cache.get("corpus-key")})


@case(UNSAFE, API)
async def sync_cache_through_caches(request):
    caches["default"].set("corpus-key", 1)
    return HttpResponse("set")


@case(UNSAFE, API)
async def request_user(request):
    return JsonResponse({"authenticated": request.user.is_authenticated})


@case(UNSAFE, API)
async def request_session(request):
    visits = request.session.get("visits", 0)
    return JsonResponse({"visits": visits})


@case(UNSAFE, API)
async def request_session_write(request):
    request.session["seen"] = True
    return HttpResponse("seen")


@case(UNSAFE, API)
async def renders_a_queryset(request):
    wells = Well.objects.filter(site_no=SITE)
    return render(request, "corpus/wells.html", {"wells": wells})


@case(UNSAFE, API)
async def renders_an_instance_with_unloaded_relations(request):
    well = await Well.objects.aget(site_no=SITE)
    return HttpResponse(render_to_string("corpus/well.html", {"well": well}))


@case(UNSAFE, API)
async def sync_authenticate(request):
    user = authenticate(request, username="nobody", password="wrong")
    return JsonResponse({"user": user is not None})


@case(UNSAFE, API)
async def sync_login(request):
    user = await request.auser()
    if user.is_authenticated:
        login(request, user)
    return HttpResponse("ok")


@case(UNSAFE, API)
async def async_to_sync_inside_the_loop(request):
    async def count() -> int:
        return await Well.objects.acount()

    return JsonResponse({"n": async_to_sync(count)()})


@case(UNSAFE, API)
async def get_object_or_404_sync(request):
    well = get_object_or_404(Well, site_no=SITE)
    return HttpResponse(well.name)


# -- safe ----------------------------------------------------------------------------------


@case(NATIVE, API)
async def async_cache(request):
    await cache.aset("corpus-key", 1)
    return JsonResponse({"value": await cache.aget("corpus-key")})


@case(NATIVE, API)
async def auser(request):
    user = await request.auser()
    return JsonResponse({"authenticated": user.is_authenticated})


@case(NATIVE, API)
async def async_session(request):
    visits = await request.session.aget("visits", 0)
    await request.session.aset("visits", visits + 1)
    return JsonResponse({"visits": visits})


@case(NATIVE, API)
async def async_auth(request):
    user = await aauthenticate(request, username="nobody", password="wrong")
    if user is not None:
        await alogin(request, user)
    return JsonResponse({"user": user is not None})


@case(NATIVE, API)
async def renders_a_materialised_context(request):
    names = [w.name async for w in Well.objects.filter(site_no=SITE)]
    well = await Well.objects.select_related("location").aget(site_no=SITE)
    return render(request, "corpus/wells.html", {"names": names, "well": well, "n": 1})


@case(NATIVE, API)
async def template_response_renders_in_a_thread(request):
    # Django renders a TemplateResponse through sync_to_async after the view returns.
    return TemplateResponse(request, "corpus/wells.html", {"wells": Well.objects.all()})
