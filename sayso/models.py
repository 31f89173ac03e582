"""Typed, immutable records that cross module boundaries.

Every offset is an integer character offset into ``Article.text`` (Python ``str`` indices,
end exclusive).  ``Article.text`` starts with the headline when there is one, so that a
headline cue ("Russia Claims Trump Reached Out") has offsets like any other.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

SpeakerKind = Literal["person", "organization", "place", "group", "document", "unknown"]
#: How a statement's speaker was found (``Attribution.speaker_via``).
SpeakerVia = Literal[
    "name",
    "alias",
    "surname",
    "pronoun",
    "relative",
    "role",
    "first_person",
    "document",
    "group",
    "organization",
    "place",
    "unresolved",
]
AttributionKind = Literal["direct", "indirect", "mixed", "according_to"]
CueClass = Literal["speech", "thought"]

ATTRIBUTION_KINDS: tuple[AttributionKind, ...] = ("direct", "indirect", "mixed", "according_to")
SPEAKER_KINDS: tuple[SpeakerKind, ...] = get_args(SpeakerKind)
SPEAKER_VIAS: tuple[SpeakerVia, ...] = get_args(SpeakerVia)


def content_hash(text: str) -> str:
    """The article id: the first 16 hex digits of the SHA-256 of the article text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of ``Article.text``."""

    start: int  #: first character, inclusive
    end: int  #: one past the last character
    text: str  #: ``article.text[start:end]``, kept so a span reads on its own

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise ValueError(f"bad span offsets {self.start}..{self.end}")

    def to_json(self) -> dict[str, Any]:
        """The JSON contract's ``{"text", "start", "end"}`` object."""
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """A span of ``text`` from ``start`` to ``end``."""
        return cls(start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Edit:
    """One place where ``Article.text`` differs from the input's own text."""

    start: int  #: first character of ``Article.text`` that differs, inclusive
    end: int  #: one past the last (``start == end``: input text was left out here)
    original: str  #: the input's text in place of ``Article.text[start:end]``


@dataclass(frozen=True, slots=True)
class Origin:
    """The map from ``Article.text`` back to the input's own text (the decoded file, the
    page's extracted text, the JSON record's text): the edits that undo sayso's normalisation
    (whitespace, dropped credit lines, a headline put in front), in text order.

    Outside the edits the two texts are the same character for character, so an offset
    moves by the length differences of the edits before it.
    """

    edits: tuple[Edit, ...] = ()  #: the differences, sorted, not overlapping

    def original_offset(self, pos: int, end: bool = False) -> int:
        """Where offset ``pos`` of ``Article.text`` lies in the input's text.

        ``end=True`` for a span's end.  Text left out exactly at ``pos`` stays outside the
        span on both sides; a position inside an edit takes the edit's whole input text.
        """
        ends, shifts = _origin_index(self)
        # the edits before pos are a prefix of the sorted list: those ending at or before it,
        # less, for a span's end, the text left out exactly at pos
        k = bisect.bisect_right(ends, pos)
        if end:
            while k and self.edits[k - 1].start == self.edits[k - 1].end == pos:
                k -= 1
        if k < len(self.edits) and self.edits[k].start < pos < self.edits[k].end:
            e = self.edits[k]  # inside a replaced stretch: its whole input text, or none
            return e.start + shifts[k] + (len(e.original) if end else 0)
        return pos + shifts[k]

    def original_text(self, text: str, start: int, end: int) -> str:
        """The input's text from ``original_offset(start)`` to ``original_offset(end, True)``,
        rebuilt from ``text`` (``Article.text``) and the edits."""
        out: list[str] = []
        pos = start
        for e in self.edits:
            if e.start == e.end:
                if start < e.start < end:
                    out += [text[pos : e.start], e.original]
                    pos = e.start
                elif e.start >= end:
                    break
                continue
            if e.end <= start:
                continue
            if e.start >= end:
                break
            out += [text[pos : max(pos, e.start)], e.original]
            pos = e.end
        out.append(text[pos:end])
        return "".join(out)

    def input_text(self, text: str) -> str:
        """The whole input text, rebuilt from ``text`` (``Article.text``) and the edits;
        ``original_offset`` indexes it."""
        out: list[str] = []
        pos = 0
        for e in self.edits:
            out += [text[pos : e.start], e.original]
            pos = e.end
        out.append(text[pos:])
        return "".join(out)

    def to_json(self) -> list[list[int | str]]:
        """``[[start, end, original], ...]``, as the store keeps it."""
        return [[e.start, e.end, e.original] for e in self.edits]

    @classmethod
    def from_json(cls, data: list[list[int | str]]) -> Origin:
        """The Origin written by :meth:`to_json`."""
        return cls(tuple(Edit(int(s), int(e), str(o)) for s, e, o in data))


@functools.lru_cache(maxsize=64)
def _origin_index(origin: Origin) -> tuple[list[int], list[int]]:
    """The edits' ends, and the offset shift before each edit (one more: after the last), so
    that ``original_offset`` takes O(log n) (exports ask it for every statement)."""
    shifts = [0]
    for e in origin.edits:
        shifts.append(shifts[-1] + len(e.original) - (e.end - e.start))
    return [e.end for e in origin.edits], shifts


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as sayso reads it."""

    text: str  #: the article text; begins with the headline when there is one
    title: str | None = None  #: the headline, also the first line of ``text`` when known
    source: str | None = None  #: the outlet that published it ("Wikinews (English)")
    published: str | None = None  #: ISO 8601 date or date-time of publication, as given
    url: str | None = None  #: where it was published
    topics: tuple[str, ...] = ()  #: rubric or topic labels ("world")
    external_id: str | None = None  #: the id the input gave it, if any (JSONL ``id``)
    id: str = field(default="")  #: content hash of ``text`` (filled in when left empty)
    #: how ``text`` maps back to the input's own text (None: unknown); not part of equality,
    #: as the same text read from two inputs is the same article
    origin: Origin | None = field(default=None, compare=False)
    #: where it was read: the path, "path:LINE" of a JSON Lines record, "file.warc::URL"
    input: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", content_hash(self.text))

    @property
    def headline_length(self) -> int:
        """How many characters of ``text`` are the headline (0 when it has none)."""
        if self.title and self.text.startswith(self.title):
            return len(self.title)
        return 0

    @property
    def published_date(self) -> _dt.date | None:
        """The publication date, or None when unknown or unreadable."""
        if not self.published:
            return None
        try:
            return _dt.date.fromisoformat(self.published[:10])
        except ValueError:
            return None

    def to_json(self) -> dict[str, Any]:
        """The JSON contract's ``article`` object."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "url": self.url,
            "topics": list(self.topics),
            "external_id": self.external_id,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who is speaking: one canonical entity."""

    id: str  #: stable id derived from the canonical name (same name -> same id, across articles)
    name: str  #: canonical name ("Sarah Huckabee Sanders")
    kind: SpeakerKind  #: person, organization, place, group, document or unknown
    aliases: tuple[str, ...] = ()  #: other names seen for it ("Sanders", "President Sanders")
    members: tuple[str, ...] = ()  #: speaker ids of a group's members ("the two presidents")

    def to_json(self) -> dict[str, Any]:
        """The JSON contract's speaker object."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "members": list(self.members),
        }


def speaker_id(name: str) -> str:
    """The cross-article id of a canonical speaker name (case- and space-insensitive)."""
    key = " ".join(name.lower().split())
    return "sp-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Found:
    """What an extractor finds for one statement: its spans, before the shared pass.

    Extractors return these; ``sayso.assemble`` turns them into :class:`Attribution` records the
    same way for every extractor (kind, hedge, cue class, addressee, channel, time, parent).
    """

    cue: Span  #: the words that mark the attribution
    content: tuple[Span, ...]  #: what was said, one span per piece (empty: recovered or dropped)
    source: Span | None = None  #: the words naming the source, if any
    confidence: float = 1.0  #: the extractor's confidence in [0, 1]
    continues: bool = False  #: a quotation without a cue of its own, continuing ``cue``'s statement


#: How precise a statement's time is; the ISO string has as many parts (YYYY-MM-DD, YYYY-MM, YYYY).
TimePrecision = Literal["day", "month", "year"]
_PRECISION_BY_LENGTH: dict[int, TimePrecision] = {10: "day", 7: "month", 4: "year"}


def time_precision(time: str | None) -> TimePrecision | None:
    """The precision of an ISO 8601 date, year-month or year (None for None or another form)."""
    return _PRECISION_BY_LENGTH.get(len(time)) if time else None


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attributed statement: source + cue + content, with its context."""

    id: str  #: unique within the article ("a1", "a2", ...); stable for a given text and extractor
    cue: Span  #: the words that mark the attribution ("said", "according to", "claims")
    content: tuple[Span, ...]  #: what was said; several spans when the content is discontinuous
    kind: AttributionKind  #: direct, indirect, mixed (quoted bits in reported speech), according_to
    source: Span | None = None  #: the words naming the source in the text, if any
    speaker: str | None = None  #: id of the resolved Speaker, if the source could be resolved
    parent: str | None = None  #: id of the attribution this one is reported inside (nested chains)
    addressee: str | None = None  #: who was told ("reporters", "Putin")
    channel: str | None = None  #: the medium ("Telegram", "a statement", "Twitter")
    #: when the statement was made, resolved against publication, as ISO 8601 only as precise
    #: as the text: "2019-07-30" (day), "2019-07" (month, "in July"), "2017" (year)
    time: str | None = None
    hedged: bool = False  #: the reporter distances itself ("claims", "reportedly", "alleged")
    cue_class: CueClass = "speech"  #: speech act, or internal state (believe, think, want)
    extractor: str = ""  #: versioned name of the extractor that produced it ("sayso.rules.v1")
    confidence: float = 1.0  #: the extractor's confidence in [0, 1]
    speaker_via: SpeakerVia = "unresolved"  #: how the speaker was found (name, pronoun, role, ...)
    speaker_confidence: float = 0.0  #: the resolver's confidence in the speaker, in [0, 1]

    @property
    def content_text(self) -> str:
        """The content pieces joined with " … " where they are discontinuous."""
        return " … ".join(s.text for s in self.content)

    @property
    def time_precision(self) -> TimePrecision | None:
        """How precise ``time`` is: day, month or year (None without a time)."""
        return time_precision(self.time)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract's attribution object."""
        return {
            "id": self.id,
            "source": self.source.to_json() if self.source else None,
            "speaker": self.speaker,
            "cue": self.cue.to_json(),
            "content": [s.to_json() for s in self.content],
            "kind": self.kind,
            "parent": self.parent,
            "addressee": self.addressee,
            "channel": self.channel,
            "time": self.time,
            "time_precision": self.time_precision,
            "hedged": self.hedged,
            "cue_class": self.cue_class,
            "extractor": self.extractor,
            "confidence": round(self.confidence, 4),
            "speaker_via": self.speaker_via,
            "speaker_confidence": round(self.speaker_confidence, 4),
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything sayso found in one article."""

    article: Article  #: the article the statements were found in
    speakers: tuple[Speaker, ...]  #: the speakers its attributions resolve to
    attributions: tuple[Attribution, ...]  #: the statements, in text order of their cues

    def to_json(self) -> dict[str, Any]:
        """The JSON contract object printed by ``sayso extract --json``; each attribution
        carries its speaker's name beside the id (``speaker_name``), so no lookup is needed."""
        names = {s.id: s.name for s in self.speakers}
        return {
            "article": self.article.to_json(),
            "speakers": [s.to_json() for s in self.speakers],
            "attributions": [
                {**a.to_json(), "speaker_name": names.get(a.speaker or "")}
                for a in self.attributions
            ],
        }

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        """The speaker with this id, or None."""
        for s in self.speakers:
            if s.id == speaker_id:
                return s
        return None


@dataclass(frozen=True, slots=True)
class InputError:
    """A problem with one input that was skipped (the run goes on)."""

    input: str  #: the path, URL, or "path:line" of the bad input
    message: str  #: what went wrong and what to do about it

    def __str__(self) -> str:
        return f"{self.input}: {self.message}"


#: How the accounts of a story carry one claim (``Claim.status``).
ClaimStatus = Literal["shared", "one_sided", "conflict"]
CLAIM_STATUSES: tuple[ClaimStatus, ...] = get_args(ClaimStatus)


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story, as the story listing shows it."""

    id: str  #: the article id
    url: str | None  #: where it was published
    title: str | None  #: its headline
    source: str | None  #: the outlet or government that published it
    published: str | None  #: publication date or date-time, as given

    def to_json(self) -> dict[str, Any]:
        """The ``{"id", "url", "title", "source", "published"}`` object of ``sayso stories``."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "source": self.source,
            "published": self.published,
        }


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that report the same event, across outlets and days (near-duplicates left out)."""

    id: int  #: the story id in the store
    title: str  #: the title of its earliest article
    start: str | None  #: the first publication date (YYYY-MM-DD)
    end: str | None  #: the last publication date (YYYY-MM-DD)
    outlets: tuple[str, ...]  #: the outlets that report it, sorted
    articles: tuple[StoryArticle, ...]  #: its articles, earliest first

    def to_json(self) -> dict[str, Any]:
        """One line of ``sayso stories --json``."""
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "outlets": list(self.outlets),
            "articles": [a.to_json() for a in self.articles],
        }


@dataclass(frozen=True, slots=True)
class ClaimMention:
    """One account's wording of a claim: a statement's content or a narrated sentence."""

    article_id: str  #: the article it is in
    attribution_id: str | None  #: the statement it comes from (None: the outlet narrates it)
    speaker: str | None  #: who the account credits it to ("Joseph Biden", "the Kremlin")
    cue: str | None  #: the verb that carries it ("said", "reaffirmed")
    text: str  #: the article text from ``start`` to ``end``
    start: int  #: first character in the stored article text
    end: int  #: one past the last character
    hedged: bool  #: the account distances itself ("reportedly", "claims")
    outlet: str | None = None  #: the outlet of its article (not in the JSON contract)

    def to_json(self) -> dict[str, Any]:
        """The mention object of ``sayso compare --json``."""
        return {
            "article_id": self.article_id,
            "attribution_id": self.attribution_id,
            "speaker": self.speaker,
            "cue": self.cue,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "hedged": self.hedged,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """One proposition of a story with every account's wording of it."""

    id: str  #: "c1", "c2", ... within the story
    summary: str  #: a short wording of it (its clearest mention)
    status: ClaimStatus  #: shared, one_sided or conflict
    outlets: tuple[str, ...]  #: the outlets that carry it, sorted
    conflict: str | None  #: why the versions are incompatible (None unless status is conflict)
    mentions: tuple[ClaimMention, ...]  #: the accounts' wordings, in article order

    def to_json(self) -> dict[str, Any]:
        """One claim object of ``sayso compare --json``."""
        return {
            "id": self.id,
            "summary": self.summary,
            "status": self.status,
            "outlets": list(self.outlets),
            "conflict": self.conflict,
            "mentions": [m.to_json() for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """A story's accounts compared claim by claim (``sayso compare``)."""

    story: Story  #: the story
    claims: tuple[Claim, ...]  #: its claims, most widely carried first

    def counts(self) -> dict[str, int]:
        """Claims per status, every status named (``{"shared": 3, "one_sided": 5, ...}``)."""
        return {s: sum(1 for c in self.claims if c.status == s) for s in CLAIM_STATUSES}

    def only(self, statuses: Iterable[str]) -> Comparison:
        """The same comparison with only the claims of these statuses (in their order); an
        unknown status is a ValueError naming the known ones."""
        wanted = set(statuses)
        unknown = sorted(wanted - set(CLAIM_STATUSES))
        if unknown:
            raise ValueError(f"unknown claim status {', '.join(unknown)}: the statuses are "
                             f"{', '.join(CLAIM_STATUSES)}")  # fmt: skip
        return replace(self, claims=tuple(c for c in self.claims if c.status in wanted))

    def to_json(self) -> dict[str, Any]:
        """The object printed by ``sayso compare --json``."""
        return {"story": self.story.to_json(), "claims": [c.to_json() for c in self.claims]}
