"""sayso.store: schema, writes, reads, search, aliases, export (hand-made extractions)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_store_corpus import EXTRACTOR, chain_extraction, make_extraction

from sayso.errors import QueryError, StoreError
from sayso.models import (
    ATTRIBUTION_KINDS,
    SPEAKER_KINDS,
    Article,
    Attribution,
    Extraction,
    Span,
    Speaker,
    speaker_id,
)
from sayso.store import SCHEMA_VERSION, StatementQuery, StatementRow, Store
from sayso.store.export import EXTRA_COLUMNS
from sayso.store.fts import safe_match


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "s.db") as s:
        yield s


@pytest.fixture
def filled(store: Store) -> Store:
    for n in range(12):
        store.write(make_extraction(n, statements=3))
    store.write(chain_extraction())
    return store


def q(**kw: object) -> StatementQuery:
    return StatementQuery(**kw)  # type: ignore[arg-type]


# -- schema and opening -----------------------------------------------------------------------


def test_new_store_has_schema_version_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "speakers", "speaker_aliases", "aliases", "attributions", "spans",
            "statements_fts", "extractions", "article_speakers"} <= tables  # fmt: skip
    conn.close()
    with Store(path) as s:  # reopening an up-to-date store changes nothing
        assert s._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.stats().articles == 0


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store._conn.execute(
            "INSERT INTO extractions (article_id, extractor, extracted_at, statements)"
            " VALUES ('nope', 'x', 'now', 0)"
        )


def test_opening_a_foreign_or_broken_file_is_a_store_error(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not a sayso database"):
        Store(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        Store(junk)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "dir.db")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


# -- writing and reading back -----------------------------------------------------------------


def test_write_then_read_back_equal(store: Store) -> None:
    for ex in (make_extraction(0, statements=4), chain_extraction()):
        assert store.write(ex) is True
        assert store.article(ex.article.id) == ex
    assert store.article("missing") is None


def test_rewrite_is_a_noop_and_replace_rewrites(store: Store) -> None:
    ex = make_extraction(1, statements=3)
    assert store.write(ex)
    assert store.write(ex) is False
    fewer = replace(ex, attributions=ex.attributions[:1])
    assert store.write(fewer) is False  # same extractor already stored: untouched
    assert store.article(ex.article.id) == ex
    assert store.write(fewer, replace=True) is True
    assert store.article(ex.article.id) == fewer
    assert store.stats().statements == 1
    # the FTS index follows: the dropped statements are no longer found
    dropped = ex.attributions[1].content[0].text
    assert store.statements(q(text=f'"{dropped}"')).total == 0


def test_a_second_extractor_adds_rows_beside_the_first(store: Store) -> None:
    ex = make_extraction(2, statements=2)
    other = replace(ex, attributions=(replace(ex.attributions[0], extractor="test.other.v2"),))
    assert store.write(ex) and store.write(other)
    assert store.has_article(ex.article.id, EXTRACTOR)
    assert store.has_article(ex.article.id, "test.other.v2")
    assert store.stats().statements == 3
    assert store.write(replace(other, attributions=()), replace=True, extractor="test.other.v2")
    assert store.article(ex.article.id) == ex  # the first extractor's rows are untouched


def test_article_without_statements_is_recorded_as_done(store: Store) -> None:
    ex = Extraction(Article(text="Nothing was said here."), (), ())
    assert not store.has_article(ex.article.id)
    assert store.write(ex, extractor="sayso.rules.v1")
    assert store.has_article(ex.article.id)
    assert store.has_article(ex.article.id, "sayso.rules.v1")
    assert not store.has_article(ex.article.id, "sayso.other.v1")
    assert store.write(ex, extractor="sayso.rules.v1") is False
    assert store.article(ex.article.id) == ex


def test_duplicate_ids_are_refused_before_writing(store: Store) -> None:
    ex = make_extraction(3, statements=2)
    twice = replace(ex, attributions=(ex.attributions[0], ex.attributions[0]))
    with pytest.raises(StoreError, match="occurs twice"):
        store.write(twice)
    with pytest.raises(StoreError, match="listed twice"):
        store.write(replace(ex, speakers=ex.speakers + ex.speakers[:1]))
    assert store.stats().articles == 0


def test_a_failing_write_rolls_back_the_whole_article(store: Store) -> None:
    ex = make_extraction(4, statements=3)

    class Boom(Exception):
        pass

    class Exploding(tuple):  # iterating the attributions fails midway through the write
        def __iter__(self):  # type: ignore[no-untyped-def]
            for i, a in enumerate(tuple.__iter__(self)):
                if i == 2 and store._conn.in_transaction:
                    raise Boom
                yield a

    with pytest.raises(Boom):
        store.write(replace(ex, attributions=Exploding(ex.attributions)))
    assert store.stats() == store.stats().__class__(0, 0, 0, 0)
    assert store.write(ex) and store.article(ex.article.id) == ex


# -- hypothesis round trip --------------------------------------------------------------------

_text = st.text(min_size=0, max_size=12)


@st.composite
def extractions(draw: st.DrawFn) -> Extraction:
    text = draw(st.text(min_size=1, max_size=120))

    def span() -> Span:
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        return Span.of(text, a, b)

    speakers = tuple(
        Speaker(f"sp-{i}-{draw(_text)}", draw(_text), draw(st.sampled_from(SPEAKER_KINDS)),
                tuple(draw(st.lists(_text, max_size=3))))
        for i in range(draw(st.integers(0, 3)))
    )  # fmt: skip
    extractors = draw(st.lists(st.sampled_from(["x.v1", "y.v2", ""]), min_size=1, max_size=2))
    atts: list[Attribution] = []
    for i in range(draw(st.integers(0, 5))):
        atts.append(
            Attribution(
                id=f"a{i}",
                cue=span(),
                content=tuple(span() for _ in range(draw(st.integers(1, 3)))),
                kind=draw(st.sampled_from(ATTRIBUTION_KINDS)),
                source=draw(st.none() | st.just(None).map(lambda _: span())),
                speaker=draw(st.none() | st.sampled_from([s.id for s in speakers] or ["sp-x"])),
                parent=draw(st.none() | st.sampled_from([a.id for a in atts] or ["a-missing"])),
                addressee=draw(st.none() | _text),
                channel=draw(st.none() | _text),
                time=draw(st.none() | st.dates().map(dt.date.isoformat)),
                hedged=draw(st.booleans()),
                cue_class=draw(st.sampled_from(["speech", "thought"])),
                extractor=draw(st.sampled_from(extractors)),
                confidence=draw(st.floats(0, 1)),
            )
        )
    article = Article(
        text=text,
        title=draw(st.none() | _text),
        source=draw(st.none() | _text),
        published=draw(st.none() | st.dates().map(dt.date.isoformat) | _text),
        url=draw(st.none() | _text),
        topics=tuple(draw(st.lists(_text, max_size=3))),
        external_id=draw(st.none() | _text),
    )
    return Extraction(article, speakers, tuple(atts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extractions())
def test_hypothesis_round_trip(tmp_path_factory: pytest.TempPathFactory, ex: Extraction) -> None:
    with Store(tmp_path_factory.mktemp("rt") / "rt.db") as s:
        assert s.write(ex)
        assert s.article(ex.article.id) == ex
        assert s.stats().statements == len(ex.attributions)
        assert s._conn.execute("PRAGMA foreign_key_check").fetchall() == []


# -- read-only --------------------------------------------------------------------------------


def test_read_only_store_reads_and_refuses_every_write(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    with Store(path) as s:
        s.write(make_extraction(0))
    before = path.read_bytes()
    with Store(path, read_only=True) as ro:
        assert ro.stats().articles == 1
        assert ro.statements(q(text="talks")).total >= 1
        with pytest.raises(StoreError, match="read-only"):
            ro.write(make_extraction(1))
        with pytest.raises(StoreError, match="read-only"):
            ro.add_alias("Putin", "Vladimir Putin")
        with pytest.raises(StoreError, match="read-only"):
            ro.remove_alias("Putin")
        # and SQLite itself refuses, should a write slip past the library's checks
        with pytest.raises(sqlite3.OperationalError):
            ro._conn.execute("DELETE FROM articles")
        assert ro.stats().articles == 1
    assert path.read_bytes() == before
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", read_only=True)


# -- statements: filters, paging, search ------------------------------------------------------


def test_statement_rows_carry_speaker_and_article(filled: Store) -> None:
    ex = chain_extraction()
    rows = filled.statements(q(article_id=ex.article.id)).rows
    by_id = {r.attribution_id: r for r in rows}
    assert set(by_id) == {"a1", "a2", "a3", "a4"}
    a3 = by_id["a3"]
    assert a3 == StatementRow(
        article_id=ex.article.id, attribution_id="a3", speaker_id=speaker_id("Vladimir Putin"),
        speaker_name="Vladimir Putin", speaker_kind="person", source_text="Putin",
        cue_text="said", content_text="we are ready to talk", kind="direct", hedged=False,
        time=None, channel=None, addressee="reporters", parent_id="a2", cue_class="speech",
        extractor=EXTRACTOR, confidence=1.0, outlet="CNN", published="2023-11-02T10:00:00Z",
        title=None, url="https://example.org/chain",
    )  # fmt: skip


def test_statement_filters(filled: Store) -> None:
    everything = filled.statements(q(limit=500))
    assert everything.total == 12 * 3 + 4 == len(everything.rows)
    putin = speaker_id("Vladimir Putin")
    for key in ("Vladimir Putin", "vladimir putin", "Putin", putin):
        page = filled.statements(q(speaker=key, limit=500))
        assert page.total > 0 and {r.speaker_id for r in page.rows} == {putin}, key
    assert filled.statements(q(speaker="Nobody At All")).total == 0
    cnn = filled.statements(q(outlet="cnn", limit=500))
    assert cnn.total > 0 and {r.outlet for r in cnn.rows} == {"CNN"}
    march = filled.statements(q(since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 31), limit=500))
    assert march.total > 0 and all(r.published.startswith("2024-03") for r in march.rows)
    direct = filled.statements(q(kind="direct"))
    assert [r.attribution_id for r in direct.rows] == ["a3"]
    hedged = filled.statements(q(hedged_only=True, limit=500))
    assert hedged.total > 0 and all(r.hedged for r in hedged.rows)
    with pytest.raises(QueryError, match="unknown statement kind"):
        filled.statements(q(kind="shouted"))


def test_paging_and_limit_clamp(filled: Store) -> None:
    assert StatementQuery(limit=10_000).limit == 500
    assert StatementQuery(limit=0).limit == 1
    assert StatementQuery(offset=-3).offset == 0
    first = filled.statements(q(limit=7))
    second = filled.statements(q(limit=7, offset=7))
    assert len(first.rows) == 7 and first.total == 40
    assert not {(r.article_id, r.attribution_id) for r in first.rows} & {
        (r.article_id, r.attribution_id) for r in second.rows
    }
    # newest publication first
    dates = [r.published[:10] for r in filled.statements(q(limit=500)).rows]
    assert dates == sorted(dates, reverse=True)


def test_search_words_phrases_operators_and_columns(filled: Store) -> None:
    def hits(text: str, **kw: object) -> set[str]:  # first content piece of each hit
        page = filled.statements(q(text=text, limit=500, **kw))
        return {r.content_text.split(" … ")[0] for r in page.rows}

    assert hits("ceasefire") == {"the ceasefire is holding"}
    assert hits('"flu season"') == {"a bad flu season"}
    either = {"the ceasefire is holding", "tariffs on steel will rise"}
    assert hits("ceasefire OR tariffs") == either
    assert hits("vacc*") == {"the vaccine is safe for children"}
    assert hits("zurich") == {"Zürich was chosen as the venue"}  # diacritics folded
    assert hits("ceasefire NOT holding") == set()
    # speaker names are searched too, and can be asked for by column
    assert {r.speaker_name for r in filled.statements(q(text="speaker:scholz")).rows} == {
        "Olaf Scholz"
    }
    assert hits("Sanders") and hits("Sanders") == hits("speaker:sanders")
    # punctuation a user types is searched as a phrase rather than failing
    assert hits("Zürich's") == set() and hits("flu-season") == {"a bad flu season"}
    # search combines with filters
    scholz = filled.statements(q(text="ceasefire", speaker="Scholz", limit=500))
    assert all(r.speaker_name == "Olaf Scholz" for r in scholz.rows)


@pytest.mark.parametrize("bad", ['"unbalanced', "AND OR", "*", "NEAR(", "speaker:", "(a OR b"])
def test_malformed_search_is_a_query_error(filled: Store, bad: str) -> None:
    with pytest.raises(QueryError, match="search query"):
        filled.statements(q(text=bad))


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("ceasefire", "ceasefire"),
        ("Putin's", '"Putin\'s"'),
        ("U.S. tariffs", '"U.S." tariffs'),
        ('"we are ready"', '"we are ready"'),
        ("vacc* OR flu", "vacc* OR flu"),
        ("covid-19*", '"covid-19"*'),
        ("speaker:Putin", "speaker_name : Putin"),  # the index's columns are attributions'
        ('source:"the Kremlin"', 'source_text : "the Kremlin"'),
        ("Speaker_Name:Putin", "speaker_name : Putin"),
        ("NEAR(talks resume, 5)", "NEAR( talks resume , 5 )"),
        ("Zürich", "Zürich"),
        ("foo:bar", '"foo:bar"'),
    ],
)
def test_safe_match_quotes_only_what_fts5_would_reject(typed: str, fts: str) -> None:
    assert safe_match(typed) == fts


# -- chains, speakers, articles, outlets ------------------------------------------------------


def test_chain_is_outermost_first_then_descendants(filled: Store) -> None:
    aid = chain_extraction().article.id
    ids = lambda rows: [r.attribution_id for r in rows]  # noqa: E731
    assert ids(filled.chain(aid, "a3")) == ["a1", "a2", "a3"]
    assert ids(filled.chain(aid, "a2")) == ["a1", "a2", "a3"]
    assert ids(filled.chain(aid, "a1")) == ["a1", "a2", "a3"]
    assert ids(filled.chain(aid, "a4")) == ["a4"]
    assert filled.chain(aid, "a99") == ()
    names = [r.speaker_name for r in filled.chain(aid, "a3")]
    assert names == ["CNN", "Kremlin", "Vladimir Putin"]


def test_speakers_listing_and_detail(filled: Store) -> None:
    rows = filled.speakers()
    counts = [r.statements for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == filled.stats().statements
    putin = next(r for r in rows if r.name == "Vladimir Putin")
    assert putin.aliases == ("Putin",) and putin.kind == "person" and putin.articles >= 1
    assert [r.name for r in filled.speakers("press sec")] == ["Sarah Huckabee Sanders"]
    assert filled.speakers("100%") == ()
    assert len(filled.speakers(limit=2)) == 2
    assert filled.speakers(limit=2, offset=1)[0] == rows[1]
    detail = filled.speaker("putin")
    assert detail is not None and detail.speaker == putin
    assert sum(c.n for c in detail.by_outlet) == putin.statements
    assert [c.key for c in detail.by_month] == sorted(c.key for c in detail.by_month)
    assert all(len(c.key) == 7 for c in detail.by_month)
    assert filled.speaker("nobody") is None


def test_articles_outlets_stats(filled: Store) -> None:
    stats = filled.stats()
    assert (stats.articles, stats.statements, stats.outlets) == (13, 40, 3)
    assert stats.speakers == 6  # four rotating speakers + CNN and the Kremlin
    outlets = filled.outlets()
    assert sum(c.n for c in outlets) == 13 and outlets[0].key == "CNN"
    latest = filled.latest_articles(limit=5)
    assert len(latest) == 5
    assert [a.published for a in latest] == sorted((a.published for a in latest), reverse=True)
    reuters = filled.articles(limit=100, outlet="reuters")
    assert reuters and all(a.outlet == "Reuters" and a.statements == 3 for a in reuters)


# -- aliases ----------------------------------------------------------------------------------


def test_alias_remaps_stored_speakers_and_later_writes(store: Store) -> None:
    store.write(make_extraction(0, statements=4))  # quotes Putin among others
    old = speaker_id("Vladimir Putin")
    assert store.statements(q(speaker=old)).total > 0
    store.add_alias("putin", "Vladimir V. Putin")
    new = speaker_id("Vladimir V. Putin")
    assert store.aliases()[0].canonical == "Vladimir V. Putin"
    assert store.statements(q(speaker=old)).total == 0
    moved = store.statements(q(speaker=new, limit=500))
    assert moved.total > 0 and {r.speaker_name for r in moved.rows} == {"Vladimir V. Putin"}
    row = next(r for r in store.speakers() if r.id == new)
    assert set(row.aliases) == {"Putin", "Vladimir Putin"}
    # the FTS index has the new name
    assert store.statements(q(text='speaker:"Vladimir V"')).total == moved.total
    # a later article with the same surface form lands on the canonical speaker
    store.write(make_extraction(4, statements=4))
    assert store.statements(q(speaker="Putin")).total > moved.total
    # the article still reads back exactly as written
    assert store.article(make_extraction(0, statements=4).article.id) == make_extraction(
        0, statements=4
    )
    # removing the alias restores the speakers as written
    assert store.remove_alias("PUTIN") is True
    assert store.remove_alias("PUTIN") is False
    assert store.statements(q(speaker=new)).total == 0
    assert store.statements(q(speaker=old)).total > 0
    assert all(r.id != new for r in store.speakers())
    assert store.statements(q(text="speaker:vladimir")).total > 0
    assert store.aliases() == ()
    assert store._conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_alias_merges_two_speakers(store: Store) -> None:
    store.write(make_extraction(0, statements=4))
    before = {r.name: r.statements for r in store.speakers()}
    with pytest.raises(QueryError, match="Olaf Scholz"):  # two full names: refused (issue 9)
        store.add_alias("Scholz", "Vladimir Putin")
    assert {r.name: r.statements for r in store.speakers()} == before
    store.add_alias("Scholz", "Vladimir Putin", force=True)  # a user's (odd) forced merge
    after = {r.name: r.statements for r in store.speakers()}
    assert "Olaf Scholz" not in after
    assert after["Vladimir Putin"] == before["Vladimir Putin"] + before["Olaf Scholz"]
    with pytest.raises(QueryError, match="non-empty"):
        store.add_alias(" ", "x")


# -- export -----------------------------------------------------------------------------------


def test_export_jsonl_csv_parquet_read_back(filled: Store, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    n = filled.export("jsonl", tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == 13
    objs = [json.loads(line) for line in lines]
    assert objs[0] == make_extraction(0, statements=3).to_json()
    assert objs[-1] == chain_extraction().to_json()

    buf = io.BytesIO()
    assert filled.export("csv", buf) == 40
    assert not buf.closed
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().decode("utf-8"))))
    assert len(rows) == 40 and tuple(rows[0]) == StatementRow.columns() + EXTRA_COLUMNS
    assert {r["content_text"] for r in rows} >= {"Zürich was chosen as the venue"}
    assert {r["hedged"] for r in rows} == {"true", "false"}

    assert filled.export("parquet", tmp_path / "out.parquet") == 40
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 40
    assert tuple(table.column_names) == StatementRow.columns() + EXTRA_COLUMNS
    assert str(table.schema.field("hedged").type) == "bool"
    got = {(r["article_id"], r["attribution_id"]) for r in table.to_pylist()}
    assert got == {(r["article_id"], r["attribution_id"]) for r in rows}
    with pytest.raises(StoreError, match="unknown export format"):
        filled.export("xml", buf)  # type: ignore[arg-type]


def test_export_of_an_empty_store(store: Store, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    assert store.export("parquet", tmp_path / "e.parquet") == 0
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    buf = io.BytesIO()
    assert store.export("jsonl", buf) == 0 and buf.getvalue() == b""


# -- package surface and concurrent use -------------------------------------------------------


def test_public_names_are_sorted_and_importable() -> None:
    import sayso.store as store_pkg

    assert store_pkg.__all__ == sorted(store_pkg.__all__)
    assert all(hasattr(store_pkg, name) for name in store_pkg.__all__)


def test_a_reader_sees_what_a_writer_commits(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with Store(path) as writer:
        writer.write(make_extraction(0))
        with Store(path, read_only=True) as reader:
            assert reader.stats().articles == 1
            writer.write(make_extraction(1))
            assert reader.stats().articles == 2
            assert reader.article(make_extraction(1).article.id) == make_extraction(1)
