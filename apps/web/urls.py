from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("wells/", views.well_browser, name="wells"),
    path("wells/<str:site_no>/", views.well_page, name="well"),
]
