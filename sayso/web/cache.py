"""Read-only connections kept open between requests, and a cache of what they read.

Everything the explorer shows is a function of the database's content, which changes only
when ``sayso ingest`` (or ``sayso alias``) commits.  SQLite counts such commits for us:
``PRAGMA data_version`` on a connection changes whenever *another* connection has committed
since that connection last asked.  One long-lived connection asks before every cached read,
so counts and listings are computed once per ingest instead of once per request, and a
commit by any process is seen on the next request.  (Replacing the database file itself,
rather than writing to it, is not seen: restart the server after that.)
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreError
from ..store import Store
from ..store.db import connect_read_only

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: cached results kept at most (least recently used dropped first); a result is one page of
#: at most 200 rows or one article, so this bounds memory to some tens of megabytes
CACHE_ENTRIES = 512
#: statements kept, each with its row and its item of the statement list (about 3 KB), so
#: that a search that was never asked before reads and renders only the statements no
#: earlier page showed: some 60 MB when full
ROW_CACHE_ENTRIES = 20_000
#: idle read-only connections kept open for the next requests; more are opened when more
#: requests run at once, and closed again when the pool is full
POOL_SIZE = 16


class StorePool:
    """Read-only :class:`Store` connections to one database, reused across requests."""

    def __init__(self, path: Path, size: int = POOL_SIZE) -> None:
        self.path = path
        self.size = size
        self._idle: list[Store] = []
        self._lock = threading.Lock()

    @contextmanager
    def store(self) -> Iterator[Store]:
        """A read-only store for one request; it goes back to the pool afterwards."""
        with self._lock:
            st = self._idle.pop() if self._idle else None
        if st is None:
            st = Store(self.path, read_only=True)
        ok = False
        try:
            yield st
            ok = True
        finally:
            # a connection that failed (the file went away, a disk error) is not reused
            with self._lock:
                keep = ok and len(self._idle) < self.size
                if keep:
                    self._idle.append(st)
            if not keep:
                st.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for st in idle:
            st.close()


class DataCache:
    """Results of read-only queries, kept until the database's content changes."""

    def __init__(self, path: Path, entries: int = CACHE_ENTRIES) -> None:
        self.entries = entries
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: int | None = None
        self.hits = self.misses = 0
        try:
            # opened as the store's own read-only connections are (a read-only folder too)
            self._conn, _ = connect_read_only(path)
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot open the database ({e})") from e

    def version(self) -> int:
        """SQLite's data_version: it changes when another connection commits a change."""
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def peek(self, key: Hashable) -> tuple[bool, Any]:
        """``(True, value)`` when ``key`` is cached and current, else ``(False, None)``;
        never computes (cheap enough to call on the event loop)."""
        version = self.version()
        with self._lock:
            if version != self._version or key not in self._data:
                return False, None
            self._data.move_to_end(key)
            self.hits += 1
            return True, self._data[key]

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key``, computing (and keeping) it when missing or stale."""
        version = self.version()
        with self._lock:
            if version != self._version:
                self._data.clear()
                self._version = version
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]  # type: ignore[no-any-return]
            self.misses += 1
        # computed outside the lock: two requests may both compute a missing value, which is
        # cheaper than making every request wait for the slowest query
        value = compute()
        with self._lock:
            if self._version == version:
                self._data[key] = value
                while len(self._data) > self.entries:
                    self._data.popitem(last=False)
        return value

    def get_many(self, keys: Sequence[K], compute: Callable[[list[K]], dict[K, T]]) -> dict[K, T]:
        """The cached values of ``keys``, the missing or stale ones from one call of
        ``compute(missing keys)`` (kept); a key it leaves out is left out of the answer."""
        version = self.version()
        found: dict[K, T] = {}
        missing: list[K] = []
        with self._lock:
            if version != self._version:
                self._data.clear()
                self._version = version
            for key in keys:
                if key in self._data:
                    self._data.move_to_end(key)
                    found[key] = self._data[key]
                else:
                    missing.append(key)
            self.hits += len(found)
            self.misses += len(missing)
        if missing:
            computed = compute(missing)
            found.update(computed)
            with self._lock:
                if self._version == version:
                    for key, value in computed.items():
                        self._data[key] = value
                    while len(self._data) > self.entries:
                        self._data.popitem(last=False)
        return found

    def close(self) -> None:
        """Close the connection that watches the database."""
        with self._lock:
            self._conn.close()
