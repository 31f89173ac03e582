"""Learned extractor ``sayso.learned.v1``: cue tagger + per-cue role tagger trained on PolNeAR.

The weights ship inside the package (``sayso/extract/models/learned-v1.npz``, provenance in
``learned-v1.json`` and ``docs/learned-model.md``) and run with numpy alone on top of spaCy's
parse; see ``_learned_core`` for the features and the decoder.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import PipelineError
from ..lexicon import SPEECH_VERBS, THOUGHT_VERBS
from ..models import Article, Found, Span
from ..nlp import speaker_label
from ..quotes import find_quotes, quoted
from . import Extractor, _rerank, get, register
from . import _learned_core as core

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

NAME = "sayso.learned.v1"
#: Where the shipped weights live (package data).
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = MODEL_DIR / "learned-v1.npz"
#: The accurate pipeline's extractor: the same taggers, trained to read a fine-tuned MiniLM
#: tagger's role scores too (``scripts/finetune_encoder.py``; README, "Pipelines").
ACCURATE_NAME = "sayso.accurate.v1"
ACCURATE_FILE = MODEL_DIR / "accurate-v1.npz"
#: ``confidence`` = logistic((cue margin - CENTER) / SCALE).  On dev, correct cues have a
#: median margin of ~146 and wrong ones ~96 (10th percentiles 81 and 43); this maps those to
#: about 0.9 and 0.7.  It orders attributions by reliability; it is not a calibrated probability.
CONFIDENCE_CENTER = 60.0
CONFIDENCE_SCALE = 40.0
#: The versioned rule extractor whose statements the model reads as features, and from which
#: it takes what a token tagger trained on PolNeAR cannot give: nested statements inside a
#: content it found (PolNeAR has one role per token) and the content of a cue it left empty.
READS = "sayso.rules.v1"


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> core.Model:
    """Load the learned weights (package data by default); never downloads."""
    try:
        return _build(np.load(path, allow_pickle=False), path.parent)
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise PipelineError(
            f"cannot read the learned model {path} ({type(exc).__name__}: {exc}); reinstall "
            "sayso, or retrain it with `scripts/train_polnear.py PolNeAR/train --out DIR` and "
            f"copy DIR/* into {MODEL_DIR}"
        ) from exc


def _build(z: Any, folder: Path | None = None) -> core.Model:
    """The model from the arrays of its ``.npz`` file (KeyError when one is missing);
    ``folder`` holds the files it names (a fine-tuned encoder's weights)."""
    # float16, as stored: half the memory of float32 (sums are taken in float32).
    cue_w = np.zeros((1 << core.CUE_BITS, len(core.CUE_TAGS)), np.float16)
    cue_w[z["cue_rows"]] = z["cue_vals"]
    role_w = np.zeros((1 << core.ROLE_BITS, len(core.ROLE_TAGS)), np.float16)
    role_w[z["role_rows"]] = z["role_vals"]
    model = core.Model(
        cue_w,
        z["cue_trans"],
        z["cue_start"],
        role_w,
        z["role_trans"],
        z["role_start"],
        [str(s) for s in z["lex_lemmas"]],
        z["lex_buckets"],
        z["cue_dense"].astype(np.float32) if "cue_dense" in z.files else None,
        z["role_dense"].astype(np.float32) if "role_dense" in z.files else None,
        bool(z["use_rules"]) if "use_rules" in z.files else False,
        _second_pass(z),
    )
    if "enc_mean" in z.files:  # trained with --encoder: it reads MiniLM token vectors too
        from . import _encoder as encoder

        mean, proj = z["enc_mean"].astype(np.float32), z["enc_proj"].astype(np.float32)
        if "enc_tagger" in z.files:  # the role scores of a fine-tuned MiniLM tagger
            weights = (folder or MODEL_DIR) / str(z["enc_tagger"])
            int8 = bool(z["enc_int8"]) if "enc_int8" in z.files else False
            def scores(doc: Doc, wins: list[tuple[int, int]]) -> np.ndarray:
                return encoder.scores_many([(doc, wins)], encoder.load_tagger(weights, int8))[0]

            model.encode_scores = scores
            model.scale_scores = (mean, proj)
            model.encode = lambda doc, wins: (scores(doc, wins) - mean) @ proj
        else:
            model.encode = lambda doc, wins: (encoder.vectors(doc, wins) - mean) @ proj
    if "rerank_rows" in z.files:
        rw = np.zeros(_rerank.WEIGHTS, np.float32)
        rw[z["rerank_rows"]] = z["rerank_vals"]
        model.rerank = functools.partial(
            _rerank.apply, w=rw, w_loss=float(z["rerank_loss_w"]),
            enc_features="rerank_enc" in z.files and bool(z["rerank_enc"]),
        )  # fmt: skip
    return model


def _second_pass(z: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None] | None:
    """The second-pass cue tagger's weights, when the model file has one."""
    if "cue2_rows" not in z.files:
        return None
    w = np.zeros((1 << core.CUE_BITS, len(core.CUE_TAGS)), np.float16)
    w[z["cue2_rows"]] = z["cue2_vals"]
    dense = z["cue2_dense"].astype(np.float32) if "cue2_dense" in z.files else None
    return w, z["cue2_trans"], z["cue2_start"], dense


def provenance() -> dict[str, Any]:
    """The training record shipped next to the weights."""
    return json.loads((MODEL_DIR / "learned-v1.json").read_text(encoding="utf-8"))


def _char_span(doc: Doc, text: str, first: int, last: int) -> Span:
    """The characters of tokens ``first..last``, without whitespace at either end."""
    start = doc[first].idx
    end = doc[last].idx + len(doc[last].text)
    # A run may end on a whitespace token (spaCy keeps "\n\n" as one): never return it.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span.of(text, start, end)


def _confidence(margin: float) -> float:
    z = max(-50.0, min(50.0, (margin - CONFIDENCE_CENTER) / CONFIDENCE_SCALE))
    return 1.0 / (1.0 + math.exp(-z))


def rule_spans(found: list[Found], text: str) -> list[core.RuleSpans]:
    """The rule extractor's statements as the model's features: all but those whose cue lies
    inside a quotation (nested statements, which the rules did not find when the model was
    trained; ``with_rules`` takes them afterwards)."""
    quotes = find_quotes(text)
    starts = [q.start for q in quotes]

    def in_quote(at: int) -> bool:
        i = bisect.bisect_right(starts, at) - 1
        return i >= 0 and any(s <= at < e for s, e in quotes[i].pieces)

    return [
        core.RuleSpans(
            ((f.cue.start, f.cue.end),),
            ((f.source.start, f.source.end),) if f.source is not None else (),
            tuple((c.start, c.end) for c in f.content),
            all(quoted(c.text) for c in f.content if c.end - c.start >= 2),
        )
        for f in found
        if not in_quote(f.cue.start)
    ]


def _inside(a: Span, b: Span) -> bool:
    return b.start <= a.start and a.end <= b.end


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


#: Cue lemmas of a rule statement taken as the head of a chain the model missed.
_HEAD_LEMMAS = SPEECH_VERBS | THOUGHT_VERBS


def with_rules(
    found: list[Found],
    ruled: list[Found],
    text: str = "",
    lemma_of: Callable[[Span], str] | None = None,
) -> list[Found]:
    """The model's statements, completed by the rule extractor's on the same parse.

    A cue the model left without content takes the content the rules found for it; a rule
    statement on a cue the model did not take is added when its cue and source lie inside one
    of the model's contents, or its cue inside a quotation of ``text`` (the shared pass places
    it under the quoted speaker or drops it): PolNeAR's one role per token hides such nested
    statements.  A rule statement the model missed that holds another such statement in its
    content is added too (the top of a chain), when its cue is a speech or thought verb
    (``lemma_of``: the lemma of a cue's head word; None takes every cue) and it has a source.
    A transcript's speaker turn the model missed is added (``_turn``), and a sourceless
    statement takes the inverted speaker the rules found after its cue (``_inverted_source``).
    """
    quotes = find_quotes(text) if text else None
    # The rule statements by cue, so that each model statement finds its own in one lookup.
    ruled_at: dict[tuple[int, int], list[Found]] = {}
    for r in ruled:
        ruled_at.setdefault((r.cue.start, r.cue.end), []).append(r)
    out = []
    for f in found:
        if not f.content:
            same = [r for r in ruled if r.content and _overlaps(r.cue, f.cue)]
            if same:
                f = replace(f, content=same[0].content, source=f.source or same[0].source)
        else:
            if f.source is None:
                f = _inverted_source(f, ruled, text)
            f = _whole_quotation(f, ruled_at.get((f.cue.start, f.cue.end), ()))
        out.append(f)
    # Lookups by bisection, not a scan of every statement per rule statement (quadratic on
    # texts with thousands of cues).
    cues = sorted((f.cue.start, f.cue.end) for f in out)
    starts = [s for s, _ in cues]
    reach = list(itertools.accumulate((e for _, e in cues), max))  # max cue end so far
    holders = _Holders(out)

    def free(r: Found) -> bool:  # a rule statement on a cue the model did not take
        k = bisect.bisect_left(starts, r.cue.end)  # model cues starting before r's cue ends
        return not r.continues and not (k and reach[k - 1] > r.cue.start)

    def spans(f: Found) -> list[Span]:
        return [f.cue] + ([f.source] if f.source is not None else [])

    # A rule statement whose content holds another free rule statement heads a chain whose
    # top the model missed ("Znak.com further reported its source said …"): it is taken when
    # its cue is a speech or thought verb with a source, and then the statements it holds.
    # (Heads of any cue cost CofeNet content F1: "expects", "show", "to refuse" …)
    own = [r for r in ruled if free(r)]
    rule_holders = _Holders(own)
    heads = {
        k
        for f in own
        if f.content and (k := rule_holders.holder(spans(f))) is not None and own[k] is not f
    }
    for k in sorted(heads):
        head = own[k]
        if (
            head.source is not None
            and not head.cue.text.lower().startswith("to ")
            and (lemma_of is None or lemma_of(head.cue) in _HEAD_LEMMAS)
        ):
            out.append(head)
            holders.add(head)
    taken = {id(f) for f in out}
    for r in own:
        if id(r) in taken:
            continue
        if _turn(r, text):
            out.append(r)  # a transcript's speaker turn ("Yury Ushakov: Like I said, …")
            holders.add(r)
            continue
        if holders.hold(spans(r)) or quotes is not None and quotes.at(r.cue.start) is not None:
            out.append(r)
            holders.add(r)
    return out


def _whole_quotation(f: Found, same_cue: Sequence[Found]) -> Found:
    """A model content cut short inside the quotation that the rules give its cue whole
    ('"…, I am sure, for all countries," the President added.': the tagger starts after the
    inner "I am sure") takes the whole quotation.  ``same_cue``: the rule statements on the
    cue's characters."""
    if len(f.content) != 1:
        return f
    c = f.content[0]
    for r in same_cue:
        if (
            r.cue == f.cue
            and len(r.content) == 1
            and quoted(r.content[0].text)
            and _inside(c, r.content[0])
            and c != r.content[0]
        ):
            return replace(f, content=r.content)
    return f


def _inverted_source(f: Found, ruled: list[Found], text: str) -> Found:
    """A sourceless model statement whose cue the rules read as inverted, the speaker right
    after it ('"…," said a protester using …'), takes that speaker, and its content ends
    before the cue."""
    r = next((r for r in ruled if r.source is not None and r.cue == f.cue), None)
    if r is None or r.source is None or not 0 <= r.source.start - f.cue.end <= 2:
        return f
    pieces = tuple(c for c in f.content if c.end <= f.cue.start)
    if not pieces:
        return f
    return replace(f, source=r.source, content=pieces)


def _turn(r: Found, text: str) -> bool:
    """Is ``r`` a transcript's speaker turn: a colon after a speaker label
    (``nlp.speaker_label``) that opens its paragraph or sentence (transcripts printed as one
    paragraph: "… in the coming weeks? Yury Ushakov: Like I said, …")?"""
    if r.source is None or r.cue.text != ":" or not text:
        return False
    start = r.source.start
    # A bounded look back (a slice up to the source would make many turns quadratic).
    before = text[max(0, start - 16) : start].rstrip(" \t\"\u201c*")  # "* * * Name:"
    if not before and start > 16:
        return False  # a long run of spaces or quote marks: no turn
    return (not before or before[-1] in "\n.?!\"\u201d") and speaker_label(r.source.text)


class _Holders:
    """Statements' content pieces sorted by start: which statement holds some spans."""

    def __init__(self, found: list[Found]) -> None:
        self.contents: list[tuple[Span, ...]] = []
        self.pieces: list[tuple[int, int, int]] = []  # (start, end, statement), sorted
        self.longest = 0
        for f in found:
            self.add(f)

    def add(self, f: Found) -> None:
        """Index ``f``'s content too."""
        self.contents.append(f.content)
        for c in f.content:
            bisect.insort(self.pieces, (c.start, c.end, len(self.contents) - 1))
            self.longest = max(self.longest, c.end - c.start)

    def hold(self, spans: list[Span]) -> bool:
        """Does one statement's content hold every span (each inside one of its pieces)?"""
        return self.holder(spans) is not None

    def holder(self, spans: list[Span]) -> int | None:
        """The first indexed statement (by position in ``add`` order) whose content holds
        every span, or None."""
        first = spans[0]
        lo = bisect.bisect_left(self.pieces, (first.start - self.longest, -1, -1))
        hi = bisect.bisect_right(self.pieces, (first.start, 1 << 62, 1 << 62))
        found = [
            k
            for start, end, k in self.pieces[lo:hi]
            if start <= first.start
            and first.end <= end
            and all(any(_inside(s, c) for c in self.contents[k]) for s in spans)
        ]
        return min(found) if found else None


def attributions(
    doc: Doc, article: Article, model: core.Model | None = None, ruled: list[Found] | None = None
) -> list[Found]:
    """What the learned model finds in a parsed article (``ruled``: the rule extractor's
    statements on the same parse, read as features when the model was trained with them)."""
    model = model or load_model()
    text = article.text
    if ruled is None:
        ruled = get(READS)(doc, article) if model.use_rules else []
    raws = model.extract(doc, text, rule_spans(ruled, text) if model.use_rules else None)
    out = []
    for r in raws:
        cue = _char_span(doc, text, r.cue[0], r.cue[-1])
        pieces = (_char_span(doc, text, s, e) for s, e in r.content)
        content = tuple(p for p in pieces if p.end > p.start)
        source = _char_span(doc, text, r.source[0], r.source[-1]) if r.source else None
        if source is not None and source.end == source.start:
            source = None
        out.append(Found(cue=cue, content=content, source=source, confidence=_confidence(r.score)))
    def lemma_of(span: Span) -> str:
        sp = doc.char_span(span.start, span.end, alignment_mode="expand")
        return sp.root.lemma_.lower() if sp is not None and len(sp) else ""

    return with_rules(out, ruled, text, lemma_of)


@register(NAME)
def make() -> Extractor:
    """Build the learned extractor (loads the packaged weights once)."""
    return _make(MODEL_FILE)


@register(ACCURATE_NAME)
def make_accurate() -> Extractor:
    """Build the accurate extractor (its weights and the MiniLM tagger's load once)."""
    return _make(ACCURATE_FILE)


def _make(path: Path) -> Extractor:
    model = load_model(path)
    read = get(READS)

    def run(doc: Doc, article: Article) -> list[Found]:
        return attributions(doc, article, model, read(doc, article))

    return run
