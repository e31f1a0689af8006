"""seed_demo and ensure_local_admin, called as a user would call them."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min
from django.test import RequestFactory

from apps.monitoring.models import Contact, Group, Location, Observation, Sample, Sensor, Well

pytestmark = pytest.mark.django_db

SMALL = ["--wells", "6", "--years", "2", "--transducer-wells", "1", "--transducer-days", "5"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Observation.objects.order_by("well__site_no", "observed_at").values_list(
            "well__site_no", "observed_at", "depth_to_water_ft", "level_status", "source"
        )
    )


def wipe() -> None:
    Observation.objects.all().delete()
    Sample.objects.all().delete()
    Well.objects.all().delete()
    Location.objects.all().delete()
    Sensor.objects.all().delete()


def test_seed_demo_is_deterministic():
    seed("--seed", "7", "--end", "2025-06-30", *SMALL)
    first = fingerprint()
    wipe()
    seed("--seed", "7", "--end", "2025-06-30", *SMALL)
    assert fingerprint() == first
    wipe()
    seed("--seed", "8", "--end", "2025-06-30", *SMALL)
    assert fingerprint() != first


def test_seed_demo_makes_realistic_data():
    output = seed("--seed", "3", "--end", "2025-06-30", *SMALL)
    assert "Loaded 6 wells" in output
    assert Well.objects.count() == 6
    assert Group.objects.exists() and Contact.objects.exists()
    per_well = Well.objects.annotate(n=Count("observations"))
    assert all(w.n > 0 for w in per_well)
    # Monthly manual readings over two years, ending on the chosen day.
    span = Observation.objects.aggregate(first=Min("observed_at"), last=Max("observed_at"))
    assert span["first"].year == 2023 and span["last"].date().isoformat() <= "2025-06-30"
    assert Observation.objects.filter(source="transducer").count() > 5 * 20
    assert Well.objects.filter(location__state="NM").count() == 6


def test_seed_demo_if_empty_does_nothing_on_a_loaded_database():
    seed("--seed", "3", *SMALL)
    count = Observation.objects.count()
    assert "already has wells" in seed("--if-empty", *SMALL)
    assert Observation.objects.count() == count


def test_seed_demo_refuses_to_load_the_same_seed_twice():
    seed("--seed", "3", *SMALL)
    count = Observation.objects.count()
    with pytest.raises(CommandError, match="already exist"):
        seed("--seed", "3", *SMALL)
    assert Observation.objects.count() == count


@pytest.mark.parametrize(
    "args",
    [["--wells", "0"], ["--years", "0"], ["--wells", "2", "--transducer-wells", "3"]],
)
def test_seed_demo_rejects_bad_sizes(args):
    with pytest.raises(CommandError):
        seed(*args)
    assert Well.objects.count() == 0


def test_ensure_local_admin_prints_working_credentials(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    password = out.getvalue().split("password ")[1].strip().strip("'")
    # As the admin's login form would (django-axes counts sign-ins by request).
    user = authenticate(RequestFactory().post("/admin/login/"), username="admin", password=password)
    assert user is not None and user.is_staff and user.is_superuser
    again = StringIO()
    call_command("ensure_local_admin", stdout=again)
    assert f"password '{password}'" in again.getvalue()


def test_ensure_local_admin_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development"):
        call_command("ensure_local_admin")
