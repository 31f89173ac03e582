"""Learned extractor ``sayso.learned.v1``: cue tagger + per-cue role tagger trained on PolNeAR.

The weights ship inside the package (``sayso/extract/models/learned-v1.npz``, provenance in
``learned-v1.json`` and ``docs/learned-model.md``) and run with numpy alone on top of spaCy's
parse; see ``_learned_core`` for the features and the decoder.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import PipelineError
from ..models import Article, Attribution, AttributionKind, Span
from . import Extractor, _rerank, register, rules
from . import _learned_core as core

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

NAME = "sayso.learned.v1"
#: Where the shipped weights live (package data).
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = MODEL_DIR / "learned-v1.npz"
#: Cue lemmas by which the reporter distances itself from the claim.
HEDGE_LEMMAS = frozenset(
    {
        "claim",
        "allege",
        "reportedly",
        "allegedly",
        "purport",
        "purportedly",
        "supposedly",
        "insist",
        "contend",
        "maintain",
    }
)
#: Cue lemmas that report an internal state rather than a speech act.
THOUGHT_LEMMAS = frozenset(
    {
        "believe",
        "think",
        "want",
        "hope",
        "fear",
        "feel",
        "expect",
        "know",
        "consider",
        "doubt",
        "suspect",
        "worry",
        "wonder",
        "assume",
        "understand",
        "realize",
        "realise",
        "wish",
        "intend",
        "plan",
        "hate",
        "love",
        "like",
        "prefer",
        "see",
        "view",
        "regard",
        "trust",
        "imagine",
        "suppose",
        "guess",
        "figure",
        "recognize",
        "decide",
        "remember",
        "forget",
        "agree",
        "disagree",
        "support",
        "oppose",
    }
)
#: Characters that open or close a quotation (to label direct and mixed attributions).
QUOTE_CHARS = '\u201c\u201d"\u00ab\u00bb'
#: ``confidence`` = logistic((cue margin - CENTER) / SCALE).  On dev, correct cues have a
#: median margin of ~146 and wrong ones ~96 (10th percentiles 81 and 43); this maps those to
#: about 0.9 and 0.7.  It orders attributions by reliability; it is not a calibrated probability.
CONFIDENCE_CENTER = 60.0
CONFIDENCE_SCALE = 40.0


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> core.Model:
    """Load the learned weights (package data by default); never downloads."""
    try:
        return _build(np.load(path, allow_pickle=False))
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise PipelineError(
            f"cannot read the learned model {path} ({type(exc).__name__}: {exc}); reinstall "
            "sayso, or retrain it with `scripts/train_polnear.py PolNeAR/train --out DIR` and "
            f"copy DIR/* into {MODEL_DIR}"
        ) from exc


def _build(z: Any) -> core.Model:
    """The model from the arrays of its ``.npz`` file (KeyError when one is missing)."""
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
    if "rerank_rows" in z.files:
        rw = np.zeros(_rerank.WEIGHTS, np.float32)
        rw[z["rerank_rows"]] = z["rerank_vals"]
        model.rerank = (rw, float(z["rerank_loss_w"]))
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


def _kind(cue_lemmas: list[str], content: tuple[Span, ...]) -> AttributionKind:
    if "accord" in cue_lemmas or "according" in cue_lemmas:
        return "according_to"
    joined = "".join(s.text for s in content).strip()
    quoted = [c for c in joined if c in QUOTE_CHARS]
    if not quoted:
        return "indirect"
    first = content[0].text.lstrip()
    last = content[-1].text.rstrip(" .,;:")
    if first[:1] in QUOTE_CHARS and last[-1:] in QUOTE_CHARS:
        return "direct"
    return "mixed"


#: The rule extractor (``sayso.rules.v1``) whose attributions the model reads as features (when
#: trained with them): its spans only, so without reading times.
_RULES = rules.RuleExtractor(times=False)


def rule_spans(doc: Doc, article: Article) -> list[core.RuleSpans]:
    """The rule extractor's attributions on the same parse, as features for the model."""
    out = []
    for a in _RULES(doc, article):
        out.append(
            core.RuleSpans(
                ((a.cue.start, a.cue.end),),
                ((a.source.start, a.source.end),) if a.source is not None else (),
                tuple((c.start, c.end) for c in a.content),
                a.kind == "direct",
            )
        )
    return out


def attributions(doc: Doc, article: Article, model: core.Model | None = None) -> list[Attribution]:
    """Attributions the learned model finds in a parsed article, as char-offset records."""
    model = model or load_model()
    text = article.text
    rules = rule_spans(doc, article) if model.use_rules else None
    raws = model.extract(doc, text, rules)
    ids = [f"a{k + 1}" for k in range(len(raws))]
    out = []
    for k, r in enumerate(raws):
        lemmas = [doc[i].lemma_.lower() for i in r.cue]
        cue = _char_span(doc, text, r.cue[0], r.cue[-1])
        pieces = (_char_span(doc, text, s, e) for s, e in r.content)
        content = tuple(p for p in pieces if p.end > p.start)
        source = _char_span(doc, text, r.source[0], r.source[-1]) if r.source else None
        if source is not None and source.end == source.start:
            source = None
        out.append(
            Attribution(
                id=ids[k],
                cue=cue,
                content=content,
                kind=_kind(lemmas, content),
                source=source,
                parent=ids[r.parent] if r.parent is not None else None,
                hedged=any(lem in HEDGE_LEMMAS for lem in lemmas),
                cue_class="thought" if any(lem in THOUGHT_LEMMAS for lem in lemmas) else "speech",
                extractor=NAME,
                confidence=_confidence(r.score),
            )
        )
    return out


@register(NAME)
def make() -> Extractor:
    """Build the learned extractor (loads the packaged weights once)."""
    model = load_model()

    def run(doc: Doc, article: Article) -> list[Attribution]:
        return attributions(doc, article, model)

    return run
