"""The connection-policy system checks (ADR-0003) and the protective-middleware check."""

import pytest
from django.core.checks import run_checks

from apps.ops.checks import connection_budget

# The checks read settings.DATABASES; overriding it here is the point.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_persistent_connections_are_refused_under_asgi(settings):
    settings.PIEZO_INTERFACE = "asgi"
    settings.DATABASES = {
        alias: {**config, "CONN_MAX_AGE": 60} for alias, config in settings.DATABASES.items()
    }
    refused = [m for m in run_checks(tags=["connections"]) if m.id == "piezo.E001"]
    assert len(refused) == 2
    assert all("under ASGI" in m.msg for m in refused)


def test_persistent_connections_under_an_unknown_interface_are_a_warning(settings):
    """A management command cannot tell which server the deployment runs: it says so."""
    settings.PIEZO_INTERFACE = "unknown"
    settings.DATABASES = {
        alias: {**config, "CONN_MAX_AGE": 60} for alias, config in settings.DATABASES.items()
    }
    messages = run_checks(tags=["connections"])
    assert ids(messages) == ["piezo.W004"] and "PIEZO_INTERFACE" in messages[0].msg


def test_the_budget_check_asks_the_server_only_when_a_database_is_named():
    """Without database access (this test has none) and no database named, nothing is
    asked: the check once reported W002 here because it queried anyway."""
    assert "piezo.W002" not in ids(run_checks())


def test_persistent_connections_are_fine_under_wsgi(settings):
    settings.PIEZO_INTERFACE = "wsgi"
    settings.DATABASES = {
        alias: {**config, "CONN_MAX_AGE": 60} for alias, config in settings.DATABASES.items()
    }
    assert "piezo.E001" not in ids(run_checks(tags=["connections"]))


@pytest.mark.django_db
def test_our_settings_pass(settings):
    assert [
        m
        for m in run_checks(tags=["connections", "database"], databases=["default"])
        if m.level >= 30
    ] == []


@pytest.mark.only_on("postgresql")
@pytest.mark.django_db
def test_a_budget_past_max_connections_is_warned(settings):
    settings.WEB_CONCURRENCY = 4
    settings.DATABASES = {
        alias: {
            **config,
            "OPTIONS": {**config["OPTIONS"], "pool": {**config["OPTIONS"]["pool"], "max_size": 30}},
        }
        for alias, config in settings.DATABASES.items()
    }
    assert connection_budget() == 4 * 60
    messages = run_checks(tags=["database"], databases=["default"])
    warning = next(m for m in messages if m.id == "piezo.W001")
    assert "240 connections" in warning.msg and "max_connections 200" in warning.msg


def test_protective_middleware_is_demanded_subclasses_included(settings):
    assert "piezo.W003" not in ids(run_checks(tags=["security"], include_deployment_checks=True))
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "project.middleware.Csrf"]
    messages = [
        m
        for m in run_checks(tags=["security"], include_deployment_checks=True)
        if m.id == "piezo.W003"
    ]
    assert len(messages) == 1 and "CsrfViewMiddleware" in messages[0].msg
