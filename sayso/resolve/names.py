"""Person names: folding, titles, first names with their gender, and name variants.

Shared by the within-article resolver (``speakers.py``) and cross-article identity
(``identity.py``).  The first-name table ``sayso/data/first_names.tsv`` is derived from the US
Social Security Administration's baby-name counts (public domain); see its header and
``scripts/first_names.py``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Literal

Gender = Literal["m", "f"]

#: Titles and honorifics dropped from the front of a person's name.
TITLES = frozenset(
    """
    mr mrs ms miss dr prof president vice secretary sen senator rep representative gov governor
    mayor judge justice gen general col colonel lt capt captain sgt adm admiral minister
    prime foreign chancellor premier king queen prince princess pope sir lady lord rev
    reverend sheriff chief deputy ambassador attorney speaker leader former acting candidate
    nominee state press spokesman spokeswoman spokesperson first emperor dame sheikh
    us u.s. uk u.k. eu un white house american russian ukrainian british french german chinese
    israeli iranian turkish indian japanese
    """.split()
)
#: Titles that tell a person's gender.
GENDER_TITLES: dict[str, Gender] = {
    "mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "lady": "f", "king": "m",
    "queen": "f", "prince": "m", "princess": "f", "dame": "f", "lord": "m", "emperor": "m",
    "spokesman": "m", "spokeswoman": "f", "congressman": "m", "congresswoman": "f",
    "chairman": "m", "chairwoman": "f", "businessman": "m", "businesswoman": "f",
}  # fmt: skip
#: Name suffixes dropped from the end ("Joseph R. Biden, Jr.").
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})
#: Short and informal names of places and bodies, to the name every article's speaker takes
#: ("the US" and "the U.S." are the United States), keyed by ``plain`` without dots.
CANONICAL_NAMES: dict[str, str] = {
    "us": "United States", "usa": "United States", "united states of america": "United States",
    "america": "United States", "uk": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "eu": "European Union", "un": "United Nations",
    "russian federation": "Russia", "the netherlands": "Netherlands",
}  # fmt: skip
#: A first name is taken as one gender when at least this share of its bearers has it.
GENDER_SHARE = 0.9
#: Longest surname edit distance (per this many characters) for a transliteration variant.
SURNAME_EDITS_PER_CHARS = 4


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """Casefolded, diacritics removed, curly apostrophes straightened, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("ı", "i").split())


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The comparison key of one word of a name (no dots, diacritics or case)."""
    return plain(word).strip(".,")


def canonical_name(name: str) -> str:
    """The one name of a place or body written several ways ("the U.S." -> "United States");
    ``name`` itself when it has no other."""
    key = plain(name).replace(".", "")
    key = key[4:] if key.startswith("the ") else key
    return CANONICAL_NAMES.get(key, name)


def strip_title(words: list[str]) -> list[str]:
    """``words`` without leading titles ("President", "Mr.") and trailing suffixes ("Jr.")."""
    while len(words) > 1 and word_key(words[0]) in TITLES:
        words = words[1:]
    while len(words) > 1 and word_key(words[-1]) in SUFFIXES:
        words = words[:-1]
    if words:
        words[-1] = words[-1].rstrip(",")
    return words


@lru_cache(maxsize=1)
def _first_names() -> dict[str, float]:
    table: dict[str, float] = {}
    text = resources.files("sayso").joinpath("data/first_names.tsv").read_text("utf-8")
    for line in text.splitlines()[1:]:
        if line.startswith("#") or line.startswith("name\t"):
            continue
        name, share = line.split("\t")
        table[name] = float(share)
    return table


def is_first_name(word: str) -> bool:
    """Whether ``word`` is a common first name."""
    return word_key(word) in _first_names()


def first_name_gender(word: str) -> Gender | None:
    """The gender most bearers of this first name have, when clear; else None."""
    share = _first_names().get(word_key(word))
    if share is None:
        return None
    if share >= GENDER_SHARE:
        return "f"
    if share <= 1 - GENDER_SHARE:
        return "m"
    return None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def same_surname(a: str, b: str) -> bool:
    """Spelling or transliteration variants of one surname (Zelensky, Zelenskyy, Zelenskiy)."""
    a, b = word_key(a), word_key(b)
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[:3] != b[:3]:
        return False
    return edit_distance(a, b) <= max(1, min(len(a), len(b)) // SURNAME_EDITS_PER_CHARS)


#: Short forms of first names that name the same person ("Joe Biden", "Joseph R. Biden").
NICKNAMES = {
    "joe": "joseph", "bob": "robert", "rob": "robert", "bill": "william", "will": "william",
    "mike": "michael", "jim": "james", "jimmy": "james", "tom": "thomas", "dick": "richard",
    "rick": "richard", "tony": "anthony", "ted": "edward", "ed": "edward", "chuck": "charles",
    "charlie": "charles", "dan": "daniel", "dave": "david", "steve": "steven", "nick": "nicholas",
    "alex": "alexander", "sam": "samuel", "ben": "benjamin", "andy": "andrew", "pat": "patrick",
    "liz": "elizabeth", "beth": "elizabeth", "kate": "katherine", "jen": "jennifer",
    "chris": "christopher", "matt": "matthew", "greg": "gregory", "jeff": "jeffrey",
    "vlad": "vladimir", "don": "donald", "ron": "ronald", "bernie": "bernard",
}  # fmt: skip


def same_first_name(a: str, b: str) -> bool:
    """One first name in two forms: equal, a nickname, or an initial ("J.")."""
    a, b = word_key(a), word_key(b)
    if not a or not b:
        return False
    if a == b or NICKNAMES.get(a, a) == NICKNAMES.get(b, b):
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return False


def same_person_name(a: str, b: str) -> bool:
    """Two full names of one person: same first name (or nickname) and surname variants.

    Two different full names never match ("Joe Biden", "Hunter Biden").
    """
    wa, wb = strip_title(a.split()), strip_title(b.split())
    if len(wa) < 2 or len(wb) < 2:
        return False
    return same_first_name(wa[0], wb[0]) and same_surname(wa[-1], wb[-1])
