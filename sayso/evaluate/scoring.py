"""Scores of predicted attributions against PolNeAR gold, and the precision/recall record.

Every score is micro-averaged: counts are summed over all documents before P, R and F1 are
computed.  Percentages (0-100) throughout, as the field publishes them.

Span normalisation for exact matching (:func:`normalise`): the pieces of a span are trimmed of
surrounding whitespace, sorted, and pieces separated only by whitespace are joined.  Nothing else
is forgiven: a content that leaves out its closing quote mark or full stop is not exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Attribution
from .polnear import ROLES, GoldAttribution, GoldDocument, Pieces

#: Content coverage thresholds of the GenderGapTracker evaluation: a predicted content counts
#: as found when it covers at least this share of the gold content's characters.
COVERAGE_THRESHOLDS = (0.3, 0.8)
#: The coverage threshold at which source accuracy is measured (the lenient GGT one).
SOURCE_ACCURACY_THRESHOLD = 0.3
#: What a "token" is for token-overlap scores: words and single punctuation marks.
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts of one micro-averaged precision/recall measurement."""

    tp_pred: int = 0  #: predictions that matched gold
    n_pred: int = 0  #: predictions made
    tp_gold: int = 0  #: gold items that were matched (differs from tp_pred for token overlap)
    n_gold: int = 0  #: gold items

    @property
    def p(self) -> float:
        """Precision in percent (0 when nothing was predicted)."""
        return 100.0 * self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def r(self) -> float:
        """Recall in percent (0 when there is no gold)."""
        return 100.0 * self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, in percent."""
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.tp_pred + other.tp_pred,
            self.n_pred + other.n_pred,
            self.tp_gold + other.tp_gold,
            self.n_gold + other.n_gold,
        )

    @classmethod
    def matched(cls, tp: int, n_pred: int, n_gold: int) -> PRF:
        """A one-to-one matching: ``tp`` pairs out of ``n_pred`` predictions and ``n_gold`` gold."""
        return cls(tp, n_pred, tp, n_gold)

    def to_json(self) -> dict[str, Any]:
        """``{"p", "r", "f1"}`` in percent, rounded to 2 decimals, with the counts."""
        return {
            "p": round(self.p, 2),
            "r": round(self.r, 2),
            "f1": round(self.f1, 2),
            "tp": self.tp_gold,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
        }


@dataclass(frozen=True, slots=True)
class PredictedAttribution:
    """A predicted attribution reduced to the spans that are scored."""

    source: Pieces  #: the source span's pieces; () when no source was named
    cue: Pieces  #: the cue span's pieces
    content: Pieces  #: the content span's pieces

    @classmethod
    def of(cls, a: Attribution) -> PredictedAttribution:
        """The scored spans of a pipeline's :class:`~sayso.models.Attribution`."""
        return cls(
            source=((a.source.start, a.source.end),) if a.source else (),
            cue=((a.cue.start, a.cue.end),),
            content=tuple((s.start, s.end) for s in a.content),
        )

    def role(self, name: str) -> Pieces:
        """The pieces of one role by name."""
        pieces: Pieces = getattr(self, name)
        return pieces


def normalise(pieces: Iterable[tuple[int, int]], text: str) -> Pieces:
    """Pieces trimmed of whitespace, sorted, with whitespace-only gaps closed; () if empty."""
    trimmed = []
    for s, e in pieces:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    out: list[tuple[int, int]] = []
    for s, e in sorted(trimmed):
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return tuple(out)


def _chars(pieces: Pieces, text: str) -> set[int]:
    """Non-space character positions of a span (spaces would reward sloppy boundaries)."""
    return {i for s, e in pieces for i in range(s, e) if not text[i].isspace()}


def overlap(a: Pieces, b: Pieces) -> int:
    """Number of characters two spans share."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def coverage(pred: Pieces, gold: Pieces, text: str) -> float:
    """Share of the gold span's non-space characters that the predicted span covers."""
    g = _chars(gold, text)
    return len(g & _chars(pred, text)) / len(g) if g else 0.0


def _greedy(pairs: list[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching: best-scoring (score, pred, gold) pairs first."""
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


@dataclass(frozen=True, slots=True)
class DocumentScore:
    """Counts for one document; summed over a split into a :class:`PolnearScore`."""

    exact: dict[str, PRF]  #: role -> exact-span counts
    token: dict[str, PRF]  #: role -> token-overlap counts
    attribution_exact: PRF  #: whole attributions with all three roles exact
    attribution_partial: PRF  #: whole attributions with each role overlapping
    coverage: dict[float, PRF]  #: threshold -> content matches at that coverage
    source_matched: int  #: contents matched at SOURCE_ACCURACY_THRESHOLD
    source_exact: int  #: ... of which the predicted source is exact (or both absent)
    source_overlap: int  #: ... of which the predicted source overlaps gold (or both absent)


def _role_sets(items: Sequence[GoldAttribution | PredictedAttribution], text: str) -> dict:
    # A source shared by several attributions is one span of text: count it once.
    return {r: {p for a in items if (p := normalise(a.role(r), text))} for r in ROLES}


def _token_set(spans: Iterable[Pieces], starts: list[int], ends: list[int]) -> set[int]:
    """Indices of the tokens that a span touches (any shared character)."""
    out: set[int] = set()
    for pieces in spans:
        for s, e in pieces:
            # tokens are sorted and disjoint: the first one ending after s, up to the last
            # one starting before e.
            out.update(range(bisect.bisect_right(ends, s), bisect.bisect_left(starts, e)))
    return out


def score_document(doc: GoldDocument, predicted: Sequence[Attribution]) -> DocumentScore:
    """Exact-span, token-overlap, attribution and coverage counts for one document."""
    text = doc.text
    gold = list(doc.attributions)
    pred = [PredictedAttribution.of(a) for a in predicted]
    g_sets, p_sets = _role_sets(gold, text), _role_sets(pred, text)
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    starts, ends = [t[0] for t in tokens], [t[1] for t in tokens]

    exact, token = {}, {}
    for r in ROLES:
        tp = len(g_sets[r] & p_sets[r])
        exact[r] = PRF.matched(tp, len(p_sets[r]), len(g_sets[r]))
        gt = _token_set(g_sets[r], starts, ends)
        pt = _token_set(p_sets[r], starts, ends)
        token[r] = PRF.matched(len(gt & pt), len(pt), len(gt))

    g_norm = [{r: normalise(a.role(r), text) for r in ROLES} for a in gold]
    p_norm = [{r: normalise(a.role(r), text) for r in ROLES} for a in pred]

    exact_pairs = [
        (1.0, i, j)
        for i, pa in enumerate(p_norm)
        for j, ga in enumerate(g_norm)
        if all(pa[r] == ga[r] for r in ROLES)
    ]
    partial_pairs = []
    for i, pa in enumerate(p_norm):
        for j, ga in enumerate(g_norm):
            score = 0.0
            ok = True
            for r in ROLES:
                if not pa[r] and not ga[r]:
                    continue
                shared = overlap(pa[r], ga[r])
                if not shared:
                    ok = False
                    break
                score += shared
            if ok:
                partial_pairs.append((score, i, j))

    cov: dict[float, PRF] = {}
    src_matched = src_exact = src_overlap = 0
    for t in COVERAGE_THRESHOLDS:
        pairs = []
        for i, pa in enumerate(p_norm):
            for j, ga in enumerate(g_norm):
                if ga["content"] and pa["content"]:
                    c = coverage(pa["content"], ga["content"], text)
                    if c >= t:
                        pairs.append((c, i, j))
        matches = _greedy(pairs)
        cov[t] = PRF.matched(len(matches), len(pred), sum(1 for g in g_norm if g["content"]))
        if t == SOURCE_ACCURACY_THRESHOLD:
            for i, j in matches:
                ps, gs = p_norm[i]["source"], g_norm[j]["source"]
                src_matched += 1
                src_exact += ps == gs
                src_overlap += (not ps and not gs) or overlap(ps, gs) > 0

    return DocumentScore(
        exact=exact,
        token=token,
        attribution_exact=PRF.matched(len(_greedy(exact_pairs)), len(pred), len(gold)),
        attribution_partial=PRF.matched(len(_greedy(partial_pairs)), len(pred), len(gold)),
        coverage=cov,
        source_matched=src_matched,
        source_exact=src_exact,
        source_overlap=src_overlap,
    )


@dataclass(frozen=True, slots=True)
class PolnearScore:
    """Micro-averaged scores of a pipeline on a PolNeAR split."""

    exact: dict[str, PRF]  #: role -> exact-span P/R/F1
    token: dict[str, PRF]  #: role -> token-overlap P/R/F1
    attribution_exact: PRF  #: attributions with source, cue and content all exact
    attribution_partial: PRF  #: attributions with each role overlapping its gold
    coverage: dict[float, PRF]  #: threshold -> content found at >= that coverage of gold
    source_matched: int  #: contents matched at SOURCE_ACCURACY_THRESHOLD coverage
    source_exact: int  #: ... whose predicted source is exactly the gold source
    source_overlap: int  #: ... whose predicted source overlaps the gold source
    documents: int = 0  #: documents scored
    per_document: tuple[DocumentScore, ...] = field(default=(), repr=False)  #: the parts

    @property
    def source_accuracy(self) -> float:
        """Percent of matched contents whose source is exact (both absent counts as right)."""
        return 100.0 * self.source_exact / self.source_matched if self.source_matched else 0.0

    @property
    def source_overlap_accuracy(self) -> float:
        """Percent of matched contents whose source overlaps the gold source."""
        return 100.0 * self.source_overlap / self.source_matched if self.source_matched else 0.0


def total(scores: Sequence[DocumentScore]) -> PolnearScore:
    """Sum document counts into split-level scores."""

    def add(items: Iterable[PRF]) -> PRF:
        out = PRF()
        for x in items:
            out = out + x
        return out

    return PolnearScore(
        exact={r: add(s.exact[r] for s in scores) for r in ROLES},
        token={r: add(s.token[r] for s in scores) for r in ROLES},
        attribution_exact=add(s.attribution_exact for s in scores),
        attribution_partial=add(s.attribution_partial for s in scores),
        coverage={t: add(s.coverage[t] for s in scores) for t in COVERAGE_THRESHOLDS},
        source_matched=sum(s.source_matched for s in scores),
        source_exact=sum(s.source_exact for s in scores),
        source_overlap=sum(s.source_overlap for s in scores),
        documents=len(scores),
        per_document=tuple(scores),
    )
