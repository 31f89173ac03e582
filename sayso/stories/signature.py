"""What an article is about, cheaply: its date, its weighted names, and a MinHash of its words.

No spaCy and no extraction: grouping thousands of articles must cost a regular expression pass
each.  Names are capitalised words that the text never uses in lower case (so "President" and
"Allies" drop out when the text also says "the president" and "allies"), folded so that spelling
variants meet ("Zelensky", "Zelenskyy"; "U.S.", "American", "United States of America").
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..models import Article
from . import settings

_EPOCH = _dt.date(1970, 1, 1)

# Multi-word and adjectival names of the same place, folded to one key before tokenising.  Only
# what the readouts and wire copy need to meet across outlets; a full gazetteer would be data.
_PLACE_FORMS: tuple[tuple[str, str], ...] = (
    (r"United States of America|Untied States of America|United States|U\.S\.A\.|U\.S\.|"
     r"\bUSA\b|\bUS\b|\bAmericans?\b|\bAmerica\b", " Usa "),
    (r"Russian Federation|\bRussians?\b|\bRussia\b", " Russia "),
    (r"\bUkrainians?\b|\bUkraine\b", " Ukraine "),
    (r"United Kingdom|Great Britain|\bBritish\b|\bBritain\b|\bU\.K\.|\bUK\b", " Uk "),
    (r"European Union|\bEU\b", " Eu "),
    (r"People's Republic of China|\bChinese\b|\bChina\b", " China "),
    (r"\bFrench\b|\bFrance\b", " France "),
    (r"\bGerman\b|\bGermany\b", " Germany "),
    (r"\bPolish\b|\bPoland\b", " Poland "),
    (r"\bTurkish\b|\bTurkey\b|\bTürkiye\b", " Turkey "),
    (r"\bIsraeli\b|\bIsrael\b", " Israel "),
    (r"\bIranian\b|\bIran\b", " Iran "),
    (r"\bJapanese\b|\bJapan\b", " Japan "),
    (r"\bIndian\b|\bIndia\b", " India "),
    (r"\bCanadian\b|\bCanada\b", " Canada "),
    (r"\bItalian\b|\bItaly\b", " Italy "),
    (r"\bBelarusian\b|\bBelarus\b", " Belarus "),
)
# One alternation for all forms (one pass over the text); each form's group names its key.
_PLACES = re.compile("|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(_PLACE_FORMS)))
_PLACE_KEYS = {f"g{i}": r for i, (_, r) in enumerate(_PLACE_FORMS)}

# Capitalised words that are never names worth blocking on, even when the text has no
# lower-case use of them (titles, calendar words, the words of a readout's headline). "Day":
# "Ecologist Day" and "Journalist Day" side by side in a lead were one person, "Day", who
# joined a Kremlin greeting and two unrelated Kyiv items into one story.
_NOT_NAMES = frozenset(
    """
    a an the and or of in on at to for by with from as but if this that these those it its he she
    they we i you his her their our my your there here today tonight yesterday tomorrow also both
    during after before while when where which who what why how all any each every some such no not
    mr mrs ms dr jr sr st president presidents vice prime minister ministers secretary head chief
    office administration government house white press spokesperson national security advisor
    aide foreign affairs ministry department state deputy general director chairman chancellor
    king queen prince majesty excellency readout statement statements call calls conversation
    telephone phone video meeting remarks briefing background senior official officials leader
    leaders january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday day days week year anniversary
    moderator q thank thanks good via
    p.m a.m est edt cest cet utc gmt i’m i'm i’ve i've let we’re we're
    """.split()
)

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_TOKEN = re.compile(r"\w+", re.UNICODE)
#: What may stand between a first name and a surname: a space, or an initial ("Joseph R. Biden").
_NAME_GAP = re.compile(r" (?:[A-Z]\. )?")
#: A word after an initial or a short title does not start a sentence ("R. Biden", "Mr. Yermak").
_AFTER_INITIAL = re.compile(r"(?:\b[A-Z]|\bMr|\bMrs|\bMs|\bDr|\bSt)\. $")


@dataclass(frozen=True, slots=True)
class Signature:
    """The grouping features of one article."""

    article_id: str  #: the article
    day: int | None  #: the event's day in days since 1970-01-01 (:func:`event_day`; None: unknown)
    keys: dict[str, float]  #: folded names and their weights, at most MAX_KEYS
    minhash: np.ndarray  #: uint64 MinHash of its word shingles (PERMUTATIONS values)
    outlet: str | None = None  #: who published it (two accounts of one event by one outlet
    #: are published the same day)
    readout: bool = False  #: its headline says it is the outlet's readout of the event
    address: bool = False  #: its headline says it is a leader's address of the day
    #: (:func:`is_address`)

    def bands(self) -> list[tuple[int, int]]:
        """The (band, hash) pairs of its MinHash for the near-duplicate index."""
        rows = settings.PERMUTATIONS // settings.DUPLICATE_BANDS
        out = []
        for b in range(settings.DUPLICATE_BANDS):
            chunk = self.minhash[b * rows : (b + 1) * rows].tobytes()
            # SQLite integers are signed 64-bit: keep 63 bits of a stable hash.
            out.append((b, int.from_bytes(_digest(chunk), "big") >> 1))
        return out


def _digest(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=8).digest()


def day_of(article: Article) -> int | None:
    """The publication date as days since 1970-01-01, or None when unknown."""
    d = article.published_date
    return (d - _EPOCH).days if d else None


_MONTHS = ("january february march april may june july august september october november "
           "december").split()
#: "On February 15, Vladimir Putin will hold talks ...": an announcement of a later event.
_ANNOUNCED = re.compile(
    r"\bOn (" + "|".join(m.capitalize() for m in _MONTHS) + r") (\d{1,2})(?:, (\d{4}))?,?"
    r"[^.!?\n]{0,160}?\bwill\b"
)


def event_day(article: Article) -> int | None:
    """The day of the event an article reports, as days since 1970-01-01: the day an
    announcement in its headline or lead names ("On February 15, Vladimir Putin will hold
    talks ...", up to ``ANNOUNCED_MAX_DAYS`` after publication), else the publication day."""
    published = day_of(article)
    if published is None:
        return None
    m = _ANNOUNCED.search(article.text, 0, settings.LEAD_CHARS)
    if m is None:
        return published
    pub = _EPOCH + _dt.timedelta(days=published)
    month, day = _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))
    year = int(m.group(3)) if m.group(3) else pub.year + (month < pub.month)
    try:
        announced = (_dt.date(year, month, day) - _EPOCH).days
    except ValueError:  # "On February 30"
        return published
    return announced if 0 <= announced - published <= settings.ANNOUNCED_MAX_DAYS else published


def date_of(day: int) -> str:
    """The ISO date of a day number."""
    return (_EPOCH + _dt.timedelta(days=day)).isoformat()


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """The key of a name: lower case, no accents or possessive, doubled final 'yy'/'iy' -> 'y'."""
    w = unicodedata.normalize("NFKD", word)
    w = "".join(c for c in w if not unicodedata.combining(c)).casefold()
    w = re.sub(r"['’]s?$", "", w).strip(".-'’")
    if w.endswith(("yy", "iy")):
        w = w[:-2] + "y"
    return w


#: The keys of those places (not participants: every account of a call names both countries).
PLACE_KEYS = frozenset(fold(r.strip()) for _, r in _PLACE_FORMS)


#: Prefix of the keys that mark a person named in the lead ("@putin"): kept with the names so
#: that one JSON object holds a signature, and matched like any name (shared leads weigh more).
PERSON = "@"


def lead_names(keys: dict[str, float]) -> set[str]:
    """The people a signature's headline or lead names (first name + surname seen together)."""
    return {k[1:] for k in keys if k.startswith(PERSON)}


def lead_keys(keys: dict[str, float]) -> set[str]:
    """The names a signature's headline or lead holds (their weight says so)."""
    floor = 1.0 + math.log(settings.LEAD_WEIGHT) - 1e-3
    return {k for k, w in keys.items() if w >= floor and not k.startswith(PERSON)}


def principal(outlet: str | None) -> str | None:
    """The folded surname of an outlet's leader (``PRINCIPALS``), or None."""
    if outlet:
        for name, surname, _ in settings.PRINCIPALS:
            if name in outlet:
                return fold(surname)
    return None


def home(outlet: str | None) -> str | None:
    """The key of an outlet's own country (``PRINCIPALS``), or None."""
    if outlet:
        for name, _, country in settings.PRINCIPALS:
            if name in outlet:
                return fold(normalise_places(country).strip())
    return None


def normalise_places(text: str) -> str:
    """The text with the forms of a few places folded to one capitalised word each."""
    return _PLACES.sub(lambda m: _PLACE_KEYS[m.lastgroup or ""], text)


def names(text: str, lead_chars: int = settings.LEAD_CHARS) -> dict[str, float]:
    """The weighted names of a text: (1 + log count), names in the lead count LEAD_WEIGHT times."""
    lowered = {m.group(0) for m in _TOKEN.finditer(text) if m.group(0).islower()}
    norm = normalise_places(text)
    norm_lead = len(normalise_places(text[:lead_chars]))
    found: list[tuple[str, bool, int, int]] = []  # (key, starts a sentence, start, end)
    for m in _WORD.finditer(norm):
        word = m.group(0).rstrip(".-'’")
        if not word or not word[0].isupper():
            continue
        key = fold(word)
        if len(key) < 2 or key in _NOT_NAMES or word.lower() in lowered:
            continue
        before = norm[max(0, m.start() - 3) : m.start()].rstrip(" \"“‘*")
        initial = (not before or before[-1] in ".!?:\n") and not _AFTER_INITIAL.search(
            norm, max(0, m.start() - 6), m.start()
        )
        # "President of France Emmanuel Macron": the word after "of" is a place, not a name.
        of = norm[max(0, m.start() - 3) : m.start()] == "of "
        # A word that ends a sentence ("... Joseph Biden. Volodymyr Zelenskyy thanked") starts
        # no person with the next one; an initial ("R.") does.
        stop = m.group(0).endswith(".") and len(word) > 1
        found.append((key, initial, m.start(), -1 if of or stop else m.end()))
    # A capitalised word that only ever starts sentences is an ordinary word ("Therefore"),
    # unless a name follows it at once ("Vladimir Putin had a telephone conversation").
    mid = {key for key, initial, _, _ in found if not initial}
    mid |= {
        key for (key, initial, _, end), nxt in zip(found, found[1:], strict=False)
        if initial and end >= 0 and nxt[2] == end + 1
    }  # fmt: skip
    counts: defaultdict[str, float] = defaultdict(float)
    people: set[str] = set()
    previous: tuple[str, int] | None = None  # the last name and where it ended
    for key, initial, start, end in found:
        if initial and key not in mid:
            previous = None
            continue
        counts[key] += settings.LEAD_WEIGHT if start < norm_lead else 1.0
        # Two names side by side in the lead ("Viktor Orban", "Joseph R. Biden") are a person,
        # known by the surname: accounts differ on first names ("Joe", "Joseph") or drop them.
        if previous is not None and start < norm_lead and _NAME_GAP.fullmatch(
            norm, previous[1], start
        ):
            people |= {key} - PLACE_KEYS
        previous = (key, end) if end >= 0 else None
    people |= event_parties(text)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: settings.MAX_KEYS]
    out = {k: round(1.0 + math.log(c), 4) for k, c in ranked}
    out.update({PERSON + p: 1.0 for p in sorted(people)})
    return out


#: "... said, answering journalists' questions after talks with French President Emmanuel
#: Macron in Kyiv": where a statement was made, which names the event an article reports.
_EVENT_WITH = re.compile(
    r"\b(?:after|following|during|at|before)\s+(?:the\s+|a\s+|his\s+|her\s+|their\s+)?"
    r"(?:[\w-]+\s+){0,2}(?:talks|meeting|negotiations|conversation|call|press conference)\s+"
    r"(?:held\s+)?with\s+([^,.;:!?\n]{3,120})"
)
#: Capitalised words in a row, a person's surname last ("French President Emmanuel Macron",
#: "Austria Karl Nehammer", "Joseph R. Biden").
_FULL_NAME = re.compile(r"\b[A-Z][\w'’-]+(?: (?:[A-Z]\. )?[A-Z][\w'’-]+)+")


def event_parties(text: str) -> set[str]:
    """The folded surnames of the people an article says a statement was made with ("after
    talks with French President Emmanuel Macron"), in its first ``PARTY_CHARS`` characters."""
    out: set[str] = set()
    for m in _EVENT_WITH.finditer(text, 0, settings.PARTY_CHARS):
        names_found = [fold(n.group(0).split()[-1]) for n in _FULL_NAME.finditer(m.group(1))]
        names_found = [n for n in names_found if n not in PLACE_KEYS and n not in _NOT_NAMES]
        if names_found:
            out.add(names_found[0])
    return out


def shingles(text: str) -> set[bytes]:
    """The word shingles of a text (lower case, punctuation dropped)."""
    words = _TOKEN.findall(text.casefold())
    n = settings.SHINGLE_WORDS
    if len(words) < n:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


def minhash(text: str) -> np.ndarray:
    """The MinHash signature of a text's shingles (datasketch, fixed seed)."""
    from datasketch import MinHash  # type: ignore[import-untyped]  # ships no type hints

    # CRC-32 instead of datasketch's default SHA-1: a C call per shingle, stable across runs.
    m = MinHash(num_perm=settings.PERMUTATIONS, seed=settings.MINHASH_SEED, hashfunc=zlib.crc32)
    sh = shingles(text)
    if sh:
        m.update_batch(list(sh))
    return np.asarray(m.hashvalues, dtype=np.uint64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two MinHash signatures estimate."""
    return float(np.count_nonzero(a == b)) / len(a)


#: The headline of an outlet's one item on an act (:func:`is_readout`).
_READOUT = re.compile(
    r"\s*(?:readout\b|(?:telephone |phone )?conversation with\b|executive order\b|"
    r"(?:president (?:has )?signed )?(?:federal )?law\b|(?:\w+ )?greetings\b)",
    re.IGNORECASE,
)

#: A headline whose subject is left implicit because it is the publisher's own leader: the
#: Kremlin's "Telephone conversation with President of France Emmanuel Macron", "Talks with
#: ...", "Russian-Indian talks", "News conference following Russian-German talks".
_IMPLICIT_SUBJECT = re.compile(
    r"^(?:(?:telephone|phone|video) )?(?:conversations?|talks|meeting|call|negotiations) with\b"
    r"|\b[A-Z][\w]+-[A-Z][\w]+ (?:talks|summit|consultations|negotiations)\b",
    re.IGNORECASE,
)


def is_readout(title: str | None) -> bool:
    """Whether a headline is an outlet's one item on an act: its readout of a call or meeting
    ("Readout of President Biden's Call with ...", the Kremlin's "Telephone conversation with
    ..."), or the act itself ("Executive Order on ...", "President signed Federal Law ...",
    "Easter greetings").  An outlet writes one such item per act, so two of them are two
    events."""
    return bool(title and _READOUT.match(title))


#: A leader's address to the nation, as Kyiv titles its evening addresses: "<a quote> - address
#: by President Volodymyr Zelenskyy", "... - President's address", "Stand firm: Address by the
#: President of Ukraine"; not a speech to an audience ("Address by ... to the participants of
#: the Global Forum"), which is part of that event.
_ADDRESS = re.compile(r"\baddress\b", re.IGNORECASE)
_AUDIENCE = re.compile(r"\b(?:to|before|at)\b", re.IGNORECASE)


def is_address(title: str | None) -> bool:
    """Whether a headline is a leader's address of the day: it reviews the day's events (an
    evening address lists the calls and visits of the day) without being their account, so
    it is a story of its own (the stories gold's ``mentioned_in``)."""
    m = _ADDRESS.search(title or "")
    return m is not None and _AUDIENCE.search(title or "", m.end()) is None


def implicit_subject(article: Article) -> str | None:
    """The folded surname of the leader a headline leaves implicit (``PRINCIPALS`` by
    outlet), or None when the headline has a subject or the outlet no known leader."""
    if not article.title or not _IMPLICIT_SUBJECT.search(article.title):
        return None
    return principal(article.source)


def signature(article: Article) -> Signature:
    """The grouping features of an article."""
    keys = names(article.text)
    principal = implicit_subject(article)
    if principal is not None:
        keys.setdefault(PERSON + principal, 1.0)
    return Signature(article.id, event_day(article), keys, minhash(article.text),
                     article.source, is_readout(article.title),
                     is_address(article.title))  # fmt: skip
