"""Make a user's search box input safe for SQLite FTS5, keeping real FTS5 syntax.

FTS5 rejects many ordinary words ("Putin's", "U.S.", "covid-19") because barewords may only
hold letters, digits, "_" and non-ASCII characters.  We quote such words as phrases, which is
what the user meant, and leave everything that is FTS5 syntax alone: "quoted phrases", AND /
OR / NOT, prefix*, ^initial, (groups), NEAR(a b, 5) and ``column:`` filters.  Input that is
malformed as FTS5 ("unbalanced, AND OR, *, NEAR( ) still fails, in SQLite, and the store turns
that failure into a QueryError.
"""

from __future__ import annotations

from ..errors import QueryError

#: The names a user may filter on with ``column:word``, and the statements_fts column each means
#: (the index's columns are named after the attributions columns it indexes, as external
#: content requires); the full column names are accepted too.
FTS_COLUMNS = {
    "content": "content_text",
    "speaker": "speaker_name",
    "source": "source_text",
    "content_text": "content_text",
    "speaker_name": "speaker_name",
    "source_text": "source_text",
}

#: Words FTS5 reads as operators (only in upper case).
_OPERATORS = {"AND", "OR", "NOT"}

#: One-line help appended to query errors.
QUERY_HELP = (
    'use words, "quoted phrases", OR, NOT, prefix* or speaker:name; '
    "put a word in double quotes to search for it literally"
)


def _bareword_ok(word: str) -> bool:
    # FTS5's bareword alphabet: ASCII letters and digits, "_", and every non-ASCII character.
    return bool(word) and all(
        c.isascii() and (c.isalnum() or c == "_") or not c.isascii() for c in word
    )


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _term(word: str) -> str:
    """One bareword term, quoted when FTS5 would not accept it bare; keeps ^ and a trailing *."""
    caret = "^" if word.startswith("^") and len(word) > 1 else ""
    core = word[len(caret) :]
    star = "*" if core.endswith("*") and len(core) > 1 else ""
    core = core[: len(core) - len(star)]
    return caret + (core if _bareword_ok(core) else _quote(core)) + star


def safe_match(query: str) -> str:
    """The FTS5 MATCH expression for a user's query; raises QueryError on an unclosed quote."""
    out: list[str] = []
    i, n = 0, len(query)
    near_depth = 0  # inside NEAR( ... ) a comma separates the phrases from the distance
    paren_stack: list[bool] = []  # for each open "(", whether it opened a NEAR group
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j = i + 1
            while True:
                j = query.find('"', j)
                if j < 0:
                    raise QueryError(
                        f"search query {query!r} has an unclosed double quote; {QUERY_HELP}"
                    )
                if j + 1 < n and query[j + 1] == '"':  # "" is an escaped quote inside a phrase
                    j += 2
                    continue
                break
            phrase = query[i : j + 1]
            if j + 1 < n and query[j + 1] == "*":
                phrase += "*"
                j += 1
            out.append(phrase)
            i = j + 1
        elif c == "(":
            opens_near = bool(out) and out[-1] == "NEAR"
            paren_stack.append(opens_near)
            near_depth += opens_near
            if opens_near:
                out[-1] = "NEAR("
            else:
                out.append("(")
            i += 1
        elif c == ")":
            if paren_stack and paren_stack.pop():
                near_depth -= 1
            out.append(")")
            i += 1
        elif c == "," and near_depth:
            out.append(",")
            i += 1
        else:
            j = i
            while (
                j < n
                and not query[j].isspace()
                and query[j] not in '"()'
                and not (near_depth and query[j] == ",")
            ):
                j += 1
            word = query[i:j]
            i = j
            if word in _OPERATORS or word == "NEAR" or word == "*":
                out.append(word)  # operators, and a lone * that FTS5 will reject
                continue
            column, sep, rest = word.partition(":")
            if sep and column.lower() in FTS_COLUMNS:
                # "speaker:" followed by a phrase or group keeps that phrase or group
                out.append(f"{FTS_COLUMNS[column.lower()]} :" + (" " + _term(rest) if rest else ""))
                continue
            out.append(_term(word))
    return " ".join(out)
