"""Identity across articles: which stored speakers are the same person.

Within an article the resolver maps ``Putin`` to ``Vladimir Putin`` when the article names him
in full.  An article that only ever says ``Putin`` stores a speaker called ``Putin``.  Across the
database, a one-word person name whose word is the surname of exactly one fully named person is
suggested as an alias of that person (``Putin`` -> ``Vladimir Putin``).  When two full names
share the surname (``Joe Biden``, ``Hunter Biden``) nothing is suggested: a wrong merge is worse
than a missed one.  Suggestions go into the user-editable alias table, where they can be removed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Speaker


def _fold(s: str) -> str:
    return " ".join(s.casefold().split())


def suggest_aliases(
    speakers: Iterable[Speaker], taken: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """``(alias, canonical)`` pairs that merge person names across articles.

    Full names with the same surname and first initial are taken for one person
    (``Joe Biden``, ``Joseph R. Biden``) named by its longest form; a one-word name goes to the
    single such person with that surname.  ``taken`` are aliases already in the table (the
    user's choices win; none is re-suggested).
    """
    taken_keys = {_fold(a) for a in taken}
    persons = [s for s in speakers if s.kind == "person"]
    groups: dict[str, dict[str, set[str]]] = {}  # surname -> first initial -> full names
    for s in persons:
        words = s.name.split()
        if len(words) >= 2:
            initial = _fold(words[0])[:1]
            groups.setdefault(_fold(words[-1]), {}).setdefault(initial, set()).add(s.name)
    out: list[tuple[str, str]] = []
    for by_initial in groups.values():
        for names in by_initial.values():
            canonical = max(sorted(names), key=len)
            out += [(n, canonical) for n in names if n != canonical and _fold(n) not in taken_keys]
    for s in persons:
        words = s.name.split()
        if len(words) != 1 or _fold(s.name) in taken_keys:
            continue
        by_initial = groups.get(_fold(words[0]), {})
        if len(by_initial) == 1:
            names = next(iter(by_initial.values()))
            out.append((s.name, max(sorted(names), key=len)))
    return sorted(out)
