"""Find direct quotations in a text by their marks, straight or curly.

News convention: a quotation that runs over several paragraphs opens each paragraph with an
opening mark and closes only at its end.  So an opening mark with no closing mark before the
next paragraph's opening mark continues into that paragraph.  Unpaired marks are ignored.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from .lexicon import CLOSE_DOUBLE, OPEN_DOUBLE, STRAIGHT_DOUBLE

_OPENING_CONTEXT = set(" \t\n\r([{\u2014\u2013-/:;")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: one piece per paragraph it runs over, marks included."""

    pieces: tuple[tuple[int, int], ...]  #: (start, end) character offsets, marks included

    @property
    def start(self) -> int:
        """Offset of the opening mark."""
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        """Offset one past the closing mark (or the end of the last paragraph)."""
        return self.pieces[-1][1]


def _is_opening(text: str, i: int) -> bool | None:
    ch = text[i]
    if ch in OPEN_DOUBLE:
        return True
    if ch in CLOSE_DOUBLE:
        return False
    if ch != STRAIGHT_DOUBLE:
        return None
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before in _OPENING_CONTEXT:
        return True
    if after.isspace() or after in ".,;:!?)]}\u2014-":
        return False
    # A mark glued on both sides ('a"b'): call it closing, the safer guess mid-word.
    return not before.isalnum()


def _paragraph_end(text: str, i: int) -> int:
    """End of the paragraph containing offset i (before its newline run)."""
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def quoted(piece: str) -> bool:
    """Does this piece of text begin with an opening quote mark and end with a closing one?"""
    return (
        len(piece) >= 2
        and piece[0] in OPEN_DOUBLE | {STRAIGHT_DOUBLE}
        and piece[-1] in CLOSE_DOUBLE | {STRAIGHT_DOUBLE}
    )


class Quotes(list[Quote]):
    """The quotations of a text in order, with lookups by bisection: a text with thousands of
    quote marks is not scanned once per word.  Quotations never overlap (``find_quotes`` holds
    one open quotation at a time), so their starts, their ends and their pieces all ascend."""

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [q.start for q in self]

    @functools.cached_property
    def _ends(self) -> list[int]:
        return [q.end for q in self]

    @functools.cached_property
    def _pieces(self) -> list[tuple[int, int, int]]:
        return [(s, e, k) for k, q in enumerate(self) for s, e in q.pieces]

    @functools.cached_property
    def _piece_starts(self) -> list[int]:
        return [s for s, _, _ in self._pieces]

    def piece_at(self, pos: int) -> tuple[int, int, Quote] | None:
        """The piece holding offset ``pos`` (start <= pos < end), with its quotation."""
        k = bisect.bisect_right(self._piece_starts, pos) - 1
        if k >= 0 and pos < self._pieces[k][1]:
            s, e, q = self._pieces[k]
            return s, e, self[q]
        return None

    def at(self, pos: int) -> Quote | None:
        """The quotation with a piece holding offset ``pos``."""
        hit = self.piece_at(pos)
        return hit[2] if hit is not None else None

    def ending_by(self, pos: int) -> Quote | None:
        """The last quotation that ends at or before ``pos``."""
        k = bisect.bisect_right(self._ends, pos)
        return self[k - 1] if k else None

    def starting_from(self, pos: int) -> Quote | None:
        """The first quotation that starts at or after ``pos``."""
        k = bisect.bisect_left(self._starts, pos)
        return self[k] if k < len(self) else None

    def spanning(self, lo: int, hi: int) -> list[Quote]:
        """The quotations, in order, that start at or before ``lo`` and end at or after ``hi``."""
        first = bisect.bisect_left(self._ends, hi)
        last = bisect.bisect_right(self._starts, lo)
        return self[first:last]


#: The only characters find_quotes acts on: line breaks and double quote marks (the rest of a
#: text is skipped by the regex engine, not walked in Python).
_MARKS = re.compile(
    "[\n" + re.escape("".join(sorted(OPEN_DOUBLE | CLOSE_DOUBLE | {STRAIGHT_DOUBLE}))) + "]"
)


@functools.lru_cache(maxsize=8)
def find_quotes(text: str) -> Quotes:
    """All quotations in ``text``, in order; never raises on unbalanced marks.

    Remembered for the last few texts: the extractors, the labelling pass and the resolver
    each ask for the same article's quotations (the result is shared: never change it).
    """
    quotes = Quotes()
    open_at: int | None = None
    pieces: list[tuple[int, int]] = []
    for found in _MARKS.finditer(text):
        i = found.start()
        ch = text[i]
        if ch == "\n" and open_at is not None:
            # The quote stays open over the break only if the next paragraph opens with a mark.
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text) and _is_opening(text, j) is True:
                end = _paragraph_end(text, open_at)
                pieces.append((open_at, end))
                open_at = None  # the next paragraph's opening mark re-opens it
                continue
            if i + 1 < len(text) and text[i + 1] == "\n" or j > i:
                open_at, pieces = None, []
            continue
        kind = _is_opening(text, i)
        if kind is None:
            continue
        if kind:
            if open_at is not None:
                # An opening mark inside an open quote in the same paragraph: the earlier mark
                # was unpaired; start again from this one.
                pieces = []
            open_at = i
        elif open_at is not None:
            pieces.append((open_at, i + 1))
            quotes.append(Quote(tuple(pieces)))
            open_at, pieces = None, []
    return quotes
