"""Run a pipeline on gold data and score it: what ``sayso evaluate polnear|cofenet`` calls.

Speed is measured on the extraction alone (spaCy parse + extractor + speaker resolver), after the
models are loaded, so that words per second describes a long run, not start-up.  Words are the
whitespace-separated tokens of the texts the pipeline read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import extract, nlp
from ..models import Article, Attribution
from ..pipeline import extract_many
from . import cofenet, polnear
from .scoring import COVERAGE_THRESHOLDS, PRF, PolnearScore, score_document, total

#: Articles (or paragraphs) parsed per spaCy batch.
BATCH_SIZE = 16

#: Called after each text with (texts done, texts in all), e.g. to move a progress bar.
Progress = Callable[[int, int], None]


def outermost(attributions: Sequence[Attribution]) -> list[Attribution]:
    """The statements PolNeAR would annotate: those not reported inside another one.

    PolNeAR gives each token one role and annotates no nested statement (on the dev split no
    gold cue lies inside another statement's content), so a nested statement is scored by the
    chain gold (``sayso evaluate chains``), not by the span protocols.
    """
    return [a for a in attributions if a.parent is None]


def count_words(text: str) -> int:
    """Words as every speed figure of the project counts them: whitespace-separated tokens."""
    return len(text.split())


def _warm_up(pipeline: str) -> str:
    """Load the models before the clock starts; the versioned extractor name."""
    name = extract.resolve_name(pipeline)
    nlp.load()
    extract.get(pipeline)
    return name


def _timed(
    texts: Sequence[str], pipeline: str, progress: Progress | None
) -> tuple[list[Any], float]:
    """Extractions of ``texts`` in order, and the seconds they took."""

    def articles() -> Iterator[Article]:
        for t in texts:
            yield Article(text=t)

    out = []
    t0 = time.perf_counter()
    for n, ex in enumerate(extract_many(articles(), pipeline, batch_size=BATCH_SIZE), 1):
        out.append(ex)
        if progress:
            progress(n, len(texts))
    return out, time.perf_counter() - t0


def _prf_json(prf: PRF | None) -> dict[str, Any] | None:
    return prf.to_json() if prf is not None else None


@dataclass(frozen=True, slots=True)
class PolnearReport:
    """A pipeline's scores on a PolNeAR split."""

    pipeline: str  #: the pipeline name asked for ("fast")
    extractor: str  #: the versioned extractor it ran ("sayso.rules.v1")
    split: str  #: the split folder scored
    score: PolnearScore  #: the micro-averaged scores
    words: int  #: whitespace-separated words in the texts
    seconds: float  #: wall-clock seconds of extraction
    multi_annotated: tuple[tuple[str, str, int], ...]  #: (doc, file scored, other files)

    @property
    def words_per_second(self) -> float:
        """Extraction speed in words per second."""
        return self.words / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        """Machine-readable report: roles, whole attributions, coverage, speed."""
        s = self.score
        out: dict[str, Any] = {
            "protocol": "polnear-brat",
            "pipeline": self.pipeline,
            "extractor": self.extractor,
            "split": self.split,
            "documents": s.documents,
        }
        for role in polnear.ROLES:
            out[role] = {**s.exact[role].to_json(), "token_overlap": s.token[role].to_json()}
        out["attribution_exact"] = s.attribution_exact.to_json()
        out["attribution_partial"] = s.attribution_partial.to_json()
        out["content_coverage"] = {
            f"{round(t * 100)}": s.coverage[t].to_json() for t in COVERAGE_THRESHOLDS
        }
        out["source_accuracy"] = {
            "matched_contents": s.source_matched,
            "exact": round(s.source_accuracy, 2),
            "overlap": round(s.source_overlap_accuracy, 2),
        }
        out["words"] = self.words
        out["seconds"] = round(self.seconds, 3)
        out["words_per_second"] = round(self.words_per_second, 1)
        out["annotators"] = {
            "rule": "first .ann file of each article in sorted file-name order",
            "multi_annotated": [
                {"document": d, "scored": f, "others": n} for d, f, n in self.multi_annotated
            ],
        }
        return out


def evaluate_polnear(
    directory: str | Path,
    pipeline: str = "fast",
    documents: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> PolnearReport:
    """Score ``pipeline`` on a PolNeAR split folder (optionally only the ``documents`` ids)."""
    docs = polnear.read_split(directory)
    if documents is not None:
        wanted = set(documents)
        docs = [d for d in docs if d.id in wanted]
        missing = wanted - {d.id for d in docs}
        if missing:
            from ..errors import GoldDataError

            raise GoldDataError(f"{directory}: no such documents: {', '.join(sorted(missing))}")
    name = _warm_up(pipeline)
    extractions, seconds = _timed([d.text for d in docs], pipeline, progress)
    scores = [
        score_document(d, outermost(ex.attributions))
        for d, ex in zip(docs, extractions, strict=True)
    ]
    return PolnearReport(
        pipeline=pipeline,
        extractor=name,
        split=str(directory),
        score=total(scores),
        words=sum(count_words(d.text) for d in docs),
        seconds=seconds,
        multi_annotated=tuple(
            (d.id, d.annotator_file, len(d.other_annotator_files))
            for d in docs
            if d.other_annotator_files
        ),
    )


@dataclass(frozen=True, slots=True)
class CofenetReport:
    """A pipeline's scores under CofeNet's paragraph BIO protocol."""

    pipeline: str  #: the pipeline name asked for
    extractor: str  #: the versioned extractor it ran
    path: str  #: the BIO file scored
    scores: dict[str, PRF]  #: role -> exact-span counts, CofeNet's way
    paragraphs: int  #: lines scored (every line, as CofeNet does)
    annotation_files: int  #: distinct ids (PolNeAR .ann files) among the lines
    unique_paragraphs: int  #: distinct token sequences, each extracted once
    words: int  #: whitespace-separated words of the unique paragraph texts
    seconds: float  #: wall-clock seconds of extraction

    @property
    def words_per_second(self) -> float:
        """Extraction speed in words per second."""
        return self.words / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        """Machine-readable report, with the same keys as the PolNeAR one where they apply."""
        out: dict[str, Any] = {
            "protocol": "cofenet-bio",
            "pipeline": self.pipeline,
            "extractor": self.extractor,
            "path": self.path,
            "paragraphs": self.paragraphs,
            "annotation_files": self.annotation_files,
            "unique_paragraphs": self.unique_paragraphs,
        }
        for role in ("source", "cue", "content"):
            out[role] = self.scores[role].to_json()
        # Token tags carry no link between a source, its cue and its content.
        out["attribution_exact"] = None
        out["attribution_partial"] = None
        out["words"] = self.words
        out["seconds"] = round(self.seconds, 3)
        out["words_per_second"] = round(self.words_per_second, 1)
        return out


def predict_bio(
    paragraphs: Sequence[cofenet.Paragraph], pipeline: str, progress: Progress | None = None
) -> tuple[list[tuple[str, ...]], int, int, float]:
    """Predicted tags per paragraph; also unique texts, their words and the seconds taken."""
    rebuilt: dict[tuple[str, ...], cofenet.RebuiltText] = {}
    for p in paragraphs:
        if p.tokens not in rebuilt:
            rebuilt[p.tokens] = cofenet.rebuild_text(p.tokens)
    keys = list(rebuilt)
    texts = [rebuilt[k].text for k in keys]
    extractions, seconds = _timed(texts, pipeline, progress)
    tags: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, ex in zip(keys, extractions, strict=True):
        spans = [s for a in outermost(ex.attributions) for s in cofenet.attribution_spans(a)]
        tags[key] = cofenet.spans_to_bio(rebuilt[key].offsets, spans)
    words = sum(count_words(t) for t in texts)
    return [tags[p.tokens] for p in paragraphs], len(keys), words, seconds


def evaluate_cofenet(
    path: str | Path,
    pipeline: str = "fast",
    paragraphs: Sequence[cofenet.Paragraph] | None = None,
    progress: Progress | None = None,
) -> CofenetReport:
    """Score ``pipeline`` on a CofeNet BIO file (or on the given ``paragraphs`` of it)."""
    paras = list(paragraphs) if paragraphs is not None else cofenet.read_bio(path)
    name = _warm_up(pipeline)
    predicted, unique, words, seconds = predict_bio(paras, pipeline, progress)
    return CofenetReport(
        pipeline=pipeline,
        extractor=name,
        path=str(path),
        scores=cofenet.score_bio([p.labels for p in paras], predicted),
        paragraphs=len(paras),
        annotation_files=len({p.id for p in paras}),
        unique_paragraphs=unique,
        words=words,
        seconds=seconds,
    )
