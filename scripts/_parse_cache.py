"""Parse texts once with sayso's spaCy pipeline and cache them as a DocBin (private helper)."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, DocBin

from sayso import nlp


def _key(texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    h.update(nlp.model_version().encode())
    h.update(b"tensors-v1")  # the cache also keeps each Doc's tok2vec tensor
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def parse_cached(texts: Sequence[str], cache_dir: Path, name: str) -> list[Doc]:
    """Docs for ``texts``, read from ``cache_dir/name-<hash>.spacy`` or parsed and written there."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{name}-{_key(texts)}.spacy"
    tpath = path.with_suffix(".tensors.npy")
    nlp_ = nlp.load()
    if path.exists() and tpath.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp_.vocab))
        if len(docs) == len(texts):
            # DocBin does not keep tensors: they are stored next to it, row per token.
            tensors = np.load(tpath)
            pos = 0
            for d in docs:
                d.tensor = tensors[pos : pos + len(d)].astype(np.float32)
                pos += len(d)
            return docs
    t0 = time.time()
    docs = []
    for i, doc in enumerate(nlp_.pipe(texts, batch_size=64)):
        docs.append(doc)
        if i % 2000 == 0:
            print(f"parsed {i}/{len(texts)} {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    db = DocBin(attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "LEMMA", "MORPH",
                       "POS", "SENT_START", "SPACY", "NORM"])
    for d in docs:
        db.add(d)
    db.to_disk(path)
    width = next((d.tensor.shape[1] for d in docs if d.tensor.ndim == 2 and len(d)), 0)
    rows = [
        d.tensor if d.tensor.shape == (len(d), width) else np.zeros((len(d), width), np.float32)
        for d in docs
    ]
    np.save(tpath, np.concatenate(rows).astype(np.float16))
    return docs
