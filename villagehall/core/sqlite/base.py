"""Django's SQLite backend, with writers queued on a lock of their own.

SQLite lets one writer at a time take the database; the others wait in its busy handler,
which sleeps between tries for up to 100 ms at a time, so under a steady stream of writes a
writer can lose the race again and again: under the city-scale mixed load a write took
0.9 s at the 99th percentile while the median request took 90 ms (docs/performance.md).
Each transaction that will write (`BEGIN IMMEDIATE`, settings.SQLITE_OPTIONS) first takes an
exclusive lock on a file beside the database, shared by every server process, trying again
every 2 ms at most, so the database itself is free by the time it begins. Waiting is still
bounded by the database's timeout, after which the write fails as SQLite's own wait would,
with "database is locked".
"""

import fcntl
import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock = None  # the open lock file while this connection holds it

    def _writer_lock_path(self):
        if self.transaction_mode != "IMMEDIATE" or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writers.lock"

    def _take_writer_lock(self):
        path = self._writer_lock_path()
        if path is None:
            return
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.settings_dict["OPTIONS"].get("timeout", 5)
        pause = 0.0002
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(descriptor)
                    raise OperationalError("database is locked")
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
        self._writer_lock = descriptor

    def _give_writer_lock(self):
        descriptor, self._writer_lock = self._writer_lock, None
        if descriptor is not None:
            os.close(descriptor)  # closing the file lets the lock go

    def _start_transaction_under_autocommit(self):
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_writer_lock()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._give_writer_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._give_writer_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._give_writer_lock()
