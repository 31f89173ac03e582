"""The SQLite schema of a sayso store, and its creation and migration.

The schema is documented for users in ``docs/schema.md``; keep the two in step.
The version lives in ``PRAGMA user_version`` so that any SQLite tool can read it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..errors import StoreError

#: The schema version this code writes; bump it and add a step to MIGRATIONS on every change.
SCHEMA_VERSION = 6

# Why some choices:
# - attributions has an explicit INTEGER PRIMARY KEY (sid) because the full-text index refers to
#   statements by rowid, and VACUUM may renumber implicit rowids; (article_id, extractor, id) is
#   the natural key, enforced as UNIQUE.
# - speakers are cross-article and derived: article_speakers keeps each extraction's speakers as
#   written (so an article reads back exactly), and speaker_id there and in attributions is the
#   canonical id after the user's alias table is applied.
# - the FTS table indexes attributions as external content (content="attributions", no second
#   copy of the text), so that Datasette and other tools offer search on the statements table.
#   The speaker's name it indexes is attributions.speaker_name, a copy of speakers.name that
#   triggers keep current when a speaker is renamed or re-mapped by an alias; every change to
#   an indexed column goes through a trigger that removes the old values from the index first.
# Stories (issue 11): articles grouped by the event they report, and claims compared across them.
_STORIES_SQL = """
CREATE TABLE story_signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    day        INTEGER,                       -- published_date in days since 1970-01-01, or NULL
    keys       TEXT NOT NULL DEFAULT '[]',    -- JSON array of the entity keys used for blocking
    minhash    BLOB                           -- MinHash signature (uint64 per permutation)
);
CREATE TABLE story_keys (
    key        TEXT NOT NULL,                 -- an entity key ("ukraine", "biden")
    day        INTEGER NOT NULL,              -- the article's day (blocking: same key, near day)
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (key, day, article_id)
);
CREATE TABLE duplicate_bands (
    band       INTEGER NOT NULL,              -- LSH band number
    hash       INTEGER NOT NULL,              -- hash of the band's MinHash values
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, hash, article_id)
);
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,                 -- the title of its earliest article
    start_date TEXT,                          -- first and last publication date (YYYY-MM-DD)
    end_date   TEXT,
    updated_at TEXT NOT NULL,                 -- UTC time an article last joined
    compared_at TEXT                          -- UTC time its claims were computed (NULL: stale)
);
CREATE INDEX stories_end ON stories(end_date);
CREATE TABLE story_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    score      REAL NOT NULL                  -- similarity it joined with (1.0: opened the story)
);
CREATE INDEX story_articles_story ON story_articles(story_id);
CREATE TABLE claims (
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,                 -- "c1", "c2", ... within the story
    seq        INTEGER NOT NULL,
    summary    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('shared', 'one_sided', 'conflict')),
    conflict   TEXT,                          -- why the versions are incompatible, or NULL
    outlets    TEXT NOT NULL DEFAULT '[]',    -- JSON array of the outlets that carry it
    PRIMARY KEY (story_id, id)
);
CREATE TABLE claim_mentions (
    story_id       INTEGER NOT NULL,
    claim_id       TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    attribution_id TEXT,                      -- the statement it comes from (NULL: narrated)
    speaker        TEXT,                      -- who the account credits it to
    cue            TEXT,
    start          INTEGER NOT NULL,          -- offsets into articles.text
    end            INTEGER NOT NULL,
    text           TEXT NOT NULL,             -- articles.text[start:end]
    hedged         INTEGER NOT NULL,          -- 0/1
    PRIMARY KEY (story_id, claim_id, seq),
    FOREIGN KEY (story_id, claim_id) REFERENCES claims(story_id, id) ON DELETE CASCADE
);
"""

# The full-text index over the statements (external content: the text stays in attributions),
# and the triggers that keep it and attributions.speaker_name current.
_FTS_SQL = """
CREATE VIRTUAL TABLE statements_fts USING fts5(
    content_text, speaker_name, source_text,
    content="attributions", content_rowid="sid",
    prefix = '1 2',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER attributions_fts_insert AFTER INSERT ON attributions BEGIN
    INSERT INTO statements_fts(rowid, content_text, speaker_name, source_text)
    VALUES (new.sid, new.content_text, new.speaker_name, new.source_text);
END;
CREATE TRIGGER attributions_fts_delete AFTER DELETE ON attributions BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, content_text, speaker_name, source_text)
    VALUES ('delete', old.sid, old.content_text, old.speaker_name, old.source_text);
END;
CREATE TRIGGER attributions_fts_update
AFTER UPDATE OF content_text, speaker_name, source_text ON attributions BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, content_text, speaker_name, source_text)
    VALUES ('delete', old.sid, old.content_text, old.speaker_name, old.source_text);
    INSERT INTO statements_fts(rowid, content_text, speaker_name, source_text)
    VALUES (new.sid, new.content_text, new.speaker_name, new.source_text);
END;
CREATE TRIGGER attributions_speaker_name AFTER UPDATE OF speaker_id ON attributions BEGIN
    UPDATE attributions SET speaker_name = (SELECT name FROM speakers WHERE id = new.speaker_id)
     WHERE sid = new.sid;
END;
CREATE TRIGGER speakers_name_copy AFTER UPDATE OF name ON speakers BEGIN
    UPDATE attributions SET speaker_name = new.name WHERE speaker_id = new.id;
END;
"""

SCHEMA_SQL = """
CREATE TABLE articles (
    id             TEXT PRIMARY KEY,          -- content hash of text (sayso.models.content_hash)
    external_id    TEXT,                      -- the id the input gave it, if any
    url            TEXT,
    outlet         TEXT,                      -- Article.source
    published      TEXT,                      -- as given (ISO 8601 date or date-time)
    published_date TEXT,                      -- YYYY-MM-DD, or NULL when unknown/unreadable
    title          TEXT,
    topics         TEXT NOT NULL DEFAULT '[]',-- JSON array of strings
    text           TEXT NOT NULL,
    ingested_at    TEXT NOT NULL,             -- UTC ISO 8601 time of the first write
    duplicate_of   TEXT                       -- the original it near-duplicates, or NULL
);
CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE);
CREATE INDEX articles_published ON articles(published_date);
CREATE INDEX articles_recent ON articles(published_date DESC, ingested_at DESC, id);

CREATE TABLE article_origins (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    edits      TEXT NOT NULL                  -- sayso.models.Origin as JSON [[start, end, input
                                              -- text], ...], no row when the input is unknown
);

CREATE TABLE extractions (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    extractor    TEXT NOT NULL,               -- versioned extractor name ("sayso.rules.v1")
    extracted_at TEXT NOT NULL,               -- UTC ISO 8601 time of the write
    statements   INTEGER NOT NULL,            -- attributions written by this extractor
    PRIMARY KEY (article_id, extractor)
);

CREATE TABLE speakers (
    id   TEXT PRIMARY KEY,                    -- sayso.models.speaker_id(canonical name), as a rule
    name TEXT NOT NULL,                       -- canonical name
    kind TEXT NOT NULL                        -- person|organization|place|group|document|unknown
);
CREATE INDEX speakers_name ON speakers(name COLLATE NOCASE);

CREATE TABLE speaker_aliases (
    speaker_id TEXT NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    alias      TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (speaker_id, alias)
);
CREATE INDEX speaker_aliases_alias ON speaker_aliases(alias COLLATE NOCASE);

CREATE TABLE aliases (
    alias     TEXT PRIMARY KEY COLLATE NOCASE, -- a surface form the user maps ("Trump")
    canonical TEXT NOT NULL                    -- the canonical speaker name ("Donald Trump")
);

CREATE TABLE article_speakers (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    extractor  TEXT NOT NULL,
    ref        TEXT NOT NULL,                 -- Speaker.id as written in the extraction
    seq        INTEGER NOT NULL,              -- position in Extraction.speakers
    name       TEXT NOT NULL,                 -- Speaker.name as written
    kind       TEXT NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '[]',    -- JSON array, as written
    speaker_id TEXT NOT NULL REFERENCES speakers(id),  -- canonical id after the alias table
    members    TEXT NOT NULL DEFAULT '[]',    -- JSON array of a group's member refs
    PRIMARY KEY (article_id, extractor, ref)
);
CREATE INDEX article_speakers_speaker ON article_speakers(speaker_id);

CREATE TABLE attributions (
    sid          INTEGER PRIMARY KEY,         -- statement id; rowid of statements_fts
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    extractor    TEXT NOT NULL,
    id           TEXT NOT NULL,               -- Attribution.id, unique per article and extractor
    seq          INTEGER NOT NULL,            -- position in Extraction.attributions
    speaker_ref  TEXT,                        -- Attribution.speaker as written
    speaker_id   TEXT REFERENCES speakers(id),-- canonical speaker id (NULL: unresolved)
    kind         TEXT NOT NULL,               -- direct|indirect|mixed|according_to
    parent_id    TEXT,                        -- id of the enclosing attribution (same extractor)
    addressee    TEXT,
    channel      TEXT,
    time         TEXT,                        -- ISO 8601, only as precise as the text: YYYY-MM-DD,
                                              -- YYYY-MM or YYYY (see time_precision)
    hedged       INTEGER NOT NULL,            -- 0/1
    cue_class    TEXT NOT NULL,               -- speech|thought
    confidence   REAL NOT NULL,
    source_start INTEGER,
    source_end   INTEGER,
    source_text  TEXT,
    cue_start    INTEGER NOT NULL,
    cue_end      INTEGER NOT NULL,
    cue_text     TEXT NOT NULL,
    content_text TEXT NOT NULL,               -- content spans joined with ' … '
    speaker_via  TEXT NOT NULL DEFAULT 'unresolved', -- how the speaker was found (name, pronoun...)
    speaker_confidence REAL NOT NULL DEFAULT 0, -- the resolver's confidence in the speaker
    speaker_name TEXT,                        -- speakers.name of speaker_id (kept by triggers)
    time_precision TEXT,                      -- day|month|year; NULL: no time, or written
                                              -- before schema 5 (precision unknown)
    UNIQUE (article_id, extractor, id)
);
CREATE INDEX attributions_speaker_article ON attributions(speaker_id, article_id);
CREATE INDEX attributions_kind ON attributions(kind);
CREATE INDEX attributions_hedged ON attributions(hedged) WHERE hedged;

CREATE TABLE spans (
    article_id     TEXT NOT NULL,
    extractor      TEXT NOT NULL,
    attribution_id TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('source', 'cue', 'content')),
    seq            INTEGER NOT NULL,          -- order among the spans of one role
    start          INTEGER NOT NULL,          -- character offset into articles.text, inclusive
    end            INTEGER NOT NULL,          -- character offset, exclusive
    text           TEXT NOT NULL,
    PRIMARY KEY (article_id, extractor, attribution_id, role, seq),
    FOREIGN KEY (article_id, extractor, attribution_id)
        REFERENCES attributions(article_id, extractor, id) ON DELETE CASCADE
);

""" + _STORIES_SQL + """
""" + _FTS_SQL

# IF NOT EXISTS: the same statement as in SCHEMA_SQL, so that a test may build an older store
# from today's schema.
_ORIGINS_SQL = SCHEMA_SQL[SCHEMA_SQL.index("CREATE TABLE article_origins") :].split(");")[0]
_ORIGINS_SQL = _ORIGINS_SQL.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1) + ");"

def _external_fts(conn: sqlite3.Connection) -> None:
    """Migration 4 -> 5: add speaker_name and time_precision, rebuild the index as external
    content.  Columns already there are kept (a test may build an old store from today's
    schema)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(attributions)")}
    for name in ("speaker_name", "time_precision"):
        if name not in columns:
            conn.execute(f"ALTER TABLE attributions ADD COLUMN {name} TEXT")
    for trigger in (
        "attributions_fts_insert", "attributions_fts_delete", "attributions_fts_update",
        "speakers_fts_rename", "attributions_speaker_name", "speakers_name_copy",
    ):  # fmt: skip
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS statements_fts")
    conn.execute(
        "UPDATE attributions SET speaker_name = (SELECT name FROM speakers WHERE id = speaker_id)"
    )
    for statement in _split(_FTS_SQL):
        conn.execute(statement)
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")


def _listing_indexes(conn: sqlite3.Connection) -> None:
    """Migration 5 -> 6: the listing indexes, and the full-text index rebuilt with prefixes."""
    conn.execute("DROP INDEX IF EXISTS attributions_speaker")
    for statement in _split(SCHEMA_SQL):
        if statement.startswith(
            ("CREATE INDEX articles_recent", "CREATE INDEX attributions_speaker_article")
        ):
            conn.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    _external_fts(conn)


#: Steps from version N to N+1, keyed by N (SQL, or a function of the connection); each runs
#: inside the migration transaction.
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    # 1 -> 2: how each speaker was found, and a group's members (sayso.resolve, issue 9).
    1: """
ALTER TABLE attributions ADD COLUMN speaker_via TEXT NOT NULL DEFAULT 'unresolved';
ALTER TABLE attributions ADD COLUMN speaker_confidence REAL NOT NULL DEFAULT 0;
ALTER TABLE article_speakers ADD COLUMN members TEXT NOT NULL DEFAULT '[]';
""",
    # 2 -> 3: near-duplicates, stories and their compared claims (sayso.stories, issue 11).
    2: "ALTER TABLE articles ADD COLUMN duplicate_of TEXT;\n" + _STORIES_SQL,
    # 3 -> 4: the map from the stored text back to the input's text (sayso.models.Origin,
    # issue 13); articles stored before it have none (NULL).
    3: _ORIGINS_SQL,
    # 4 -> 5: the full-text index becomes external content on attributions (Datasette search),
    # with the speaker's name copied into attributions.speaker_name; time_precision (issue 14).
    4: _external_fts,
    # 5 -> 6: indexes for the explorer's listings (newest first, most-quoted speakers) and
    # prefix indexes for prefix searches ("t*"), so that no page's query scans per row.
    5: _listing_indexes,
}


def ensure_schema(conn: sqlite3.Connection, read_only: bool, path: str) -> None:
    """Create the schema in an empty database or migrate an older one to SCHEMA_VERSION."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: database schema version {version} is newer than this sayso understands "
            f"({SCHEMA_VERSION}); upgrade sayso"
        )
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if version == 0 and tables:
        raise StoreError(
            f"{path}: this SQLite file is not a sayso database (it has tables but no sayso "
            "schema version); give a new file name"
        )
    if read_only:
        what = "empty" if version == 0 else f"at schema version {version}"
        raise StoreError(
            f"{path}: database is {what} and cannot be set up in read-only mode; "
            "open it once read-write (for example with `sayso ingest`)"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            for statement in _split(SCHEMA_SQL):
                conn.execute(statement)
        else:
            for v in range(version, SCHEMA_VERSION):
                step = MIGRATIONS[v]
                if callable(step):
                    step(conn)
                    continue
                for statement in _split(step):
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _split(script: str) -> list[str]:
    """The statements of a script (executescript would commit the open transaction)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
