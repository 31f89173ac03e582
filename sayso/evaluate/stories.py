"""Stories gold (``benchmarks/gold/stories``): are articles grouped into the right stories, and
are the accounts of one story aligned into the right claims?

A gold folder holds three files (their fields are documented in the folder's README.md)::

    events.jsonl    one event (call, meeting, visit) per line, with every article reporting it
    claims.jsonl    one claim per line: a proposition, its mentions in the event's articles,
                    its status (shared / one_sided / conflict)
    articles.jsonl  the White House and Kremlin texts the gold references (Office of the
                    President of Ukraine items are referenced by url and offsets only)

Articles are named by :func:`article_key` of their url, so that the same item read from two
files of the collection (an ``articles.jsonl`` copy and the CSV it came from, ``http`` and
``https``) is one article.  Mention offsets index the record's ``text`` field (for Ukrainian
items: the ``body`` column of ``zelenskyy.csv``); a caller whose stored text has the title in
front shifts them by where the record text starts (:func:`text_offset`).

Scorers (pure functions, no I/O):

- :func:`score_grouping`: article key -> story id, gold against predicted: pairwise and B-cubed
  precision/recall/F1, counted from the co-membership table of (predicted story, gold story)
  cells, linear in the number of articles.  Predicted articles absent from the gold are
  distractors: they count only when they join a story that holds a gold article.
- :func:`score_claims`: predicted mentions are matched one to one to gold mentions of the same
  article that they overlap (largest overlap first); claim alignment is scored pairwise over
  the matched mentions (are two gold mentions in one gold claim also in one predicted claim?),
  also apart for pairs of two sources' mentions (``alignment_across_sources``) and of one
  source's (``alignment_within_source``); of the matched mentions, how many are credited to
  whom the gold says (:func:`credit_matches`) and hedged as the gold says,
  and status accuracy over the gold claims with at least one matched mention (the predicted
  status is that of the predicted claim holding most of the claim's matched mentions).

A denominator of zero scores 1.0: no predicted pairs is a precision of 1, no gold pairs a recall
of 1 (all singletons on both sides is a perfect grouping).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from ..errors import GoldDataError
from .gold import check_split, jsonl_objects

#: The gold files of a stories folder.
EVENTS_FILE = "events.jsonl"
CLAIMS_FILE = "claims.jsonl"
#: Claim statuses: carried by two or more governments compatibly; carried by one only;
#: carried in incompatible versions (different agent or initiator, negation, numbers, dates).
ClaimStatus = Literal["shared", "one_sided", "conflict"]
CLAIM_STATUSES: tuple[ClaimStatus, ...] = ("shared", "one_sided", "conflict")
#: How an article reports its event: a readout or news item written after it, a transcript
#: (press conference, remarks, background call), or an announcement published before it.
ArticleRole = Literal["account", "transcript", "announcement"]
ARTICLE_ROLES: tuple[ArticleRole, ...] = ("account", "transcript", "announcement")
#: Every third event (by hash of its id) is held out for test: about 2/3 dev.
TEST_MODULUS = 3


def article_key(url: str) -> str:
    """The stable key of an article: its url with scheme ``https``, host lower-cased, no
    fragment and no trailing slash (so ``http://en.kremlin.ru/.../67315`` and
    ``https://en.kremlin.ru/.../67315/`` are one article)."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit(("https", parts.netloc.lower(), path, parts.query, ""))


def event_split(event_id: str) -> Literal["dev", "test"]:
    """The split of an event: ``test`` when the SHA-1 of its id is 2 modulo 3, else ``dev``
    (deterministic, independent of file order and of the other events)."""
    digest = int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:8], 16)
    return "test" if digest % TEST_MODULUS == TEST_MODULUS - 1 else "dev"


def text_offset(stored_text: str, record_text_head: str) -> int:
    """Where the gold record's text starts inside a stored article text (add it to gold
    offsets); ``record_text_head`` is the first characters of the record text.  -1 if absent."""
    return stored_text.find(record_text_head) if record_text_head else -1


# --- gold records -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldStoryArticle:
    """One article of the collection that reports a gold event."""

    key: str  #: :func:`article_key` of the url
    url: str  #: the url as the collection spells it
    source: str  #: the government whose account it is ("The White House (United States)", ...)
    published: str  #: publication time as the collection gives it
    role: ArticleRole  #: account, transcript or announcement
    id: str | None = None  #: the collection's record id (White House and Kremlin items)
    duplicate_of: str | None = None  #: key of the article this one is a near-duplicate of


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One event (call, meeting, visit) and every article of the collection that reports it."""

    id: str  #: stable event id ("2021-12-07-biden-putin-video-call")
    split: Literal["dev", "test"]  #: :func:`event_split` of the id
    kind: str  #: call, meeting, visit, ...
    date: str  #: the day it took place (ISO)
    title: str  #: a one-line description written by the annotator
    participants: tuple[str, ...]  #: who took part
    articles: tuple[GoldStoryArticle, ...]  #: the articles that report it (the gold story)
    mentioned_in: tuple[str, ...] = ()  #: keys of articles that mention it in passing (ignored)


@dataclass(frozen=True, slots=True)
class GoldMention:
    """Where one account carries a claim."""

    article_key: str  #: the article (its :func:`article_key`)
    start: int  #: first character in the record's text (Ukrainian items: the CSV body)
    end: int  #: one past the last character
    text: str | None  #: the exact text (None for Ukrainian items, whose text is not shipped)
    source: str  #: the government whose account it is
    credited_to: str  #: who the account says asserts it ("Joe Biden", "the two presidents", ...)
    hedged: bool  #: reported with a hedge ("according to", "reportedly", a condition) or not


@dataclass(frozen=True, slots=True)
class GoldClaim:
    """One proposition of an event and every mention of it in the event's accounts."""

    id: str  #: stable claim id ("2021-12-30-biden-putin-call/initiator")
    event: str  #: the event id
    split: Literal["dev", "test"]  #: the event's split
    summary: str  #: the proposition in the annotator's words
    status: ClaimStatus  #: shared, one_sided or conflict
    conflict: str | None  #: for a conflict, one line saying what differs
    mentions: tuple[GoldMention, ...]  #: where the accounts carry it


@dataclass(frozen=True, slots=True)
class StoriesGold:
    """A stories gold folder, read."""

    events: tuple[GoldEvent, ...]  #: every event, in file order
    claims: tuple[GoldClaim, ...]  #: every claim, in file order

    def grouping(
        self, split: str = "dev", roles: Collection[str] = ARTICLE_ROLES
    ) -> dict[str, str]:
        """Gold article key -> event id for the events of ``split`` (articles of the given
        roles only)."""
        check_split(split)
        return {
            a.key: e.id
            for e in self.events
            if split == "all" or e.split == split
            for a in e.articles
            if a.role in roles
        }

    def ignored(self, split: str = "dev", roles: Collection[str] = ARTICLE_ROLES) -> frozenset[str]:
        """Keys to leave out of grouping scores: articles that only mention an event in
        passing (unless they are members of some event), and members of ``split``'s events
        whose role is not in ``roles``."""
        check_split(split)
        members = {a.key for e in self.events for a in e.articles}
        keys = {k for e in self.events for k in e.mentioned_in} - members
        keys |= {
            a.key
            for e in self.events
            if split == "all" or e.split == split
            for a in e.articles
            if a.role not in roles
        }
        return frozenset(keys)

    def claims_of(self, split: str = "dev") -> tuple[GoldClaim, ...]:
        """The claims of ``split``'s events."""
        check_split(split)
        return tuple(c for c in self.claims if split == "all" or c.split == split)


def _lines(path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    """``("file:LINE", object)`` for each non-blank line of a JSONL gold file."""
    if not path.is_file():
        raise GoldDataError(f"{path}: no such file; a stories gold folder needs {path.name}")
    return jsonl_objects(path, str(path))


def _field(obj: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``obj[name]``, checked to be of ``kind`` (an error naming the line otherwise)."""
    value = obj.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise GoldDataError(f"{where}: field {name!r} is missing or not {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _event(obj: Mapping[str, Any], where: str) -> GoldEvent:
    event_id = _field(obj, "event", str, where)
    articles = []
    for i, a in enumerate(_field(obj, "articles", list, where)):
        at = f"{where}: article {i + 1}"
        if not isinstance(a, dict):
            raise GoldDataError(f"{at}: expected a JSON object")
        role = _field(a, "role", str, at)
        if role not in ARTICLE_ROLES:
            raise GoldDataError(f"{at}: role {role!r} is not one of {', '.join(ARTICLE_ROLES)}")
        url = _field(a, "url", str, at)
        key = a.get("key") or article_key(url)
        if key != article_key(url):
            raise GoldDataError(f"{at}: key {key!r} is not the key of {url!r}")
        articles.append(
            GoldStoryArticle(
                key=key,
                url=url,
                source=_field(a, "source", str, at),
                published=_field(a, "published", str, at),
                role=role,
                id=a.get("id"),
                duplicate_of=a.get("duplicate_of"),
            )
        )
    if not articles:
        raise GoldDataError(f"{where}: event {event_id!r} has no articles")
    split = obj.get("split", event_split(event_id))
    if split != event_split(event_id):
        raise GoldDataError(
            f"{where}: split {split!r} of {event_id!r} is not event_split() of its id; "
            "rerun benchmarks/gold/stories/build.py"
        )
    return GoldEvent(
        id=event_id,
        split=split,
        kind=_field(obj, "kind", str, where),
        date=_field(obj, "date", str, where),
        title=_field(obj, "title", str, where),
        participants=tuple(_field(obj, "participants", list, where)),
        articles=tuple(articles),
        mentioned_in=tuple(obj.get("mentioned_in") or ()),
    )


def _claim(obj: Mapping[str, Any], where: str, events: Mapping[str, GoldEvent]) -> GoldClaim:
    claim_id = _field(obj, "claim", str, where)
    event_id = _field(obj, "event", str, where)
    if event_id not in events:
        raise GoldDataError(f"{where}: claim {claim_id!r} names unknown event {event_id!r}")
    event = events[event_id]
    sources = {a.key: a.source for a in event.articles}
    status = _field(obj, "status", str, where)
    if status not in CLAIM_STATUSES:
        raise GoldDataError(f"{where}: status {status!r} is not one of {', '.join(CLAIM_STATUSES)}")
    conflict = obj.get("conflict")
    if (status == "conflict") != isinstance(conflict, str):
        raise GoldDataError(f"{where}: a conflict needs a one-line 'conflict' reason, others null")
    mentions = []
    for i, m in enumerate(_field(obj, "mentions", list, where)):
        at = f"{where}: mention {i + 1}"
        if not isinstance(m, dict):
            raise GoldDataError(f"{at}: expected a JSON object")
        key = _field(m, "article", str, at)
        if key not in sources:
            raise GoldDataError(f"{at}: article {key!r} is not an article of event {event_id!r}")
        start, end = _field(m, "start", int, at), _field(m, "end", int, at)
        if not 0 <= start < end:
            raise GoldDataError(f"{at}: offsets {start}:{end} are not a non-empty span")
        text = m.get("text")
        if text is not None and len(text) != end - start:
            raise GoldDataError(f"{at}: text is {len(text)} characters, offsets say {end - start}")
        mentions.append(
            GoldMention(
                article_key=key,
                start=start,
                end=end,
                text=text,
                source=sources[key],
                credited_to=_field(m, "credited_to", str, at),
                hedged=_field(m, "hedged", bool, at),
            )
        )
    if not mentions:
        raise GoldDataError(f"{where}: claim {claim_id!r} has no mentions")
    carriers = {m.source for m in mentions}
    if status == "one_sided" and len(carriers) != 1:
        raise GoldDataError(f"{where}: a one_sided claim is carried by {len(carriers)} sources")
    if status != "one_sided" and len(carriers) < 2:
        raise GoldDataError(f"{where}: a {status} claim needs mentions from two or more sources")
    return GoldClaim(
        id=claim_id,
        event=event_id,
        split=event.split,
        summary=_field(obj, "summary", str, where),
        status=status,  # type: ignore[arg-type]  # checked against CLAIM_STATUSES above
        conflict=conflict,
        mentions=tuple(mentions),
    )


def read_stories_gold(directory: str | Path) -> StoriesGold:
    """Read ``events.jsonl`` and (if present) ``claims.jsonl`` of a stories gold folder;
    GoldDataError with ``file:line`` for anything malformed (an article in two events, a
    claim whose mention is not in its event, a bad status, ...)."""
    folder = Path(directory)
    events: dict[str, GoldEvent] = {}
    owner: dict[str, str] = {}
    for where, obj in _lines(folder / EVENTS_FILE):
        event = _event(obj, where)
        if event.id in events:
            raise GoldDataError(f"{where}: event {event.id!r} is listed twice")
        for a in event.articles:
            if a.key in owner:
                raise GoldDataError(f"{where}: {a.url} is already in event {owner[a.key]!r}")
            owner[a.key] = event.id
        events[event.id] = event
    claims: list[GoldClaim] = []
    seen: set[str] = set()
    if (folder / CLAIMS_FILE).exists():
        for where, obj in _lines(folder / CLAIMS_FILE):
            claim = _claim(obj, where, events)
            if claim.id in seen:
                raise GoldDataError(f"{where}: claim {claim.id!r} is listed twice")
            seen.add(claim.id)
            claims.append(claim)
    return StoriesGold(events=tuple(events.values()), claims=tuple(claims))


# --- predictions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PredictedMention:
    """One predicted mention of a claim, in the gold's coordinates."""

    article_key: str  #: :func:`article_key` of the article's url
    start: int  #: first character in the record's text (shift stored offsets by text_offset)
    end: int  #: one past the last character
    text: str = ""  #: the mention's text (informative; matching uses the offsets)
    speaker: str | None = None  #: who the account credits it to (scored by :func:`credit_matches`)
    hedged: bool = False  #: whether the account distances itself from it


@dataclass(frozen=True, slots=True)
class PredictedClaim:
    """One predicted claim: an id, a status and its mentions."""

    id: str  #: the predicted claim's id (any string, unique among predictions)
    status: str  #: shared, one_sided or conflict
    mentions: tuple[PredictedMention, ...]  #: where the prediction says the accounts carry it


# --- scoring ------------------------------------------------------------------------------------


def _ratio(num: int | float, den: int | float) -> float:
    """num / den, 1.0 for an empty denominator (nothing to get wrong)."""
    return num / den if den else 1.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _prf(correct: float, predicted: float, gold: float) -> dict[str, float]:
    p, r = _ratio(correct, predicted), _ratio(correct, gold)
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def _cluster_scores(
    cells: Counter[tuple[str, str]],
    gold_sizes: Counter[str],
    pred_sizes: Counter[str],
    pred_extra: Counter[str],
) -> dict[str, dict[str, float]]:
    """Pairwise and B-cubed scores from the (predicted, gold) cell table.

    ``gold_sizes``/``pred_sizes`` count the gold items per cluster; ``pred_extra`` counts the
    extra (distractor) items a predicted cluster holds besides them.  Pairs among extras alone
    are not counted; an extra's pairs with gold items are all wrong.
    """
    correct = sum(_pairs(n) for n in cells.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    pred_pairs = sum(_pairs(n) + n * pred_extra[c] for c, n in pred_sizes.items())
    items = sum(gold_sizes.values())
    # B-cubed over gold items: an item in cell (c, g) of size n has precision n/|c| (distractors
    # included in |c|) and recall n/|g|; summing n items of each cell is linear in the cells.
    bp = sum(n * n / (pred_sizes[c] + pred_extra[c]) for (c, _), n in cells.items())
    br = sum(n * n / gold_sizes[g] for (_, g), n in cells.items())
    pairwise = _prf(correct, pred_pairs, gold_pairs)
    pairwise.update(gold_pairs=gold_pairs, predicted_pairs=pred_pairs, correct_pairs=correct)
    bcubed_p, bcubed_r = _ratio(bp, items), _ratio(br, items)
    bcubed = {"precision": bcubed_p, "recall": bcubed_r, "f1": _f1(bcubed_p, bcubed_r)}
    return {"pairwise": pairwise, "bcubed": bcubed}


def score_grouping(
    gold: Mapping[str, str], predicted: Mapping[str, str], ignore: Collection[str] = ()
) -> dict[str, Any]:
    """Score a grouping of articles into stories (article key -> story id on both sides).

    Gold articles missing from ``predicted`` count as predicted singletons.  Predicted articles
    not in ``gold`` (distractors) count only in a predicted story that holds a gold article:
    each of their pairs with its gold articles is a wrong pair, and they lower those articles'
    B-cubed precision.  Keys in ``ignore`` are left out on both sides.  Linear time.
    """
    skip = set(ignore)
    cells: Counter[tuple[str, str]] = Counter()
    gold_sizes: Counter[str] = Counter()
    pred_sizes: Counter[str] = Counter()
    missing = 0
    for key, story in gold.items():
        if key in skip:
            continue
        if key in predicted:
            cluster = "p:" + str(predicted[key])
        else:
            cluster, missing = f"missing:{key}", missing + 1
        cells[(cluster, story)] += 1
        gold_sizes[story] += 1
        pred_sizes[cluster] += 1
    extra: Counter[str] = Counter()
    for key, story in predicted.items():
        if key not in gold and key not in skip and "p:" + str(story) in pred_sizes:
            extra["p:" + str(story)] += 1
    scores = _cluster_scores(cells, gold_sizes, pred_sizes, extra)
    return {
        "articles": sum(gold_sizes.values()),
        "stories": len(gold_sizes),
        "predicted_stories": len(pred_sizes),
        "missing": missing,
        "distractors_joined": sum(extra.values()),
        **scores,
    }


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match_mentions(
    gold: Sequence[GoldMention], predicted: Sequence[PredictedMention]
) -> dict[int, int]:
    """A one-to-one map gold index -> predicted index of mentions in the same article that
    overlap, largest overlap first (ties: the earlier gold mention, then the earlier
    prediction).  Candidates are looked up per article among the predictions sorted by start,
    so one article's mentions never meet another's."""
    by_article: dict[str, list[int]] = {}
    for pi, p in enumerate(predicted):
        by_article.setdefault(p.article_key, []).append(pi)
    for indices in by_article.values():
        indices.sort(key=lambda i: predicted[i].start)
    candidates: list[tuple[int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi in by_article.get(g.article_key, ()):
            p = predicted[pi]
            if p.start >= g.end:
                break
            shared = _overlap(g.start, g.end, p.start, p.end)
            if shared > 0:
                candidates.append((-shared, gi, pi))
    candidates.sort()
    out: dict[int, int] = {}
    taken: set[int] = set()
    for _, gi, pi in candidates:
        if gi not in out and pi not in taken:
            out[gi] = pi
            taken.add(pi)
    return out


#: Words of a speaker that stands for several people ("the two presidents", "the leaders").
_GROUP_WORDS = frozenset(
    "leaders presidents sides parties ministers officials delegations heads both two three".split()
)


def _fold(text: str) -> str:
    """Lower case, no accents, a doubled final 'yy' folded ("Zelenskyy" -> "zelensky")."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).casefold()
    return re.sub(r"(?<=[a-z])y(?=y\b)", "", t)


def credit_matches(gold: str, predicted: str | None) -> bool:
    """Whether a predicted speaker is who the gold says the account credits (``credited_to``):

    - one person: the predicted speaker holds the person's surname ("President Biden",
      "Biden" and "Joe Biden" all credit "Joe Biden");
    - several people ("Joe Biden; Volodymyr Zelenskyy"): it holds every surname, or it is a
      group phrase ("the two presidents", "the leaders");
    - anyone else (the narrating office, "senior administration official"): one of the two
      names holds the other ("President of Russia (Kremlin)" credits "Kremlin").
    """
    if not predicted:
        return False
    got = _fold(predicted)
    words = set(re.findall(r"\w+", got))
    names = [n.strip() for n in gold.split(";") if n.strip()]
    surnames = [_fold(n).split()[-1] for n in names]
    if len(names) > 1:
        return all(n in words for n in surnames) or bool(words & _GROUP_WORDS)
    whole = _fold(names[0]) if names else ""
    if whole and (whole in got or (got in whole and len(got.split()) >= 2)):
        return True
    # a person's name: two or more words, each capitalised ("Office of the ..." is not one)
    person = len(names[0].split()) >= 2 and all(w[:1].isupper() for w in names[0].split())
    return person and surnames[0] in words


def score_claims(
    gold_claims: Sequence[GoldClaim], predicted_claims: Sequence[PredictedClaim]
) -> dict[str, Any]:
    """Score predicted claims against gold claims (see the module docstring).

    Returns ``mentions`` (matched, gold, predicted, precision, recall), ``alignment``
    (pairwise precision/recall/F1 over matched mention pairs, with the pair counts) and
    ``status`` (accuracy over the gold claims with a matched mention, 0.0 when none has one,
    and a confusion table gold status -> predicted status -> count).
    """
    gold_mentions = [m for c in gold_claims for m in c.mentions]
    gold_owner = [ci for ci, c in enumerate(gold_claims) for _ in c.mentions]
    pred_mentions = [m for c in predicted_claims for m in c.mentions]
    pred_owner = [ci for ci, c in enumerate(predicted_claims) for _ in c.mentions]
    matched = match_mentions(gold_mentions, pred_mentions)

    cells: Counter[tuple[str, str]] = Counter()
    gold_sizes: Counter[str] = Counter()
    pred_sizes: Counter[str] = Counter()
    for gi, pi in matched.items():
        g, p = str(gold_owner[gi]), str(pred_owner[pi])
        cells[(p, g)] += 1
        gold_sizes[g] += 1
        pred_sizes[p] += 1
    alignment = _cluster_scores(cells, gold_sizes, pred_sizes, Counter())["pairwise"]
    # The same pairs split by whether the two mentions come from one source (a point an
    # account repeats) or from two (what the comparison is for: one point in two accounts).
    within_cells: Counter[tuple[str, str]] = Counter()
    within_gold: Counter[str] = Counter()
    within_pred: Counter[str] = Counter()
    for gi, pi in matched.items():
        src = gold_mentions[gi].source
        g, p = f"{gold_owner[gi]}\t{src}", f"{pred_owner[pi]}\t{src}"
        within_cells[(p, g)] += 1
        within_gold[g] += 1
        within_pred[p] += 1
    within = _cluster_scores(within_cells, within_gold, within_pred, Counter())["pairwise"]
    across_counts = {
        k: alignment[k] - within[k] for k in ("gold_pairs", "predicted_pairs", "correct_pairs")
    }
    across = _prf(across_counts["correct_pairs"], across_counts["predicted_pairs"],
                  across_counts["gold_pairs"])  # fmt: skip
    across.update(across_counts)

    votes: dict[int, Counter[int]] = {}
    for gi, pi in matched.items():
        votes.setdefault(gold_owner[gi], Counter())[pred_owner[pi]] += 1
    confusion: dict[str, dict[str, int]] = {s: {} for s in CLAIM_STATUSES}
    correct = 0
    for ci, counter in votes.items():
        # the predicted claim holding most of its matched mentions; ties: the earlier one
        best = min(counter, key=lambda pc: (-counter[pc], pc))
        gold_status, pred_status = gold_claims[ci].status, predicted_claims[best].status
        row = confusion.setdefault(gold_status, {})
        row[pred_status] = row.get(pred_status, 0) + 1
        correct += gold_status == pred_status
    fully = sum(
        1
        for ci, c in enumerate(gold_claims)
        if ci in votes and sum(votes[ci].values()) == len(c.mentions)
    )
    credited = sum(
        credit_matches(gold_mentions[gi].credited_to, pred_mentions[pi].speaker)
        for gi, pi in matched.items()
    )
    hedged = sum(
        gold_mentions[gi].hedged == pred_mentions[pi].hedged for gi, pi in matched.items()
    )
    return {
        "claims": len(gold_claims),
        "predicted_claims": len(predicted_claims),
        "mentions": {
            "gold": len(gold_mentions),
            "predicted": len(pred_mentions),
            "matched": len(matched),
            "precision": _ratio(len(matched), len(pred_mentions)),
            "recall": _ratio(len(matched), len(gold_mentions)),
            # of the matched mentions: credited to whom the gold says, hedged as the gold says
            "credited_correct": credited,
            "credited_accuracy": _ratio(credited, len(matched)),
            "hedged_correct": hedged,
            "hedged_accuracy": _ratio(hedged, len(matched)),
        },
        "alignment": {k: alignment[k] for k in alignment},
        "alignment_across_sources": across,
        "alignment_within_source": within,
        "status": {
            "accuracy": _ratio(correct, len(votes)) if votes else 0.0,
            "claims_scored": len(votes),
            "claims_fully_matched": fully,
            "correct": correct,
            "confusion": confusion,
        },
    }


# --- errors -------------------------------------------------------------------------------------


def grouping_errors(
    events: Sequence[GoldEvent],
    predicted: Mapping[str, str],
    ignore: Collection[str] = (),
    titles: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The gold events a grouping gets wrong, for reading: each event whose articles are split
    over several predicted stories or whose predicted story holds other articles, with every
    article's predicted story and the intruders (``{"key", "story", "gold_event", "title"}``,
    ``gold_event`` None for a distractor).  ``titles`` (key -> title) labels the articles.
    Linear in the articles."""
    skip = set(ignore)
    titles = titles or {}
    owner = {a.key: e.id for e in events for a in e.articles}
    members: dict[str, list[str]] = {}
    for key, story in predicted.items():
        if key not in skip:
            members.setdefault(str(story), []).append(key)
    out: list[dict[str, Any]] = []
    for e in events:
        keys = [a.key for a in e.articles if a.key not in skip]
        stories = {str(predicted[k]) if k in predicted else None for k in keys}
        own = set(keys)
        intruders = [
            {"key": k, "story": s, "gold_event": owner.get(k), "title": titles.get(k)}
            for s in sorted(x for x in stories if x is not None)
            for k in members.get(s, ())
            if k not in own
        ]
        if len(stories) > 1 or None in stories or intruders:
            out.append({
                "event": e.id,
                "split": e.split,
                "title": e.title,
                "articles": [
                    {"key": a.key, "role": a.role, "source": a.source,
                     "story": str(predicted[a.key]) if a.key in predicted else None,
                     "title": titles.get(a.key)}
                    for a in e.articles if a.key not in skip
                ],
                "split_over": len(stories),
                "intruders": intruders,
            })  # fmt: skip
    return out


def claim_errors(
    gold_claims: Sequence[GoldClaim], predicted_claims: Sequence[PredictedClaim]
) -> list[dict[str, Any]]:
    """The gold claims an alignment gets wrong, for reading: each claim whose mentions are
    missed, split over predicted claims, merged with another gold claim's mentions, or given
    the wrong status.  Mentions carry the predicted claim they matched (None: missed) and the
    text (the gold's, else the matched prediction's)."""
    gold_mentions = [m for c in gold_claims for m in c.mentions]
    gold_owner = [ci for ci, c in enumerate(gold_claims) for _ in c.mentions]
    pred_mentions = [m for c in predicted_claims for m in c.mentions]
    pred_owner = [ci for ci, c in enumerate(predicted_claims) for _ in c.mentions]
    matched = match_mentions(gold_mentions, pred_mentions)
    gold_of_pred: dict[int, set[int]] = {}
    for g, p in matched.items():
        gold_of_pred.setdefault(pred_owner[p], set()).add(gold_owner[g])
    out: list[dict[str, Any]] = []
    gi = 0
    for c in gold_claims:
        rows: list[dict[str, Any]] = []
        preds: list[int | None] = []
        for m in c.mentions:
            pi = matched.get(gi)
            pc = pred_owner[pi] if pi is not None else None
            preds.append(pc)
            rows.append({
                "article": m.article_key, "start": m.start, "end": m.end, "source": m.source,
                "text": m.text if m.text is not None else (
                    pred_mentions[pi].text if pi is not None else None),
                "predicted": predicted_claims[pc].id if pc is not None else None,
            })  # fmt: skip
            gi += 1
        found = [p for p in preds if p is not None]
        merged = sorted({gold_claims[o].id for p in set(found) for o in gold_of_pred[p]} - {c.id})
        statuses = {predicted_claims[p].status for p in found}
        problems = []
        if len(found) < len(preds):
            problems.append("missed")
        if len(set(found)) > 1:
            problems.append("split")
        if merged:
            problems.append("merged")
        if found and c.status not in statuses:
            problems.append("status")
        if problems:
            out.append({
                "claim": c.id, "summary": c.summary, "status": c.status,
                "predicted_status": sorted(statuses), "problems": problems,
                "merged_with": merged, "mentions": rows,
            })  # fmt: skip
    return out
