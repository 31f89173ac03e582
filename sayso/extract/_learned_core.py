"""Features, decoding and weights of the learned extractor (numpy only, no spaCy import).

The model has two averaged structured perceptrons over hashed features:

1. a *cue tagger* (tags O, B, I) over the document's tokens;
2. a *role tagger* run once per cue (tags O, B-source, I-source, B-content, I-content) over the
   cue's paragraph, whose features describe each token *relative to that cue*: the dependency
   path to the cue's head (how many steps up to the lowest common ancestor, which branch below
   it), the token's place at the edge of that branch's subtree, quotes, sentence distance.

Features are computed for whole arrays of tokens at once from ``Doc.to_array`` columns and
hashed into fixed-size weight tables, so inference costs a few dozen numpy calls per document
plus a few per cue, and one Viterbi pass batched over all the document's cues.  Training
(``scripts/train_polnear.py``) calls the same functions, so train and inference features cannot
drift apart.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..lexicon import TOKEN_CLOSE_QUOTES, TOKEN_OPEN_QUOTES, TOKEN_TOGGLE_QUOTES
from ..quotes import find_quotes
from . import _kernels

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: log2 of the cue tagger's weight-table rows (hash collisions stay rare at this size).
CUE_BITS = 21
#: log2 of the role tagger's weight-table rows.
ROLE_BITS = 22
#: Tags of the cue tagger.
CUE_TAGS = ("O", "B", "I")
#: Tags of the role tagger.
ROLE_TAGS = ("O", "B-S", "I-S", "B-C", "I-C")
#: Paragraphs longer than this many tokens are cut at sentence ends into windows this long,
#: which bounds the per-cue work on texts that have no paragraph breaks.
MAX_WINDOW = 220
#: Cap on the dependency steps counted in path features (longer paths behave alike).
MAX_STEPS = 4
#: The cue Viterbi only runs around tokens whose best cue tag scores within this margin of
#: O; elsewhere O wins by far more than any transition score, so skipping them changes nothing.
CUE_MARGIN = 8.0
#: Added to the B-cue score before decoding: trades cue precision for recall (tuned on dev,
#: where a missed cue also costs its source and content).
CUE_BIAS = 0.0
#: Added to the B-content and I-content scores of the role tagger (tuned on dev).
CONTENT_BIAS = 0.0
#: Extend a content run that starts at the left edge of its root's subtree but stops inside
#: it to the subtree's right edge (the tagger tends to stop at commas of appositions).
SNAP = True
#: How many tokens may separate a quotation from its cue for the quotation to count as next
#: to it (room for a source and a comma: "..., Senator Smith said").
QUOTE_REACH = 6
#: Quote marks.  Straight double quotes open or close depending on the running state.
OPEN_QUOTES = TOKEN_OPEN_QUOTES
CLOSE_QUOTES = TOKEN_CLOSE_QUOTES
TOGGLE_QUOTES = TOKEN_TOGGLE_QUOTES
#: Dependency labels whose presence among a token's children is a feature (bit order matters).
CHILD_DEPS = (
    "ccomp",
    "xcomp",
    "nsubj",
    "nsubjpass",
    "dobj",
    "advcl",
    "prep",
    "agent",
    "parataxis",
    "mark",
    "neg",
    "aux",
    "attr",
    "pobj",
    "conj",
)

_COLS: list[int | str] = [
    "LOWER",
    "LEMMA",
    "POS",
    "TAG",
    "DEP",
    "HEAD",
    "ENT_TYPE",
    "ENT_IOB",
    "SENT_START",
    "IS_PUNCT",
    "IS_SPACE",
    "ORTH",
    "IS_TITLE",
    "IDX",
]
(
    C_LOWER,
    C_LEMMA,
    C_POS,
    C_TAG,
    C_DEP,
    C_HEAD,
    C_ENT,
    C_IOB,
    C_SS,
    C_PUNCT,
    C_SPACE,
    C_ORTH,
    C_TITLE,
    C_IDX,
) = range(len(_COLS))

_MASK64 = 0xFFFFFFFFFFFFFFFF
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_S29 = np.uint64(29)
#: Dependency-label groups of the branch that links a token to a cue (role classes, below).
DEP_GROUPS = (
    ("ccomp", "xcomp", "parataxis", "advcl", "conj", "acl", "relcl"),
    ("nsubj", "nsubjpass", "csubj"),
    ("dobj", "prep", "pobj", "dative", "agent", "attr", "oprd"),
)
#: Classes of a token's position relative to a cue (side x same tree x steps x branch group);
#: the role tagger weighs each token's tok2vec vector per class.
ROLE_CLASSES = 3 * (1 + 2 * (len(DEP_GROUPS) + 2))
#: Per-template seeds (template id -> a well-mixed 64-bit constant).
_SEEDS = np.array([((t + 1) * 0x9E3779B97F4A7C15) & _MASK64 for t in range(256)], np.uint64)


def U(x: np.ndarray) -> np.ndarray:
    """``x`` as uint64 (negative values wrap, which hashing does not mind)."""
    return x.astype(np.uint64, copy=False)


def hash_templates(tid0: int, templates: list[tuple[np.ndarray, ...]]) -> np.ndarray:
    """[n, k] uint64 keys of ``k`` feature templates over ``n`` tokens, in one pass.

    Template ``j`` gets id ``tid0 + j``; each is a tuple of uint64 value columns.  Every
    template goes through as many hashing rounds as the longest (a shorter one hashes zeros),
    in a compiled loop (``_kernels.hash_columns``).
    """
    k = len(templates)
    n = len(templates[0][0])
    starts = np.zeros(k + 1, np.int64)
    np.cumsum([len(t) for t in templates], out=starts[1:])
    flat = [col for t in templates for col in t]
    if all(col.dtype == np.uint64 for col in flat):
        cols = np.stack(flat)  # one copy in C (the usual case)
    else:
        cols = np.empty((len(flat), n), np.uint64)
        for c, col in enumerate(flat):
            cols[c] = col
    depth = max(len(t) for t in templates)
    return _kernels.hash_columns(cols, starts, _SEEDS[tid0 : tid0 + k], depth)


def _hash_str(vocab_strings: object, s: str) -> int:
    return int(vocab_strings[s])  # type: ignore[index]


@dataclass
class Lexicon:
    """Cue-rate buckets per lemma hash, as sorted arrays for ``searchsorted`` lookups."""

    keys: np.ndarray  #: sorted uint64 lemma hashes
    buckets: np.ndarray  #: bucket per key (1..5); 0 means unseen or never a cue

    def lookup(self, lemmas: np.ndarray) -> np.ndarray:
        """The bucket of each lemma hash (0 when absent)."""
        if len(self.keys) == 0:
            return np.zeros(len(lemmas), np.uint64)
        idx = np.searchsorted(self.keys, lemmas)
        idx[idx >= len(self.keys)] = 0
        hit = self.keys[idx] == lemmas
        return np.where(hit, self.buckets[idx], 0).astype(np.uint64)


class Hashes:
    """String hashes the features compare against, computed once per vocabulary."""

    def __init__(self, strings: object) -> None:
        self.open = np.array([_hash_str(strings, q) for q in OPEN_QUOTES], np.uint64)
        self.close = np.array([_hash_str(strings, q) for q in CLOSE_QUOTES], np.uint64)
        self.toggle = np.array([_hash_str(strings, q) for q in TOGGLE_QUOTES], np.uint64)
        self.childdeps = np.array([_hash_str(strings, d) for d in CHILD_DEPS], np.uint64)
        self.subj = np.array([_hash_str(strings, d) for d in ("nsubj", "nsubjpass")], np.uint64)
        self.groups = [
            np.array([_hash_str(strings, d) for d in group], np.uint64) for group in DEP_GROUPS
        ]


@dataclass
class DocArrays:
    """Token columns and tree helpers of one document, shared by both taggers."""

    a: np.ndarray  #: ``Doc.to_array`` columns (uint64), one row per token
    head: np.ndarray  #: absolute head index (int64); roots point to themselves
    sent: np.ndarray  #: sentence number of each token
    anc: np.ndarray  #: [n, L] ancestor chains (column 0 = the token itself)
    depth: np.ndarray  #: steps from each token to its root
    left: np.ndarray  #: left edge of each token's subtree
    right: np.ndarray  #: right edge of each token's subtree
    quote: np.ndarray  #: 1 inside a quotation (marks included), else 0
    qmark: np.ndarray  #: 0 no mark, 1 opening mark, 2 closing mark
    qid: np.ndarray  #: number of the quotation a token is in (0 outside)
    lex: np.ndarray  #: cue-lexicon bucket of each token's lemma (uint64)
    childmask: np.ndarray  #: bit set of CHILD_DEPS among each token's children
    subj_deps: np.ndarray  #: hashes of the subject dependency labels
    tensor: np.ndarray  #: [n, w] spaCy's tok2vec vectors (``Doc.tensor``); w = 0 when absent
    windows: list[tuple[int, int]]  #: token ranges (paragraphs) the role tagger works in
    #: What the rule extractor says of each token (RULE_* bits); all 0 when not computed.
    rcode: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    #: Per rule attribution, its token runs ``(first, end, role)``: role 1 its cue, 2 its
    #: source, 3 its content (later runs win where they overlap; see ``rule_roles``).  Runs,
    #: not an [A, n] matrix: that grew with the square of the text.
    ratt: list[list[tuple[int, int, int]]] = field(default_factory=list)
    #: Per token, the rule attribution whose cue holds it (-1 none); empty when not computed.
    rcue: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    #: DEP_GROUPS index of each token's dependency label (len(DEP_GROUPS) for the others).
    dgroup: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    #: [n, 7] the fine-tuned encoder's log-probabilities of its role tags (O, B/I source, cue,
    #: content), as it gave them, before the scaling ``tensor`` holds; [0, 0] without one.
    enc: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))


#: Bits of ``DocArrays.rcode``: the rule extractor's reading of a token.
RULE_CUE, RULE_SOURCE, RULE_CONTENT, RULE_DIRECT, RULE_CUE_START = 1, 2, 4, 8, 16


@dataclass(frozen=True)
class RuleSpans:
    """One attribution of the rule extractor as character pieces (stacked as features)."""

    cue: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]
    direct: bool


def add_rules(d: DocArrays, atts: list[RuleSpans]) -> None:
    """Fill ``d.rcode``, ``d.ratt`` and ``d.rcue`` from the rule extractor's attributions (in
    place), in time linear in the tokens plus the attributions' pieces."""
    n = len(d.head)
    start = d.a[:, C_IDX].astype(np.int64)
    # Per code bit, +1 where a run starts and -1 where it ends: one cumsum paints them all.
    bits = (RULE_CUE, RULE_SOURCE, RULE_CONTENT, RULE_DIRECT)
    delta = np.zeros((len(bits), n + 1), np.int64)
    rcue = np.full(n, -1, np.int64)
    cue_start = np.zeros(n, bool)
    ratt: list[list[tuple[int, int, int]]] = []

    starts = start.tolist()  # bisect on a list: a numpy call per piece cost more

    def runs(pieces: tuple[tuple[int, int], ...], role: int) -> list[tuple[int, int, int]]:
        # Tokens that start inside a piece: a range of the sorted token starts.
        out = []
        for s, e in pieces:
            t0, t1 = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
            if t1 > t0:
                out.append((t0, t1, role))
        return out

    for k, r in enumerate(atts):
        cue, src, con = runs(r.cue, 1), runs(r.source, 2), runs(r.content, 3)
        ratt.append(con + src + cue)
        for row, group in ((0, cue), (1, src), (2, con), (3, con if r.direct else [])):
            for t0, t1, _ in group:
                delta[row, t0] += 1
                delta[row, t1] -= 1
        for t0, t1, _ in reversed(cue):
            free = rcue[t0:t1] < 0
            rcue[t0:t1][free] = k
        if cue:
            cue_start[min(t0 for t0, _, _ in cue)] = True
    covered = np.cumsum(delta, axis=1)[:, :n] > 0
    code = np.zeros(n, np.int64)
    for row, bit in enumerate(bits):
        code[covered[row]] |= bit
    code[cue_start] |= RULE_CUE_START
    d.rcode = U(code)
    d.ratt = ratt
    d.rcue = rcue


def rule_roles(d: DocArrays, k: int, lo: int, hi: int) -> np.ndarray:
    """Rule attribution ``k``'s role of each token in ``lo..hi``: 0 none, 1 its cue, 2 its
    source, 3 its content (cue over source over content where they overlap)."""
    out = np.zeros(hi - lo, np.int64)
    for t0, t1, role in d.ratt[k]:
        a, b = max(t0, lo), min(t1, hi)
        if b > a:
            out[a - lo : b - lo] = role
    return out


def windows(text: str, cols: np.ndarray) -> list[tuple[int, int]]:
    """Token ranges the role tagger runs in: paragraphs (newline-separated), cut at sentences.

    A long paragraph is cut at a sentence start outside quotations when it has one in reach:
    a cut inside a quotation of several sentences would close the quotation at the cut and
    read its closing mark as an opening one, turning the narration that follows ("…," the
    President added.) into quoted words for the cue tagger."""
    n = len(cols)
    if n == 0:
        return []
    tok_start = cols[:, C_IDX].astype(np.int64)
    nl = np.fromiter((m.start() for m in re.finditer("\n", text)), np.int64)
    breaks = np.unique(np.searchsorted(tok_start, nl, side="right"))
    bounds = [0, *[int(b) for b in breaks if 0 < b < n], n]
    sent_starts = np.flatnonzero(cols[:, C_SS] == 1)
    out: list[tuple[int, int]] = []
    quotes = None
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        if hi <= lo or bool(cols[lo:hi, C_SPACE].all()):
            continue
        while hi - lo > MAX_WINDOW:
            cand = sent_starts[(sent_starts > lo) & (sent_starts <= lo + MAX_WINDOW)]
            if len(cand):
                quotes = find_quotes(text) if quotes is None else quotes
                free = [int(c) for c in cand if quotes.at(int(tok_start[c])) is None]
                cand = np.array(free) if free else cand
                cut = int(cand[-1])
            else:
                # One sentence longer than a window: cut after its last punctuation mark in
                # the window's second half, else anywhere (``cue_window`` stretches a window
                # over a cue that a cut still splits).
                half = lo + MAX_WINDOW // 2
                punct = np.flatnonzero(cols[half : lo + MAX_WINDOW, C_PUNCT] == 1)
                cut = half + int(punct[-1]) + 1 if len(punct) else lo + MAX_WINDOW
            out.append((lo, cut))
            lo = cut
        out.append((lo, hi))
    return out


def cue_window(
    windows: list[tuple[int, int]], win_of: np.ndarray, toks: np.ndarray
) -> tuple[int, int]:
    """The window the role tagger reads for a cue: its first token's, stretched over the whole
    cue when a window cut falls inside it (a run-on sentence cut mid-cue)."""
    lo, hi = windows[int(win_of[toks[0]])]
    return min(lo, int(toks.min())), max(hi, int(toks.max()) + 1)


def doc_arrays(doc: Doc, hashes: Hashes, lex: Lexicon, text: str | None = None) -> DocArrays:
    """Columns and tree helpers of a parsed document (``text``: ``doc.text``, if at hand)."""
    a = doc.to_array(_COLS)
    n = len(a)
    idx = np.arange(n)
    head = idx + a[:, C_HEAD].astype(np.int64)
    head[(head < 0) | (head >= n)] = idx[(head < 0) | (head >= n)]
    ss = a[:, C_SS].astype(np.int64) == 1
    if n:
        ss[0] = True
    sent = np.cumsum(ss) - 1
    cols = [idx]
    cur = idx
    for _ in range(60):
        nxt = head[cur]
        if np.array_equal(nxt, cur):
            break
        cols.append(nxt)
        cur = nxt
    anc = np.stack(cols, axis=1)
    depth = (anc[:, 1:] != anc[:, :-1]).sum(axis=1)
    left = idx.copy()
    right = idx.copy()
    flat = anc.ravel()
    rep = np.repeat(idx, anc.shape[1])
    np.minimum.at(left, flat, rep)
    np.maximum.at(right, flat, rep)
    wins = windows(doc.text if text is None else text, a)
    tensor = doc.tensor
    if tensor.ndim != 2 or tensor.shape[0] != n:
        tensor = np.zeros((n, 0), np.float32)
    # Quotation state; an unclosed quotation runs to the end of its paragraph (news style
    # leaves the closing mark off a quote that continues in the next paragraph).
    orth = a[:, C_ORTH]
    is_open = _any_eq(orth, hashes.open)
    is_close = _any_eq(orth, hashes.close)
    is_tog = _any_eq(orth, hashes.toggle)
    qmark = np.zeros(n, np.int64)
    quote = np.zeros(n, np.int64)
    qid = np.zeros(n, np.int64)
    marks = np.flatnonzero(is_open | is_close | is_tog).tolist()
    if marks:
        win_end = np.zeros(n, np.int64)
        for lo, hi in wins:
            win_end[lo:hi] = hi
        inside = False
        start = 0
        k = 0
        for m in marks:
            if inside and m >= win_end[start]:
                k += 1
                quote[start : win_end[start]] = 1
                qid[start : win_end[start]] = k
                inside = False
            if is_open[m] or (is_tog[m] and not inside):
                inside, start = True, m
                qmark[m] = 1
            elif inside:
                k += 1
                quote[start : m + 1] = 1
                qid[start : m + 1] = k
                qmark[m] = 2
                inside = False
            else:
                qmark[m] = 2
        if inside:
            k += 1
            quote[start : win_end[start]] = 1
            qid[start : win_end[start]] = k
    dep = a[:, C_DEP]
    hit = dep[:, None] == hashes.childdeps[None, :]
    bits = np.where(hit.any(1), 1 << hit.argmax(1), 0)
    childmask = np.zeros(n, np.int64)
    nonroot = head != idx
    np.bitwise_or.at(childmask, head[nonroot], bits[nonroot])
    dgroup = np.full(n, len(DEP_GROUPS), np.int64)
    for g, group in enumerate(hashes.groups):
        dgroup[_any_eq(dep, group)] = g
    return DocArrays(
        a,
        head,
        sent,
        anc,
        depth,
        left,
        right,
        quote,
        qmark,
        qid,
        lex.lookup(a[:, C_LEMMA]),
        childmask,
        hashes.subj,
        tensor,
        wins,
        dgroup=dgroup,
    )


def _any_eq(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.isin`` for a handful of values, without its set-up cost."""
    out = x == values[0]
    for v in values[1:]:
        out |= x == v
    return out


def _shift(x: np.ndarray, k: int, fill: int = 0) -> np.ndarray:
    """``x`` moved by ``k`` positions (``k`` > 0: the value of the token ``k`` before)."""
    out = np.full_like(x, fill)
    if k > 0:
        out[k:] = x[:-k]
    elif k < 0:
        out[:k] = x[-k:]
    else:
        out[:] = x
    return out


def cue_features(d: DocArrays) -> np.ndarray:
    """[n, k] uint64 feature keys of every token for the cue tagger."""
    a = d.a
    lower, lemma, pos, tag, dep = (
        a[:, C_LOWER],
        a[:, C_LEMMA],
        a[:, C_POS],
        a[:, C_TAG],
        a[:, C_DEP],
    )
    zero = np.zeros(len(a), np.uint64)
    hlemma, hpos, hlex = lemma[d.head], pos[d.head], d.lex[d.head]
    p1l, n1l = _shift(lower, 1), _shift(lower, -1)
    p2l, n2l = _shift(lower, 2), _shift(lower, -2)
    p1p, n1p = _shift(pos, 1), _shift(pos, -1)
    p1lex, n1lex = _shift(d.lex, 1), _shift(d.lex, -1)
    cm = U(d.childmask)
    has_comp = U((d.childmask & 0b11) > 0)  # ccomp or xcomp child
    has_subj = U((d.childmask & 0b1100) > 0)
    q = U(d.quote)
    qm = U(d.qmark)
    # Does the sentence hold a quotation anywhere?  Reporting verbs next to quotes are cues.
    sq = np.zeros(int(d.sent[-1]) + 1 if len(d.sent) else 1, np.int64)
    np.maximum.at(sq, d.sent, d.quote)
    sentq = U(sq[d.sent])
    n = len(d.head)
    idx = np.arange(n)
    isroot = U(d.head == idx)
    # What the token's subject is (entity type, tag): people and organisations speak.
    dep_is_subj = _any_eq(dep, d.subj_deps)
    subj_ent = np.zeros(n, np.uint64)
    subj_tag = np.zeros(n, np.uint64)
    subj_ent[d.head[dep_is_subj]] = a[dep_is_subj, C_ENT]
    subj_tag[d.head[dep_is_subj]] = tag[dep_is_subj]
    # Distance to the nearest quote mark on each side, and place in the paragraph.
    marks = np.flatnonzero(d.qmark > 0)
    if len(marks):
        pos_r = np.searchsorted(marks, idx)
        nxt = marks[np.minimum(pos_r, len(marks) - 1)]
        prv = marks[np.maximum(pos_r - 1, 0)]
        dq_r = np.where(nxt >= idx, np.minimum(nxt - idx, 6), 7)
        dq_l = np.where(prv < idx, np.minimum(idx - prv, 6), 7)
    else:
        dq_r = dq_l = np.full(n, 7)
    win_start = np.zeros(n, np.int64)
    for lo, hi in d.windows:
        win_start[lo:hi] = lo
    wpos = U(np.minimum(idx - win_start, 5))
    keys = hash_templates(
        0,
        [
            (d.lex, subj_ent),
            (lemma, subj_tag),
            (d.lex, U(dq_l), U(dq_r)),
            (lower, wpos),
            (lower, wpos, _shift(a[:, C_ENT], 1)),
            (lower, U(dq_l), U(dq_r)),
            (d.lex, _shift(lower, -1), U(dq_r)),
            (zero,),
            (lower,),
            (lemma,),
            (pos,),
            (tag,),
            (dep,),
            (lemma, dep),
            (hlemma,),
            (hlemma, dep),
            (pos, hpos, dep),
            (p1l,),
            (n1l,),
            (p1l, lower),
            (lower, n1l),
            (p1p, pos, n1p),
            (a[:, C_ENT], a[:, C_IOB]),
            (q, qm),
            (d.lex,),
            (d.lex, pos),
            (d.lex, dep),
            (lemma, cm),
            (d.lex, has_comp, has_subj),
            (hlex, dep),
            (p1lex, n1lex),
            (d.lex, sentq, q),
            (p2l, p1l),
            (n1l, n2l),
            (lemma, has_comp),
            (pos, isroot, d.lex),
            (hlemma, lemma),
            (a[:, C_TITLE], pos),
        ],
    )
    if len(d.rcode) != n:
        return keys
    rc = d.rcode
    rkeys = hash_templates(
        200,
        [
            (rc,),
            (rc, d.lex),
            (rc, lower),
            (_shift(rc, 1), rc, _shift(rc, -1)),
            (rc, pos, dep),
            (rc, has_comp, has_subj),
            (rc, U(dq_l), U(dq_r)),
            (rc, hlemma),
        ],
    )
    return np.concatenate([keys, rkeys], axis=1)


#: Bucket edges of the first-pass cue margin read by the second-pass cue tagger.
STACK_EDGES = np.array([-120.0, -80.0, -50.0, -25.0, -10.0, 0.0, 15.0, 40.0, 80.0, 130.0])


def stack_features(d: DocArrays, em: np.ndarray) -> np.ndarray:
    """[n, k] keys of the first-pass cue tagger's scores ``em`` [n, 3], for the second pass."""
    margin = em[:, 1:].max(axis=1) - em[:, 0]
    mb = U(np.searchsorted(STACK_EDGES, margin))
    ptag = U(em.argmax(axis=1))
    a = d.a
    lower, pos, dep = a[:, C_LOWER], a[:, C_POS], a[:, C_DEP]
    # Predicted cues elsewhere in the sentence and on the head: one statement has one cue,
    # and coordinated reporting verbs are cues together.
    is_cue = (ptag > 0).astype(np.int64)
    per_sent = np.zeros(int(d.sent[-1]) + 1 if len(d.sent) else 1, np.int64)
    np.add.at(per_sent, d.sent, is_cue)
    others = U(np.minimum(per_sent[d.sent] - is_cue, 2))
    hm = mb[d.head]
    return hash_templates(
        240,
        [
            (mb,),
            (mb, d.lex),
            (mb, lower),
            (_shift(mb, 1), mb, _shift(mb, -1)),
            (_shift(ptag, 1), ptag, _shift(ptag, -1)),
            (mb, others),
            (mb, others, d.lex),
            (hm, dep, mb),
            (mb, pos, U(d.quote)),
            (_shift(mb, 1), lower),
            (_shift(mb, -1), lower),
        ],
    )


def _bucket(x: np.ndarray) -> np.ndarray:
    """Signed log-ish distance buckets."""
    ax = np.abs(x)
    b = np.where(ax <= 3, ax, np.where(ax <= 6, 4, np.where(ax <= 12, 5, np.where(ax <= 25, 6, 7))))
    return U(np.sign(x) * b + 8)


def cue_head(d: DocArrays, toks: np.ndarray) -> int:
    """The cue token closest to the root."""
    return int(toks[np.argmin(d.depth[toks])])


def role_base(d: DocArrays) -> np.ndarray:
    """[n, k] cue-independent feature keys for the role tagger (whole document)."""
    a = d.a
    lower, pos, dep, tag = a[:, C_LOWER], a[:, C_POS], a[:, C_DEP], a[:, C_TAG]
    qm = U(d.qmark)
    return hash_templates(
        100,
        [
            (np.zeros(len(a), np.uint64),),
            (lower,),
            (pos, dep),
            (tag,),
            (_shift(lower, 1), lower),
            (lower, _shift(lower, -1)),
            (a[:, C_ENT], a[:, C_IOB]),
            (qm, _shift(qm, 1), _shift(qm, -1)),
            (a[:, C_PUNCT], _shift(pos, -1), _shift(pos, 1)),
        ],
    )


def role_features(
    d: DocArrays, base: np.ndarray, lo: int, hi: int, cue_toks: np.ndarray, cue_mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """[hi - lo, k] role-tagger feature keys of window tokens relative to one cue, and each
    token's class relative to the cue ([hi - lo], values below ``ROLE_CLASSES``).

    ``base`` is ``role_base(d)``; ``cue_toks`` the cue's token indices; ``cue_mask`` marks the
    tokens of every cue in the document (this one included).  One cue of ``role_features_many``.
    """
    return role_features_many(d, base, [(lo, hi, cue_toks)], cue_mask)


def _window_shift(
    x: np.ndarray, k: int, first: np.ndarray, last: np.ndarray, fill: int = 0
) -> np.ndarray:
    """``_shift(x, k, fill)`` inside each window of a concatenation (``first`` / ``last`` mark
    each window's first and last row): no value crosses from one window into the next."""
    out = _shift(x, k, fill)
    if k == 1:
        out[first] = fill
    elif k == -1:
        out[last] = fill
    return out


def role_features_many(
    d: DocArrays,
    base: np.ndarray,
    cues: list[tuple[int, int, np.ndarray]],
    cue_mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``role_features`` of several cues at once: per cue ``(lo, hi, cue_toks)``, the rows of
    its window ``lo..hi`` relative to it, concatenated in cue order ([sum of hi - lo, k] keys and
    classes).  Each row gets exactly the keys ``role_features`` gives it alone; the batch only
    saves numpy's per-call cost, which dominated at a few dozen tokens per window."""
    los = np.array([lo for lo, _, _ in cues], np.int64)
    his = np.array([hi for _, hi, _ in cues], np.int64)
    sizes = his - los
    m = len(cues)
    R = int(sizes.sum())
    off = np.zeros(m + 1, np.int64)
    np.cumsum(sizes, out=off[1:])
    cid = np.repeat(np.arange(m), sizes)  # the cue of each row
    idx = np.arange(R) - off[cid] + los[cid]  # the token of each row
    first = np.zeros(R, bool)
    last = np.zeros(R, bool)
    first[off[:-1][sizes > 0]] = True
    last[off[1:][sizes > 0] - 1] = True
    heads = np.array([cue_head(d, t) for _, _, t in cues], np.int64)
    c0s = np.array([int(t.min()) for _, _, t in cues], np.int64)
    c1s = np.array([int(t.max()) for _, _, t in cues], np.int64)
    h, c0, c1 = heads[cid], c0s[cid], c1s[cid]
    a = d.a[idx]
    lower, pos, dep = a[:, C_LOWER], a[:, C_POS], a[:, C_DEP]
    alldep = d.a[:, C_DEP]
    # Where each row's token meets its cue head's ancestor chain (a compiled walk up the tree).
    anc = d.anc
    k, up = _kernels.common_ancestors(anc, d.depth, idx, off, heads)
    same = up >= 0
    up = np.where(same, up, 9)  # steps from the cue head up to the common ancestor
    br = anc[idx, np.maximum(k - 1, 0)]  # the branch token just below that ancestor
    br2 = anc[idx, np.maximum(k - 2, 0)]  # and the one below it, on the way to the token
    incue = np.zeros(R, np.int64)
    for c, (lo, _, toks) in enumerate(cues):
        incue[off[c] + toks - lo] = 1
    bdep = np.where(k > 0, alldep[br], np.uint64(1))
    bdep = np.where(same, bdep, np.uint64(2))
    bdep = np.where(incue == 1, np.uint64(3), bdep)
    upc = U(np.minimum(up, MAX_STEPS))
    dep2 = np.where(k > 1, alldep[br2], np.uint64(4))
    downc = U(np.minimum(k, MAX_STEPS))
    side_i = np.where(idx < c0, 0, np.where(idx > c1, 2, 1))
    side = U(side_i)
    hdep = alldep[h]
    lca_pos = d.a[anc[idx, k], C_POS]
    # Edges of the branch subtree: content and source spans are mostly whole subtrees.
    ledge = U(idx == d.left[br])
    redge = U(idx == d.right[br])
    brid = np.where(same, br * 4 + np.minimum(up, 3), -1 - d.sent[idx])
    chg_prev = U(brid != _window_shift(brid, 1, first, last, -99))
    chg_next = U(brid != _window_shift(brid, -1, first, last, -99))
    soff = U(np.clip(d.sent[idx] - d.sent[h], -2, 2) + 2)
    dist = _bucket(idx - np.where(idx < c0, c0, c1))
    q = U(d.quote[idx])
    qm = U(d.qmark[idx])
    cq = U(d.quote[h])
    qid_r = d.qid[idx]
    sameq = U((qid_r == d.qid[h]) & (qid_r > 0))
    cuelem = d.a[h, C_LEMMA]
    cuelex = d.lex[h]
    oc = U(cue_mask[idx] & (1 - incue))
    # The quotation that ends just before the cue or starts just after it (within a few
    # tokens, leaving room for the source and a comma) is the usual content of a direct quote.
    qb = np.zeros(m, np.int64)
    qa = np.zeros(m, np.int64)
    for c in range(m):
        lo, hi, c0c, c1c = int(los[c]), int(his[c]), int(c0s[c]), int(c1s[c])
        before = d.qid[max(lo, c0c - QUOTE_REACH) : min(hi, c0c)]
        before = before[before > 0]
        if len(before):
            qb[c] = before[-1]
        after = d.qid[max(lo, c1c + 1) : min(hi, c1c + QUOTE_REACH + 1)]
        after = after[after > 0]
        if len(after):
            qa[c] = after[0]
    adj_i = np.where((qb[cid] > 0) & (qid_r == qb[cid]), 1, 0)
    adj_i = np.where((adj_i == 0) & (qa[cid] > 0) & (qid_r == qa[cid]), 2, adj_i)
    adj = U(adj_i)
    incue_u = U(incue)
    keys = hash_templates(
        40,
        [
            (upc, bdep),
            (upc, bdep, side),
            (upc, bdep, pos),
            (upc, bdep, dep),
            (upc, bdep, downc),
            (upc, hdep, bdep, side),
            (upc, bdep, ledge, redge),
            (upc, bdep, chg_prev, chg_next, side),
            (soff, side, q),
            (dist, q, cq),
            (sameq, q, qm, side),
            (cuelem, upc, bdep),
            (cuelex, upc, bdep, side),
            (oc, side),
            (lower, side, upc),
            (lca_pos, upc, bdep, side),
            (soff, q, qm, chg_prev),
            (incue_u,),
            (cuelem, side, soff),
            (upc, bdep, a[:, C_ENT]),
            (upc, bdep, _window_shift(lower, 1, first, last), lower),
            (cq, q, soff, side, qm),
            (upc, bdep, dep2, side),
            (adj, qm, side),
            (adj, upc, bdep),
            (adj, soff, q),
        ],
    )
    # The token's class relative to the cue (ROLE_CLASSES), for the class-wise vector weights.
    ngroups = len(DEP_GROUPS) + 2
    grp = np.where(k > 0, d.dgroup[br] if len(d.dgroup) else ngroups - 2, ngroups - 1)
    rclass = np.where(same, 1 + np.minimum(up, 1) * ngroups + grp, 0)
    rclass = side_i * (1 + 2 * ngroups) + rclass
    if len(d.rcue) != len(d.head):
        return np.concatenate([base[idx], keys], axis=1), rclass
    # The rule attribution with each cue (if any): 1 outside it, 2 cue, 3 source, 4 content.
    rel_i = np.zeros(R, np.int64)
    for c, (lo, hi, toks) in enumerate(cues):
        hit = d.rcue[toks]
        hit = hit[hit >= 0]
        if len(hit):
            rel_i[off[c] : off[c + 1]] = rule_roles(d, int(hit.min()), lo, hi) + 1
    rel = U(rel_i)
    rc = d.rcode[idx]
    rkeys = hash_templates(
        220,
        [
            (rel,),
            (rel, side),
            (rel, upc, bdep),
            (rel, q, side),
            (_window_shift(rel, 1, first, last), rel, _window_shift(rel, -1, first, last)),
            (rel, pos),
            (rc, side, upc),
        ],
    )
    return np.concatenate([base[idx], keys, rkeys], axis=1), rclass


def keys_to_rows(keys: np.ndarray, bits: int) -> np.ndarray:
    """Weight-table rows of feature keys (top bits of the 64-bit hash)."""
    return (keys >> np.uint64(64 - bits)).astype(np.intp)


def weight_sum(w: np.ndarray, keys: np.ndarray, bits: int) -> np.ndarray:
    """[n, T] float32 scores: the sum over its ``k`` feature keys ([n, k]) of each token's
    weight rows ``w[row]`` ([T] each), added in key order (a compiled loop: the same sums as
    ``w[keys_to_rows(keys, bits)].sum(axis=1, dtype=np.float32)``)."""
    keys, shift = np.ascontiguousarray(keys), np.uint64(64 - bits)
    if w.dtype == np.float16:  # the shipped weights: numba reads no float16
        return _kernels.weight_sum_half(w.view(np.uint16), _kernels.HALF, keys, shift)
    return _kernels.weight_sum(w, keys, shift)


def allowed(tags: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Boolean [T, T] transition mask and [T] start mask: I-x only after B-x or I-x."""
    T = len(tags)
    trans = np.ones((T, T), bool)
    start = np.ones(T, bool)
    for j, t in enumerate(tags):
        if t.startswith("I"):
            start[j] = False
            for i, f in enumerate(tags):
                if f == "O" or f[1:] != t[1:]:
                    trans[i, j] = False
    return trans, start


def viterbi(em: np.ndarray, trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Best tag sequences for emissions ``em`` [B, n, T] under transition scores [T, T] (a
    compiled loop; ties go to the lower tag)."""
    dt = np.result_type(em, trans, start)  # what numpy's own sums would compute in
    return _kernels.viterbi(em.astype(dt), trans.astype(dt), start.astype(dt))


#: Sequences decoded per Viterbi batch: on a text with tens of thousands of cues one batch of
#: all of them held about 350 MB of back-pointers (1 MB of quotations, 42,000 cue windows).
VITERBI_BATCH = 1024


def decode(ems: list[np.ndarray], trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    """``viterbi(pad_stack(ems), …)`` in batches of VITERBI_BATCH sequences, each padded to the
    longest of all (so every path is the one the single batch gives), memory bounded by the
    batch: [B, max n] tag paths."""
    n = max(len(e) for e in ems)
    if len(ems) <= VITERBI_BATCH:
        return viterbi(pad_stack(ems, n), trans, start)
    out = np.empty((len(ems), n), np.intp)
    for i in range(0, len(ems), VITERBI_BATCH):
        part = ems[i : i + VITERBI_BATCH]
        out[i : i + len(part)] = viterbi(pad_stack(part, n), trans, start)
    return out


def pad_stack(ems: list[np.ndarray], n: int | None = None) -> np.ndarray:
    """Emission matrices of different lengths as one [B, n, T] batch (``n``: the longest,
    unless given); padding forces O."""
    n = max(len(e) for e in ems) if n is None else n
    T = ems[0].shape[1]
    out = np.full((len(ems), n, T), -1e6, np.float32)
    out[:, :, 0] = 0.0
    for b, e in enumerate(ems):
        out[b, : len(e)] = e
    return out


#: A content reranker: (doc arrays, cues, windows, role scores, attributions) -> attributions.
Reranker = Callable[
    [
        "DocArrays",
        list[tuple[np.ndarray, float]],
        list[tuple[int, int]],
        list[np.ndarray],
        list["RawAttribution"],
    ],
    list["RawAttribution"],
]


@dataclass
class RawAttribution:
    """One decoded attribution in doc token indices (before char offsets and labels)."""

    cue: tuple[int, ...]  #: cue tokens
    source: tuple[int, ...]  #: source tokens (one contiguous run), may be empty
    content: tuple[tuple[int, int], ...]  #: content token runs (first, last inclusive)
    parent: int | None  #: index of the attribution whose content holds this one
    score: float  #: mean margin of the cue tagger over the cue's tokens


class Model:
    """The two taggers' weights, transitions and lexicon; ``extract`` decodes one Doc."""

    def __init__(
        self,
        cue_w: np.ndarray,
        cue_trans: np.ndarray,
        cue_start: np.ndarray,
        role_w: np.ndarray,
        role_trans: np.ndarray,
        role_start: np.ndarray,
        lex_lemmas: list[str],
        lex_buckets: np.ndarray,
        cue_dense: np.ndarray | None = None,
        role_dense: np.ndarray | None = None,
        use_rules: bool = False,
        cue2: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None] | None = None,
    ) -> None:
        self.cue_w, self.role_w = cue_w, role_w
        self.cue_dense = cue_dense
        #: Trained with the rule extractor's attributions as features (``add_rules``).
        self.use_rules = use_rules
        #: Second-pass cue tagger (weights, transitions, start, dense) fed with the first
        #: pass's scores (``stack_features``); None: the first pass decides alone.
        self.cue2 = None
        if cue2 is not None:
            ct2, cs2 = allowed(CUE_TAGS)
            self.cue2 = (
                cue2[0],
                np.where(ct2, cue2[1], -1e6).astype(np.float32),
                np.where(cs2, cue2[2], -1e6).astype(np.float32),
                cue2[3],
            )
        self.role_dense = role_dense
        self._class_w: np.ndarray | None = None  # role_dense's class blocks as [w, classes*T]
        ct, cs = allowed(CUE_TAGS)
        rt, rs = allowed(ROLE_TAGS)
        # Forbidden transitions get a large negative score instead of -inf (no nan in sums).
        self.cue_trans = np.where(ct, cue_trans, -1e6).astype(np.float32)
        self.cue_start = np.where(cs, cue_start, -1e6).astype(np.float32)
        self.role_trans = np.where(rt, role_trans, -1e6).astype(np.float32)
        self.role_start = np.where(rs, role_start, -1e6).astype(np.float32)
        self.lex_lemmas = lex_lemmas
        self.lex_buckets = lex_buckets
        self._vocab_cache: tuple[object, Hashes, Lexicon] | None = None
        self.cue_bias = CUE_BIAS
        self.content_bias = CONTENT_BIAS
        self.snap = SNAP
        #: Content-boundary reranker, set by whoever loads the weights (``learned.py`` wires
        #: ``_rerank.apply`` with its weights in): ``(doc arrays, cues, windows, role scores,
        #: attributions) -> attributions``.  None: off.  Injected so that this module and the
        #: reranker, which reads this module's arrays, do not import each other.
        self.rerank: Reranker | None = None
        #: Extra dense token vectors appended to the tok2vec vectors (the accurate pipeline's
        #: encoder): ``(doc, windows) -> [n, w]``, already scaled as in training.  Injected by
        #: whoever loads the weights; None: tok2vec only.
        self.encode: Callable[[Doc, list[tuple[int, int]]], np.ndarray] | None = None
        #: With a fine-tuned encoder: ``(doc, windows) -> [n, 7]`` its log-probabilities as it
        #: gives them, and (mean, projection) that scale them into the tok2vec columns (then
        #: ``encode`` is not called).  The reranker may read them raw (``DocArrays.enc``).
        self.encode_scores: Callable[[Doc, list[tuple[int, int]]], np.ndarray] | None = None
        self.scale_scores: tuple[np.ndarray, np.ndarray] | None = None

    def tables(self, strings: object) -> tuple[Hashes, Lexicon]:
        """Quote/dependency hashes and the lexicon, for a vocabulary's string store."""
        if self._vocab_cache is None or self._vocab_cache[0] is not strings:
            keys = np.array([_hash_str(strings, s) for s in self.lex_lemmas], np.uint64)
            order = np.argsort(keys)
            lex = Lexicon(keys[order], np.asarray(self.lex_buckets)[order].astype(np.uint64))
            self._vocab_cache = (strings, Hashes(strings), lex)
        return self._vocab_cache[1], self._vocab_cache[2]

    def arrays(self, doc: Doc, text: str | None = None) -> DocArrays:
        """The document's feature columns (``text``: ``doc.text``, which is slow to rebuild)."""
        hashes, lex = self.tables(doc.vocab.strings)
        d = doc_arrays(doc, hashes, lex, text)
        if self.encode_scores is not None and self.scale_scores is not None:
            d.enc = self.encode_scores(doc, d.windows)
            mean, proj = self.scale_scores
            d.tensor = np.concatenate([d.tensor, (d.enc - mean) @ proj], axis=1)
        elif self.encode is not None:
            d.tensor = np.concatenate([d.tensor, self.encode(doc, d.windows)], axis=1)
        return d

    def decode_cues(
        self, d: DocArrays, bias: float | None = None
    ) -> list[tuple[np.ndarray, float]]:
        """Cue candidates (token indices, mean tag margin before ``bias``)."""
        n = len(d.head)
        if n == 0:
            return []
        keys = cue_features(d)
        em = weight_sum(self.cue_w, keys, CUE_BITS)
        dense = self.cue_dense
        if dense is not None and d.tensor.shape[1] == dense.shape[0]:
            em += d.tensor @ dense  # tok2vec vectors: what the cue's context looks like
        trans, start = self.cue_trans, self.cue_start
        if self.cue2 is not None:
            w2, trans, start, dense2 = self.cue2
            keys2 = np.concatenate([keys, stack_features(d, em)], axis=1)
            em = weight_sum(w2, keys2, CUE_BITS)
            if dense2 is not None and d.tensor.shape[1] == dense2.shape[0]:
                em += d.tensor @ dense2
        margin = em[:, 1:].max(axis=1) - em[:, 0]
        b = self.cue_bias if bias is None else bias
        em[:, 1] += b
        cand = np.flatnonzero(margin + b > -CUE_MARGIN)
        if len(cand) == 0:
            return []
        # Segments of candidate tokens (plus one token of context each side).
        segs: list[list[int]] = []
        for t in cand.tolist():
            if segs and t - 1 <= segs[-1][1] + 2:
                segs[-1][1] = t
            else:
                segs.append([t, t])
        bounds = [(max(0, s - 1), min(n, e + 2)) for s, e in segs]
        paths = decode([em[s:e] for s, e in bounds], trans, start)
        out = []
        for (s, e), path in zip(bounds, paths, strict=True):
            for r0, r1 in runs_of(path[: e - s], 1, 2):
                toks = np.arange(s + r0, s + r1 + 1)
                out.append((toks, float(margin[toks].mean())))
        return out

    def extract(
        self, doc: Doc, text: str | None = None, rules: list[RuleSpans] | None = None
    ) -> list[RawAttribution]:
        """Every attribution the model finds in ``doc`` (``text``: ``doc.text`` if at hand).

        ``rules``: the rule extractor's attributions, required when ``use_rules`` is set.
        """
        d = self.arrays(doc, text)
        if self.use_rules:
            add_rules(d, rules or [])
        return self.roles(d, self.decode_cues(d))

    def role_vectors(self, d: DocArrays) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Role scores from the tok2vec vectors: [n, T] per token and [n, ROLE_CLASSES, T] per
        token and class relative to a cue (None where the model has no such weights)."""
        rd, w = self.role_dense, d.tensor.shape[1]
        if rd is None or w == 0:
            return None, None
        T = rd.shape[1]
        if rd.shape[0] == w:
            return d.tensor @ rd, None
        if rd.shape[0] != w * (1 + ROLE_CLASSES):
            return None, None
        if self._class_w is None:
            self._class_w = np.ascontiguousarray(
                rd[w:].reshape(ROLE_CLASSES, w, T).transpose(1, 0, 2).reshape(w, ROLE_CLASSES * T)
            )
        per_class = (d.tensor @ self._class_w).reshape(-1, ROLE_CLASSES, T)
        return d.tensor @ rd[:w], per_class

    def roles(self, d: DocArrays, cues: list[tuple[np.ndarray, float]]) -> list[RawAttribution]:
        """Sources and contents of the given cues, resolved to univocal attributions."""
        if not cues:
            return []
        spans, ems = self.role_emissions(d, cues)
        paths = decode(ems, self.role_trans, self.role_start)
        raws = resolve(len(d.head), cues, spans, paths, d if self.snap else None)
        if self.rerank is not None:
            raws = self.rerank(d, cues, spans, ems, raws)
        return raws

    def role_emissions(
        self, d: DocArrays, cues: list[tuple[np.ndarray, float]]
    ) -> tuple[list[tuple[int, int]], list[np.ndarray]]:
        """Per cue: its window (lo, hi) and the role tagger's scores [hi - lo, 5] there.

        Cues are featurized and scored in batches of up to ROLE_BATCH_ROWS window tokens (one
        batch per document, usually), which bounds the memory on texts with thousands of cues.
        """
        n = len(d.head)
        win_of = np.zeros(n, np.int64)
        for w, (lo, hi) in enumerate(d.windows):
            win_of[lo:hi] = w
        cue_mask = np.zeros(n, np.int64)
        for toks, _ in cues:
            cue_mask[toks] = 1
        base = role_base(d)
        prior, per_class = self.role_vectors(d)
        wins = [(*cue_window(d.windows, win_of, toks), toks) for toks, _ in cues]
        ems: list[np.ndarray] = []
        for batch in _row_batches(wins, ROLE_BATCH_ROWS):
            f, rclass = role_features_many(d, base, batch, cue_mask)
            e = weight_sum(self.role_w, f, ROLE_BITS)
            idx = np.concatenate([np.arange(lo, hi) for lo, hi, _ in batch])
            if prior is not None:
                e += prior[idx]
            if per_class is not None:
                e += per_class[idx, rclass]
            e[:, 3:] += self.content_bias
            e[cue_mask[idx] == 1, 1:] = -1e6  # cue tokens take no other role
            cuts = np.cumsum([hi - lo for lo, hi, _ in batch])[:-1]
            ems.extend(np.split(e, cuts))
        return [(lo, hi) for lo, hi, _ in wins], ems


#: Window tokens featurized per role-tagger batch (about 40 MB of feature keys at most).
ROLE_BATCH_ROWS = 16384


def _row_batches(
    wins: list[tuple[int, int, np.ndarray]], rows: int
) -> list[list[tuple[int, int, np.ndarray]]]:
    """Consecutive groups of cue windows of at most ``rows`` tokens each (a longer window
    alone)."""
    out: list[list[tuple[int, int, np.ndarray]]] = []
    size = 0
    for w in wins:
        if out and size + (w[1] - w[0]) <= rows:
            out[-1].append(w)
            size += w[1] - w[0]
        else:
            out.append([w])
            size = w[1] - w[0]
    return out


def runs_of(tags: np.ndarray, b: int, i: int) -> list[tuple[int, int]]:
    """(first, last) of each B I* run in a tag sequence."""
    out = []
    start = -1
    for k, t in enumerate(tags.tolist()):
        if t == b:
            if start >= 0:
                out.append((start, k - 1))
            start = k
        elif t != i and start >= 0:
            out.append((start, k - 1))
            start = -1
    if start >= 0:
        out.append((start, len(tags) - 1))
    return out


def snap_runs(
    d: DocArrays, con: np.ndarray, blocked: np.ndarray, lo: int, hi: int, punct: np.ndarray
) -> None:
    """Extend content runs to the right edge of their root's subtree (in place).

    ``con`` and ``blocked`` cover tokens ``lo..hi`` (index 0 is token ``lo``); ``punct`` marks
    the document's punctuation tokens.
    """
    for s0, e0 in true_runs(con):
        s, e = s0 + lo, e0 + lo
        if d.sent[s] != d.sent[e]:
            continue
        r = s + int(np.argmin(d.depth[s : e + 1]))
        if d.left[r] < s - 1 or d.right[r] <= e:
            continue
        end = min(int(d.right[r]), hi - 1)
        while end > e and punct[end]:
            end -= 1
        if end > e and not blocked[e + 1 - lo : end + 1 - lo].any():
            con[e + 1 - lo : end + 1 - lo] = True


def resolve(
    n: int,
    cues: list[tuple[np.ndarray, float]],
    spans: list[tuple[int, int]],
    paths: np.ndarray,
    d: DocArrays | None = None,
) -> list[RawAttribution]:
    """Univocal attributions from per-cue decodings: nested ones cut their parent's content.

    Each cue's source and content masks cover its window only (``spans[k]``), and a cue is
    only compared with the cues whose content can hold it, so the work grows with the text,
    not with its square.
    """
    A = len(cues)
    src: list[np.ndarray] = []  # per cue, over its window: source tokens
    con: list[np.ndarray] = []  # per cue, over its window: content tokens
    cue_all = np.zeros(n, bool)
    for toks, _ in cues:
        cue_all[toks] = True
    punct = d.a[:, C_PUNCT] == 1 if d is not None else None
    for k in range(A):
        lo, hi = spans[k]
        p = paths[k, : hi - lo]
        s = (p == 1) | (p == 2)
        c = (p == 3) | (p == 4)
        if d is not None and punct is not None:
            snap_runs(d, c, s | cue_all[lo:hi], lo, hi, punct)
        src.append(s)
        con.append(c)
    cue_pos = [int(t.mean()) for t, _ in cues]
    ranges: list[tuple[int, int] | None] = []
    for k in range(A):
        nz = np.flatnonzero(con[k])
        lo = spans[k][0]
        ranges.append((int(nz[0]) + lo, int(nz[-1]) + lo) if len(nz) else None)
    parent: list[int | None] = [None] * A
    # A cue inside another attribution's content range is nested in the narrowest such one
    # (the first of equals).  Candidates: the ranges that start at most the longest range's
    # length before the cue, found by bisection in the ranges sorted by start.
    with_range = sorted((r[0], a) for a, r in enumerate(ranges) if r is not None)
    starts = [r0 for r0, _ in with_range]
    longest = max((r[1] - r[0] for r in ranges if r is not None), default=0)
    for b in range(A):
        best: tuple[int, int] | None = None
        cb0, cb1 = int(cues[b][0][0]), int(cues[b][0][-1])
        first = bisect.bisect_left(starts, cb0 - longest)
        last = bisect.bisect_right(starts, cb0)
        for _, a in with_range[first:last]:
            r = ranges[a]
            if a == b or r is None or not (r[0] <= cb0 and cb1 <= r[1]):
                continue
            if best is None or (r[1] - r[0], a) < best:
                best = (r[1] - r[0], a)
        if best is not None and parent[best[1]] != b:
            parent[b] = best[1]
    for b in range(A):
        outer = parent[b]
        if outer is not None:
            blo = spans[b][0]
            inner = np.flatnonzero(src[b] | con[b]) + blo
            inner = np.union1d(inner, cues[b][0])
            olo, ohi = spans[outer]
            inner = inner[(inner >= olo) & (inner < ohi)] - olo
            con[outer][inner] = False
            src[outer][inner] = False
    # Tokens still claimed twice go to the nearer cue.
    claim = np.zeros(n, np.int64)
    for k in range(A):
        lo, hi = spans[k]
        claim[lo:hi] += src[k] | con[k]
    owners: dict[int, list[int]] = {}
    for k in range(A):
        lo, hi = spans[k]
        for t in (np.flatnonzero((src[k] | con[k]) & (claim[lo:hi] > 1)) + lo).tolist():
            owners.setdefault(t, []).append(k)
    for t in sorted(owners):
        keep = min(owners[t], key=lambda k: abs(cue_pos[k] - t))
        for k in owners[t]:
            if k != keep:
                lo = spans[k][0]
                src[k][t - lo] = False
                con[k][t - lo] = False
    out = []
    for k in range(A):
        lo = spans[k][0]
        s_runs = [(a + lo, b + lo) for a, b in true_runs(src[k])]
        if s_runs:
            s0, s1 = min(s_runs, key=lambda r: min(abs(r[0] - cue_pos[k]), abs(r[1] - cue_pos[k])))
            source = tuple(range(s0, s1 + 1))
        else:
            source = ()
        out.append(
            RawAttribution(
                tuple(int(t) for t in cues[k][0]),
                source,
                tuple((a + lo, b + lo) for a, b in true_runs(con[k])),
                parent[k],
                cues[k][1],
            )
        )
    return out


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) of each run of True (a compiled scan)."""
    return [(a, b) for a, b in _kernels.true_runs(np.asarray(mask, bool)).tolist()]
