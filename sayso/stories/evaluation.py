"""``sayso evaluate stories``: group the gold's articles among distractors and compare accounts.

The gold (``benchmarks/gold/stories``, read and scored by :mod:`sayso.evaluate.stories`) names
articles by url.  Their texts come from the gold's own ``articles.jsonl`` (White House and Kremlin)
and from the readouts collection (``../shared/data/gov-readouts``: the Kyiv items, whose text the
gold may not ship, and every other item as a distractor).  Grouping runs on a scratch store
without extraction (so thousands of distractors are cheap); claims are computed with the
extraction pipeline on the articles of each gold event that has claims, grouped as the gold
groups them, so that claim alignment is measured apart from grouping.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GoldDataError
from ..evaluate.stories import (
    PredictedClaim,
    PredictedMention,
    article_key,
    claim_errors,
    grouping_errors,
    read_stories_gold,
    score_claims,
    score_grouping,
    text_offset,
)
from ..models import Article, Extraction, InputError
from ..pipeline import extract_many
from ..store import Store
from ..store import stories as sql
from .claims import compare as compare_claims
from .collection import read_collection
from .grouping import group_new

#: Where the readouts collection is looked for when no distractors are given (from the working
#: folder and from the repository: ``../shared/data`` is the project's data folder).
COLLECTION_PLACES = ("../shared/data/gov-readouts", "shared/data/gov-readouts")
#: The extractor name recorded for articles stored only to be grouped.
GROUP_ONLY = "sayso.stories.group-only"


@dataclass(frozen=True, slots=True)
class StoriesReport:
    """The scores of one ``evaluate stories`` run."""

    split: str  #: dev, test or all
    articles: int  #: articles stored and grouped (gold and distractors)
    distractors: int  #: of which not in the gold
    grouping_seconds: float  #: wall-clock time of the grouping pass
    grouping: dict[str, Any]  #: score_grouping's result
    claims: dict[str, Any] | None  #: score_claims's result (None when the gold has no claims)
    errors: tuple[str, ...]  #: inputs that could not be read
    mistakes: dict[str, list[dict[str, Any]]] | None = None  #: with ``errors=True``: the gold
    #: events grouped wrongly and the gold claims aligned wrongly (grouping_errors, claim_errors)

    def to_json(self) -> dict[str, Any]:
        """A JSON object."""
        return {
            "split": self.split,
            "articles": self.articles,
            "distractors": self.distractors,
            "grouping_seconds": round(self.grouping_seconds, 2),
            "articles_per_second": round(self.articles / self.grouping_seconds, 1)
            if self.grouping_seconds else None,
            "grouping": self.grouping,
            "claims": self.claims,
            "errors": list(self.errors),
            **({"mistakes": self.mistakes} if self.mistakes is not None else {}),
        }


def find_collection(gold_dir: Path) -> list[Path]:
    """The readouts collection, if it is where the project keeps it."""
    for base in (Path.cwd(), gold_dir.resolve().parents[2] if len(gold_dir.resolve().parents) > 2
                 else Path.cwd()):  # fmt: skip
        for place in COLLECTION_PLACES:
            if (base / place).is_dir():
                return [base / place]
    return []


def evaluate_stories(
    gold_dir: str | Path,
    distractors: Sequence[str | Path] | None = None,
    split: str = "dev",
    pipeline: str = "fast",
    progress: Callable[[int, int | None], None] | None = None,
    errors: bool = False,
    parts: Collection[str] = ("grouping", "claims"),
) -> StoriesReport:
    """Group the gold's articles among the distractors and score grouping and claims; with
    ``errors``, also list what it got wrong (``StoriesReport.mistakes``).  ``parts`` leaves
    out the grouping (its scores are then empty) or the claims (None)."""
    gold_path = Path(gold_dir)
    gold = read_stories_gold(gold_path)
    gold_keys = {a.key for e in gold.events for a in e.articles}
    sources = list(distractors) if distractors is not None else find_collection(gold_path)
    inputs = [str(p) for p in sources]
    if (gold_path / "articles.jsonl").is_file():
        inputs.insert(0, str(gold_path / "articles.jsonl"))
    if not inputs:
        raise GoldDataError(f"{gold_path}: no article texts (articles.jsonl) and no distractors")
    unread: list[str] = []
    articles: dict[str, Article] = {}  # by id: an item in two files with one text is one
    for item in read_collection(inputs):
        if isinstance(item, InputError):
            unread.append(str(item))
        elif item.id not in articles:
            articles[item.id] = item
    by_key: dict[str, list[Article]] = {}
    for a in articles.values():
        if a.url:
            by_key.setdefault(article_key(a.url), []).append(a)
    predicted: dict[str, str] = {}
    seconds, grouping = 0.0, {}
    if "grouping" in parts:
        seconds, predicted = _group(articles.values(), by_key, progress)
        grouping = score_grouping(gold.grouping(split), predicted, gold.ignored(split))
    gold_claims = gold.claims_of(split)
    predicted_claims = (
        predict_claims(gold_claims, gold.events, by_key, pipeline)
        if gold_claims and "claims" in parts else None
    )  # fmt: skip
    claims = score_claims(gold_claims, predicted_claims) if predicted_claims is not None else None
    mistakes = None
    if errors:
        titles = {k: arts[0].title or "" for k, arts in by_key.items()}
        events = [e for e in gold.events if split == "all" or e.split == split]
        mistakes = {
            "grouping": grouping_errors(events, predicted, gold.ignored(split), titles)
            if "grouping" in parts else [],
            "claims": claim_errors(gold_claims, predicted_claims or []),
        }
    distractor_count = sum(
        1 for a in articles.values() if article_key(a.url or "") not in gold_keys
    )
    return StoriesReport(split, len(articles), distractor_count, seconds, grouping, claims,
                         tuple(unread), mistakes)  # fmt: skip


def _group(
    articles: Iterable[Article], by_key: dict[str, list[Article]],
    progress: Callable[[int, int | None], None] | None,
) -> tuple[float, dict[str, str]]:  # fmt: skip
    """Group the articles in a scratch store: (seconds, article key -> story id)."""
    with tempfile.TemporaryDirectory(prefix="sayso-stories-") as tmp, Store(
        Path(tmp) / "eval.db"
    ) as store:
        store._conn.execute("PRAGMA synchronous = OFF")  # a scratch store: speed over safety
        for n, a in enumerate(articles, start=1):
            store.write(Extraction(a, (), ()), extractor=GROUP_ONLY)
            if progress is not None and n % 200 == 0:
                progress(n, None)
        started = time.perf_counter()
        group_new(store)
        seconds = time.perf_counter() - started
        predicted: dict[str, str] = {}
        for key, arts in by_key.items():
            for a in arts:
                sid = sql.story_of(store, a.id)
                if sid is not None:
                    predicted.setdefault(key, str(sid))
    return seconds, predicted


def predict_claims(
    gold_claims: Sequence[Any], events: Sequence[Any], by_key: dict[str, list[Article]],
    pipeline: str,
) -> list[PredictedClaim]:  # fmt: skip
    """The predicted claims of each gold event with claims, in the gold's coordinates."""
    wanted = {c.event for c in gold_claims}
    predicted: list[PredictedClaim] = []
    record_heads = _record_heads(gold_claims)
    for event in events:
        if event.id not in wanted:
            continue
        arts = [by_key[a.key][0] for a in event.articles if a.key in by_key and not a.duplicate_of]
        exs = list(extract_many(arts, pipeline=pipeline))
        for claim in compare_claims(exs):
            mentions = []
            for m in claim.mentions:
                art = next(a for a in arts if a.id == m.article_id)
                key = article_key(art.url or "")
                shift = _shift(art, record_heads.get(key))
                mentions.append(PredictedMention(key, m.start - shift, m.end - shift, m.text,
                                                 m.speaker, m.hedged))  # fmt: skip
            predicted.append(PredictedClaim(f"{event.id}/{claim.id}", claim.status,
                                            tuple(mentions)))  # fmt: skip
    return predicted


def _record_heads(gold_claims: Sequence[Any]) -> dict[str, tuple[int, str]]:
    """Per article key, one gold mention's (start, text) to locate the record text."""
    out: dict[str, tuple[int, str]] = {}
    for c in gold_claims:
        for m in c.mentions:
            if m.text:
                out.setdefault(m.article_key, (m.start, m.text))
    return out


def _shift(article: Article, head: tuple[int, str] | None) -> int:
    """Where the record's text starts in the stored text (the title is put in front of it)."""
    if head is not None:
        start, text = head
        found = article.text.find(text)
        if found >= 0:
            return found - start
    title = article.title or ""
    if title and article.text.startswith(title):
        return text_offset(article.text, article.text[len(title):].lstrip()[:80])
    return 0


def format_mistakes(mistakes: dict[str, list[dict[str, Any]]]) -> str:
    """The mistakes of an ``evaluate stories --errors`` run as text, one block per event or
    claim (``[story]`` is the predicted story or claim; ``-`` none)."""
    lines: list[str] = []
    for e in mistakes.get("grouping", []):
        lines.append(f"event {e['event']}: {e['title']} (in {e['split_over']} predicted stories)")
        for a in e["articles"]:
            lines.append(f"  [{a['story'] or '-'}] {a['role']:12} {a['source'][:30]:30} "
                         f"{(a['title'] or a['key'])[:80]}")  # fmt: skip
        for a in e["intruders"]:
            lines.append(f"  [{a['story']}] joined by {a['gold_event'] or 'a distractor'}: "
                         f"{(a['title'] or a['key'])[:80]}")  # fmt: skip
    for c in mistakes.get("claims", []):
        got = "/".join(c["predicted_status"]) or "-"
        lines.append(f"claim {c['claim']} ({c['status']} -> {got}; {', '.join(c['problems'])}"
                     + (f"; merged with {', '.join(c['merged_with'])}" if c["merged_with"] else "")
                     + f"): {c['summary']}")  # fmt: skip
        for m in c["mentions"]:
            short = (m["predicted"] or "-").rsplit("/", 1)[-1]
            lines.append(f"  [{short}] {m['source'][:30]:30} {(m['text'] or '')[:90]!r}")
    return "\n".join(lines)
