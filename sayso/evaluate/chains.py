"""Chain gold (``benchmarks/gold/chains``): who reports whom, scored as parent links.

A gold folder holds ``articles.jsonl`` (the source records, read with sayso's own JSONL reader
so that offsets are into exactly the text the pipeline sees, headline in front) and one or more
gold files (``*.jsonl``), one passage per line::

    {"article_id", "passage", "attributions": [{"id", "cue", "cue_occurrence", "source",
     "parent"}], "pattern", "split", "note"}

The passage is an exact substring of the article; a cue is located as its ``cue_occurrence``-th
occurrence (plain substring, 1-based) inside the passage.  Predicted attributions are mapped to
gold ones by cue overlap, one to one, the largest overlap first (:func:`match_cues`; a colon
cue ``":"`` matches by the colon's position).  The scorer and the gold readers here are shared
with :mod:`sayso.evaluate.speakers`.

Scores (micro-averaged over passages, percentages): a gold link is a gold attribution with a
parent; a predicted link is a predicted attribution whose cue starts in the passage and that has
a parent; it is correct when its own cue maps to a gold attribution whose gold parent maps to
the predicted parent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GoldDataError
from ..models import Article, Attribution, InputError, Span
from .gold import check_split, jsonl_objects
from .scoring import PRF

#: The bundled source records in every gold folder (``benchmarks/gold/build_articles.py``).
ARTICLES_FILE = "articles.jsonl"
#: The splits a gold row can be in; ``all`` scores both.
#: Called after each article with (articles done, articles in all).
Progress = Callable[[int, int], None]
#: Link errors listed by ``--errors`` (the first ones in gold order).
ERRORS_SHOWN = 60
#: Characters of a passage shown with each error.
EXCERPT_CHARS = 160


# --- reading gold -----------------------------------------------------------------------------


def read_articles(directory: str | Path) -> dict[str, Article]:
    """The bundled source records of a gold folder, by their JSONL ``id``, read exactly as
    ``sayso ingest`` reads them (title put in front of the text)."""
    from ..ingest import read_inputs

    path = Path(directory) / ARTICLES_FILE
    if not path.is_file():
        raise GoldDataError(
            f"{path}: no such file; a gold folder needs the source records it references "
            "(write them with benchmarks/gold/build_articles.py)"
        )
    articles: dict[str, Article] = {}
    for item in read_inputs([str(path)]):
        if isinstance(item, InputError):
            raise GoldDataError(f"bad source record {item}")
        if item.external_id is None:
            raise GoldDataError(f"{path}: a record without an id; every record needs its id")
        articles[item.external_id] = item
    return articles


def gold_records(directory: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``("file:LINE", record)`` for every line of every gold file (``*.jsonl`` other than
    ``articles.jsonl``) of a folder, files in name order."""
    files = sorted(p for p in Path(directory).glob("*.jsonl") if p.name != ARTICLES_FILE)
    if not files:
        raise GoldDataError(f"{directory}: no gold files (*.jsonl besides {ARTICLES_FILE})")
    for path in files:
        yield from jsonl_objects(path, path.name)


def in_split(record: dict[str, Any], split: str) -> bool:
    """Whether a gold record belongs to the split asked for (``all``: every record)."""
    return split == "all" or record.get("split") == split


def article_of(articles: dict[str, Article], record: dict[str, Any], where: str) -> Article:
    """The source article a gold record names."""
    article_id = record.get("article_id")
    if article_id not in articles:
        raise GoldDataError(
            f"{where}: article {article_id!r} is not in {ARTICLES_FILE}; rebuild it with "
            "benchmarks/gold/build_articles.py"
        )
    return articles[article_id]


def locate(article: Article, text: str, where: str, what: str = "passage") -> Span:
    """Where ``text`` first occurs in the article (an error naming the gold row if nowhere)."""
    start = article.text.find(text) if text else -1
    if start < 0:
        raise GoldDataError(
            f"{where}: the {what} {text[:60]!r} is not in article {article.external_id}; "
            "the gold must quote the record's title or text exactly"
        )
    return Span.of(article.text, start, start + len(text))


def locate_cue(article: Article, container: Span, cue: str, occurrence: int, where: str) -> Span:
    """The ``occurrence``-th (1-based) occurrence of ``cue`` inside ``container``."""
    at = -1
    for _ in range(max(1, int(occurrence))):
        at = container.text.find(cue, at + 1) if cue else -1
        if at < 0:
            raise GoldDataError(
                f"{where}: cue {cue!r} does not occur {occurrence} time(s) in "
                f"{container.text[:60]!r}; fix cue or cue_occurrence"
            )
    start = container.start + at
    return Span.of(article.text, start, start + len(cue))


def overlap(a: Span, b: Span) -> int:
    """Characters two spans share."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_cues(gold: Sequence[Span], predicted: Sequence[Span]) -> dict[int, int]:
    """A one-to-one map gold index -> predicted index of cues that overlap, largest overlap
    first (ties: the earlier gold cue, then the earlier prediction)."""
    pairs = sorted(
        (-overlap(g, p), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(predicted)
        if overlap(g, p) > 0
    )
    out: dict[int, int] = {}
    taken: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in out and pi not in taken:
            out[gi] = pi
            taken.add(pi)
    return out


# --- chain gold -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldChainAttribution:
    """One gold attribution of a passage."""

    id: str  #: its id within the passage ("c1")
    cue: Span  #: the cue, located in ``article.text``
    source: str | None  #: the source words as annotated (None: no source in the text)
    parent: str | None  #: id of the gold attribution it is reported inside, or None


@dataclass(frozen=True, slots=True)
class GoldPassage:
    """One line of the chain gold: a passage and every attribution whose cue lies in it."""

    where: str  #: "file:LINE" of the gold row
    article_id: str  #: the source record's id (``Article.external_id``)
    passage: Span  #: the passage, located in ``article.text``
    attributions: tuple[GoldChainAttribution, ...]  #: every attribution with its cue in it
    pattern: str  #: siblings, two_level, three_level or mixed
    split: str  #: dev or test

    @property
    def links(self) -> int:
        """Gold links: attributions with a parent."""
        return sum(1 for a in self.attributions if a.parent is not None)


def read_chain_gold(
    directory: str | Path, split: str = "all"
) -> tuple[dict[str, Article], list[GoldPassage]]:
    """The bundled articles and the gold passages of ``split`` of a chain gold folder."""
    check_split(split)
    articles = read_articles(directory)
    passages: list[GoldPassage] = []
    for where, r in gold_records(directory):
        if not in_split(r, split):
            continue
        article = article_of(articles, r, where)
        passage = locate(article, str(r.get("passage") or ""), where)
        atts = []
        for a in r.get("attributions") or []:
            cue = locate_cue(article, passage, str(a["cue"]), a.get("cue_occurrence", 1), where)
            atts.append(GoldChainAttribution(str(a["id"]), cue, a.get("source"), a.get("parent")))
        ids = {a.id for a in atts}
        dangling = [a.parent for a in atts if a.parent is not None and a.parent not in ids]
        if dangling:
            raise GoldDataError(f"{where}: parent(s) {dangling} name no attribution of the row")
        passages.append(
            GoldPassage(
                where, str(r["article_id"]), passage, tuple(atts), str(r.get("pattern") or ""),
                str(r.get("split") or ""),
            )
        )  # fmt: skip
    return articles, passages


# --- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PassageScore:
    """Link counts of one passage."""

    tp: int  #: correct predicted links
    n_pred: int  #: predicted links (cue starts in the passage, has a parent)
    n_gold: int  #: gold links
    cues_found: int  #: gold cues some predicted cue overlaps
    cues_gold: int  #: gold cues
    sibling_errors: int  #: predicted links between two gold attributions that share a gold parent
    errors: tuple[LinkError, ...] = ()  #: every missed gold link and every wrong predicted one


@dataclass(frozen=True, slots=True)
class LinkError:
    """One missed gold link or one wrong predicted link, told in words."""

    where: str  #: "file:LINE" of the gold row
    passage: str  #: the passage's text
    kind: str  #: "missed" (a gold link not predicted) or "wrong" (a predicted link not in gold)
    child: str  #: the child's cue as the gold or the prediction has it
    gold_parent: str | None  #: the gold parent's cue (None: the child is top-level in gold)
    predicted_parent: str | None  #: the predicted parent's cue (None: no parent predicted)
    why: str  #: what went wrong, in a few words

    def to_json(self) -> dict[str, Any]:
        """The error as a JSON object (the passage cut to ``EXCERPT_CHARS``)."""
        return {
            "where": self.where, "kind": self.kind, "why": self.why, "child": self.child,
            "gold_parent": self.gold_parent, "predicted_parent": self.predicted_parent,
            "passage": self.passage[:EXCERPT_CHARS],
        }  # fmt: skip


def score_passage(gold: GoldPassage, predicted: Sequence[Attribution]) -> PassageScore:
    """Score the predicted attributions of the passage's article against one gold passage."""
    p = gold.passage
    near = [a for a in predicted if overlap(a.cue, p) > 0]
    matched = match_cues([g.cue for g in gold.attributions], [a.cue for a in near])
    gold_of = {near[pi].id: gold.attributions[gi] for gi, pi in matched.items()}
    pred_of = {gold.attributions[gi].id: near[pi].id for gi, pi in matched.items()}
    links = [a for a in near if p.start <= a.cue.start < p.end and a.parent is not None]
    by_id = {a.id: a for a in predicted}
    gold_by_id = {g.id: g for g in gold.attributions}
    errors: list[LinkError] = []

    def error(kind: str, child: str, gold_parent: str | None, pred: str | None, why: str) -> None:
        errors.append(LinkError(gold.where, p.text, kind, child, gold_parent, pred, why))

    def cue_of(attribution_id: str | None) -> str | None:
        a = by_id.get(attribution_id) if attribution_id is not None else None
        return a.cue.text if a is not None else None

    tp = siblings = 0
    correct: set[str] = set()
    for a in links:
        child = gold_of.get(a.id)
        parent = gold_of.get(a.parent) if a.parent is not None else None
        if child is None:
            error("wrong", a.cue.text, None, cue_of(a.parent), "the child's cue is not in gold")
            continue
        gold_parent = gold_by_id[child.parent].cue.text if child.parent is not None else None
        if child.parent is not None and pred_of.get(child.parent) == a.parent:
            tp += 1
            correct.add(child.id)
        elif child.parent is None:
            error("wrong", a.cue.text, None, cue_of(a.parent), "top-level in gold")
        else:
            error("wrong", a.cue.text, gold_parent, cue_of(a.parent), "another parent in gold")
        if parent is not None and parent.parent == child.parent:
            siblings += 1
    for gi, g in enumerate(gold.attributions):
        if g.parent is None or g.id in correct:
            continue
        gold_parent = gold_by_id[g.parent].cue.text
        if gi not in matched:
            error("missed", g.cue.text, gold_parent, None, "the child's cue was not found")
        elif g.parent not in pred_of:
            error("missed", g.cue.text, gold_parent, None, "the parent's cue was not found")
        elif near[matched[gi]].parent is None:
            error("missed", g.cue.text, gold_parent, None, "found both, linked neither way")
        # else: a wrong parent, listed above
    return PassageScore(
        tp, len(links), gold.links, len(matched), len(gold.attributions), siblings, tuple(errors)
    )


def count_cycles(attributions: Sequence[Attribution]) -> int:
    """How many distinct cycles the parent links of one article's attributions form."""
    parent = {a.id: a.parent for a in attributions}
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    cycles = 0
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in state:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            cycles += 1
        for n in path:
            state[n] = 2
    return cycles


@dataclass(frozen=True, slots=True)
class ChainReport:
    """A pipeline's link scores on the chain gold."""

    pipeline: str  #: the pipeline name asked for ("fast")
    extractor: str  #: the versioned extractor it ran
    split: str  #: dev, test or all
    passages: int  #: gold passages scored
    links: PRF  #: parent links, micro-averaged over passages
    by_pattern: dict[str, PRF]  #: the same per gold pattern (siblings, two_level, ...)
    cues_found: int  #: gold cues some predicted cue overlaps
    cues_gold: int  #: gold cues
    sibling_errors: int  #: predicted links between gold siblings (or two top-level statements)
    cycles: int  #: parent cycles in the predictions of the scored articles (must be 0)
    seconds: float  #: wall-clock seconds of extraction
    errors: tuple[LinkError, ...] = ()  #: missed and wrong links, in gold order

    @property
    def cue_recall(self) -> float:
        """Share of gold cues found at all, in percent."""
        return 100.0 * self.cues_found / self.cues_gold if self.cues_gold else 0.0

    def error_counts(self) -> dict[str, int]:
        """How many errors of each kind and reason ("missed: the parent's cue was not found")."""
        counts: dict[str, int] = {}
        for e in self.errors:
            key = f"{e.kind}: {e.why}"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_json(self, errors: bool = False) -> dict[str, Any]:
        """Machine-readable report (percentages rounded to 2 decimals); the error counts and
        the first ``ERRORS_SHOWN`` errors too when ``errors``."""
        out = {
            "pipeline": self.pipeline,
            "extractor": self.extractor,
            "split": self.split,
            "passages": self.passages,
            "links": self.links.to_json(),
            "by_pattern": {k: v.to_json() for k, v in sorted(self.by_pattern.items())},
            "cue_recall": round(self.cue_recall, 2),
            "cues": {"found": self.cues_found, "gold": self.cues_gold},
            "sibling_errors": self.sibling_errors,
            "cycles": self.cycles,
            "seconds": round(self.seconds, 3),
        }
        if errors:
            out["error_counts"] = self.error_counts()
            out["errors"] = [e.to_json() for e in self.errors[:ERRORS_SHOWN]]
        return out


def evaluate_chains(
    directory: str | Path,
    pipeline: str = "fast",
    split: str = "dev",
    progress: Progress | None = None,
) -> ChainReport:
    """Score ``pipeline``'s parent links on a chain gold folder (``benchmarks/gold/chains``)."""
    from .. import extract
    from ..pipeline import extract_many

    articles, passages = read_chain_gold(directory, split)
    name = extract.resolve_name(pipeline)
    extract.get(pipeline)
    wanted = list(dict.fromkeys(p.article_id for p in passages))
    t0 = time.perf_counter()
    predicted: dict[str, tuple[Attribution, ...]] = {}
    for n, ex in enumerate(extract_many((articles[i] for i in wanted), pipeline), 1):
        predicted[str(ex.article.external_id)] = ex.attributions
        if progress:
            progress(n, len(wanted))
    seconds = time.perf_counter() - t0
    links, by_pattern = PRF(), dict[str, PRF]()
    found = cues = siblings = 0
    errors: list[LinkError] = []
    for p in passages:
        s = score_passage(p, predicted[p.article_id])
        errors.extend(s.errors)
        prf = PRF.matched(s.tp, s.n_pred, s.n_gold)
        links += prf
        by_pattern[p.pattern] = by_pattern.get(p.pattern, PRF()) + prf
        found += s.cues_found
        cues += s.cues_gold
        siblings += s.sibling_errors
    return ChainReport(
        pipeline=pipeline,
        extractor=name,
        split=split,
        passages=len(passages),
        links=links,
        by_pattern=by_pattern,
        cues_found=found,
        cues_gold=cues,
        sibling_errors=siblings,
        cycles=sum(count_cycles(atts) for atts in predicted.values()),
        seconds=seconds,
        errors=tuple(errors),
    )
