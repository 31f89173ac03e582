"""Identity across articles: which stored speakers are the same person.

Within an article the resolver maps ``Putin`` to ``Vladimir Putin`` when the article names him
in full.  An article that only ever says ``Putin`` stores a speaker called ``Putin``.  Across the
database:

* full names join when their first names agree (equal, a nickname, an initial: ``Joe Biden``,
  ``Joseph R. Biden``) and their surnames are spelling, diacritic or transliteration variants
  (``Zelensky``, ``Zelenskyy``; ``Erdogan``, ``Erdoğan``); two different full names never do;
* a one-word or titled name (``Putin``, ``President Trump``) joins the one full-name identity
  with that surname; when two share it (``Joe Biden``, ``Hunter Biden``) nothing is suggested:
  a wrong merge is worse than a missed one (each article's own context already chose).

Each identity is named by the form people go by: one without a middle initial, then its most used
(statement counts when given), then its longest.
Suggestions go into the user-editable alias table, where they can be removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models import Speaker
from . import names as nm


def _fold(s: str) -> str:
    return nm.plain(s)


def _has_initial(name: str) -> bool:
    """Whether a name has a lone initial inside it ("Joseph R. Biden")."""
    words = nm.strip_title(name.split())
    return any(len(nm.word_key(w)) == 1 for w in words[1:-1])


@dataclass(frozen=True, slots=True)
class Merge:
    """A suggested merge: ``alias`` names the same person as ``canonical``, and why."""

    alias: str  #: the stored speaker name to fold in ("Zelenskyy")
    canonical: str  #: the identity's name ("Volodymyr Zelensky")
    reason: str  #: the evidence, in words ("spelling variant of the surname")


def _why(name: str, canonical: str) -> str:
    """The evidence that two full names are one person's."""
    a, b = nm.strip_title(name.split()), nm.strip_title(canonical.split())
    parts = []
    if nm.word_key(a[0]) != nm.word_key(b[0]):
        parts.append(f"first name {a[0]} ~ {b[0]} (nickname or initial)")
    if nm.word_key(a[-1]) != nm.word_key(b[-1]):
        parts.append(f"surname {a[-1]} ~ {b[-1]} (spelling variant)")
    elif a[-1].casefold() != b[-1].casefold():
        parts.append(f"surname {a[-1]} ~ {b[-1]} (diacritics)")
    if len(a) != len(b):
        parts.append("middle name or initial")
    return "; ".join(parts) or "same name, written differently"


def suggest_merges(
    speakers: Iterable[Speaker], taken: Iterable[str] = (), counts: Mapping[str, int] | None = None
) -> list[Merge]:
    """Merges of person names across articles, each with its evidence.

    ``taken`` are aliases already in the table (the user's choices win; none is re-suggested);
    ``counts`` (statements per speaker name) picks each identity's name.
    """
    counts = counts or {}
    taken_keys = {_fold(a) for a in taken}
    speakers = list(speakers)
    persons = [
        s for s in speakers if s.kind == "person" and all(w[:1].isupper() for w in s.name.split())
    ]
    # The NER calls a lone surname an organisation now and then ("Zelenskyy"): one word that is
    # a person's surname is a candidate too.
    extra = [
        s.name for s in speakers if s.kind in ("organization", "unknown") and " " not in s.name
    ]
    # ... and a full name ("Volodymyr Zelenskyy" once, beside a person "Volodymyr Zelensky").
    named_orgs = [
        s.name
        for s in speakers
        if s.kind in ("organization", "unknown")
        and 2 <= len(s.name.split()) <= 3
        and all(w[:1].isupper() for w in s.name.split())
    ]
    clusters: list[list[str]] = []
    singles: list[str] = []
    for s in persons:
        words = nm.strip_title(s.name.split())
        if len(words) >= 2 and nm.word_key(s.name.split()[0]) not in nm.TITLES:
            for c in clusters:
                if nm.same_person_name(c[0], s.name):
                    c.append(s.name)
                    break
            else:
                clusters.append([s.name])
        else:
            singles.append(s.name)

    for name in named_orgs:
        fits = [c for c in clusters if nm.same_person_name(c[0], name)]
        if len(fits) == 1:
            fits[0].append(name)

    def canonical(names: list[str]) -> str:
        # The name people go by: a form without a middle initial ("Joe Biden", not the formal
        # "Joseph R. Biden" of White House readouts), then the most used, then the longest.
        people = [n for n in names if n not in named_orgs] or names

        def used(n: str) -> int:
            # Its own statements and those of the lone surnames spelled like it ("Zelenskyy").
            last = nm.word_key(nm.strip_title(n.split())[-1])
            alone = [x for x in singles + extra if nm.word_key(x.split()[-1]) == last]
            return counts.get(n, 0) + sum(counts.get(x, 0) for x in alone)

        return max(sorted(people), key=lambda n: (not _has_initial(n), used(n), len(n)))

    out: list[Merge] = []
    for c in clusters:
        name = canonical(c)
        out += [
            Merge(n, name, _why(n, name)) for n in c if n != name and _fold(n) not in taken_keys
        ]
    for single in singles + extra:
        if _fold(single) in taken_keys:
            continue
        surname = nm.strip_title(single.split())[-1]
        fits = [c for c in clusters if nm.same_surname(surname, c[0].split()[-1])]
        if len(fits) == 1:
            name = canonical(fits[0])
            how = "surname" if " " not in single else "titled surname"
            out.append(Merge(single, name, f"{how} of the only full name with it in the database"))
    return sorted(out, key=lambda m: (m.alias, m.canonical))


def suggest_aliases(
    speakers: Iterable[Speaker], taken: Iterable[str] = (), counts: Mapping[str, int] | None = None
) -> list[tuple[str, str]]:
    """``(alias, canonical)`` pairs of :func:`suggest_merges`."""
    return [(m.alias, m.canonical) for m in suggest_merges(speakers, taken, counts)]
