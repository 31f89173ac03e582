"""Private experiment: retrain only the cue tagger, keep another model's role tagger."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _parse_cache  # noqa: E402
import _polnear_data  # noqa: E402
import train_polnear as tp  # noqa: E402

from sayso.extract import _learned_core as core  # noqa: E402


def main() -> None:
    """``_cue_exp.py BASE.npz OUT.npz [epochs]``."""
    base, out = Path(sys.argv[1]), Path(sys.argv[2])
    if len(sys.argv) > 3:
        tp.CUE_EPOCHS = int(sys.argv[3])
    t0 = time.time()
    rng = np.random.default_rng(tp.SEED)
    paras = _polnear_data.load_split(Path("/work/shared/data/polnear/train"))
    docs = _parse_cache.parse_cached([p.text for p in paras], Path("runs/learned"), "train")
    z = dict(np.load(base))
    lemmas = [str(x) for x in z["lex_lemmas"]]
    model = core.Model(np.zeros((1, 3), np.float32), np.zeros((3, 3)), np.zeros(3),
                       np.zeros((1, 5), np.float32), np.zeros((5, 5)), np.zeros(5),
                       lemmas, z["lex_buckets"])
    cue_data = []
    for pi, (para, doc) in enumerate(zip(paras, docs, strict=True)):
        d = model.arrays(doc)
        golds = tp.gold_tokens(para, doc)
        cue_tags = tp.bio([(g[0], 1, 2) for g in golds], len(doc))
        rows = core.keys_to_rows(core.cue_features(d), core.CUE_BITS)
        for lo, hi in d.windows:
            cue_data.append((rows[lo:hi], cue_tags[lo:hi], pi))
    cue_data = tp.prune(cue_data, core.CUE_BITS)
    cw, ctr, cst = tp.train_cue(cue_data, rng, t0, "all").averaged()
    rows, vals = tp.sparse(cw)
    z.update(cue_rows=rows, cue_vals=vals, cue_trans=ctr.astype(np.float32),
             cue_start=cst.astype(np.float32))
    np.savez_compressed(out, **z)


if __name__ == "__main__":
    main()
