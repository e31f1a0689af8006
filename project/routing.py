"""Websocket routes (project/asgi.py mounts them behind the origin check and auth)."""

from django.urls import path

from apps.live.consumers import StatsConsumer, WellConsumer

websocket_urlpatterns = [
    path("ws/wells/<str:site_no>/", WellConsumer.as_asgi()),
    path("ws/stats/", StatsConsumer.as_asgi()),
]
