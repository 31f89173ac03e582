"""Find direct quotations in a text by their marks, straight or curly.

News convention: a quotation that runs over several paragraphs opens each paragraph with an
opening mark and closes only at its end.  So an opening mark with no closing mark before the
next paragraph's opening mark continues into that paragraph.  Unpaired marks are ignored.
"""

from __future__ import annotations

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


def find_quotes(text: str) -> list[Quote]:
    """All quotations in ``text``, in order; never raises on unbalanced marks."""
    quotes: list[Quote] = []
    open_at: int | None = None
    pieces: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
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
        kind = _is_opening(text, i) if ch in OPEN_DOUBLE | CLOSE_DOUBLE or ch == '"' else None
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
