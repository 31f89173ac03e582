"""The SQL of stories, near-duplicates and compared claims (``sayso.stories`` calls these).

Blocking is an index walk: ``story_keys`` is keyed by (name, day), so the candidates of a new
article are the articles sharing one of its names within a few days, whatever the corpus size.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import Article, Claim, ClaimMention, Comparison, Story, StoryArticle

if TYPE_CHECKING:
    from .db import Store


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


# -- signatures and near-duplicates ----------------------------------------------------------


def put_signature(
    store: Store, article_id: str, day: int | None, keys: dict[str, float], minhash: bytes,
    bands: Sequence[tuple[int, int]],
) -> None:  # fmt: skip
    """Store an article's grouping features and index its names and MinHash bands."""
    with store._lock, store._transaction(f"sign article {article_id}") as conn:
        old = conn.execute(
            "SELECT day, keys FROM story_signatures WHERE article_id = ?", (article_id,)
        ).fetchone()
        if old is not None and old[0] is not None:
            # by primary key: a delete by article_id alone would scan the whole name index
            conn.executemany(
                "DELETE FROM story_keys WHERE key = ? AND day = ? AND article_id = ?",
                [(k, old[0], article_id) for k in json.loads(old[1])],
            )
        conn.execute(
            "INSERT OR REPLACE INTO story_signatures (article_id, day, keys, minhash)"
            " VALUES (?, ?, ?, ?)",
            (article_id, day, json.dumps(keys, ensure_ascii=False), minhash),
        )
        if day is not None:
            conn.executemany(
                "INSERT OR IGNORE INTO story_keys (key, day, article_id) VALUES (?, ?, ?)",
                [(k, day, article_id) for k in keys],
            )
        conn.executemany(
            "INSERT OR IGNORE INTO duplicate_bands (band, hash, article_id) VALUES (?, ?, ?)",
            [(b, h, article_id) for b, h in bands],
        )


def has_signature(store: Store, article_id: str) -> bool:
    """Whether the article's grouping features are stored."""
    with store._lock:
        return bool(store._q("SELECT 1 FROM story_signatures WHERE article_id = ?", (article_id,)))


def band_matches(store: Store, bands: Sequence[tuple[int, int]]) -> list[tuple[str, bytes]]:
    """Stored original articles sharing a MinHash band, with their signatures."""
    if not bands:
        return []
    cond = " OR ".join("(d.band = ? AND d.hash = ?)" for _ in bands)
    params = [x for bh in bands for x in bh]
    with store._lock:
        rows = store._q(
            "SELECT DISTINCT g.article_id, g.minhash FROM duplicate_bands d"
            " JOIN story_signatures g ON g.article_id = d.article_id"
            " JOIN articles a ON a.id = d.article_id"
            f" WHERE ({cond}) AND a.duplicate_of IS NULL AND g.minhash IS NOT NULL",
            params,
        )
    return [(r[0], r[1]) for r in rows]


def mark_duplicate(store: Store, article_id: str, original_id: str) -> None:
    """Link a near-duplicate to its original and drop its statements (the original has them),
    keeping it marked as extracted so that a rerun skips it."""
    with store._lock, store._transaction(f"link duplicate {article_id}") as conn:
        conn.execute(
            "UPDATE articles SET duplicate_of = ? WHERE id = ?", (original_id, article_id)
        )
        done = conn.execute(
            "SELECT extractor, extracted_at FROM extractions WHERE article_id = ?", (article_id,)
        ).fetchall()
        stale: set[str] = set()
        for name, _ in done:
            stale |= store._delete_extraction(conn, article_id, name)
        conn.executemany(
            "INSERT INTO extractions (article_id, extractor, extracted_at, statements)"
            " VALUES (?, ?, ?, 0)",
            [(article_id, name, at) for name, at in done],
        )
        store._refresh_speakers(conn, stale)


def article_for_grouping(store: Store, article_id: str) -> Article | None:
    """An article's text and metadata, without its statements."""
    with store._lock:
        rows = store._q(
            "SELECT text, title, outlet, published, url FROM articles WHERE id = ?", (article_id,)
        )
    if not rows:
        return None
    text, title, outlet, published, url = rows[0]
    return Article(text=text, title=title, source=outlet, published=published, url=url,
                   id=article_id)  # fmt: skip


def duplicate_of(store: Store, article_id: str) -> str | None:
    """The original of a near-duplicate, or None."""
    with store._lock:
        rows = store._q("SELECT duplicate_of FROM articles WHERE id = ?", (article_id,))
    return rows[0][0] if rows else None


# -- grouping ----------------------------------------------------------------------------------


def unassigned(store: Store) -> list[tuple[str, str | None]]:
    """Articles in no story yet, earliest publication first: (id, duplicate_of)."""
    with store._lock:
        rows = store._q(
            "SELECT a.id, a.duplicate_of FROM articles a"
            " LEFT JOIN story_articles s ON s.article_id = a.id WHERE s.article_id IS NULL"
            " ORDER BY a.published_date NULLS LAST, a.published, a.rowid"
        )
    return [(r[0], r[1]) for r in rows]


def window_candidates(
    store: Store, keys: Iterable[str], day: int, window: int
) -> list[tuple[str, int, str, int, str | None, str | None]]:
    """Grouped original articles sharing a name within ``window`` days of ``day``.

    Returns (article_id, day, keys JSON, story_id, outlet, title) rows; one index range per
    name.
    """
    keys = list(keys)
    if not keys:
        return []
    marks = ", ".join("?" for _ in keys)
    with store._lock:
        rows = store._q(
            "SELECT g.article_id, g.day, g.keys, s.story_id, a.outlet, a.title FROM"
            " (SELECT DISTINCT article_id FROM story_keys"
            f"   WHERE key IN ({marks}) AND day BETWEEN ? AND ?) k"
            " JOIN story_signatures g ON g.article_id = k.article_id"
            " JOIN story_articles s ON s.article_id = k.article_id"
            " JOIN articles a ON a.id = k.article_id WHERE a.duplicate_of IS NULL",
            [*keys, day - window, day + window],
        )
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def story_days(store: Store, story_ids: Iterable[int]) -> dict[int, tuple[str | None, str | None]]:
    """The (start, end) dates of stories."""
    ids = list(story_ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    with store._lock:
        rows = store._q(
            f"SELECT id, start_date, end_date FROM stories WHERE id IN ({marks})", ids
        )
    return {r[0]: (r[1], r[2]) for r in rows}


def signature_of(store: Store, article_id: str) -> tuple[int | None, str] | None:
    """(day, keys JSON) of a signed article."""
    with store._lock:
        rows = store._q(
            "SELECT day, keys FROM story_signatures WHERE article_id = ?", (article_id,)
        )
    return (rows[0][0], rows[0][1]) if rows else None


def join_story(
    store: Store, article_id: str, story_id: int | None, score: float, day: str | None = None
) -> int:
    """Put an article in a story (a new one when ``story_id`` is None); marks it for comparing.

    ``day`` (ISO) is the day of the event it reports when that is not its publication day (an
    announcement): the story's span covers that day.  Returns the story id.
    """
    with store._lock, store._transaction(f"group article {article_id}") as conn:
        title, date = conn.execute(
            "SELECT coalesce(title, substr(text, 1, 80)), published_date FROM articles"
            " WHERE id = ?", (article_id,),
        ).fetchone()  # fmt: skip
        date = day or date
        now = _now()
        if story_id is None:
            cur = conn.execute(
                "INSERT INTO stories (title, start_date, end_date, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (title.strip(), date, date, now),
            )
            story_id = int(cur.lastrowid or 0)
        else:
            conn.execute(
                "UPDATE stories"
                " SET start_date = min(coalesce(start_date, ?), coalesce(?, start_date)),"
                " end_date = max(coalesce(end_date, ?), coalesce(?, end_date)),"
                " updated_at = ?, compared_at = NULL WHERE id = ?",
                (date, date, date, date, now, story_id),
            )
        conn.execute(
            "INSERT OR REPLACE INTO story_articles (article_id, story_id, score) VALUES (?, ?, ?)",
            (article_id, story_id, score),
        )
    return story_id


def story_of(store: Store, article_id: str) -> int | None:
    """The story an article is in, or None."""
    with store._lock:
        rows = store._q("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
    return rows[0][0] if rows else None


# -- reading stories -------------------------------------------------------------------------


def _stories(
    store: Store, where: str, params: Sequence[object], limit: int = -1, offset: int = 0
) -> list[Story]:
    with store._lock:
        heads = store._q(
            "SELECT id, title, start_date, end_date FROM stories" + where
            + " ORDER BY end_date DESC NULLS LAST, id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )  # fmt: skip
        if not heads:
            return []
        ids = [h[0] for h in heads]
        marks = ", ".join("?" for _ in ids)
        arts = store._q(
            "SELECT s.story_id, a.id, a.url, a.title, a.outlet, a.published FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id"
            f" WHERE s.story_id IN ({marks}) AND a.duplicate_of IS NULL"
            " ORDER BY a.published_date NULLS LAST, a.published, a.rowid",
            ids,
        )
    by_story: dict[int, list[StoryArticle]] = {}
    for sid, *row in arts:
        by_story.setdefault(sid, []).append(StoryArticle(*row))
    out = []
    for sid, title, start, end in heads:
        members = tuple(by_story.get(sid, ()))
        outlets = tuple(sorted({a.source for a in members if a.source}))
        out.append(Story(sid, title, start, end, outlets, members))
    return out


def stories(
    store: Store, min_outlets: int = 1, limit: int | None = None, offset: int = 0
) -> list[Story]:
    """Stories, newest first, with at least ``min_outlets`` outlets (paged by ``limit`` and
    ``offset`` over the stories that qualify)."""
    if min_outlets <= 1:
        return _stories(store, "", (), -1 if limit is None else limit, offset)
    where = (
        " WHERE id IN (SELECT s.story_id FROM story_articles s JOIN articles a"
        " ON a.id = s.article_id WHERE a.duplicate_of IS NULL GROUP BY s.story_id"
        " HAVING count(DISTINCT a.outlet) >= ?)"
    )
    return _stories(store, where, (min_outlets,), -1 if limit is None else limit, offset)


def story(store: Store, story_id: int) -> Story | None:
    """One story, or None."""
    found = _stories(store, " WHERE id = ?", (story_id,))
    return found[0] if found else None


def newest_extractor(store: Store, article_id: str) -> str | None:
    """The extractor that wrote the article's newest statements (the one reading commands count
    by default), or None when it was never extracted."""
    with store._lock:
        rows = store._q(
            "SELECT extractor FROM extractions WHERE article_id = ?"
            " ORDER BY extracted_at DESC, rowid DESC LIMIT 1", (article_id,),
        )  # fmt: skip
    return rows[0][0] if rows else None


def stale_stories(store: Store) -> list[int]:
    """Stories whose claims must be (re)computed."""
    with store._lock:
        return [r[0] for r in store._q("SELECT id FROM stories WHERE compared_at IS NULL")]


# -- claims ------------------------------------------------------------------------------------


def save_claims(store: Store, story_id: int, claims: Sequence[Claim]) -> None:
    """Replace a story's claims."""
    with store._lock, store._transaction(f"compare story {story_id}") as conn:
        conn.execute("DELETE FROM claim_mentions WHERE story_id = ?", (story_id,))
        conn.execute("DELETE FROM claims WHERE story_id = ?", (story_id,))
        for seq, c in enumerate(claims):
            conn.execute(
                "INSERT INTO claims (story_id, id, seq, summary, status, conflict, outlets)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (story_id, c.id, seq, c.summary, c.status, c.conflict,
                 json.dumps(list(c.outlets), ensure_ascii=False)),
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO claim_mentions (story_id, claim_id, seq, article_id,"
                " attribution_id, speaker, cue, start, end, text, hedged)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(story_id, c.id, i, m.article_id, m.attribution_id, m.speaker, m.cue,
                  m.start, m.end, m.text, int(m.hedged)) for i, m in enumerate(c.mentions)],
            )  # fmt: skip
        conn.execute("UPDATE stories SET compared_at = ? WHERE id = ?", (_now(), story_id))


def comparison(store: Store, story_id: int) -> Comparison | None:
    """A story's stored claims, or None when there is no such story."""
    st = story(store, story_id)
    if st is None:
        return None
    outlet = {a.id: a.source for a in st.articles}
    with store._lock:
        heads = store._q(
            "SELECT id, summary, status, conflict, outlets FROM claims WHERE story_id = ?"
            " ORDER BY seq", (story_id,),
        )  # fmt: skip
        rows = store._q(
            "SELECT claim_id, article_id, attribution_id, speaker, cue, text, start, end, hedged"
            " FROM claim_mentions WHERE story_id = ? ORDER BY claim_id, seq", (story_id,),
        )  # fmt: skip
    mentions: dict[str, list[ClaimMention]] = {}
    for cid, aid, att, speaker, cue, text, start, end, hedged in rows:
        mentions.setdefault(cid, []).append(
            ClaimMention(aid, att, speaker, cue, text, start, end, bool(hedged), outlet.get(aid))
        )
    claims = tuple(
        Claim(cid, summary, status, tuple(json.loads(outs)), conflict,
              tuple(mentions.get(cid, ())))
        for cid, summary, status, conflict, outs in heads
    )  # fmt: skip
    return Comparison(st, canonical_credits(store, claims))


def canonical_credits(store: Store, claims: Sequence[Claim]) -> tuple[Claim, ...]:
    """The claims with each mention credited to its speaker's canonical name, as the store
    names it now (after its merges and the user's alias table): "Joseph R. Biden" in one
    account and "Joseph Biden" in another are both "Joe Biden", and a group is its members'
    names in alphabetical order ("Joe Biden and Vladimir Putin").  A credit the article does
    not name as a speaker (an outlet, "senior administration official") stays as it is."""
    articles = sorted({m.article_id for c in claims for m in c.mentions})
    if not articles:
        return tuple(claims)
    names: dict[tuple[str, str], str] = {}
    with store._lock:
        rows = []
        for k in range(0, len(articles), 500):  # SQLite's limit on bound parameters
            chunk = articles[k : k + 500]
            rows += store._q(
                "SELECT a.article_id, a.extractor, a.ref, a.name, a.kind, a.members, s.name"
                " FROM article_speakers a JOIN speakers s ON s.id = a.speaker_id"
                f" WHERE a.article_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY a.article_id, a.extractor, a.seq", chunk,
            )  # fmt: skip
    by_ref = {(aid, ex, ref): canonical for aid, ex, ref, _, _, _, canonical in rows}
    for aid, ex, _, written, kind, members, canonical in rows:
        refs = json.loads(members)
        if kind == "group" and refs and all((aid, ex, r) in by_ref for r in refs):
            # in one order, so that one group is one name in every account
            canonical = " and ".join(sorted({by_ref[(aid, ex, r)] for r in refs}))
        names.setdefault((aid, written), canonical)

    def credit(m: ClaimMention) -> ClaimMention:
        name = names.get((m.article_id, m.speaker or ""))
        return m if name is None or name == m.speaker else replace(m, speaker=name)

    return tuple(replace(c, mentions=tuple(credit(m) for m in c.mentions)) for c in claims)
