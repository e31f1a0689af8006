from django.contrib import admin
from django.urls import include, path

from apps.api.api import api
from apps.api.errors import unmatched_path

admin.site.site_header = "Piezo administration"
admin.site.site_title = "Piezo admin"
admin.site.index_title = "Groundwater monitoring data"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/<path:path>", unmatched_path),
    path("", include("apps.web.urls")),
]
