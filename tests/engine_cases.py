"""Shared by the engine tests: a small mixed input and a dump of every stored row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sayso.ingest import read_inputs, sample_paths
from sayso.models import Article, InputError


def mixed_items() -> list[Article | InputError]:
    """Real articles from both bundled samples (one over the parser's piece size), an input
    error and a repeated article: every path through an engine."""
    wikinews, readouts = sample_paths()
    news = [x for x in read_inputs([str(wikinews)]) if isinstance(x, Article)]
    gov = [x for x in read_inputs([str(readouts)]) if isinstance(x, Article)]
    longest = max(news, key=lambda a: len(a.text))
    picked = [*news[:3], longest, *gov[:3]]
    return [picked[0], InputError("feed.jsonl:3", "malformed JSON"), *picked[1:], picked[2]]


def stored_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, without the columns that hold write times (``*_at``)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%fts%' ORDER BY name")]  # fmt: skip
        rows: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = ", ".join(f'"{c}"' for c in cols if not c.endswith("_at"))
            rows[table] = sorted(
                (tuple(r) for r in conn.execute(f"SELECT {keep} FROM {table}")), key=repr
            )
        return rows
    finally:
        conn.close()
