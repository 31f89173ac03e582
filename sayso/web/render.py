"""Pure helpers that turn stored records into what the pages show; no I/O, no SQL.

The article highlighter builds HTML from integer offsets: every piece of article text is
escaped on its own and only the ``<mark>`` tags around it are written by this module, so no
text from an article can ever become markup.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

from ..models import Attribution, Extraction, Speaker
from ..store import StatementRow

Role = Literal["src", "cue", "content"]

#: order in which marks over the same stretch nest, outermost first: the content of a
#: statement is usually the widest span, so it wraps the source and cue of nested statements
ROLE_RANK: dict[Role, int] = {"content": 0, "src": 1, "cue": 2}

#: what each mark class means, for the legend and for tooltips
ROLE_LABEL: dict[Role, str] = {"src": "source", "cue": "cue", "content": "content"}

#: URL schemes an article's "original" link may use; anything else (javascript:, data:) is
#: shown as text, never as a link
SAFE_URL_SCHEMES = frozenset({"http", "https"})

#: at most this many months are drawn in a speaker's over-time chart (the latest ones), so
#: a stray date decades off does not squeeze every bar to a hairline
MAX_CHART_MONTHS = 120

#: a month chart labels every bar with its month up to this many bars; beyond, only years
MONTH_LABELS_UP_TO = 18

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlighted stretch of the article text."""

    start: int  #: first character, inclusive
    end: int  #: one past the last character
    role: Role  #: src (who), cue (the verb or phrase), content (what was said)
    att: str  #: id of the attribution the stretch belongs to ("a3")


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One step of a nested attribution chain, outermost first."""

    att: str  #: attribution id
    name: str  #: the speaker's canonical name, or the source words, or "(unnamed)"
    speaker_id: str | None  #: resolved speaker id, for a link to the speaker page


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a server-rendered bar chart."""

    key: str  #: what the bar counts ("2024-03", "CNN")
    n: int  #: its count
    height: float  #: its height as a fraction of the tallest bar, in [0, 1]
    label: str = ""  #: short text under the bar ("Mar"), empty when there is no room
    group: str = ""  #: a second line marking where a group starts ("2024" under January)


def marks_for(extraction: Extraction) -> tuple[Mark, ...]:
    """Every source, cue and content span of the extraction's statements as marks."""
    out: list[Mark] = []
    for a in extraction.attributions:
        if a.source is not None:
            out.append(Mark(a.source.start, a.source.end, "src", a.id))
        out.append(Mark(a.cue.start, a.cue.end, "cue", a.id))
        for c in a.content:
            out.append(Mark(c.start, c.end, "content", a.id))
    return tuple(out)


def _open_tag(m: Mark) -> str:
    label = ROLE_LABEL[m.role]
    return f'<mark class="{m.role}" data-att="{escape(m.att)}" title="{escape(m.att)}: {label}">'


def highlight(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` as HTML with each mark wrapped in ``<mark class=role data-att=id>``.

    Overlapping marks (a nested statement inside an outer statement's content) are
    nested properly: where two marks cross, the inner one is closed and reopened, so the
    result is always well-formed and every piece still carries its ``data-att``.
    Marks outside the text or empty are skipped.
    """
    n = len(text)
    # a set: the same stretch listed twice must not be opened twice
    spans = sorted({m for m in marks if 0 <= m.start < m.end <= n}, key=lambda m: (m.start, m.end))
    bounds = sorted({0, n, *(m.start for m in spans), *(m.end for m in spans)})
    starting: dict[int, list[Mark]] = {}
    ending: dict[int, list[Mark]] = {}
    for m in spans:
        starting.setdefault(m.start, []).append(m)
        ending.setdefault(m.end, []).append(m)
    # a sweep over the boundaries: ``active`` holds the marks covering [lo, hi), kept up to
    # date as marks start and end, so the work is linear in the marks, not marks x bounds
    active: set[Mark] = set()
    stack: list[Mark] = []
    out: list[str] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        active.difference_update(ending.get(lo, ()))
        active.update(starting.get(lo, ()))
        keep = 0
        while keep < len(stack) and stack[keep] in active:
            keep += 1
        while len(stack) > keep:
            stack.pop()
            out.append("</mark>")
        # widest first so the longest-lived mark is outermost and is split least often
        opened = set(stack)
        for m in sorted(
            (m for m in active if m not in opened),
            key=lambda m: (-m.end, m.start, ROLE_RANK[m.role], m.att),
        ):
            stack.append(m)
            out.append(_open_tag(m))
        out.append(str(escape(text[lo:hi])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def chains(extraction: Extraction) -> dict[str, tuple[ChainLink, ...]]:
    """:func:`chain_of` for every statement of the extraction, by attribution id."""
    by_id = {a.id: a for a in extraction.attributions}
    speakers = {s.id: s for s in extraction.speakers}
    links = {a.id: _link_of(a, speakers) for a in extraction.attributions}
    out: dict[str, tuple[ChainLink, ...]] = {}
    for a in extraction.attributions:
        chain: list[ChainLink] = []
        seen: set[str] = set()
        cur: Attribution | None = a
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            chain.append(links[cur.id])
            cur = by_id.get(cur.parent) if cur.parent else None
        out[a.id] = tuple(reversed(chain))
    return out


def chain_of(extraction: Extraction, att_id: str) -> tuple[ChainLink, ...]:
    """The chain of sources that passed statement ``att_id`` on, outermost first.

    "CNN reports that the Kremlin said Putin called for ..." gives CNN → the Kremlin → Putin
    for Putin's statement.  A parent cycle in bad data stops the walk instead of looping.
    """
    by_id = {a.id: a for a in extraction.attributions}
    links: list[ChainLink] = []
    seen: set[str] = set()
    cur = by_id.get(att_id)
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        links.append(_link(extraction, cur))
        cur = by_id.get(cur.parent) if cur.parent else None
    return tuple(reversed(links))


def _link(extraction: Extraction, a: Attribution) -> ChainLink:
    return _link_of(a, {s.id: s for s in extraction.speakers})


def _link_of(a: Attribution, speakers: dict[str, Speaker]) -> ChainLink:
    sp = speakers.get(a.speaker) if a.speaker is not None else None
    if sp is not None:
        return ChainLink(a.id, sp.name, sp.id)
    return ChainLink(a.id, a.source.text if a.source else "(unnamed)", None)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link, else None (never render ``javascript:`` links)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in SAFE_URL_SCHEMES else None


def month_bars(counts: Sequence[tuple[str, int]]) -> tuple[Bar, ...]:
    """Bars for a by-month count, with empty months filled in so the time axis is honest.

    Keys that are not ``YYYY-MM`` (an "unknown" bucket) follow the months.
    """
    months: dict[tuple[int, int], int] = {}
    other: list[tuple[str, int]] = []
    for key, n in counts:
        try:
            d = _dt.date.fromisoformat(f"{key[:7]}-01")
        except ValueError:
            other.append((key, n))
            continue
        months[(d.year, d.month)] = months.get((d.year, d.month), 0) + n
    filled: list[tuple[str, int]] = []
    if months:
        y, m = min(months)
        last = max(months)
        while (y, m) <= last:
            filled.append((f"{y:04d}-{m:02d}", months.get((y, m), 0)))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    filled = filled[-MAX_CHART_MONTHS:]
    top = max((n for _, n in filled + other), default=0)
    out: list[Bar] = []
    for i, (key, n) in enumerate(filled):
        month = int(key[5:7])
        out.append(
            Bar(
                key,
                n,
                n / top if top else 0.0,
                label=MONTH_ABBR[month - 1] if len(filled) <= MONTH_LABELS_UP_TO else "",
                group=key[:4] if i == 0 or month == 1 else "",
            )
        )
    out.extend(Bar(k, n, n / top if top else 0.0, label=k) for k, n in other)
    return tuple(out)


def bars(counts: Sequence[tuple[str, int]]) -> tuple[Bar, ...]:
    """Bars scaled to the largest count."""
    top = max((n for _, n in counts), default=0)
    return tuple(Bar(k, n, (n / top) if top else 0.0) for k, n in counts)


@functools.lru_cache(maxsize=4096)  # ids repeat from page to page
def _u(value: str) -> str:
    """A value as one escaped URL path segment."""
    return _e(quote(value, safe=""))


def _escape_py(value: str) -> str:
    """Text escaped for HTML (the five characters) as a plain string, with the entities
    MarkupSafe (and so every template) writes."""
    return html.escape(value, quote=True).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")


try:
    # the same in C: MarkupSafe's own escaper, as a plain string (``markupsafe.escape`` would
    # make a Markup of each).  The statement list below escapes some 350 values a page, and
    # this is about 4x faster than ``_escape_py``; a test pins that both agree
    from markupsafe import _escape_inner as _e
except ImportError:  # a MarkupSafe without it (before 2.1, or a future rename)
    _e = _escape_py


_HEDGED_BADGE = (
    '<span class="badge hedged" title="The reporter distances itself from this statement">'
    "hedged</span>"
)
_THOUGHT_BADGE = (
    '<span class="badge thought" title="An internal state (believes, thinks), not a speech '
    'act">thought</span>'
)


def statement_list(rows: Iterable[StatementRow], show_speaker: bool = True) -> Markup:
    """The HTML list of statements on the search, speaker and article-list pages."""
    return statement_list_of(statement_item(r, show_speaker) for r in rows)


def statement_list_of(items: Iterable[str]) -> Markup:
    """The statement list from its items (:func:`statement_item`, which escaped them)."""
    return Markup('<ol class="stmts">\n' + "".join(items) + "</ol>\n")


def statement_item(r: StatementRow, show_speaker: bool = True) -> str:
    """One statement of the list, as HTML.

    Written in Python rather than as a template macro: it is the most rendered piece of the
    explorer (50 rows a page, every uncached search), and string building is several times
    faster than Jinja's macro calls here.  Every value from the database is escaped (and
    quoted in links), as the template's autoescaping did.
    """
    out = ['  <li class="stmt">\n    <div class="stmt-head">\n']
    add = out.append
    if not show_speaker:
        pass
    elif r.speaker_id:
        add(f'<a class="who" href="/speakers/{_u(r.speaker_id)}">'
            f"{_e(r.speaker_name or '')}</a>\n")  # fmt: skip
    else:
        add(f'<span class="who">{_e(r.source_text or "(unnamed source)")}</span>')
    add(f'      <span class="cue-word">{_e(r.cue_text)}</span>\n      ')
    kind = _e(r.kind)
    add(f'<span class="badge kind-{kind}">{kind.replace("_", " ")}</span>\n')
    if r.hedged:
        add(_HEDGED_BADGE)
    if r.cue_class == "thought":
        add(_THOUGHT_BADGE)
    article, att = _u(r.article_id), _u(r.attribution_id)
    add(
        "\n    </div>\n"
        f'    <blockquote class="stmt-content">{_e(r.content_text)}</blockquote>\n'
        '    <div class="stmt-meta">\n'
        f'      <span>{_e(r.outlet or "unknown outlet")}</span>\n'
        f"      <span>{_e(_date(r.published))}</span>\n"
        f'      <a href="/articles/{article}#att-{att}">'
        f"{_e(r.title or r.article_id)}</a>\n"
    )
    if r.parent_id:
        add(f'      <a class="chain-link" href="/articles/{article}/chain/{att}">'
            "reported via a chain →</a>\n")  # fmt: skip
    add("    </div>\n  </li>\n")
    return "".join(out)


def _date(value: str | None) -> str:
    """A publication date as the lists show it: the day, or a dash when unknown."""
    return str(value)[:10] if value else "—"
