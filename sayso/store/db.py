"""The Store: one SQLite database of articles, speakers and attributed statements.

Every write of an article happens in one ``BEGIN IMMEDIATE`` transaction, so a killed ingest
never leaves half an article behind.  Read-only stores open the file with ``mode=ro`` and
refuse writes before they reach SQLite.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import QueryError, StoreError
from ..models import (
    ATTRIBUTION_KINDS,
    Article,
    Attribution,
    Extraction,
    Origin,
    Span,
    Speaker,
    speaker_id,
)
from .fts import QUERY_HELP, safe_match
from .records import (
    ALL_EXTRACTORS,
    Alias,
    AliasMove,
    AliasPlan,
    ArticleRow,
    Count,
    MergeSuggestion,
    SpeakerDetail,
    SpeakerRow,
    StatementIds,
    StatementPage,
    StatementQuery,
    StatementRow,
    StoreStats,
)
from .schema import ensure_schema

if TYPE_CHECKING:  # pragma: no cover
    from .export import ExportFormat

#: Seconds a writer waits for another process's write lock before giving up.
BUSY_TIMEOUT_S = 30.0
#: Rows fetched per round trip when streaming all statements (export).
FETCH_BATCH = 1000
#: The key used for statements/articles whose outlet or month is unknown in breakdowns.
UNKNOWN_KEY = "unknown"
#: A search ranks at most this many of its matches by relevance (FTS5's bm25): the most
#: recently stored ones, which come first in that order; further matches follow them, newest
#: first.  No top-k shortcut exists for bm25 (every match's score is needed before the best
#: are known), and a broad query ("t*") matches nearly every statement: this bounds the
#: ranking's cost at about 1-2 ms however large the store grows.
RANKED_MATCHES_MAX = 2000

# The columns of a StatementRow, in order, as selected from attributions t, articles a and
# speakers s.
_ROW_COLUMNS = """
SELECT t.article_id, t.id, t.speaker_id, s.name, s.kind, t.source_text, t.cue_text,
       t.content_text, t.kind, t.hedged, t.time, t.channel, t.addressee, t.parent_id,
       t.cue_class, t.extractor, t.confidence, a.outlet, a.published, a.title, a.url,
       t.speaker_via, t.speaker_confidence, t.time_precision
"""
#: how many columns _ROW_COLUMNS selects (the id follows them when rows are read by id)
_ROW_WIDTH = _ROW_COLUMNS.count(",") + 1
_ROW_JOINS = """
  JOIN articles a ON a.id = t.article_id
  LEFT JOIN speakers s ON s.id = t.speaker_id
"""
_ROW_SQL = _ROW_COLUMNS + "  FROM attributions t" + _ROW_JOINS

# A full-text search is evaluated once per query, whatever the filters: the FTS table is the
# outer loop (CROSS JOIN keeps it there) and each match is looked up by primary key to test
# the filters; left to itself SQLite may walk a filter's index (kind, speaker) and re-run
# MATCH for every row.  The matches are read newest stored first (FTS5 walks its index in
# rowid order, either way, with no sort), and bm25 is computed only for the first
# RANKED_MATCHES_MAX that pass the filters: those come first, best first (ties in the order
# they were stored), then the rest in the order they were read.  Only the page's rows are
# joined to their articles and speakers.
_SEARCH_FROM = "statements_fts"
_SEARCH_JOIN = " CROSS JOIN attributions t ON t.sid = statements_fts.rowid"
_SEARCH_HEAD_SQL = (
    "WITH r(sid, rank) AS MATERIALIZED"
    " (SELECT statements_fts.rowid, statements_fts.rank{matches} LIMIT ?)"
    # with the page's statements, how many matches r read: under RANKED_MATCHES_MAX, every
    # one, which is the count
    " SELECT sid, (SELECT count(*) FROM r) FROM r ORDER BY rank, sid LIMIT ? OFFSET ?"
)
_SEARCH_TAIL_SQL = "SELECT statements_fts.rowid{matches} LIMIT ? OFFSET ?"
# A page's statements are found by their ids first (the queries above), then read by id:
# the web explorer keeps rows it has read, so a new search reads only the ones it has not.
_IDS_SQL = "SELECT t.sid  FROM attributions t" + _ROW_JOINS
_IDS_NEWEST_SQL = (
    "SELECT t.sid  FROM articles a CROSS JOIN attributions t ON t.article_id = a.id"
    "  LEFT JOIN speakers s ON s.id = t.speaker_id"
)
_ROWS_BY_ID_SQL = (
    _ROW_COLUMNS
    + ", t.sid  FROM json_each(?) j CROSS JOIN attributions t ON t.sid = j.value"
    + _ROW_JOINS
)


#: SQLite's primary result codes for a file it cannot open as usual for reading (its -shm
#: cannot be created or written): CANTOPEN, READONLY, IOERR
_CANNOT_OPEN = frozenset({14, 8, 10})


def connect_read_only(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """A read-only connection to the database at ``path``, and a note when it is partial.

    ``mode=ro`` reads a database in WAL mode only where SQLite can open (or create) its
    ``-shm`` index: not in a folder it cannot write (a read-only mount, a ``chmod a-w`` copy)
    when the ``-shm`` file is missing.  There the file is read as ``immutable``, which is exact
    unless a ``-wal`` file holds commits not yet copied into it; the note then says so.
    """
    uri = path.resolve().as_uri()

    def connect(query: str) -> sqlite3.Connection:
        return sqlite3.connect(
            f"{uri}?{query}", uri=True, isolation_level=None, check_same_thread=False,
            timeout=BUSY_TIMEOUT_S,
        )  # fmt: skip

    conn = connect("mode=ro")
    try:
        conn.execute("PRAGMA user_version").fetchone()  # the first read opens the WAL index
        return conn, None
    except sqlite3.OperationalError as e:
        conn.close()
        # only a file SQLite cannot open for reading as usual; a busy or locked database
        # is an error, never a reason to read it without its locks
        if getattr(e, "sqlite_errorcode", 0) & 0xFF not in _CANNOT_OPEN:
            raise
    conn = connect("mode=ro&immutable=1")
    wal = path.with_name(path.name + "-wal")
    size = wal.stat().st_size if wal.is_file() else 0
    note = None
    if size:
        note = (
            f"{path}: read without the last changes in {wal.name} ({size:,} bytes), as its folder "
            "cannot be written; open the database once where it can be written to include them"
        )
    return conn, note


def _check_writable(path: Path) -> None:
    """Raise StoreError when the database (or, for a new one, its folder) cannot be written."""
    folder = path.parent
    if path.exists() and os.access(path, os.W_OK) and os.access(folder, os.W_OK):
        return
    if not path.exists() and os.access(folder, os.W_OK):
        return
    what = "database" if path.exists() else "folder for a new database"
    raise StoreError(
        f"{path}: the {what} is read-only (file or folder not writable, or a read-only mount); "
        "reading commands (statements, search, speakers, export, serve) work on it, writing "
        "ones (ingest, alias) need write access"
    )


# By default a statement counts only when its extractor is its article's newest, so that an
# article ingested with two pipelines is counted once (the condition is left out while no
# article has two).  Within one second, the later write is the newer (rowid).
# The newest extractors are listed once per query (not looked up per statement: that made
# every listing a correlated subquery and a sort per row).
_NEWEST_EXTRACTOR = (
    "(t.article_id, t.extractor) IN (SELECT article_id, extractor FROM"
    " (SELECT article_id, extractor, row_number() OVER (PARTITION BY article_id"
    " ORDER BY extracted_at DESC, rowid DESC) AS k FROM extractions) WHERE k = 1)"
)


def _fold(s: str) -> str:
    """The case- and space-insensitive key of a name (for matching aliases)."""
    return " ".join(s.casefold().split())


def _names_someone_else(name: str, canonical: str) -> bool:
    """Whether ``name`` is a full person name that is not ``canonical``'s ("Sarah Huckabee
    Sanders" for "Bernie Sanders"): an alias never moves such a speaker on its own."""
    from ..resolve import names as nm

    words = nm.strip_title(name.split())
    if len(words) < 2 or not all(w[:1].isupper() for w in words) or _fold(name) == _fold(canonical):
        return False
    return not nm.same_person_name(name, canonical)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _row(r: Sequence[Any]) -> StatementRow:
    # _ROW_COLUMNS lists the fields in StatementRow's order (a test pins it): positional
    # arguments, as a search page builds 50 of these per uncached request
    # (mypy cannot count the unpacked columns)
    return StatementRow(*r[:9], bool(r[9]), *r[10:_ROW_WIDTH])  # type: ignore[call-arg]


class Store:
    """A sayso database: ``Store(path)`` creates or opens it; use it as a context manager."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # One connection shared by threads (the web server's workers), serialized by a lock.
        self._lock = threading.RLock()
        #: a note for the user on how the database could be read (None: as usual)
        self.notice: str | None = None
        # _several_extractors' answer and the database version it was read at
        self._several: tuple[tuple[int, int], bool] | None = None
        name = str(self.path)
        try:
            if read_only:
                if not self.path.is_file():
                    raise StoreError(f"{name}: no such database file; check the path")
                conn, self.notice = connect_read_only(self.path)
            else:
                if not self.path.parent.is_dir():
                    raise StoreError(f"{name}: folder {self.path.parent} does not exist; create it")
                _check_writable(self.path)
                conn = sqlite3.connect(
                    name, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
                )
        except sqlite3.Error as e:
            raise StoreError(f"{name}: cannot open the database ({e})") from e
        self._conn = conn
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if read_only:
                conn.execute("PRAGMA query_only = ON")
            else:
                conn.execute("PRAGMA journal_mode = WAL")
                # In WAL mode NORMAL never corrupts the database, even on power loss; it may
                # only lose the last commits on power loss, which a resumable ingest redoes.
                conn.execute("PRAGMA synchronous = NORMAL")
            ensure_schema(conn, read_only, name)
        except sqlite3.DatabaseError as e:
            conn.close()
            raise StoreError(f"{name}: not a usable sayso database ({e}); check the path") from e
        except BaseException:
            conn.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Store({str(self.path)!r}, {mode})"

    # -- plumbing ----------------------------------------------------------------------------

    def _writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(
                f"{self.path}: cannot {what}: the store is open read-only; "
                "open it with read_only=False"
            )

    def _q(self, sql: str, params: Sequence[Any] = (), fts: str | None = None) -> list[Any]:
        """Run a read query; SQLite errors become QueryError (bad FTS) or StoreError."""
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as e:
            if fts is not None and _is_fts_error(e):
                raise QueryError(f"bad search query {fts!r}: {e}; {QUERY_HELP}") from e
            raise StoreError(f"{self.path}: query failed ({e})") from e
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: query failed ({e})") from e

    def _transaction(self, what: str) -> _Tx:
        self._writable(what)
        return _Tx(self, what)

    # -- writing -----------------------------------------------------------------------------

    def write(
        self, extraction: Extraction, replace: bool = False, *, extractor: str | None = None
    ) -> bool:
        """Store an extraction (article, speakers, attributions, spans) in one transaction.

        The article counts as extracted by every extractor named in its attributions, plus
        ``extractor`` when given (pass it so that an article with no statements is recorded
        as done).  Returns False, writing nothing, when all those extractors already have
        rows for the article; ``replace=True`` deletes those extractors' rows and rewrites them.
        """
        ex = extraction
        art = ex.article
        _validate(ex)
        names = {a.extractor for a in ex.attributions}
        if extractor is not None:
            names.add(extractor)
        if not names:
            names.add("")
        with self._transaction(f"write article {art.id}") as conn:
            done = {r[0] for r in conn.execute(
                "SELECT extractor FROM extractions WHERE article_id = ?", (art.id,))}  # fmt: skip
            todo = sorted(names if replace else names - done)
            if not todo:
                return False
            now = _now()
            self._put_article(conn, art, now, update=replace)
            stale: set[str] = set()
            for name in todo:
                if name in done:
                    stale |= self._delete_extraction(conn, art.id, name)
            amap = self._alias_map(conn)
            canon: dict[str, str] = {}
            for seq, sp in enumerate(ex.speakers):
                cid = self._upsert_speaker(conn, sp, amap)
                canon[sp.id] = cid
                conn.executemany(
                    "INSERT INTO article_speakers"
                    " (article_id, extractor, ref, seq, name, kind, aliases, speaker_id, members)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(art.id, name, sp.id, seq, sp.name, sp.kind,
                      json.dumps(list(sp.aliases), ensure_ascii=False), cid,
                      json.dumps(list(sp.members))) for name in todo],
                )  # fmt: skip
            counts = dict.fromkeys(todo, 0)
            for seq, a in enumerate(ex.attributions):
                if a.extractor in counts:
                    self._put_attribution(conn, art.id, seq, a, canon.get(a.speaker or ""))
                    counts[a.extractor] += 1
            conn.executemany(
                "INSERT INTO extractions (article_id, extractor, extracted_at, statements)"
                " VALUES (?, ?, ?, ?)",
                [(art.id, name, now, n) for name, n in counts.items()],
            )
            self._refresh_speakers(conn, stale - set(canon.values()))
        return True

    def _put_article(self, conn: sqlite3.Connection, art: Article, now: str, update: bool) -> None:
        pd = art.published_date
        values = (
            art.id, art.external_id, art.url, art.source, art.published,
            pd.isoformat() if pd else None, art.title,
            json.dumps(list(art.topics), ensure_ascii=False), art.text, now,
        )  # fmt: skip
        conflict = (
            "DO UPDATE SET external_id = excluded.external_id, url = excluded.url,"
            " outlet = excluded.outlet, published = excluded.published,"
            " published_date = excluded.published_date, title = excluded.title,"
            " topics = excluded.topics, text = excluded.text"
            if update
            else "DO NOTHING"
        )
        conn.execute(
            "INSERT INTO articles (id, external_id, url, outlet, published, published_date,"
            " title, topics, text, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            f" ON CONFLICT (id) {conflict}",
            values,
        )
        if art.origin is not None:
            conn.execute(
                f"INSERT OR {'REPLACE' if update else 'IGNORE'} INTO article_origins"
                " (article_id, edits) VALUES (?, ?)",
                (art.id, json.dumps(art.origin.to_json(), ensure_ascii=False)),
            )

    def _delete_extraction(self, conn: sqlite3.Connection, article_id: str, name: str) -> set[str]:
        """Delete one extractor's rows of an article; returns the speaker ids they used."""
        used = {r[0] for r in conn.execute(
            "SELECT speaker_id FROM article_speakers WHERE article_id = ? AND extractor = ?",
            (article_id, name))}  # fmt: skip
        key = (article_id, name)
        conn.execute("DELETE FROM attributions WHERE article_id = ? AND extractor = ?", key)
        conn.execute("DELETE FROM article_speakers WHERE article_id = ? AND extractor = ?", key)
        conn.execute("DELETE FROM extractions WHERE article_id = ? AND extractor = ?", key)
        return used

    @staticmethod
    def _alias_map(conn: sqlite3.Connection) -> dict[str, str]:
        return {_fold(a): c for a, c in conn.execute("SELECT alias, canonical FROM aliases")}

    @staticmethod
    def _canonical(name: str, aliases: Sequence[str], ref: str, amap: dict[str, str]) -> str:
        """The canonical speaker id of a speaker as written, after the user's alias table."""
        for k, form in enumerate((name, *aliases)):
            canonical = amap.get(_fold(form))
            if canonical is not None and not (k and _names_someone_else(name, canonical)):
                return speaker_id(canonical)
        return ref

    def _upsert_speaker(self, conn: sqlite3.Connection, sp: Speaker, amap: dict[str, str]) -> str:
        cid = self._canonical(sp.name, sp.aliases, sp.id, amap)
        mapped = next((c for c in amap.values() if speaker_id(c) == cid), None)
        row = conn.execute("SELECT name, kind FROM speakers WHERE id = ?", (cid,)).fetchone()
        if row is None:
            name = mapped or sp.name
            conn.execute("INSERT INTO speakers (id, name, kind) VALUES (?, ?, ?)",
                         (cid, name, sp.kind))  # fmt: skip
        else:
            name = row[0]
            if row[1] == "unknown" and sp.kind != "unknown":
                conn.execute("UPDATE speakers SET kind = ? WHERE id = ?", (sp.kind, cid))
        key = _fold(name)
        conn.executemany(
            "INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias) VALUES (?, ?)",
            [(cid, f) for f in dict.fromkeys((sp.name, *sp.aliases)) if _fold(f) != key and f],
        )
        return cid

    def _put_attribution(
        self, conn: sqlite3.Connection, article_id: str, seq: int, a: Attribution,
        canonical_speaker: str | None,
    ) -> None:  # fmt: skip
        src = a.source
        conn.execute(
            "INSERT INTO attributions (article_id, extractor, id, seq, speaker_ref, speaker_id,"
            " kind, parent_id, addressee, channel, time, hedged, cue_class, confidence,"
            " source_start, source_end, source_text, cue_start, cue_end, cue_text, content_text,"
            " speaker_via, speaker_confidence, time_precision, speaker_name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " (SELECT name FROM speakers WHERE id = ?))",
            (
                article_id, a.extractor, a.id, seq, a.speaker,
                canonical_speaker if a.speaker is not None else None,
                a.kind, a.parent, a.addressee, a.channel, a.time, int(a.hedged), a.cue_class,
                float(a.confidence),
                src.start if src else None, src.end if src else None, src.text if src else None,
                a.cue.start, a.cue.end, a.cue.text, a.content_text,
                a.speaker_via, float(a.speaker_confidence), a.time_precision,
                canonical_speaker if a.speaker is not None else None,
            ),
        )  # fmt: skip
        spans = [("cue", 0, a.cue)] + ([("source", 0, src)] if src else [])
        spans += [("content", i, s) for i, s in enumerate(a.content)]
        conn.executemany(
            "INSERT INTO spans (article_id, extractor, attribution_id, role, seq, start, end,"
            " text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(article_id, a.extractor, a.id, role, i, s.start, s.end, s.text)
             for role, i, s in spans],
        )  # fmt: skip

    def _refresh_speakers(self, conn: sqlite3.Connection, ids: set[str]) -> None:
        """Recompute the derived speaker rows (name, kind, aliases) of these ids from the
        speakers as written; delete those no article uses any more."""
        if not ids:
            return
        by_id = {speaker_id(c): c for c in self._alias_map(conn).values()}
        for sid in sorted(ids):
            raws = conn.execute(
                "SELECT name, kind, aliases FROM article_speakers WHERE speaker_id = ?"
                " ORDER BY rowid", (sid,),
            ).fetchall()  # fmt: skip
            if not raws:
                conn.execute("DELETE FROM speakers WHERE id = ?", (sid,))
                continue
            name = by_id.get(sid) or raws[0][0]
            kind = next((k for _, k, _ in raws if k != "unknown"), "unknown")
            conn.execute("UPDATE speakers SET name = ?, kind = ? WHERE id = ?", (name, kind, sid))
            forms: dict[str, str] = {}
            for raw_name, _, raw_aliases in raws:
                for f in (raw_name, *json.loads(raw_aliases)):
                    if f and _fold(f) != _fold(name):
                        forms.setdefault(_fold(f), f)
            conn.execute("DELETE FROM speaker_aliases WHERE speaker_id = ?", (sid,))
            conn.executemany(
                "INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias) VALUES (?, ?)",
                [(sid, f) for f in forms.values()],
            )

    # -- aliases -----------------------------------------------------------------------------

    def plan_alias(self, alias: str, canonical: str) -> AliasPlan:
        """What :meth:`add_alias` would move: every stored speaker written ``alias`` (as its
        name or one of its aliases) that is not already ``canonical``, with its statements and
        articles; a speaker whose full name names someone else is marked a conflict."""
        alias, canonical = alias.strip(), " ".join(canonical.split())
        key, target = _fold(alias), speaker_id(canonical)
        with self._lock:
            conn = self._conn
            conn.create_function("sayso_fold", 1, _fold, deterministic=True)
            rows = self._q(
                "SELECT s.name, s.speaker_id, coalesce(sp.name, s.name), count(t.id),"
                "       count(DISTINCT s.article_id)"
                "  FROM article_speakers s"
                "  LEFT JOIN speakers sp ON sp.id = s.speaker_id"
                "  LEFT JOIN attributions t ON t.article_id = s.article_id"
                "   AND t.extractor = s.extractor AND t.speaker_ref = s.ref"
                " WHERE (sayso_fold(s.name) = ?"
                "    OR EXISTS (SELECT 1 FROM json_each(s.aliases) WHERE sayso_fold(value) = ?))"
                "   AND s.speaker_id != ?"
                " GROUP BY s.name, s.speaker_id ORDER BY count(t.id) DESC, s.name",
                (key, key, target),
            )

        def other(form: str) -> bool:
            return _names_someone_else(form, canonical)

        moves = tuple(
            AliasMove(form, now, n, arts, conflict=other(form))
            for form, _sid, now, n, arts in rows
        )
        return AliasPlan(alias, canonical, moves)

    def add_alias(self, alias: str, canonical: str, force: bool = False) -> AliasPlan:
        """Map a surface form to a canonical speaker name, re-mapping stored speakers too;
        returns what moved.  A stored speaker whose full name names someone else ("Sarah
        Huckabee Sanders" for ``Sanders`` -> ``Bernie Sanders``) is refused with a QueryError,
        nothing written, unless ``force`` (then its full name is aliased too)."""
        alias, canonical = alias.strip(), " ".join(canonical.split())
        if not alias or not canonical:
            raise QueryError(
                f"alias {alias!r} -> {canonical!r}: both the alias and the canonical name "
                "must be non-empty"
            )
        plan = self.plan_alias(alias, canonical)
        if plan.conflicts and not force:
            who = ", ".join(f"{m.form} ({m.statements} statements)" for m in plan.conflicts)
            raise QueryError(
                f"alias {alias!r} -> {canonical!r} would move {who}, whose full name differs "
                f"from {canonical!r}; nothing changed. Give --force if they really are one "
                "person"
            )
        forms = [alias] + [m.form for m in plan.conflicts]
        with self._transaction(f"add alias {alias!r}") as conn:
            for form in forms:
                conn.execute(
                    "INSERT INTO aliases (alias, canonical) VALUES (?, ?)"
                    " ON CONFLICT (alias) DO UPDATE SET alias = excluded.alias,"
                    " canonical = excluded.canonical",
                    (form, canonical),
                )
            for form in forms:
                self._remap(conn, form)
        return plan

    def remove_alias(self, alias: str) -> bool:
        """Remove an alias (case-insensitive); returns False when there was none."""
        with self._transaction(f"remove alias {alias!r}") as conn:
            cur = conn.execute("DELETE FROM aliases WHERE alias = ?", (alias.strip(),))
            if cur.rowcount == 0:
                return False
            self._remap(conn, alias.strip())
        return True

    def suggest_aliases(self) -> tuple[Alias, ...]:
        """One-word person names that stand for exactly one fully named stored person."""
        from ..models import Speaker
        from ..resolve.identity import suggest_aliases

        with self._lock:
            rows = self._q("SELECT id, name, kind FROM speakers")
            counts = dict(self._q(
                "SELECT s.name, count(*) FROM article_speakers s JOIN attributions t"
                " ON t.article_id = s.article_id AND t.extractor = s.extractor"
                " AND t.speaker_ref = s.ref GROUP BY s.name"))  # fmt: skip
        taken = [a.alias for a in self.aliases()]
        pairs = suggest_aliases((Speaker(i, n, k) for i, n, k in rows), taken, counts)
        return tuple(Alias(a, c) for a, c in pairs)

    def suggest_merges(self) -> tuple[MergeSuggestion, ...]:
        """Candidate merges of stored speakers with their evidence and sizes (``sayso
        speakers --suggest``); :meth:`apply_suggested_aliases` adds them all."""
        from ..models import Speaker
        from ..resolve.identity import suggest_merges

        with self._lock:
            rows = self._q("SELECT id, name, kind FROM speakers")
            counts = dict(self._q(
                "SELECT s.name, count(*) FROM article_speakers s JOIN attributions t"
                " ON t.article_id = s.article_id AND t.extractor = s.extractor"
                " AND t.speaker_ref = s.ref GROUP BY s.name"))  # fmt: skip
            sizes = {sid: (n, a) for sid, n, a in self._q(
                "SELECT speaker_id, count(*), count(DISTINCT article_id) FROM attributions"
                " WHERE speaker_id IS NOT NULL GROUP BY speaker_id")}  # fmt: skip
        taken = [a.alias for a in self.aliases()]
        merges = suggest_merges((Speaker(i, n, k) for i, n, k in rows), taken, counts)
        ids = {n: i for i, n, _ in rows}
        out = []
        for m in merges:
            a = sizes.get(ids.get(m.alias, speaker_id(m.alias)), (0, 0))
            c = sizes.get(ids.get(m.canonical, speaker_id(m.canonical)), (0, 0))
            out.append(MergeSuggestion(m.alias, m.canonical, m.reason, *a, *c))
        return tuple(out)

    def apply_suggested_aliases(self) -> tuple[Alias, ...]:
        """Add every suggested alias to the alias table (re-mapping stored speakers)."""
        added = []
        for a in self.suggest_aliases():
            try:
                self.add_alias(a.alias, a.canonical)
            except QueryError:
                continue  # it would move someone else too: leave it to the user
            added.append(a)
        return tuple(added)

    def aliases(self) -> tuple[Alias, ...]:
        """The user's alias table, sorted by alias."""
        with self._lock:
            rows = self._q("SELECT alias, canonical FROM aliases ORDER BY alias COLLATE NOCASE")
        return tuple(Alias(a, c) for a, c in rows)

    def _remap(self, conn: sqlite3.Connection, form: str) -> None:
        """Recompute the canonical id of every stored speaker with this surface form."""
        conn.create_function("sayso_fold", 1, _fold, deterministic=True)
        key = _fold(form)
        rows = conn.execute(
            "SELECT rowid, article_id, extractor, ref, name, kind, aliases, speaker_id"
            "  FROM article_speakers s"
            " WHERE sayso_fold(name) = ?"
            "    OR EXISTS (SELECT 1 FROM json_each(s.aliases) WHERE sayso_fold(value) = ?)",
            (key, key),
        ).fetchall()
        amap = self._alias_map(conn)
        by_id = {speaker_id(c): c for c in amap.values()}
        touched: set[str] = set()
        for rowid, art_id, ext, ref, name, kind, aliases, old in rows:
            new = self._canonical(name, json.loads(aliases), ref, amap)
            if new == old:
                continue
            conn.execute(
                "INSERT OR IGNORE INTO speakers (id, name, kind) VALUES (?, ?, ?)",
                (new, by_id.get(new) or name, kind),
            )
            conn.execute("UPDATE article_speakers SET speaker_id = ? WHERE rowid = ?", (new, rowid))
            conn.execute(
                "UPDATE attributions SET speaker_id = ?"
                " WHERE article_id = ? AND extractor = ? AND speaker_ref = ?",
                (new, art_id, ext, ref),
            )
            touched |= {old, new}
        self._refresh_speakers(conn, touched)

    # -- reading -----------------------------------------------------------------------------

    def has_article(self, article_id: str, extractor: str | None = None) -> bool:
        """Whether the article is stored (by ``extractor``, when given)."""
        with self._lock:
            if extractor is None:
                rows = self._q("SELECT 1 FROM articles WHERE id = ?", (article_id,))
            else:
                rows = self._q(
                    "SELECT 1 FROM extractions WHERE article_id = ? AND extractor = ?",
                    (article_id, extractor),
                )
        return bool(rows)

    def stats(self) -> StoreStats:
        """How many articles, statements, speakers and outlets the store holds."""
        with self._lock:
            (r,) = self._q(
                # a near-duplicate (articles.duplicate_of) is its original: counted once
                "SELECT (SELECT count(*) FROM articles WHERE duplicate_of IS NULL),"
                " (SELECT count(*) FROM attributions), (SELECT count(*) FROM speakers),"
                " (SELECT count(DISTINCT outlet) FROM articles WHERE duplicate_of IS NULL)"
            )
        return StoreStats(*r)

    def resolve_article_id(self, key: str) -> str | None:
        """The article id a user's key names: an article id, else the id the input gave an
        article (``external_id``, the first stored when several share it); None if neither."""
        with self._lock:
            rows = self._q(
                "SELECT id FROM articles WHERE id = ? UNION ALL SELECT * FROM"
                " (SELECT id FROM articles WHERE external_id = ? ORDER BY rowid) LIMIT 1",
                (key, key),
            )
        return rows[0][0] if rows else None

    def newest_extractors(self) -> dict[str, str]:
        """Each article's newest extractor (the one whose rows count by default)."""
        with self._lock:
            rows = self._q(
                "SELECT article_id, extractor FROM extractions"
                " ORDER BY article_id, extracted_at, rowid"
            )
        return dict(rows)  # the last row of each article wins: its newest

    def _several_extractors(self) -> bool:
        """Whether any article was extracted by more than one extractor.

        Every statement query asks, and the answer takes a scan of the extractions (0.7 ms
        with 1,700 articles), so it is kept until the database changes: until another
        connection commits (SQLite's data_version) or this one writes (total_changes)."""
        with self._lock:
            version = (self._q("PRAGMA data_version")[0][0], self._conn.total_changes)
            if self._several is None or self._several[0] != version:
                sql = "SELECT 1 FROM extractions GROUP BY article_id HAVING count(*) > 1 LIMIT 1"
                self._several = (version, bool(self._q(sql)))
            return self._several[1]

    def article(self, article_id: str) -> Extraction | None:
        """The full Extraction of a stored article, exactly as written (all extractors);
        ``article_id`` may also be the id the input gave it (``external_id``)."""
        with self._lock:
            rows = self._q(
                "SELECT id, external_id, url, outlet, published, title, topics, text"
                " FROM articles WHERE id = ?", (self.resolve_article_id(article_id),),
            )  # fmt: skip
            if not rows:
                return None
            aid, ext_id, url, outlet, published, title, topics, text = rows[0]
            edits = self._q("SELECT edits FROM article_origins WHERE article_id = ?", (aid,))
            art = Article(
                text=text, title=title, source=outlet, published=published, url=url,
                topics=tuple(json.loads(topics)), external_id=ext_id, id=aid,
                origin=Origin.from_json(json.loads(edits[0][0])) if edits else None,
            )  # fmt: skip
            speakers = tuple(
                Speaker(id=ref, name=name, kind=kind, aliases=tuple(json.loads(al)),
                        members=tuple(json.loads(mem)))
                for ref, name, kind, al, mem, _ in self._q(
                    "SELECT ref, name, kind, aliases, members, min(seq) AS first"
                    " FROM article_speakers"
                    " WHERE article_id = ? GROUP BY ref ORDER BY first, ref", (aid,),
                )
            )  # fmt: skip
            content: dict[tuple[str, str], list[Span]] = {}
            for ext, att, start, end, stext in self._q(
                "SELECT extractor, attribution_id, start, end, text FROM spans"
                " WHERE article_id = ? AND role = 'content'"
                " ORDER BY extractor, attribution_id, seq",
                (aid,),
            ):
                content.setdefault((ext, att), []).append(Span(start, end, stext))
            atts = tuple(
                Attribution(
                    id=r[1], extractor=r[0], speaker=r[2], kind=r[3], parent=r[4],
                    addressee=r[5], channel=r[6], time=r[7], hedged=bool(r[8]),
                    cue_class=r[9], confidence=r[10],
                    source=Span(r[11], r[12], r[13]) if r[11] is not None else None,
                    cue=Span(r[14], r[15], r[16]),
                    content=tuple(content.get((r[0], r[1]), ())),
                    speaker_via=r[17], speaker_confidence=r[18],
                )
                for r in self._q(
                    "SELECT extractor, id, speaker_ref, kind, parent_id, addressee, channel,"
                    " time, hedged, cue_class, confidence, source_start, source_end,"
                    " source_text, cue_start, cue_end, cue_text, speaker_via,"
                    " speaker_confidence FROM attributions"
                    " WHERE article_id = ? ORDER BY seq, extractor", (aid,),
                )
            )  # fmt: skip
        return Extraction(article=art, speakers=speakers, attributions=atts)

    def statements(self, q: StatementQuery) -> StatementPage:
        """One page of the statements matching the query, and how many match in all.

        A search lists its matches best first (bm25), the most recently stored
        RANKED_MATCHES_MAX of them when there are more, followed by the rest newest first;
        ``StatementPage.ranked`` says how many are in order of relevance."""
        with self._lock, self._snapshot():
            ids = self.statement_ids(q)
            rows = self.statement_rows(ids.sids)
        page = tuple(rows[sid] for sid in ids.sids)
        return StatementPage(page, ids.total, q.limit, q.offset, ids.ranked)

    def statement_ids(self, q: StatementQuery) -> StatementIds:
        """The ids of the statements on the page ``statements(q)`` returns, in its order,
        with its total and ranked count; :meth:`statement_rows` reads them."""
        parts, count_sql, params = self._statement_sql(q)
        total = None
        with self._lock:
            sids: list[int] = []
            for sql, part_params in parts:
                got = self._q(sql, part_params, fts=q.text)
                if got and len(got[0]) > 1 and got[0][1] < RANKED_MATCHES_MAX:
                    # the ranked head read every match: it counted them too
                    total = got[0][1]
                sids += (r[0] for r in got)
            if total is None:
                if q.offset == 0 and len(sids) < q.limit:
                    total = len(sids)  # the whole result is on this page: no need to count
                else:
                    ((total,),) = self._q(count_sql, params, fts=q.text)
        ranked = min(total, RANKED_MATCHES_MAX) if q.text else None
        return StatementIds(tuple(sids), total, ranked)

    def statement_rows(self, sids: Sequence[int]) -> dict[int, StatementRow]:
        """The statements with these ids (from :meth:`statement_ids`), by id; an id no
        longer stored is left out."""
        if not sids:
            return {}
        with self._lock:
            rows = self._q(_ROWS_BY_ID_SQL, (json.dumps(list(sids)),))
        return {r[_ROW_WIDTH]: _row(r) for r in rows}

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads inside see the database as of their first read (one read transaction),
        unless a transaction is already open."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def statement_plans(self, q: StatementQuery) -> tuple[str, str]:
        """SQLite's query plans of the page and the count of ``statements(q)``, one step a
        line (what a test reads to see that a search runs its MATCH once)."""
        parts, count_sql, params = self._statement_sql(q)
        with self._lock:
            page = [r[3] for sql, p in parts for r in self._q("EXPLAIN QUERY PLAN " + sql, p)]
            count = [r[3] for r in self._q("EXPLAIN QUERY PLAN " + count_sql, params)]
        return "\n".join(page), "\n".join(count)

    def _statement_sql(
        self, q: StatementQuery
    ) -> tuple[list[tuple[str, list[Any]]], str, list[Any]]:
        """The queries that read the page, each with its parameters (a search's page may
        straddle its ranked head and its tail: two queries), the count query and its
        parameters."""
        where, params = self._filters(q)
        cond = " WHERE " + " AND ".join(where) if where else ""
        # the count joins articles only when a filter is on one of its columns
        on_articles = any(w.startswith("a.") for w in where)
        join_articles = " JOIN articles a ON a.id = t.article_id" * on_articles
        if not q.text:
            # unfiltered, the newest articles are read in the order of articles_recent and
            # only the first page's are joined (CROSS JOIN keeps that order of the loops);
            # SQLite's DESC puts unknown dates last, as NULLS LAST says
            rows_from = _IDS_NEWEST_SQL if where in ([], [_NEWEST_EXTRACTOR]) else _IDS_SQL
            sql = (
                rows_from + cond + " ORDER BY a.published_date DESC NULLS LAST,"
                " a.ingested_at DESC, t.article_id, t.seq LIMIT ? OFFSET ?"
            )
            count_sql = f"SELECT count(*) FROM attributions t{join_articles}{cond}"
            return [(sql, [*params, q.limit, q.offset])], count_sql, params
        # with no filter the index alone is read: each of its rows is one statement
        source = _SEARCH_FROM + (_SEARCH_JOIN + join_articles if where else "")
        cond = " WHERE " + " AND ".join(["statements_fts MATCH ?", *where])
        params = [safe_match(q.text), *params]
        matches = f" FROM {source}{cond} ORDER BY statements_fts.rowid DESC"
        cap, start, end = RANKED_MATCHES_MAX, q.offset, q.offset + q.limit
        parts: list[tuple[str, list[Any]]] = []
        if start < cap:  # rows from the ranked head
            head = _SEARCH_HEAD_SQL.replace("{matches}", matches)
            parts.append((head, [*params, cap, min(end, cap) - start, start]))
        if end > cap:  # rows from the tail, which is in the order the matches are read
            first = max(start, cap)
            parts.append((_SEARCH_TAIL_SQL.replace("{matches}", matches),
                          [*params, end - first, first]))  # fmt: skip
        return parts, f"SELECT count(*) FROM {source}{cond}", params

    def _filters(self, q: StatementQuery) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if q.speaker:
            ids = self._speaker_ids(q.speaker)
            where.append(f"t.speaker_id IN ({', '.join('?' * len(ids))})" if ids else "0")
            params += ids
        if q.outlet:
            where.append("a.outlet = ? COLLATE NOCASE")
            params.append(q.outlet)
        if q.since:
            where.append("a.published_date >= ?")
            params.append(q.since.isoformat())
        if q.until:
            where.append("a.published_date <= ?")
            params.append(q.until.isoformat())
        if q.kind:
            if q.kind not in ATTRIBUTION_KINDS:
                raise QueryError(
                    f"unknown statement kind {q.kind!r}; choose one of: "
                    + ", ".join(ATTRIBUTION_KINDS)
                )
            where.append("t.kind = ?")
            params.append(q.kind)
        if q.hedged_only:
            where.append("t.hedged = 1")
        if q.article_id:
            where.append("t.article_id = ?")
            params.append(self.resolve_article_id(q.article_id) or q.article_id)
        if q.extractor and q.extractor != ALL_EXTRACTORS:
            where.append("t.extractor = ?")
            params.append(q.extractor)
        elif not q.extractor and self._several_extractors():
            where.append(_NEWEST_EXTRACTOR)
        return where, params

    def _speaker_ids(self, key: str) -> list[str]:
        """Speaker ids for a user's speaker key, first rule that matches: a speaker id, a
        canonical name, an entry of the alias table, an alias seen in articles."""
        key = " ".join(key.split())
        with self._lock:
            for sql in (
                "SELECT id FROM speakers WHERE id = ?",
                "SELECT id FROM speakers WHERE name = ? COLLATE NOCASE ORDER BY id",
                "SELECT canonical FROM aliases WHERE alias = ?",
                "SELECT DISTINCT speaker_id FROM speaker_aliases WHERE alias = ? COLLATE NOCASE"
                " ORDER BY speaker_id",
            ):
                ids = [r[0] for r in self._q(sql, (key,))]
                if sql.startswith("SELECT canonical"):
                    ids = [speaker_id(c) for c in ids]
                    ids = [i for i in ids if self._q("SELECT 1 FROM speakers WHERE id = ?", (i,))]
                if ids:
                    return ids
        return []

    def chain(self, article_id: str, attribution_id: str) -> tuple[StatementRow, ...]:
        """The statement with its ancestors (outermost first) and then its descendants
        (``article_id`` may be the input's own id)."""
        article_id = self.resolve_article_id(article_id) or article_id
        with self._lock:
            ext = self._q(
                "SELECT extractor FROM attributions WHERE article_id = ? AND id = ?"
                " ORDER BY extractor LIMIT 1", (article_id, attribution_id),
            )  # fmt: skip
            if not ext:
                return ()
            rows = [
                _row(r)
                for r in self._q(
                    _ROW_SQL + " WHERE t.article_id = ? AND t.extractor = ? ORDER BY t.seq",
                    (article_id, ext[0][0]),
                )
            ]
        by_id = {r.attribution_id: r for r in rows}
        ancestors: list[StatementRow] = []
        seen = {attribution_id}
        cur = by_id[attribution_id]
        while cur.parent_id in by_id and cur.parent_id not in seen:
            seen.add(cur.parent_id)
            cur = by_id[cur.parent_id]
            ancestors.append(cur)
        children: dict[str, list[StatementRow]] = {}
        for r in rows:
            if r.parent_id is not None:
                children.setdefault(r.parent_id, []).append(r)
        descendants: list[StatementRow] = []

        def walk(node: str) -> None:  # depth-first, in text order
            for child in children.get(node, ()):
                if child.attribution_id not in seen:
                    seen.add(child.attribution_id)
                    descendants.append(child)
                    walk(child.attribution_id)

        walk(attribution_id)
        return (*reversed(ancestors), by_id[attribution_id], *descendants)

    def speakers(
        self, text: str | None = None, limit: int = 100, offset: int = 0,
        extractor: str | None = None,
    ) -> tuple[SpeakerRow, ...]:  # fmt: skip
        """Speakers, most statements first; ``text`` keeps those whose name or an alias
        contains it (case-insensitive).  Statements count as in :class:`StatementQuery`'s
        ``extractor`` (by default each article's newest extractor only)."""
        where, params = self._speaker_filter(text)
        return self._speaker_rows(where, params, limit, offset, extractor)

    def count_speakers(self, text: str | None = None) -> int:
        """How many speakers :meth:`speakers` lists in all for ``text``."""
        where, params = self._speaker_filter(text)
        with self._lock:
            ((n,),) = self._q("SELECT count(*) FROM speakers s" + where, params)
        return int(n)

    @staticmethod
    def _speaker_filter(text: str | None) -> tuple[str, list[Any]]:
        if not text:
            return "", []
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = (
            " WHERE s.name LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM speaker_aliases x"
            " WHERE x.speaker_id = s.id AND x.alias LIKE ? ESCAPE '\\')"
        )
        return where, [pattern, pattern]

    def _speaker_rows(
        self, where: str, params: list[Any], limit: int, offset: int,
        extractor: str | None = None,
    ) -> tuple[SpeakerRow, ...]:  # fmt: skip
        limit = max(1, min(int(limit), 10_000))
        on, on_params = "", []
        if extractor and extractor != ALL_EXTRACTORS:
            on, on_params = " AND t.extractor = ?", [extractor]
        elif not extractor and self._several_extractors():
            on = " AND " + _NEWEST_EXTRACTOR
        with self._lock:
            rows = self._q(
                "SELECT s.id, s.name, s.kind, count(t.sid) AS n, count(DISTINCT t.article_id)"
                " FROM speakers s LEFT JOIN attributions t ON t.speaker_id = s.id" + on + where +
                " GROUP BY s.id ORDER BY n DESC, s.name COLLATE NOCASE, s.id LIMIT ? OFFSET ?",
                [*on_params, *params, limit, max(0, int(offset))],
            )  # fmt: skip
            aliases: dict[str, list[str]] = {}
            if rows:
                ids = [r[0] for r in rows]
                for sid, alias in self._q(
                    "SELECT speaker_id, alias FROM speaker_aliases WHERE speaker_id IN"
                    f" ({', '.join('?' * len(ids))}) ORDER BY alias COLLATE NOCASE, alias", ids,
                ):  # fmt: skip
                    aliases.setdefault(sid, []).append(alias)
        return tuple(
            SpeakerRow(sid, name, kind, tuple(aliases.get(sid, ())), n, arts)
            for sid, name, kind, n, arts in rows
        )

    def speaker(self, speaker_id_or_name: str) -> SpeakerDetail | None:
        """One speaker (by id, name or alias) with statements per outlet and per month."""
        ids = self._speaker_ids(speaker_id_or_name)
        if not ids:
            return None
        (row,) = self._speaker_rows(" WHERE s.id = ?", [ids[0]], 1, 0)
        with self._lock:
            by_outlet = self._q(
                "SELECT coalesce(a.outlet, ?), count(*) AS n FROM attributions t"
                " JOIN articles a ON a.id = t.article_id WHERE t.speaker_id = ?"
                " GROUP BY 1 ORDER BY n DESC, 1", (UNKNOWN_KEY, row.id),
            )  # fmt: skip
            by_month = self._q(
                "SELECT coalesce(substr(a.published_date, 1, 7), ?), count(*) FROM attributions t"
                " JOIN articles a ON a.id = t.article_id WHERE t.speaker_id = ?"
                " GROUP BY 1 ORDER BY 1", (UNKNOWN_KEY, row.id),
            )  # fmt: skip
        return SpeakerDetail(
            speaker=row,
            by_outlet=tuple(Count(k, n) for k, n in by_outlet),
            by_month=tuple(Count(k, n) for k, n in by_month),
        )

    def outlets(self) -> tuple[Count, ...]:
        """Outlets with how many articles each has, most first (articles without an outlet
        are left out)."""
        with self._lock:
            rows = self._q(
                "SELECT outlet, count(*) AS n FROM articles"
                " WHERE outlet IS NOT NULL AND duplicate_of IS NULL"
                " GROUP BY outlet ORDER BY n DESC, outlet"
            )
        return tuple(Count(k, n) for k, n in rows)

    def articles(
        self, limit: int = 50, offset: int = 0, outlet: str | None = None
    ) -> tuple[ArticleRow, ...]:
        """Stored articles, newest publication first (near-duplicates left out: their original
        stands for them)."""
        where, params = " WHERE a.duplicate_of IS NULL", []
        if outlet:
            where, params = where + " AND a.outlet = ? COLLATE NOCASE", [outlet]
        with self._lock:
            rows = self._q(
                "SELECT a.id, a.title, a.outlet, a.published, a.url,"
                " (SELECT count(*) FROM attributions t WHERE t.article_id = a.id)"
                " FROM articles a" + where + " ORDER BY a.published_date DESC NULLS LAST,"
                " a.ingested_at DESC, a.id LIMIT ? OFFSET ?",
                [*params, max(1, int(limit)), max(0, int(offset))],
            )  # fmt: skip
        return tuple(ArticleRow(*r) for r in rows)

    def latest_articles(self, limit: int = 20) -> tuple[ArticleRow, ...]:
        """The most recently published articles."""
        return self.articles(limit=limit)

    def article_ids(self) -> list[str]:
        """Every article id, in the order they were first stored."""
        with self._lock:
            return [r[0] for r in self._q("SELECT id FROM articles ORDER BY rowid")]

    def iter_statements(self) -> Iterator[StatementRow]:
        """Every stored statement, article by article, streamed (for export)."""
        with self._lock:
            cur = self._conn.execute(_ROW_SQL + " ORDER BY a.rowid, t.seq, t.extractor")
            while batch := cur.fetchmany(FETCH_BATCH):
                yield from (_row(r) for r in batch)

    def export(
        self, fmt: ExportFormat, out: Path | BinaryIO, extractor: str | None = None
    ) -> int:
        """Write the store to ``out``: jsonl (one Extraction JSON per article), csv or parquet
        (one row per statement), webannotation, quotation or claimreview (one JSON-LD object
        per statement); ``extractor`` as in StatementQuery.  Returns the records written."""
        from .export import export

        return export(self, fmt, out, extractor)


class _Tx:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error; SQLite errors become
    StoreError."""

    def __init__(self, store: Store, what: str) -> None:
        self.store = store
        self.what = what

    def __enter__(self) -> sqlite3.Connection:
        self.store._lock.acquire()
        try:
            self.store._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            self.store._lock.release()
            raise StoreError(f"{self.store.path}: cannot {self.what} ({e})") from e
        return self.store._conn

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        conn = self.store._conn
        try:
            if exc_type is None:
                conn.execute("COMMIT")
                return
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.store.path}: cannot {self.what} ({exc})") from exc
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"{self.store.path}: cannot {self.what} ({e})") from e
        finally:
            self.store._lock.release()


def _is_fts_error(e: sqlite3.OperationalError) -> bool:
    msg = str(e)
    return any(
        s in msg
        for s in ("fts5", "unterminated string", "special query", "no such column", "syntax")
    )


def _validate(ex: Extraction) -> None:
    """Refuse extractions that cannot be stored unambiguously, before touching the database."""
    aid = ex.article.id
    seen: set[str] = set()
    for sp in ex.speakers:
        if sp.id in seen:
            raise StoreError(
                f"article {aid}: speaker id {sp.id!r} is listed twice; fix the resolver"
            )
        seen.add(sp.id)
    keys: set[tuple[str, str]] = set()
    for a in ex.attributions:
        if (a.extractor, a.id) in keys:
            raise StoreError(
                f"article {aid}: attribution id {a.id!r} of {a.extractor!r} occurs twice; "
                "attribution ids must be unique per extractor"
            )
        keys.add((a.extractor, a.id))
