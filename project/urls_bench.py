"""The bench settings' URLconf: the project's, plus the sync twins of the hot reads."""

from django.urls import path

from apps.api.twins import api as sync_twins

from .urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/sync/api/", sync_twins.urls),
    *project_urlpatterns,
]
