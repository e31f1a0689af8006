"""project/sqlite: the write transactions of one process wait on a lock of their own, and
ask SQLite for its write lock only once the writer before them has committed or rolled
back, instead of sleeping in SQLite's busy handler while the lock sits free."""

import sys
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from apps.monitoring.models import Group

pytestmark = [pytest.mark.only_on("sqlite"), pytest.mark.django_db(transaction=True)]


def _writer(name: str, log: list[str], started: threading.Event) -> None:
    def record(execute, sql, params, many, context):
        if sql.startswith("BEGIN"):
            log.append(f"{name} asks SQLite")
        return execute(sql, params, many, context)

    try:
        with connections["default"].execute_wrapper(record):
            started.set()
            with transaction.atomic():
                Group.objects.create(name=name)
        log.append(f"{name} committed")
    finally:
        connections["default"].close()


def _blocked_in(thread: threading.Thread, functions: tuple[str, ...]) -> str:
    """The function ``thread`` is blocked in, once its innermost Python frame is one of
    ``functions`` twice in a row, 50 ms apart."""
    deadline, seen = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(thread.ident)
        name = frame.f_code.co_name if frame else None
        if name in functions and name == seen:
            return name
        seen = name
        time.sleep(0.05)
    raise AssertionError(f"{thread.name} never blocked in {functions}")


def test_a_second_writer_asks_sqlite_only_after_the_first_commits():
    log: list[str] = []
    started = threading.Event()
    with transaction.atomic():
        Group.objects.create(name="first")
        second = threading.Thread(target=_writer, args=("second", log, started))
        second.start()
        started.wait(5)
        # Blocked where it waits: in our BEGIN (on the process's lock), or, without the
        # lock, inside SQLite's execute of BEGIN (its busy handler). Either way it stays.
        waiting = _blocked_in(second, ("_start_transaction_under_autocommit", "execute"))
        assert waiting == "_start_transaction_under_autocommit" and log == []
        log.append("first commits")
    second.join(10)
    assert log == ["first commits", "second asks SQLite", "second committed"]
    assert set(Group.objects.values_list("name", flat=True)) == {"first", "second"}


def test_a_rolled_back_or_closed_writer_frees_the_lock():
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="undone")
        raise RuntimeError("the service failed half way")
    with transaction.atomic():
        Group.objects.create(name="after a rollback")
    # A transaction left open when its connection closes (a thread's end, a crash).
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    connection.cursor().execute("SELECT 1")
    connection.close()
    with transaction.atomic():
        Group.objects.create(name="after a close")
    assert list(Group.objects.order_by("name").values_list("name", flat=True)) == [
        "after a close",
        "after a rollback",
    ]


def test_a_writer_waits_no_longer_than_the_busy_timeout():
    timeout = connection.settings_dict["OPTIONS"]["timeout"]
    connection.settings_dict["OPTIONS"]["timeout"] = 0.2
    errors: list[str] = []

    def blocked() -> None:
        try:
            with transaction.atomic():
                Group.objects.create(name="too late")
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            connections["default"].close()

    try:
        with transaction.atomic():
            Group.objects.create(name="holder")
            waiter = threading.Thread(target=blocked)
            waiter.start()
            waiter.join(5)
    finally:
        connection.settings_dict["OPTIONS"]["timeout"] = timeout
    assert errors == ["database is locked"]
    assert list(Group.objects.values_list("name", flat=True)) == ["holder"]
