"""Django's SQLite backend, with the write transactions of one process queued on a lock
before they ask SQLite for its write lock.

Piezo's transactions begin IMMEDIATE (settings/database.py), so each waits for SQLite's
write lock at BEGIN. SQLite's busy handler waits by sleeping and retrying, in steps that
grow to 100 ms, and nothing wakes a waiter when the lock frees: with 50 requests writing at
once on one worker, the lock sat idle after each commit while its waiters slept, and the
unlucky ones retried for seconds (p99 6.4 s, bench/writes_bench.py). A lock per database
file and process, taken before BEGIN and released at COMMIT or ROLLBACK, hands the write
lock to the process's next writer at once, in turn; SQLite's busy handler is left to
arbitrate between processes only. A writer waits on it no longer than the busy timeout,
then fails as SQLite would ("database is locked").

Writes outside a transaction (autocommit statements) and DEFERRED transactions, which take
the write lock late, are left to SQLite as before."""

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_writer_locks: dict[str, Any] = {}
_registry = threading.Lock()


def _writer_lock(name: str) -> Any:
    with _registry:
        return _writer_locks.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _writing: Any = None  # the lock this connection holds, if any

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE") or self.is_in_memory_db():
            return super()._start_transaction_under_autocommit()
        lock = _writer_lock(self.settings_dict["NAME"])
        with self.wrap_database_errors:
            if not lock.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5.0)):
                raise self.Database.OperationalError("database is locked")
        self._writing = lock
        try:
            return super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_release()
            raise

    def _writer_release(self) -> None:
        lock, self._writing = self._writing, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            # A failed COMMIT leaves the transaction open for the rollback that follows.
            if not self._in_transaction():
                self._writer_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_release()

    def _in_transaction(self) -> bool:
        return self.connection is not None and self.connection.in_transaction
