"""Issue 14: how the explorer queries the store under load.

- A full-text search runs its MATCH once per query, whatever filters come with it (SQLite
  used to walk the kind or speaker index and re-run the MATCH for every row).
- Counts and listings are cached between ingests: a commit by another connection (an
  ingest, an alias) is seen on the next request through ``PRAGMA data_version``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sqlite3
import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning
from test_web import build_sample_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # see test_web.py
    from starlette.testclient import TestClient

from sayso.models import Article, Attribution, Extraction, Span, Speaker, speaker_id
from sayso.store import StatementQuery, Store
from sayso.web import create_app

#: a plan step that looks the FTS table up by rowid, i.e. runs the MATCH once per row
PER_ROW_MATCH = re.compile(r"VIRTUAL TABLE INDEX \d+:=")

FILTERS = {
    "speaker": "Dmitry Peskov",
    "outlet": "CNN",
    "since": dt.date(2024, 1, 1),
    "until": dt.date(2024, 12, 31),
    "kind": "indirect",
    "hedged_only": True,
}


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample_db(path)
    return path


def _plans(st: Store, query: StatementQuery) -> list[str]:
    """The plan of every statement ``st.statements(query)`` runs, read with SQLite's own
    EXPLAIN QUERY PLAN on a second connection (the trace expands the parameters)."""
    executed: list[str] = []
    st._conn.set_trace_callback(executed.append)
    try:
        st.statements(query)
        st.statements(query.__class__(**{**_fields(query), "limit": 1, "offset": 1}))
    finally:
        st._conn.set_trace_callback(None)
    con = sqlite3.connect(st.path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return [
            "\n".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql))
            for sql in executed
            if "MATCH" in sql
        ]
    finally:
        con.close()


def _fields(q: StatementQuery) -> dict[str, object]:
    return {f: getattr(q, f) for f in q.__slots__}  # type: ignore[attr-defined]


@pytest.mark.parametrize("n", range(len(FILTERS) + 1))
def test_search_runs_match_once_with_any_filters(db: Path, n: int) -> None:
    with Store(db, read_only=True) as st:
        for names in itertools.combinations(FILTERS, n):
            query = StatementQuery(text="t*", limit=2, **{k: FILTERS[k] for k in names})
            plans = _plans(st, query)
            assert plans, names  # the page and the count both ran
            for plan in plans:
                assert not PER_ROW_MATCH.search(plan), (names, plan)
                assert plan.count("statements_fts") == 1, (names, plan)


def test_search_with_filters_gives_the_same_rows(db: Path) -> None:
    """The rewritten queries return what filtering the search by hand gives."""
    with Store(db, read_only=True) as st:
        everything = st.statements(StatementQuery(text="said OR ceasefire OR point", limit=500))
        for names in itertools.chain.from_iterable(
            itertools.combinations(("speaker", "kind", "since", "outlet"), n) for n in range(4)
        ):
            query = StatementQuery(
                text="said OR ceasefire OR point", limit=3, **{k: FILTERS[k] for k in names}
            )
            first = st.statements(query)
            rest = st.statements(StatementQuery(**{**_fields(query), "offset": 3, "limit": 500}))
            got = [(r.article_id, r.attribution_id) for r in first.rows + rest.rows]
            want = [
                (r.article_id, r.attribution_id)
                for r in everything.rows
                if ("speaker" not in names or r.speaker_name == "Dmitry Peskov")
                and ("kind" not in names or r.kind == "indirect")
                and ("since" not in names or (r.published or "") >= "2024-01-01")
                and ("outlet" not in names or r.outlet == "CNN")
            ]
            assert got == want, names
            assert first.total == len(want), names


# --- bounded ranking -----------------------------------------------------------------------------

#: a search over the sample that matches all its 16 statements, some better than others
BROAD = "a* OR t* OR s* OR ceasefire"


def _by_hand(db: Path, text: str, cap: int, kind: str | None = None) -> list[tuple[str, str]]:
    """The order a search must list its matches in, worked out from the index without the
    store's queries: the ``cap`` most recently stored matches best first (bm25, ties by
    rowid), then the rest, newest first."""
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        scored = con.execute(
            "SELECT f.rowid, f.rank, t.article_id, t.id, t.kind FROM statements_fts f"
            " JOIN attributions t ON t.sid = f.rowid WHERE statements_fts MATCH ?", (text,),
        ).fetchall()  # fmt: skip
    finally:
        con.close()
    kept = sorted((r for r in scored if kind in (None, r[4])), key=lambda r: -r[0])
    head = sorted(kept[:cap], key=lambda r: (r[1], r[0]))
    return [(r[2], r[3]) for r in head + kept[cap:]]


def _walk(st: Store, query: StatementQuery, per_page: int) -> list[tuple[str, str]]:
    got: list[tuple[str, str]] = []
    while True:
        page = st.statements(StatementQuery(**{**_fields(query), "limit": per_page,
                                                 "offset": len(got)}))  # fmt: skip
        got += [(r.article_id, r.attribution_id) for r in page.rows]
        if page.next is None:
            return got


def test_search_ranks_every_match_up_to_the_bound(db: Path) -> None:
    with Store(db, read_only=True) as st:
        for kind in (None, "indirect"):
            query = StatementQuery(text=BROAD, kind=kind)
            want = _by_hand(db, BROAD, 10**6, kind)
            assert len(want) == (16 if kind is None else 13)
            for per_page in (500, 3):
                assert _walk(st, query, per_page) == want
            page = st.statements(StatementQuery(text=BROAD, kind=kind, limit=3))
            assert (page.total, page.ranked) == (len(want), len(want))
        assert st.statements(StatementQuery(kind="indirect")).ranked is None  # no search


@pytest.mark.parametrize("cap", [1, 5, 12])
def test_broad_search_ranks_only_its_newest_matches(
    db: Path, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the bound, the newest ``cap`` matches come first, best first, then the rest newest
    first; every match is listed once, across pages that straddle the bound or not, and the
    total stays exact."""
    from sayso.store import db as store_db

    monkeypatch.setattr(store_db, "RANKED_MATCHES_MAX", cap)
    with Store(db, read_only=True) as st:
        for kind in (None, "indirect"):
            want = _by_hand(db, BROAD, cap, kind)
            assert want != _by_hand(db, BROAD, 10**6, kind)  # the bound changes the order
            query = StatementQuery(text=BROAD, kind=kind)
            for per_page in (1, 2, 5, 500):
                assert _walk(st, query, per_page) == want, (kind, per_page)
            page = st.statements(StatementQuery(text=BROAD, kind=kind, limit=2, offset=4))
            assert (page.total, page.ranked) == (len(want), cap)
            assert st.statements(StatementQuery(text=BROAD, kind=kind, offset=40)).rows == ()


@pytest.mark.parametrize("cap", [5, 2000])
def test_search_counts_its_matches_while_ranking_them(
    db: Path, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search's first pages take their total from the ranked head, which read every match
    when there are fewer than the bound: one MATCH per page, no separate count.  Over the
    bound (or on a page past the head) the count runs, and the total is the same."""
    from sayso.store import db as store_db

    monkeypatch.setattr(store_db, "RANKED_MATCHES_MAX", cap)
    want = len(_by_hand(db, BROAD, 10**6, None))
    assert 5 < want < 2000
    # MATCH statements per page at offset 0, 3 (rows 3-5: across the bound of 5) and 40
    # (past the last match): the page's queries, and the count unless the head gave it
    runs = {2000: {0: 1, 3: 1, 40: 2}, 5: {0: 2, 3: 3, 40: 2}}[cap]
    with Store(db, read_only=True) as st:
        executed: list[str] = []
        st._conn.set_trace_callback(executed.append)
        try:
            for offset, n in runs.items():
                executed.clear()
                page = st.statements(StatementQuery(text=BROAD, limit=3, offset=offset))
                assert page.total == want, (cap, offset)
                assert sum("MATCH" in sql for sql in executed) == n, (cap, offset, executed)
        finally:
            st._conn.set_trace_callback(None)


def test_search_scores_only_the_rows_it_ranks(db: Path) -> None:
    """The ranked matches are read in index order and cut at the bound before any sort: no
    step sorts (or scores) every match."""
    with Store(db, read_only=True) as st:
        for kind in (None, "indirect"):
            page, count = st.statement_plans(StatementQuery(text="t*", kind=kind))
            steps = page.splitlines()
            ranked = steps[steps.index("MATERIALIZE r") : steps.index("SCAN r")]
            assert any("statements_fts" in s for s in ranked), page
            assert not any("TEMP B-TREE" in s for s in ranked), page
            assert "TEMP B-TREE" not in count and count.count("statements_fts") == 1, count


def test_web_says_when_a_search_is_too_broad_to_rank(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sayso.store import db as store_db

    client = TestClient(create_app(db))
    note = "Too many matches to rank them all"
    assert note not in client.get("/statements", params={"q": BROAD}).text
    assert client.get("/statements.json", params={"q": BROAD}).json()["ranked"] == 16
    assert client.get("/statements.json").json()["ranked"] is None
    monkeypatch.setattr(store_db, "RANKED_MATCHES_MAX", 5)
    client = TestClient(create_app(db))  # a new cache
    page = client.get("/statements", params={"q": BROAD, "kind": "indirect"})
    assert page.status_code == 200
    assert f"{note} by relevance: the 5 most recently stored of the 13 come first" in page.text
    data = client.get("/statements.json", params={"q": BROAD, "kind": "indirect"}).json()
    assert (data["total"], data["ranked"]) == (13, 5)


# --- the cache -----------------------------------------------------------------------------------


def _extra_article(n: int) -> Extraction:
    text = f"Extra {n}\nThe envoy said talks number {n} went well."
    envoy = Speaker(speaker_id("Special Envoy"), "Special Envoy", "person")
    at = text.index("The envoy")
    cue = text.index("said")
    content = text.index("talks")
    return Extraction(
        Article(text, title=f"Extra {n}", source="Extra Wire", published="2025-01-0" + str(n)),
        (envoy,),
        (
            Attribution(
                "a1",
                Span.of(text, cue, cue + 4),
                (Span.of(text, content, len(text) - 1),),
                "indirect",
                Span.of(text, at, at + len("The envoy")),
                envoy.id,
                extractor="test.hand.v1",
            ),
        ),
    )


def test_home_counts_are_cached_until_another_connection_commits(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"stats": 0, "statements": 0}
    stats, statements = Store.stats, Store.statements

    def counting_stats(self: Store):  # type: ignore[no-untyped-def]
        calls["stats"] += 1
        return stats(self)

    def counting_statements(self: Store, q: StatementQuery):  # type: ignore[no-untyped-def]
        calls["statements"] += 1
        return statements(self, q)

    monkeypatch.setattr(Store, "stats", counting_stats)
    monkeypatch.setattr(Store, "statements", counting_statements)
    client = TestClient(create_app(db))
    for _ in range(5):
        assert client.get("/.json").json()["stats"]["articles"] == 5
        assert client.get("/").status_code == 200
        assert client.get("/statements.json?q=envoy").json()["total"] == 0
    assert calls == {"stats": 1, "statements": 1}  # once, not once per request

    with Store(db) as writer:  # an ingest in another connection (or process)
        assert writer.write(_extra_article(1))
    home = client.get("/.json").json()
    assert home["stats"]["articles"] == 6 and home["stats"]["statements"] == 17
    assert home["latest_articles"][0]["title"] == "Extra 1"
    assert "Extra 1" in client.get("/").text
    assert client.get("/statements.json?q=envoy").json()["total"] == 1
    assert calls == {"stats": 2, "statements": 2}

    # an alias added by `sayso alias` is a commit too
    with Store(db) as writer:
        writer.add_alias("The Envoy", "Special Envoy")
        assert writer.write(_extra_article(2))
    assert client.get("/.json").json()["stats"]["articles"] == 7
    assert client.get("/statements.json?q=envoy").json()["total"] == 2


def test_pages_reuse_connections(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []
    init = Store.__init__

    def counting_init(self: Store, *a, **kw):  # type: ignore[no-untyped-def]
        opened.append(1)
        init(self, *a, **kw)

    monkeypatch.setattr(Store, "__init__", counting_init)
    client = TestClient(create_app(db))
    before = len(opened)
    for i in range(20):  # different searches: none is cached
        assert client.get(f"/statements.json?q=point+{i}").status_code == 200
    assert len(opened) - before <= 2


def test_unfiltered_list_reads_only_its_page(db: Path) -> None:
    """The home of /statements (no search, no filter) reads the newest articles through
    articles_recent and joins only its page's statements: no sort of every statement."""
    with Store(db, read_only=True) as st:
        page, _ = st.statement_plans(StatementQuery(limit=50))
        assert "articles_recent" in page, page
        assert "USE TEMP B-TREE FOR ORDER BY" not in page, page  # only "RIGHT PART OF"
        newest = st.statements(StatementQuery(limit=500)).rows
    # the same order as sorting every statement by hand
    key = [((r.published or "")[:10], r.article_id) for r in newest]
    dates = [d for d, _ in key if d]
    assert dates == sorted(dates, reverse=True)
    assert all(not d for d, _ in key[len(dates):])  # unknown dates last


def test_whole_pages_are_kept_until_the_database_changes(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sayso.web import app as web_app

    renders = []
    render = web_app._Pages.html

    def counting_html(self, request, name, status_code=200, **context):  # type: ignore[no-untyped-def]
        renders.append(name)
        return render(self, request, name, status_code, **context)

    monkeypatch.setattr(web_app._Pages, "html", counting_html)
    client = TestClient(create_app(db))
    first = client.get("/statements?q=said&kind=indirect")
    again = client.get("/statements?q=said&kind=indirect")
    assert first.status_code == again.status_code == 200 and first.text == again.text
    assert renders == ["statements.html"]  # rendered once
    # headers are whole and not repeated on the kept page
    assert again.headers["content-type"].startswith("text/html")
    assert int(again.headers["content-length"]) == len(again.content)
    assert again.headers.get_list("x-content-type-options") == ["nosniff"]
    client.get("/statements?q=said&kind=direct")  # another query string: another page
    assert renders == ["statements.html"] * 2
    with Store(db) as writer:
        assert writer.write(_extra_article(3))
    assert "Extra 3" in client.get("/").text  # the home page was not stale
    client.get("/statements?q=said&kind=indirect")
    assert renders.count("statements.html") == 3  # rendered again after the commit


def test_a_new_search_reads_only_statements_no_page_has_shown(db: Path) -> None:
    """Rows (and their list items) are kept by statement id: a search never asked before
    reads only the statements no earlier page showed, its page is the same as with nothing
    kept, and a commit that changes a kept statement is seen on the next search."""
    from sayso.web import app as web_app

    def listed(client: TestClient, q: str) -> str:
        page = client.get("/statements", params={"q": q, "per_page": 200})
        assert page.status_code == 200
        return page.text.split('<ol class="stmts">', 1)[1].split("</ol>", 1)[0]

    read: list[int] = []
    real = Store.statement_rows

    def counting(self: Store, sids: list[int]) -> dict[int, object]:
        read.extend(sids)
        return real(self, sids)  # type: ignore[return-value]

    warm = TestClient(create_app(db))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Store, "statement_rows", counting)
        first = listed(warm, "t*")
        assert len(read) == first.count('<li class="stmt">')
        both = listed(warm, "t* OR s*")  # a new search: most of its statements were shown
        assert len(read) - first.count('<li class="stmt">') < both.count('<li class="stmt">')
        listed(warm, "t* OR s* OR said")
        assert len(read) == len(set(read))  # no statement was read twice
    cold = TestClient(create_app(db))
    assert listed(cold, "t* OR s*") == both and listed(cold, "t*") == first
    # a statement's text changes under a kept row: the next search shows the new text
    con = sqlite3.connect(db)
    try:
        (sid, text) = con.execute(
            "SELECT sid, content_text FROM attributions WHERE content_text LIKE 't%'"
            " OR content_text LIKE '% t%' LIMIT 1"
        ).fetchone()
        with con:
            con.execute(
                "UPDATE attributions SET content_text = ? WHERE sid = ?",
                ("taken over by a test zzqx " + text, sid),
            )
    finally:
        con.close()
    assert "zzqx" in listed(warm, "t* OR zzqx") and "zzqx" not in first
    assert web_app.ROW_CACHE_ENTRIES >= web_app.MAX_PER_PAGE


def test_newest_extractor_is_listed_once_not_looked_up_per_row(tmp_path: Path) -> None:
    """With two extractors on one article, listings keep the newest one's rows through a list
    built once per query: no correlated subquery per statement."""
    from test_store_corpus import make_extraction

    path = tmp_path / "two.db"
    with Store(path) as st:
        for n in range(4):
            st.write(make_extraction(n, statements=3, extractor="test.old.v1"))
        for n in range(2):  # articles 0 and 1 re-extracted by a newer extractor
            st.write(make_extraction(n, statements=3, extractor="test.new.v1"))
    with Store(path, read_only=True) as st:
        for q in (StatementQuery(limit=50), StatementQuery(text="said*", kind="indirect"),
                  StatementQuery(speaker="Vladimir Putin")):  # fmt: skip
            page, count = st.statement_plans(q)
            assert "CORRELATED" not in page and "CORRELATED" not in count, (q, page, count)
        rows = st.statements(StatementQuery(limit=500)).rows
    by_article: dict[str, set[str]] = {}
    for r in rows:
        by_article.setdefault(r.article_id, set()).add(r.extractor)
    assert sorted(map(sorted, by_article.values())) == [
        ["test.new.v1"], ["test.new.v1"], ["test.old.v1"], ["test.old.v1"],
    ]  # fmt: skip
    assert len(rows) == 4 * 3


def test_second_extractor_is_seen_after_a_write_here_or_elsewhere(tmp_path: Path) -> None:
    """Whether some article has two extractors is kept between queries (it takes a scan):
    a write on the same connection, or a commit by another one, must still be seen."""
    from test_store_corpus import make_extraction

    path = tmp_path / "two.db"

    def extractors(st: Store) -> list[str]:
        return sorted(r.extractor for r in st.statements(StatementQuery(limit=500)).rows)

    with Store(path) as st, Store(path, read_only=True) as reader:
        st.write(make_extraction(0, statements=2, extractor="test.old.v1"))
        assert extractors(st) == extractors(reader) == ["test.old.v1"] * 2
        # the same connection writes: only the newest extractor's rows are listed now
        st.write(make_extraction(0, statements=2, extractor="test.new.v1"))
        assert extractors(st) == ["test.new.v1"] * 2
        # and another connection sees that commit on its next query
        assert extractors(reader) == ["test.new.v1"] * 2


def test_search_command_says_when_a_search_is_too_broad_to_rank(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from sayso.cli import cli
    from sayso.store import db as store_db

    note = "too many matches to rank them all"
    ok = CliRunner().invoke(cli, ["search", str(db), BROAD, "--limit", "3"])
    assert ok.exit_code == 0 and note not in ok.stderr
    monkeypatch.setattr(store_db, "RANKED_MATCHES_MAX", 5)
    out = CliRunner().invoke(cli, ["search", str(db), BROAD, "--limit", "3"])
    assert out.exit_code == 0
    assert f"{note}: the 5 most recently stored come first" in out.stderr


def test_row_columns_are_in_the_order_of_statement_row() -> None:
    """Rows are built positionally from _ROW_COLUMNS: its columns must be StatementRow's
    fields, in order."""
    from sayso.store.db import _ROW_COLUMNS
    from sayso.store.records import StatementRow

    renamed = {"t.id": "attribution_id", "s.name": "speaker_name", "s.kind": "speaker_kind"}
    selected = _ROW_COLUMNS.split("SELECT", 1)[1].replace("\n", " ").split(",")
    names = [renamed.get(c.strip(), c.strip().split(".")[-1]) for c in selected]
    assert tuple(names) == StatementRow.columns()


def test_at_most_render_threads_pages_render_at_once(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from sayso.web import app as web_app

    running, most = 0, 0
    lock = threading.Lock()
    render = web_app._Pages.statements

    def slow_statements(self, request):  # type: ignore[no-untyped-def]
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return render(self, request)

    monkeypatch.setattr(web_app._Pages, "statements", slow_statements)
    client = TestClient(create_app(db))
    codes: list[int] = []

    def ask(i: int) -> None:
        codes.append(client.get(f"/statements?q=point+{i}").status_code)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 8
    assert most == web_app.RENDER_THREADS == 2
