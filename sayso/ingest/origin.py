"""The map from an article's stored text back to the input's own text (:class:`Origin`).

The readers normalise what they read: whitespace collapsed, paragraphs joined by blank lines,
credit lines, rubrics and a repeated headline dropped, a JSON record's title put in front.
None of them changes a word, so the words of the stored text are the input's words in the same
order, some left out.  :func:`origin` pairs them up, each stored word with the next equal input
word, and records every stretch between paired words that differs as an :class:`Edit`.

Limit: the pairing is greedy, so when a left-out line holds the same word as the next kept one
("said" as a rubric above a paragraph starting with "said"), the left-out one may be paired
instead; every word still maps to an equal input word, and a span across the two then covers
the left-out words too.  Real rubrics and credit lines rarely repeat the next word.

Time: each stored word finds its partner by a binary search in the input positions of that
word, so the pairing is O(n log n) in the text length, and the edits hold at most the input.
"""

from __future__ import annotations

import bisect
import re

from ..models import Edit, Origin

_WORD = re.compile(r"\S+")


def origin(original: str, text: str, inserted: int = 0) -> Origin:
    """The Origin of ``text`` (an article's stored text) read from ``original``.

    ``inserted``: how many leading characters of ``text`` the reader added (a headline and its
    blank line that the input kept elsewhere); they map to no input text.
    """
    edits: list[Edit] = []
    if inserted:
        edits.append(Edit(0, inserted, ""))
    positions: dict[str, list[int]] = {}
    words = list(_WORD.finditer(original))
    for i, m in enumerate(words):
        positions.setdefault(m.group(), []).append(i)
    s_pos, o_pos, next_word = inserted, 0, 0
    for m in _WORD.finditer(text, inserted):
        found = positions.get(m.group())
        if not found:
            continue  # a word the input does not have (none expected): part of the next edit
        k = bisect.bisect_left(found, next_word)
        if k == len(found):
            continue
        w = words[found[k]]
        if text[s_pos : m.start()] != original[o_pos : w.start()]:
            edits.append(Edit(s_pos, m.start(), original[o_pos : w.start()]))
        s_pos, o_pos, next_word = m.end(), w.end(), found[k] + 1
    if text[s_pos:] != original[o_pos:]:
        edits.append(Edit(s_pos, len(text), original[o_pos:]))
    return Origin(tuple(edits))
