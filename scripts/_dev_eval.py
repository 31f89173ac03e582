"""Fast dev loop for ``sayso.learned.v1``: CofeNet's protocol with cached parses (private).

Uses the shared protocol code in ``sayso.evaluate.cofenet`` (text rebuild, span -> BIO, exact
span scorer); only the parse is cached, so a retrained model scores in seconds.  The reported
numbers come from ``sayso evaluate cofenet``, which runs the whole pipeline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _parse_cache  # noqa: E402

from sayso.evaluate import cofenet  # noqa: E402
from sayso.extract import learned  # noqa: E402
from sayso.models import Article  # noqa: E402


def main() -> None:
    """Score ``MODEL.npz`` on the CofeNet dev file; prints P/R/F1 per role."""
    ap = argparse.ArgumentParser()
    ap.add_argument("model", type=Path)
    ap.add_argument("--data", type=Path,
                    default=Path("/work/shared/data/cofenet-polnear/valid.txt"))
    ap.add_argument("--cache", type=Path, default=Path("runs/learned"))
    ap.add_argument("--dump", type=Path, help="write gold/predicted tags per paragraph here")
    ap.add_argument("--cue-bias", type=float, nargs="*", default=[None])
    ap.add_argument("--content-bias", type=float, default=None)
    args = ap.parse_args()
    paras = cofenet.read_bio(args.data)
    built = [cofenet.rebuild_text(p.tokens) for p in paras]
    docs = _parse_cache.parse_cached([b.text for b in built], args.cache, "dev")
    model = learned.load_model(args.model)
    env = __import__("os").environ
    if env.get("NORERANK") == "1":
        model.rerank = None
        print("reranker off")
    for key, attr, conv in (("SNAP", "snap", lambda v: v == "1"),
                            ):
        if key in env:
            setattr(model, attr, conv(env[key]))
            print(key, getattr(model, attr))
    if args.content_bias is not None:
        model.content_bias = args.content_bias
    for cb in args.cue_bias:
        if cb is not None:
            model.cue_bias = cb
            print("cue bias", cb, "content bias", model.content_bias)
        run(args, paras, built, docs, model)


def run(args, paras, built, docs, model) -> None:  # type: ignore[no-untyped-def]
    """Extract, score, print (and dump)."""
    pred = []
    t0 = time.time()
    for b, doc in zip(built, docs, strict=True):
        atts = learned.attributions(doc, Article(text=b.text), model)
        spans = [s for a in atts for s in cofenet.attribution_spans(a)]
        pred.append(cofenet.spans_to_bio(b.offsets, spans))
    el = time.time() - t0
    res = cofenet.score_bio([p.labels for p in paras], pred)
    for role, prf in res.items():
        j = prf.to_json()
        print(f"{role:8s} {j}")
    print(f"extract time {el:.1f}s for {sum(len(d) for d in docs)} tokens")
    if args.dump:
        import json

        with args.dump.open("w") as f:
            for p, tags in zip(paras, pred, strict=True):
                f.write(json.dumps({"tokens": p.tokens, "gold": p.labels, "pred": tags}) + "\n")


if __name__ == "__main__":
    main()
