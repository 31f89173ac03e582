"""Offsets into the original: every article keeps the map from its stored text back to the
input's own text, so that exports anchor in the input file (issue 13.3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sayso.store import SCHEMA_VERSION, Store
from sayso.store.schema import MIGRATIONS


def test_version_3_store_migrates_to_article_origins(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 4 and 3 in MIGRATIONS
    path = tmp_path / "old.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE article_origins")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    Store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    cols = [r[1] for r in conn.execute("PRAGMA table_info(article_origins)")]
    assert cols == ["article_id", "edits"]
