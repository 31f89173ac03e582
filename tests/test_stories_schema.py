"""Schema 3 (issue 11): a version-2 store migrates in place to the stories tables."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sayso.store import SCHEMA_VERSION, Store
from sayso.store.schema import MIGRATIONS, SCHEMA_SQL, _split

STORY_TABLES = {
    "story_signatures", "story_keys", "duplicate_bands", "stories", "story_articles", "claims",
    "claim_mentions",
}  # fmt: skip


def _version_2(path: Path) -> None:
    """A store as schema version 2 wrote it: today's schema without what migration 2 adds."""
    conn = sqlite3.connect(path)
    for statement in _split(SCHEMA_SQL):
        if any(f"CREATE TABLE {t} " in statement for t in STORY_TABLES) or "stories_end" in (
            statement
        ) or "story_articles_story" in statement:
            continue
        if statement.startswith("CREATE TABLE articles "):
            statement = re.sub(r",(\s*--[^\n]*)?\n\s*duplicate_of[^\n]*", "", statement)
        conn.execute(statement)
    conn.execute(
        "INSERT INTO articles (id, text, ingested_at) VALUES ('a1', 'Some text.', 'now')"
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()


def test_version_2_store_migrates_to_stories_schema(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 3 and 2 in MIGRATIONS
    path = tmp_path / "old.db"
    _version_2(path)
    before = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(articles)")}
    assert "duplicate_of" not in before
    with Store(path) as s:
        assert s.stats().articles == 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert STORY_TABLES <= tables
    cols = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "duplicate_of" in cols
    assert conn.execute("SELECT duplicate_of FROM articles").fetchone() == (None,)
