"""Typed, immutable records that the store returns (and the one query record it takes).

These are the shapes the CLI and the web UI code against; every field has a one-line doc.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

#: The largest page a statement query may ask for; bigger limits are clamped to it.
MAX_LIMIT = 500
#: ``StatementQuery.extractor`` value that counts every extractor's rows.
ALL_EXTRACTORS = "all"


def parse_date(value: str, what: str = "date") -> _dt.date:
    """A user's ``YYYY-MM-DD`` date filter; raises QueryError saying what is wrong with it."""
    from ..errors import QueryError

    try:
        if len(value.strip()) != 10:
            raise ValueError
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(
            f"bad {what} {value!r}: give a calendar date as YYYY-MM-DD, e.g. 2024-03-01"
        ) from None


@dataclass(frozen=True, slots=True)
class StatementQuery:
    """Filters for :meth:`sayso.store.Store.statements`; every filter is optional."""

    text: str | None = None  #: FTS5 query over statement content, speaker name and source words
    speaker: str | None = None  #: a speaker name, an alias, or a speaker id
    outlet: str | None = None  #: the article's outlet, exactly (case-insensitive)
    since: _dt.date | None = None  #: published on or after this date
    until: _dt.date | None = None  #: published on or before this date
    kind: str | None = None  #: direct, indirect, mixed or according_to
    hedged_only: bool = False  #: only statements the reporter distances itself from
    article_id: str | None = None  #: only statements of this article (its id or external id)
    #: only this extractor's rows ("sayso.rules.v1"); None: each article's newest extractor's
    #: (an article ingested with two pipelines counts once); ALL_EXTRACTORS: every row
    extractor: str | None = None
    limit: int = 50  #: page size, clamped to [1, MAX_LIMIT]
    offset: int = 0  #: rows to skip (pagination), clamped to >= 0

    def __post_init__(self) -> None:
        # Clamp here so that every consumer (CLI, web, library) gets the same bounds.
        object.__setattr__(self, "limit", max(1, min(MAX_LIMIT, int(self.limit))))
        object.__setattr__(self, "offset", max(0, int(self.offset)))


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One stored statement with its speaker and article, flattened for listing."""

    article_id: str  #: id (content hash) of the article it was found in
    attribution_id: str  #: the attribution's id within the article ("a1")
    speaker_id: str | None  #: the cross-article speaker id, None when the source is unresolved
    speaker_name: str | None  #: the speaker's canonical name
    speaker_kind: str | None  #: person, organization, place, group, document or unknown
    source_text: str | None  #: the words naming the source in the article
    cue_text: str  #: the cue words ("said", "according to")
    content_text: str  #: what was said; discontinuous pieces joined with " … "
    kind: str  #: direct, indirect, mixed or according_to
    hedged: bool  #: the reporter distances itself from the claim
    time: str | None  #: when the statement was made: YYYY-MM-DD, YYYY-MM or YYYY, when known
    channel: str | None  #: the medium ("Telegram", "a statement")
    addressee: str | None  #: who was told
    parent_id: str | None  #: id of the attribution this one is reported inside
    cue_class: str  #: speech or thought
    extractor: str  #: versioned name of the extractor that produced it
    confidence: float  #: the extractor's confidence in [0, 1]
    outlet: str | None  #: the article's outlet
    published: str | None  #: the article's publication date or date-time, as given
    title: str | None  #: the article's headline
    url: str | None  #: the article's address
    speaker_via: str = "unresolved"  #: how the speaker was found (name, pronoun, role, ...)
    speaker_confidence: float = 0.0  #: the resolver's confidence in the speaker, in [0, 1]
    #: how precise ``time`` is: day, month or year (None: no time, or stored before schema 5)
    time_precision: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object with the field names as keys."""
        return asdict(self)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """The field names, in order (the CSV and Parquet columns)."""
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class StatementIds:
    """The statements on one page of a statement query, by id, before their rows are read."""

    sids: tuple[int, ...]  #: the statements' ids (``attributions.sid``), in the page's order
    total: int  #: how many statements match the query in all
    ranked: int | None  #: as :attr:`StatementPage.ranked`


@dataclass(frozen=True, slots=True)
class StatementPage:
    """One page of a statement query."""

    rows: tuple[StatementRow, ...]  #: the statements on this page
    total: int  #: how many statements match the query in all
    limit: int  #: the page size used (after clamping)
    offset: int  #: the offset used
    #: for a search, how many matches come first in order of relevance (all of them, unless
    #: there are more than ``sayso.store.db.RANKED_MATCHES_MAX``: then the most recently
    #: stored that many, and the rest after them newest first); None without search text
    ranked: int | None = None

    @property
    def next(self) -> int | None:
        """The offset of the next page, None on the last."""
        after = self.offset + len(self.rows)
        return after if self.rows and after < self.total else None

    def to_json(self) -> dict[str, Any]:
        """``{"rows": [...], "total", "limit", "offset", "next"}``, and ``"ranked"`` for a
        search (as the web's JSON has it)."""
        out: dict[str, Any] = {
            "rows": [r.to_json() for r in self.rows],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next": self.next,
        }
        if self.ranked is not None:
            out["ranked"] = self.ranked
        return out


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Sizes of a store."""

    articles: int  #: articles stored
    statements: int  #: attributions stored (all extractors)
    speakers: int  #: distinct cross-article speakers
    outlets: int  #: distinct outlets

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Count:
    """A key and how often it occurs."""

    key: str  #: the thing counted (an outlet, a month "2024-03")
    n: int  #: how many

    def to_json(self) -> dict[str, Any]:
        """``{"key", "n"}``."""
        return {"key": self.key, "n": self.n}


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    """One cross-article speaker with its counts."""

    id: str  #: the speaker id (``sayso.models.speaker_id`` of the canonical name, as a rule)
    name: str  #: the canonical name
    kind: str  #: person, organization, place, group or unknown
    aliases: tuple[str, ...]  #: other surface forms seen for it, sorted
    statements: int  #: statements attributed to it
    articles: int  #: articles it is quoted in

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object (aliases as a list)."""
        d = asdict(self)
        d["aliases"] = list(self.aliases)
        return d


@dataclass(frozen=True, slots=True)
class SpeakerDetail:
    """A speaker with breakdowns of its statements."""

    speaker: SpeakerRow  #: the speaker and its totals
    by_outlet: tuple[Count, ...]  #: statements per outlet, most first
    by_month: tuple[Count, ...]  #: statements per publication month "YYYY-MM", oldest first

    def to_json(self) -> dict[str, Any]:
        """``{"speaker": {...}, "by_outlet": [...], "by_month": [...]}``."""
        return {
            "speaker": self.speaker.to_json(),
            "by_outlet": [c.to_json() for c in self.by_outlet],
            "by_month": [c.to_json() for c in self.by_month],
        }


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One stored article, for listing."""

    id: str  #: the article id (content hash)
    title: str | None  #: the headline
    outlet: str | None  #: who published it
    published: str | None  #: publication date or date-time, as given
    url: str | None  #: where it was published
    statements: int  #: statements stored for it (all extractors)

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Alias:
    """One entry of the user's alias table: ``alias`` means the speaker ``canonical``."""

    alias: str  #: a surface form ("Trump", "the president")
    canonical: str  #: the canonical speaker name it stands for ("Donald Trump")

    def to_json(self) -> dict[str, Any]:
        """``{"alias", "canonical"}``."""
        return {"alias": self.alias, "canonical": self.canonical}


@dataclass(frozen=True, slots=True)
class AliasMove:
    """One stored speaker (as an article wrote it) that an alias would move."""

    form: str  #: the name an article gave it ("Sarah Huckabee Sanders", "Sanders")
    speaker: str  #: the canonical speaker it belongs to now
    statements: int  #: statements it holds
    articles: int  #: articles it appears in
    #: its full name names someone else than the new canonical name; moved only with force
    conflict: bool

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AliasPlan:
    """What ``sayso alias DB ALIAS CANONICAL`` would move, before it moves anything."""

    alias: str  #: the surface form
    canonical: str  #: the speaker name it is to mean
    moves: tuple[AliasMove, ...]  #: every stored speaker it would move (conflicts included)

    @property
    def conflicts(self) -> tuple[AliasMove, ...]:
        """The moves of speakers whose full name differs (refused without force)."""
        return tuple(m for m in self.moves if m.conflict)

    def to_json(self) -> dict[str, Any]:
        """``{"alias", "canonical", "statements", "articles", "moves", "conflicts"}``."""
        return {
            "alias": self.alias, "canonical": self.canonical,
            "statements": sum(m.statements for m in self.moves),
            "articles": sum(m.articles for m in self.moves),
            "moves": [m.to_json() for m in self.moves],
            "conflicts": [m.form for m in self.conflicts],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class MergeSuggestion:
    """A candidate merge of two stored speakers (``sayso speakers --suggest``)."""

    alias: str  #: the speaker name to fold in ("Zelenskyy")
    canonical: str  #: the identity it would join ("Volodymyr Zelensky")
    reason: str  #: the evidence ("surname of the only full name with it in the database")
    alias_statements: int  #: statements the alias's speaker holds
    alias_articles: int  #: articles it appears in
    canonical_statements: int  #: statements the identity holds now
    canonical_articles: int  #: articles it appears in

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object."""
        return asdict(self)


IngestStatus = Literal["added", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What :func:`sayso.engines.ingest` did with one input."""

    id: str  #: the article id; "" for an input that could not be read
    title: str | None  #: the headline, when known
    statements: int  #: statements written (0 when skipped or in error)
    status: IngestStatus  #: added, skipped (already stored for this extractor) or error
    input: str | None = None  #: where it was read (path, "path:LINE", "file.warc::URL")
    message: str | None = None  #: what went wrong, for errors

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The summary of one :func:`sayso.engines.ingest` run."""

    outcomes: tuple[IngestOutcome, ...]  #: one per input, in input order
    extractor: str  #: the versioned extractor name the pipeline resolved to
    seconds: float  #: wall-clock time of the run

    @property
    def added(self) -> int:
        """Articles extracted and written in this run."""
        return sum(1 for o in self.outcomes if o.status == "added")

    @property
    def skipped(self) -> int:
        """Articles already stored for this extractor (left as they were)."""
        return sum(1 for o in self.outcomes if o.status == "skipped")

    @property
    def errors(self) -> int:
        """Inputs that could not be read."""
        return sum(1 for o in self.outcomes if o.status == "error")

    @property
    def statements(self) -> int:
        """Statements written in this run."""
        return sum(o.statements for o in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        """Totals plus one object per input."""
        return {
            "extractor": self.extractor,
            "added": self.added,
            "skipped": self.skipped,
            "errors": self.errors,
            "statements": self.statements,
            "seconds": round(self.seconds, 3),
            "outcomes": [o.to_json() for o in self.outcomes],
        }
