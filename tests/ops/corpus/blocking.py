"""Blocking standard-library and third-party calls in async code, and their async twins."""

import asyncio
import contextlib
import smtplib
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from time import sleep as nap

import httpx
import requests
from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpResponse, JsonResponse

from . import NATIVE, NOWHERE, UNSAFE, case

BLOCKING = "blocking-io"
URL = f"http://{NOWHERE[0]}:{NOWHERE[1]}/"


@case(UNSAFE, BLOCKING)
async def time_sleep(request):
    time.sleep(0.01)
    return HttpResponse("slept")


@case(UNSAFE, BLOCKING)
async def sleep_imported_under_another_name(request):
    nap(0.01)
    return HttpResponse("slept")


@case(UNSAFE, BLOCKING)
async def opens_a_file(request):
    with open(__file__, encoding="utf-8") as source:
        first = source.readline()
    return HttpResponse(first)


@case(UNSAFE, BLOCKING)
async def reads_a_path(request):
    text = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    return JsonResponse({"length": len(text)})


@case(UNSAFE, BLOCKING)
async def reads_a_path_object(request):
    return JsonResponse({"exists": Path(__file__).exists()})


@case(UNSAFE, BLOCKING)
async def runs_a_subprocess(request):
    done = subprocess.run(["true"], check=False)
    return JsonResponse({"rc": done.returncode})


@case(UNSAFE, BLOCKING)
async def urllib_urlopen(request):
    with contextlib.suppress(OSError):
        urllib.request.urlopen(URL, timeout=1)
    return HttpResponse("tried")


@case(UNSAFE, BLOCKING)
async def requests_get(request):
    with contextlib.suppress(requests.RequestException):
        requests.get(URL, timeout=1)
    return HttpResponse("tried")


@case(UNSAFE, BLOCKING)
async def httpx_module_get(request):
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(URL, timeout=1)
    return HttpResponse("tried")


@case(UNSAFE, BLOCKING)
async def httpx_sync_client(request):
    with httpx.Client(timeout=1) as client, contextlib.suppress(httpx.HTTPError):
        client.get(URL)
    return HttpResponse("tried")


@case(UNSAFE, BLOCKING)
async def raw_socket(request):
    with contextlib.suppress(OSError):
        socket.create_connection(NOWHERE, timeout=1)
    return HttpResponse("tried")


@case(UNSAFE, BLOCKING)
async def smtplib_smtp(request):
    with contextlib.suppress(OSError):
        smtplib.SMTP(*NOWHERE, timeout=1)
    return HttpResponse("tried")


@case(UNSAFE, BLOCKING)
async def django_send_mail(request):
    send_mail("Subject", "Body", "piezo@example.org", ["someone@example.org"])
    return HttpResponse("sent")


# -- safe ----------------------------------------------------------------------------------


@case(NATIVE, BLOCKING)
async def asyncio_sleep(request):
    await asyncio.sleep(0.01)
    return HttpResponse("slept")


@case(NATIVE, BLOCKING)
async def httpx_async_client(request):
    async with httpx.AsyncClient(timeout=1) as client:
        with contextlib.suppress(httpx.HTTPError):
            await client.get(URL)
    return HttpResponse("tried")


@case(NATIVE, BLOCKING)
async def asyncio_subprocess_and_streams(request):
    process = await asyncio.create_subprocess_exec("true")
    await process.wait()
    with contextlib.suppress(OSError):
        await asyncio.open_connection(*NOWHERE)
    return JsonResponse({"rc": process.returncode})


@case(NATIVE, BLOCKING)
async def pure_helpers_and_path_arithmetic(request):
    path = settings.BASE_DIR / "README.md"
    words = " ".join(sorted(str(path.name).split(".")))
    return JsonResponse({"words": words, "when": time.monotonic() > 0})
