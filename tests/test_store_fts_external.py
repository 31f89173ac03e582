"""Schema 5: the full-text index is external content on attributions (Datasette search), a
schema-4 store migrates in place, and the index stays exact through renames, aliases and
re-writes."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from test_store_corpus import chain_extraction, make_extraction

from sayso.store import SCHEMA_VERSION, StatementQuery, Store
from sayso.web.datasette import datasette_metadata

# The full-text index and its triggers as schema 4 (and 1 to 3) wrote them.
_V4_FTS = """
CREATE VIRTUAL TABLE statements_fts USING fts5(
    content, speaker, source,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER attributions_fts_insert AFTER INSERT ON attributions BEGIN
    INSERT INTO statements_fts(rowid, content, speaker, source)
    VALUES (new.sid, new.content_text,
            (SELECT name FROM speakers WHERE id = new.speaker_id), new.source_text);
END;
CREATE TRIGGER attributions_fts_delete AFTER DELETE ON attributions BEGIN
    DELETE FROM statements_fts WHERE rowid = old.sid;
END;
CREATE TRIGGER attributions_fts_update
AFTER UPDATE OF speaker_id, content_text, source_text ON attributions BEGIN
    UPDATE statements_fts
       SET content = new.content_text,
           speaker = (SELECT name FROM speakers WHERE id = new.speaker_id),
           source = new.source_text
     WHERE rowid = new.sid;
END;
CREATE TRIGGER speakers_fts_rename AFTER UPDATE OF name ON speakers BEGIN
    UPDATE statements_fts SET speaker = new.name
     WHERE rowid IN (SELECT sid FROM attributions WHERE speaker_id = new.id);
END;
INSERT INTO statements_fts(rowid, content, speaker, source)
    SELECT t.sid, t.content_text, s.name, t.source_text
      FROM attributions t LEFT JOIN speakers s ON s.id = t.speaker_id;
"""


def _fill(path: Path) -> None:
    with Store(path) as s:
        for n in range(6):
            s.write(make_extraction(n, statements=3))
        s.write(chain_extraction())


def _as_version_4(path: Path) -> None:
    """Turn a store into what schema 4 wrote: the index holds its own copy of the text."""
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        if "fts" in name or "speaker_name" in name or "name_copy" in name:
            conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE statements_fts")
    conn.execute("ALTER TABLE attributions DROP COLUMN speaker_name")
    conn.execute("ALTER TABLE attributions DROP COLUMN time_precision")
    conn.executescript(_V4_FTS)
    conn.execute("PRAGMA user_version = 4")
    conn.close()


def _hits(store: Store, text: str) -> list[tuple[str, str]]:
    page = store.statements(StatementQuery(text=text, limit=500))
    return sorted((r.article_id, r.attribution_id) for r in page.rows)


def _index_ok(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')")
    conn.close()


QUERIES = ["ceasefire", "speaker:putin", "source:kremlin", "talks OR peace", "Zürich", "said*"]


def test_schema_is_external_content_on_attributions(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    _fill(path)
    conn = sqlite3.connect(path)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'statements_fts'").fetchone()
    assert 'content="attributions"' in sql and 'content_rowid="sid"' in sql
    # no second copy of the statements' text
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'statements_fts_content'"
                        ).fetchone() == (0,)  # fmt: skip
    names = conn.execute(
        "SELECT count(*) FROM attributions t JOIN speakers s ON s.id = t.speaker_id"
        " WHERE t.speaker_name IS NOT s.name"
    ).fetchone()
    assert names == (0,)
    _index_ok(path)


def test_version_4_store_migrates_and_searches_the_same(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    _fill(path)
    with Store(path) as s:
        before = {q: _hits(s, q) for q in QUERIES}
    assert before["speaker:putin"] and before["ceasefire"]
    _as_version_4(path)
    with Store(path) as s:  # migrates 4 -> 5
        after = {q: _hits(s, q) for q in QUERIES}
    assert after == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'statements_fts'").fetchone()
    assert 'content="attributions"' in sql
    assert conn.execute("SELECT count(*) FROM attributions WHERE speaker_id IS NOT NULL"
                        " AND speaker_name IS NULL").fetchone() == (0,)  # fmt: skip
    _index_ok(path)


def test_index_stays_exact_through_aliases_renames_and_rewrites(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    _fill(path)
    with Store(path) as s:
        putin = _hits(s, "speaker:putin")
        assert putin
        s.add_alias("Putin", "Vladimir Vladimirovich Putin")  # re-maps and renames speakers
        _index_ok(path)
        assert _hits(s, 'speaker:"Vladimirovich"') == putin
        s.remove_alias("Putin")
        _index_ok(path)
        assert _hits(s, "speaker:putin") == putin
        s.write(make_extraction(0, statements=1), replace=True)  # deletes and re-inserts rows
        _index_ok(path)
        assert len(_hits(s, "ceasefire")) <= len(putin) + 6 * 3


def test_datasette_offers_search_on_attributions(tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    path = tmp_path / "news.db"
    _fill(path)
    with Store(path) as s:
        expected = {r.content_text for r in s.statements(StatementQuery(text="ceasefire")).rows}
        putin = len(_hits(s, "speaker:putin"))
    assert expected and putin
    meta = tmp_path / "metadata.json"
    meta.write_text(json.dumps(datasette_metadata(path)))

    async def run() -> tuple[str | None, list[dict], dict, list[dict], str]:
        ds = datasette_app.Datasette([str(path)], metadata=json.loads(meta.read_text()))
        db = ds.get_database("news")
        fts = await db.fts_table("attributions")  # found without metadata too
        rows = (await ds.client.get("/news/attributions.json?_search=ceasefire&_shape=array"
                                    "&_size=max")).json()  # fmt: skip
        facets = (await ds.client.get("/news/attributions.json?_search=ceasefire")).json()
        by_speaker = (await ds.client.get("/news/attributions.json?_shape=array&_size=max"
                                          "&_search=speaker_name%3Aputin")).json()  # fmt: skip
        page = (await ds.client.get("/news/attributions?_search=ceasefire")).text
        return fts, rows, facets, by_speaker, page

    fts, rows, facets, by_speaker, page = asyncio.run(run())
    assert fts == "statements_fts"
    assert {r["content_text"] for r in rows} == expected
    assert "kind" in facets["facet_results"]
    # a column filter in the search box (raw mode, from the metadata)
    assert len(by_speaker) == putin
    assert {r["speaker_name"] for r in by_speaker} == {"Vladimir Putin"}
    assert 'name="_search"' in page and "the ceasefire is holding" in page


def test_serve_prints_datasette_metadata(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sayso.cli import cli

    path = tmp_path / "news.db"
    result = CliRunner().invoke(cli, ["serve", str(path), "--datasette-metadata"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    table = meta["databases"]["news"]["tables"]["attributions"]
    assert table["fts_table"] == "statements_fts" and "kind" in table["facets"]


def test_version_5_store_gains_listing_and_prefix_indexes(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    _fill(path)
    with Store(path) as s:
        before = {q: _hits(s, q) for q in QUERIES}
    conn = sqlite3.connect(path, isolation_level=None)
    # back to what schema 5 wrote: no listing indexes, an index without prefixes
    conn.execute("DROP INDEX articles_recent")
    conn.execute("DROP INDEX attributions_speaker_article")
    conn.execute("CREATE INDEX attributions_speaker ON attributions(speaker_id)")
    conn.execute("DROP TABLE statements_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE statements_fts USING fts5(content_text, speaker_name, source_text,"
        " content=\"attributions\", content_rowid=\"sid\","
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    with Store(path) as s:  # migrates 5 -> 6
        assert {q: _hits(s, q) for q in QUERIES} == before
        page_plan, _ = s.statement_plans(StatementQuery(limit=50))
        assert "articles_recent" in page_plan and "TEMP B-TREE FOR ORDER BY" not in page_plan
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'statements_fts'").fetchone()
    assert "prefix" in sql
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"articles_recent", "attributions_speaker_article"} <= indexes
    assert "attributions_speaker" not in indexes
    _index_ok(path)
