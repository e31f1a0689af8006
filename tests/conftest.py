import pytest
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) tests marked only_on another database vendor: the other run
    covers them, so a skip here would only hide nothing behind a warning."""
    selected, deselected = [], []
    for item in items:
        marker = item.get_closest_marker("only_on")
        if marker and marker.args[0] != connection.vendor:
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
