"""CofeNet's PolNeAR protocol: paragraph BIO lines, text rebuild, span -> BIO, exact-span F1.

CofeNet (Wang et al., COLING 2022) published PolNeAR as paragraph-level lines of Penn-Treebank
tokens with one BIO tag per token (``O``, ``B-source``, ``I-source``, ``B-cue``, ``I-cue``,
``B-content``, ``I-content``), and scored models by exact-span F1 per role.  This module reads
those lines, rebuilds a readable text to run sayso on, maps sayso's character spans back onto the
given tokens, and scores exactly as CofeNet's code does.

Stable API (the learned extractor's training code imports these names):

- :class:`Paragraph` and :func:`read_bio` ``(path) -> list[Paragraph]``: one JSON object per line
  with ``tokens``, ``labels``, ``pos``, ``ner``, ``id`` (the PolNeAR article stem).
- :class:`RebuiltText` and :func:`rebuild_text` ``(tokens) -> RebuiltText``: the paragraph text
  with real quote marks and brackets, and each token's ``(start, end)`` in it.
- :class:`RoleSpan`, :func:`attribution_spans` ``(Attribution) -> list[RoleSpan]`` and
  :func:`spans_to_bio` ``(offsets, role_spans) -> tuple[str, ...]``: predicted character spans
  -> one BIO tag per token.
- :func:`get_element` ``(labels) -> dict[role, list[(start, end)]]``: token spans read off a tag
  sequence, CofeNet's way; :func:`score_bio` ``(gold_seqs, pred_seqs) -> dict[role, PRF]``.

Replicated from CofeNet's repository, ``cofe-ai/CofeNet`` at commit
``fb50f25a4fd9add6a450987556aeb9b958a7c22b``:

- ``exe/eval/extraction.py``, ``get_element``: a ``B-x`` closes the open span and opens an ``x``
  span; an ``I-x`` continues the open span only when it is an ``x`` span, otherwise it closes the
  open span and opens NOTHING (a stray ``I-`` tag and the ``I-`` tags after it belong to no span);
  ``O`` closes the open span; the end of the sequence closes it.
- ``exe/eval/evaluation.py``, ``evaluate_extraction`` / ``cal_evaluation_detail``
  (``type_match='exact_match'``) and ``eva_classifier`` (sklearn, ``average='binary'``): per
  paragraph and role, each gold span is a positive that is found when the identical
  ``[start, end)`` is among the predicted spans; each predicted span not in the gold is a false
  positive; the counts of all paragraphs are pooled before P/R/F1 (micro-average).  sklearn
  returns 0 for an undefined precision or recall, as :class:`~sayso.evaluate.scoring.PRF` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GoldDataError
from ..models import Attribution
from .scoring import PRF

#: The roles CofeNet tags, in the order they claim tokens when predicted spans overlap: a cue
#: or source nested inside another attribution's content keeps its own role.
ROLES = ("cue", "source", "content")
#: The tag set of ``tag.txt``.
TAGS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content")

#: Penn-Treebank escapes -> the marks a news text would have.  Curly quotes, because they say
#: which side they are on: extractors pair them without guessing.
MARKS = {
    "``": "\u201c",
    "''": "\u201d",
    "`": "\u2018",
    "'": "\u2019",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LRB-": "(",
    "-RRB-": ")",
    "-LCB-": "{",
    "-RCB-": "}",
    "--": "\u2014",
}
#: Tokens written against the token before them (no space).
_ATTACH_LEFT = frozenset(
    [",", ".", ":", ";", "?", "!", "%", ")", "]", "}", "\u201d", "\u2019", "n't", "N'T"]
)
#: Clitics PTB splits off ("Obama 's", "they 're"); they attach to the word before.
_CLITICS = frozenset(["'s", "'re", "'ve", "'ll", "'m", "'d"])
#: Tokens the next token is written against (no space after).
_ATTACH_RIGHT = frozenset(["\u201c", "\u2018", "(", "[", "{", "$", "#"])
#: A predicted span claims a token when it covers at least this share of the token's characters.
TOKEN_COVER = 0.5


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One line of CofeNet's file: a paragraph's tokens and gold tags."""

    id: str  #: the PolNeAR article stem the paragraph comes from
    line: int  #: 1-based line number in the file (paragraphs of an article are consecutive)
    tokens: tuple[str, ...]  #: Penn-Treebank tokens, as published
    labels: tuple[str, ...]  #: one gold BIO tag per token
    pos: tuple[str, ...] = ()  #: PTB part-of-speech tags, as published
    ner: tuple[str, ...] = ()  #: CoreNLP named-entity tags, as published


@dataclass(frozen=True, slots=True)
class RebuiltText:
    """A paragraph's text rebuilt from its tokens, with each token's place in it."""

    text: str  #: the readable text
    offsets: tuple[tuple[int, int], ...]  #: token i is text[start:end]


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """One predicted span piece with its role, in characters of the rebuilt text."""

    role: str  #: "source", "cue" or "content"
    start: int  #: first character
    end: int  #: one past the last character


def read_bio(path: str | Path) -> list[Paragraph]:
    """Every paragraph of a CofeNet BIO file (one JSON object per line)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldDataError(f"cannot read CofeNet file {path}: {exc}") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            tokens, labels = tuple(obj["tokens"]), tuple(obj["labels"])
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldDataError(
                f"{path}:{n}: not a CofeNet line (JSON with tokens and labels): {exc}"
            ) from exc
        if len(tokens) != len(labels):
            raise GoldDataError(f"{path}:{n}: {len(tokens)} tokens but {len(labels)} labels")
        bad = set(labels) - set(TAGS)
        if bad:
            raise GoldDataError(f"{path}:{n}: unknown tags {sorted(bad)}; expected {TAGS}")
        out.append(
            Paragraph(
                id=str(obj.get("id", "")),
                line=n,
                tokens=tokens,
                labels=labels,
                pos=tuple(obj.get("pos", ())),
                ner=tuple(obj.get("ner", ())),
            )
        )
    return out


def rebuild_text(tokens: Sequence[str]) -> RebuiltText:
    """The paragraph as a reader would see it: PTB escapes undone, no space before punctuation."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    glue_next = True  # no space before the first token
    for tok in tokens:
        mark = MARKS.get(tok, tok)
        attach = mark in _ATTACH_LEFT or tok.lower() in _CLITICS or tok in ("n't", "N'T")
        if not glue_next and not attach:
            parts.append(" ")
            pos += 1
        parts.append(mark)
        offsets.append((pos, pos + len(mark)))
        pos += len(mark)
        glue_next = mark in _ATTACH_RIGHT
    return RebuiltText("".join(parts), tuple(offsets))


def attribution_spans(attribution: Attribution) -> list[RoleSpan]:
    """The scored span pieces of a pipeline attribution: source, cue and each content piece."""
    out = [RoleSpan("cue", attribution.cue.start, attribution.cue.end)]
    if attribution.source is not None:
        out.append(RoleSpan("source", attribution.source.start, attribution.source.end))
    out.extend(RoleSpan("content", s.start, s.end) for s in attribution.content)
    return out


def spans_to_bio(offsets: Sequence[tuple[int, int]], spans: Iterable[RoleSpan]) -> tuple[str, ...]:
    """One tag per token: a token takes the role of a span covering it; B- opens each piece.

    A token is covered when the span holds at least ``TOKEN_COVER`` of its characters.  One role
    per token: cues claim tokens first, then sources, then contents (see ``ROLES``), and within a
    role the earlier span wins.  Where a piece loses a token to another span, its next free token
    opens a new ``B-`` span.
    """
    labels = ["O"] * len(offsets)
    ordered = sorted(spans, key=lambda s: (ROLES.index(s.role), s.start, s.end))
    for span in ordered:
        started = False
        for i, (ts, te) in enumerate(offsets):
            if te <= span.start:
                continue
            if ts >= span.end:
                break
            covered = min(te, span.end) - max(ts, span.start)
            if covered < TOKEN_COVER * (te - ts):
                continue
            if labels[i] != "O":
                started = False
                continue
            labels[i] = ("I-" if started else "B-") + span.role
            started = True
    return tuple(labels)


def get_element(labels: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Token spans ``[start, end)`` per role, read off a tag sequence exactly as CofeNet does."""
    found: dict[str, list[tuple[int, int]]] = {}
    current: str | None = None
    start = -1
    for idx, label in enumerate(labels):
        if label.startswith("B-"):
            if current is not None:
                found[current].append((start, idx))
            current, start = label[2:], idx
            found.setdefault(current, [])
        elif label.startswith("I-") and current is not None and label[2:] == current:
            continue
        else:
            # O, or an I- tag that does not continue the open span: close it, open nothing.
            if current is not None:
                found[current].append((start, idx))
            current, start = None, -1
    if current is not None:
        found[current].append((start, len(labels)))
    return found


def score_bio(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, PRF]:
    """CofeNet's exact-span P/R/F1 per role (``source``, ``cue``, ``content``), micro-averaged."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sequences but {len(predicted)} predicted")
    totals = {r: PRF() for r in ("source", "cue", "content")}
    for n, (g_seq, p_seq) in enumerate(zip(gold, predicted, strict=True)):
        if len(g_seq) != len(p_seq):
            raise ValueError(f"sequence {n}: {len(g_seq)} gold tags but {len(p_seq)} predicted")
        g_spans, p_spans = get_element(g_seq), get_element(p_seq)
        for role in totals:
            g, p = g_spans.get(role, []), p_spans.get(role, [])
            tp_gold = sum(1 for s in g if s in p)
            fp = sum(1 for s in p if s not in g)
            # As in cal_evaluation_detail: true positives are counted from the gold side.
            totals[role] = totals[role] + PRF(tp_gold, tp_gold + fp, tp_gold, len(g))
    return totals
