from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from apps.api.services import api_token_create
from apps.monitoring import services


@pytest.fixture
def writer_token(db) -> str:
    """A token whose user may do every write (a superuser)."""
    user = get_user_model().objects.create_superuser("writer", "w@example.org", "pw-12345!")
    return api_token_create(user=user, name="tests")[1]


@pytest.fixture
def reader_token(db) -> str:
    """A valid token whose user holds no write permission."""
    user = get_user_model().objects.create_user("reader", "r@example.org", "pw-12345!")
    return api_token_create(user=user)[1]


@pytest.fixture
def observer_token(db) -> str:
    """A token that may add observations and nothing else."""
    user = get_user_model().objects.create_user("logger", "l@example.org", "pw-12345!")
    user.user_permissions.add(Permission.objects.get(codename="add_observation"))
    return api_token_create(user=user)[1]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def demo(db) -> dict[str, int]:
    """A small deterministic demo data set."""
    return services.demo_seed(
        seed=11, wells=12, years=2, transducer_wells=1, transducer_days=20, end=date(2025, 6, 30)
    )
