"""Speaker gold (``benchmarks/gold/speakers``): is each statement given to its true speaker?

A gold folder holds ``articles.jsonl`` (the source records) and gold files (``*.jsonl``), one
attribution per line::

    {"article_id", "sentence", "cue", "cue_occurrence", "source", "type", "speaker",
     "speaker_kind", "accept", "note", "split"}

The articles are ingested into a temporary Store with :func:`sayso.engines.ingest`, and the
suggested aliases applied, exactly as ``sayso ingest`` does for a user; each statement's speaker
is then read back as the speaker page shows it: the canonical name after the alias table.  A
gold row maps to the stored statement whose cue overlaps the gold cue (one to one, largest
overlap first; a colon cue ``":"`` by the colon's position).

Correct speaker (:func:`judge`):

- a person, or a named organisation or place: the predicted canonical name equals the gold
  ``speaker`` or one of ``accept`` (pooled over all rows of that speaker) after
  :func:`fold_name` (case, diacritics, leading titles, "Jr.", commas and spacing ignored);
- a group of named people (``"A; B"``): the predicted group's members, or else its name split
  at ";", "," and "and", fold to the same set of names.  A predicted group speaker that fails
  this (today's sayso stores no members) is *partial*: reported on its own, wrong in the
  accuracy;
- an unnamed description (gold kind group or document, "unnamed" in the note, or a speaker
  written in lower case): the predicted kind equals the gold kind and the two names share a
  content word.

Cross-article identity is scored over pairs of gold mentions of named persons in different
articles, one mention per (article, gold speaker) standing for the speaker most of its rows
resolved to, so that a talkative article counts once.
"""

from __future__ import annotations

import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from ..errors import GoldDataError
from ..models import Article, Attribution, Extraction, Span
from .chains import (
    Progress,
    article_of,
    check_split,
    gold_records,
    in_split,
    locate,
    locate_cue,
    match_cues,
    read_articles,
)

#: The gold ``type`` values, in report order.
TYPES = (
    "name", "surname", "pronoun", "relative", "role", "document", "first_person", "group",
    "organization", "place",
)  # fmt: skip
#: The gold ``speaker_kind`` values.
GOLD_KINDS = ("person", "organization", "group", "place", "document")
#: Words dropped from the front of a name before comparing (titles and honorifics; compared
#: after folding, so without their full stops).  The evaluator keeps its own list rather than
#: the resolver's, so that a change to the resolver cannot make itself look right.
TITLES = frozenset(
    """the president vice mr mrs ms miss mx dr prof professor sir dame lord lady senator sen
    rep representative congressman congresswoman governor gov mayor secretary minister prime
    chancellor premier pope king queen prince princess general gen lt col colonel judge justice
    rev reverend father sheikh""".split()
)
#: Words ignored anywhere in a name ("Martin Luther King Jr." = "Martin Luther King").
SUFFIXES = frozenset({"jr", "sr"})
#: Words that do not count as shared content words of two descriptions.
STOPWORDS = frozenset(
    """a an the of for and or in on at to by with from its his her their our your my this that
    these those some any all both other others s""".split()
)
#: Separators of the members of a group's name ("A; B", "A, B and C").
_MEMBER_SPLIT = re.compile(r";|,|\band\b|&")
#: Fewer gold-same identity pairs than this make the identity scores too noisy to read.
MIN_IDENTITY_PAIRS = 50
#: How many of the most frequent errors ``errors`` keeps.
ERRORS_SHOWN = 30
#: Characters of a gold sentence shown with an error.
EXCERPT_CHARS = 90

Verdict = Literal["correct", "partial", "wrong"]


# --- names ------------------------------------------------------------------------------------


def _plain(name: str) -> str:
    """Casefolded, without diacritics, curly apostrophes straightened."""
    decomposed = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold_name(name: str) -> str:
    """The comparison key of a name: casefolded, no diacritics, no leading titles, no "Jr.",
    commas or full stops, spaces collapsed (``"President Luiz Inácio Lula da Silva"`` ->
    ``"luiz inacio lula da silva"``)."""
    words = re.sub(r"[^\w\s'-]", " ", _plain(name)).split()
    words = [w for w in words if w not in SUFFIXES]
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def member_set(name: str) -> frozenset[str]:
    """The folded names of a group's members ("A; B" or "A, B and C")."""
    return frozenset(f for part in _MEMBER_SPLIT.split(name) if (f := fold_name(part)))


def content_words(name: str) -> frozenset[str]:
    """The words of a description that carry meaning (stopwords and titles' dots dropped)."""
    words = re.sub(r"[^\w\s]", " ", _plain(name)).split()
    return frozenset(w for w in words if w not in STOPWORDS)


# --- gold -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldSpeakerRow:
    """One gold attribution: a cue in a sentence and who truly said it."""

    where: str  #: "file:LINE" of the gold row
    article_id: str  #: the source record's id (``Article.external_id``)
    sentence: Span  #: the sentence, located in ``article.text``
    cue: Span  #: the cue, located inside the sentence (":" for a colon or speaker turn)
    source: str | None  #: the source words in the sentence, or None
    type: str  #: how the source refers: name, surname, pronoun, role, group, ... (TYPES)
    speaker: str  #: the true speaker's full name, "A; B" for named people, or a description
    speaker_kind: str  #: person, organization, group, place or document
    accept: tuple[str, ...]  #: other acceptable spellings (pooled over the speaker's rows)
    note: str  #: the annotator's note
    split: str  #: dev or test
    #: of a named group, each member's accepted spellings, folded (the member's own pooled
    #: ``accept``, as for that person's own rows)
    member_spellings: tuple[frozenset[str], ...] = ()

    @property
    def named_group(self) -> bool:
        """A group of named people ("A; B")."""
        return ";" in self.speaker

    @property
    def unnamed(self) -> bool:
        """An unnamed description: a group or document (not "A; B"), noted "unnamed", or written
        without a capital letter (a description, not a name: the gold notes "unnamed" on some
        "senior administration official" rows and not on others)."""
        if self.named_group:
            return False
        return (
            self.speaker_kind in ("group", "document")
            or "unnamed" in self.note.casefold()
            or self.speaker == self.speaker.lower()
        )


def read_speaker_gold(
    directory: str | Path, split: str = "all"
) -> tuple[dict[str, Article], list[GoldSpeakerRow]]:
    """The bundled articles and the gold rows of ``split`` of a speaker gold folder.

    A row's ``accept`` is pooled over every row with the same ``speaker`` (of any split): the
    annotators list a spelling on the rows whose text uses it ("Joseph R. Biden, Jr."), while
    a resolver rightly gives the article's fullest name to every statement of that person.
    """
    check_split(split)
    articles = read_articles(directory)
    records = list(gold_records(directory))
    pooled: dict[str, dict[str, None]] = {}
    for _, r in records:
        spellings = pooled.setdefault(str(r.get("speaker") or ""), {})
        spellings.update(dict.fromkeys(str(a) for a in r.get("accept") or ()))

    def accepted(member: str) -> frozenset[str]:
        names = (member, *pooled.get(member, ()))
        return frozenset(f for n in names if (f := fold_name(n)))

    rows: list[GoldSpeakerRow] = []
    for where, r in records:
        if not in_split(r, split):
            continue
        article = article_of(articles, r, where)
        sentence = locate(article, str(r.get("sentence") or ""), where, "sentence")
        cue = locate_cue(article, sentence, str(r.get("cue") or ""), r.get("cue_occurrence", 1),
                         where)  # fmt: skip
        if not r.get("speaker"):
            raise GoldDataError(f"{where}: no speaker; every row names its true speaker")
        rows.append(
            GoldSpeakerRow(
                where=where, article_id=str(r["article_id"]), sentence=sentence, cue=cue,
                source=r.get("source"), type=str(r.get("type") or ""), speaker=str(r["speaker"]),
                speaker_kind=str(r.get("speaker_kind") or ""),
                accept=tuple(pooled[str(r["speaker"])]), note=str(r.get("note") or ""),
                split=str(r.get("split") or ""),
                member_spellings=tuple(
                    accepted(m.strip()) for m in str(r["speaker"]).split(";") if m.strip()
                ) if ";" in str(r["speaker"]) else (),
            )
        )  # fmt: skip
    return articles, rows


# --- judging ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PredictedSpeaker:
    """The speaker a stored statement resolved to, as the speaker page shows it."""

    id: str | None  #: the canonical speaker id after aliases (None: unresolved)
    name: str | None  #: the canonical name
    kind: str | None  #: person, organization, place, group, document or unknown
    members: tuple[str, ...] = ()  #: the names of a group's members, when the store knows them


def judge(gold: GoldSpeakerRow, pred: PredictedSpeaker) -> Verdict:
    """Whether ``pred`` is the gold row's speaker (see the module docstring for the rules)."""
    if pred.id is None or not pred.name:
        return "wrong"
    if gold.named_group:
        wanted = {member_set(n) for n in (gold.speaker, *gold.accept)}
        got = frozenset(map(fold_name, pred.members)) if pred.members else member_set(pred.name)
        if got in wanted or _same_members(got, gold.member_spellings):
            return "correct"
        return "partial" if pred.kind == "group" else "wrong"
    if gold.unnamed:
        shared = content_words(pred.name) & content_words(gold.speaker)
        if pred.kind == gold.speaker_kind and shared:
            return "correct"
        return "wrong"
    key = fold_name(pred.name)
    return "correct" if key in {fold_name(n) for n in (gold.speaker, *gold.accept)} else "wrong"


def _same_members(got: frozenset[str], members: Sequence[frozenset[str]]) -> bool:
    """Whether the predicted member names are the gold members one to one, each in one of
    its accepted spellings ("Volodymyr Zelensky" for "Volodymyr Zelenskyy")."""
    if not members or len(got) != len(members):
        return False
    free = list(range(len(members)))
    for name in sorted(got, key=lambda n: sum(n in m for m in members)):
        k = next((k for k in free if name in members[k]), None)
        if k is None:
            return False
        free.remove(k)
    return True


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowResult:
    """One gold row and what the pipeline made of it."""

    gold: GoldSpeakerRow  #: the gold row
    matched: bool  #: a stored statement's cue overlaps the gold cue
    predicted: PredictedSpeaker  #: its speaker (all None when unmatched)
    verdict: Verdict  #: correct, partial (a group without members) or wrong


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Correct out of n, in percent."""

    n: int  #: rows judged
    correct: int  #: rows judged correct

    @property
    def accuracy(self) -> float:
        """Percent correct (0 when nothing was judged)."""
        return 100.0 * self.correct / self.n if self.n else 0.0

    def to_json(self) -> dict[str, Any]:
        """``{"n", "correct", "accuracy"}``."""
        return {"n": self.n, "correct": self.correct, "accuracy": round(self.accuracy, 2)}


@dataclass(frozen=True, slots=True)
class Identity:
    """Cross-article identity over pairs of person mentions in different articles."""

    gold_same: int  #: pairs whose gold speakers fold equal
    pred_same: int  #: pairs whose predicted speaker ids are equal
    both: int  #: pairs that are both

    @property
    def p(self) -> float:
        """Precision in percent."""
        return 100.0 * self.both / self.pred_same if self.pred_same else 0.0

    @property
    def r(self) -> float:
        """Recall in percent."""
        return 100.0 * self.both / self.gold_same if self.gold_same else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, in percent."""
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def to_json(self) -> dict[str, Any]:
        """``{"p", "r", "f1", "pairs_gold_same", "pairs_pred_same", "pairs_both"}``."""
        return {
            "p": round(self.p, 2), "r": round(self.r, 2), "f1": round(self.f1, 2),
            "pairs_gold_same": self.gold_same, "pairs_pred_same": self.pred_same,
            "pairs_both": self.both,
        }  # fmt: skip


def identity(results: Sequence[RowResult]) -> Identity:
    """Identity scores over mentions of named persons: one mention per (article, gold speaker)
    with at least one matched row, standing for the speaker most of its rows resolved to (ties:
    the first in the text; none when no row resolved).  Unnamed people ("senior administration
    official") are left out: two articles' anonymous officials need not be one person."""
    votes: dict[tuple[str, str], Counter[str]] = {}
    for r in sorted(results, key=lambda r: (r.gold.article_id, r.gold.cue.start)):
        if r.matched and r.gold.speaker_kind == "person" and not r.gold.unnamed:
            tally = votes.setdefault((r.gold.article_id, fold_name(r.gold.speaker)), Counter())
            if r.predicted.id is not None:
                tally[r.predicted.id] += 1
    # most_common keeps first-seen order among equal counts
    mentions = [(k, t.most_common(1)[0][0] if t else None) for k, t in sorted(votes.items())]
    gold_same = pred_same = both = 0
    for ((art1, gold1), pred1), ((art2, gold2), pred2) in combinations(mentions, 2):
        if art1 == art2:
            continue
        g = gold1 == gold2
        p = pred1 is not None and pred1 == pred2
        gold_same, pred_same, both = gold_same + g, pred_same + p, both + (g and p)
    return Identity(gold_same, pred_same, both)


@dataclass(frozen=True, slots=True)
class SpeakerReport:
    """A pipeline's speaker scores on the speaker gold."""

    pipeline: str  #: the pipeline name asked for ("fast")
    extractor: str  #: the versioned extractor it ran
    split: str  #: dev, test or all
    results: tuple[RowResult, ...]  #: every gold row with its verdict
    seconds: float  #: wall-clock seconds of ingest and read-back

    @property
    def matched(self) -> tuple[RowResult, ...]:
        """The rows a stored statement was found for."""
        return tuple(r for r in self.results if r.matched)

    def accuracy(self, type_: str | None = None) -> Accuracy:
        """Speaker accuracy over the matched rows (of one gold type, when given)."""
        rows = [r for r in self.matched if type_ is None or r.gold.type == type_]
        return Accuracy(len(rows), sum(r.verdict == "correct" for r in rows))

    @property
    def kind_accuracy(self) -> Accuracy:
        """Whether the predicted speaker kind equals the gold kind, over the matched rows."""
        rows = self.matched
        return Accuracy(len(rows), sum(r.predicted.kind == r.gold.speaker_kind for r in rows))

    @property
    def identity(self) -> Identity:
        """Cross-article identity of the named persons' mentions."""
        return identity(self.results)

    def errors(self, limit: int = ERRORS_SHOWN) -> list[dict[str, Any]]:
        """The most frequent wrong (gold speaker, predicted speaker, type) triples among the
        matched rows (the accuracy's errors; unmatched rows are the coverage's), with the first
        sentence each was seen in."""
        counts: Counter[tuple[str, str, str]] = Counter()
        example: dict[tuple[str, str, str], RowResult] = {}
        for r in self.matched:
            if r.verdict == "correct":
                continue
            key = (r.gold.speaker, r.predicted.name or "(unresolved)", r.gold.type)
            counts[key] += 1
            example.setdefault(key, r)
        out = []
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
            r = example[key]
            out.append({
                "n": n, "gold": key[0], "predicted": key[1], "type": key[2],
                "verdict": r.verdict,
                "sentence": r.gold.sentence.text[:EXCERPT_CHARS], "where": r.gold.where,
            })  # fmt: skip
        return out

    def to_json(self, errors: bool = False) -> dict[str, Any]:
        """Machine-readable report (percentages rounded to 2 decimals); the most frequent
        errors too when ``errors``."""
        rows, matched = len(self.results), len(self.matched)
        out: dict[str, Any] = {
            "pipeline": self.pipeline,
            "extractor": self.extractor,
            "split": self.split,
            "rows": rows,
            "matched": matched,
            "coverage": round(100.0 * matched / rows, 2) if rows else 0.0,
            "accuracy": round(self.accuracy().accuracy, 2),
            "correct": self.accuracy().correct,
            "group_partial": sum(r.verdict == "partial" for r in self.matched),
            "by_type": {t: self.accuracy(t).to_json() for t in TYPES},
            "kind_accuracy": round(self.kind_accuracy.accuracy, 2),
            "identity": self.identity.to_json(),
            "seconds": round(self.seconds, 3),
        }
        if errors:
            out["errors"] = self.errors()
        return out


def score_rows(
    rows: Sequence[GoldSpeakerRow],
    statements: Mapping[str, Sequence[tuple[Span, PredictedSpeaker]]],
) -> list[RowResult]:
    """Judge gold rows against the stored statements of their articles (article external id ->
    (cue, speaker) of each statement)."""
    by_article: dict[str, list[int]] = {}
    for i, g in enumerate(rows):
        by_article.setdefault(g.article_id, []).append(i)
    results: list[RowResult | None] = [None] * len(rows)
    none = PredictedSpeaker(None, None, None)
    for article_id, idx in by_article.items():
        preds = statements.get(article_id, ())
        matched = match_cues([rows[i].cue for i in idx], [cue for cue, _ in preds])
        for k, i in enumerate(idx):
            if k in matched:
                sp = preds[matched[k]][1]
                results[i] = RowResult(rows[i], True, sp, judge(rows[i], sp))
            else:
                results[i] = RowResult(rows[i], False, none, "wrong")
    return [r for r in results if r is not None]


def stored_statements(
    articles: Sequence[Article], pipeline: str, progress: Progress | None = None
) -> tuple[str, dict[str, list[tuple[Span, PredictedSpeaker]]]]:
    """Ingest ``articles`` into a temporary Store as ``sayso ingest`` does (suggested aliases
    applied) and read back each statement's cue and canonical speaker, by article external id.
    Returns the extractor name too."""
    from ..engines import ingest
    from ..store import Store

    done = 0

    def step(_: object) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(articles))

    with tempfile.TemporaryDirectory(prefix="sayso-speakers-") as tmp:
        with Store(Path(tmp) / "gold.db") as store:
            report = ingest(store, articles, pipeline=pipeline, progress=step)
            failed = [o for o in report.outcomes if o.status == "error"]
            if failed:
                raise GoldDataError(f"ingest failed: {failed[0].input}: {failed[0].message}")
            store.apply_suggested_aliases()
            # The canonical speaker of each statement, as listings and speaker pages show it.
            canonical = {
                (s.article_id, s.attribution_id, s.extractor): PredictedSpeaker(
                    s.speaker_id, s.speaker_name, s.speaker_kind
                )
                for s in store.iter_statements()
            }
            out: dict[str, list[tuple[Span, PredictedSpeaker]]] = {}
            for article in articles:
                ex = store.article(article.id)
                if ex is None:  # pragma: no cover - ingest stored every article or failed
                    raise GoldDataError(f"article {article.external_id} was not stored")
                out[str(article.external_id)] = [
                    (a.cue, _with_members(store, ex, a, canonical[(article.id, a.id, a.extractor)]))
                    for a in ex.attributions
                    if a.extractor == report.extractor
                ]
    return report.extractor, out


def _with_members(
    store: Any, ex: Extraction, a: Attribution, pred: PredictedSpeaker
) -> PredictedSpeaker:
    """``pred`` with the canonical names of its group's members, when the stored speaker lists
    them (as speaker refs of the same article)."""
    speaker = ex.speaker(a.speaker)
    member_refs: tuple[str, ...] = tuple(getattr(speaker, "members", ()) or ())
    if not member_refs:
        return pred
    names = []
    for ref in member_refs:
        member = ex.speaker(ref)
        if member is None:
            continue
        detail = store.speaker(member.name)  # the canonical name, after the alias table
        names.append(detail.speaker.name if detail is not None else member.name)
    return replace(pred, members=tuple(names))


def evaluate_speakers(
    directory: str | Path,
    pipeline: str = "fast",
    split: str = "dev",
    progress: Progress | None = None,
) -> SpeakerReport:
    """Score the speakers ``pipeline`` resolves on a speaker gold folder
    (``benchmarks/gold/speakers``)."""
    articles, rows = read_speaker_gold(directory, split)
    wanted = [articles[i] for i in dict.fromkeys(r.article_id for r in rows)]
    t0 = time.perf_counter()
    extractor, statements = stored_statements(wanted, pipeline, progress)
    seconds = time.perf_counter() - t0
    return SpeakerReport(
        pipeline=pipeline,
        extractor=extractor,
        split=split,
        results=tuple(score_rows(rows, statements)),
        seconds=seconds,
    )
