"""ADR-0004's P1 for the phase matrix: the project's URLconf with the hot reads served by
their sync twins (apps/api/twins.py), so every view the concurrency suite calls is sync and
runs in Django's thread-sensitive mode. Selected by PIEZO_URLCONF in the test settings."""

from django.urls import path

from apps.api.twins import api as sync_twins

from .urls import urlpatterns as project_urlpatterns

# First match wins: the twins' paths here, every other path falls through to the project's.
urlpatterns = [path("api/", sync_twins.urls), *project_urlpatterns]
