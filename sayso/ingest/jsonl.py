"""JSON Lines (one article object per line) and JSON files (one object, or a list of them).

Every line is parsed on its own, and anything wrong with it (malformed or over-size JSON, a
lone surrogate escape such as ``"\\ud800"``, a value nested too deeply, an integer too long
to convert) becomes one InputError naming ``path:LINE``; the other lines are still read.
Reading is linear in the input's size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from ..errors import InputRejected
from ..models import Article, InputError
from .dates import normalise_published
from .origin import origin
from .settings import JSONL_FIELDS, MAX_TEXT_BYTES
from .sniff import check_text_size, decode_text, too_large


def _field(record: dict[str, Any], key: str) -> Any:
    for name in JSONL_FIELDS[key]:
        if record.get(name) not in (None, ""):
            return record[name]
    return None


def _string(record: dict[str, Any], key: str, where: str) -> str | None:
    value = _field(record, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputRejected(
            where, f"field {key!r} must be a string, not {type(value).__name__}; fix the record"
        )
    return " ".join(str(value).split()) or None


def _topics(record: dict[str, Any], where: str) -> tuple[str, ...]:
    value = _field(record, "topics")
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputRejected(where, "field 'topics' must be a list of strings; fix the record")
    return tuple(dict.fromkeys(t.strip() for t in value if t.strip()))


#: how many field names an error message lists before it says "..."
ERROR_FIELDS_SHOWN = 20


def _lone_surrogate(record: Any) -> str | None:
    """The first lone UTF-16 surrogate in any key or string of a decoded record, as an
    escape (``\\ud800``), or None.  JSON's ``\\uD800`` escapes decode to such characters,
    which no UTF-8 text (nor the database) can hold.  Walks with a stack, not recursion."""
    stack = [record]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                return f"\\u{ord(value[e.start]):04x}"
    return None


def record_to_article(record: Any, where: str) -> Article:
    """The Article in one decoded JSON record; ``where`` ("path:LINE") names it in errors.

    ``text`` is required; ``title`` is put in front of it (with a blank line) unless the text
    already starts with it; ``id`` becomes ``external_id``.
    """
    if not isinstance(record, dict):
        raise InputRejected(
            where, f"expected a JSON object per line, got {type(record).__name__}; fix the line"
        )
    surrogate = _lone_surrogate(record)
    if surrogate is not None:
        raise InputRejected(
            where,
            f"the record holds a lone surrogate escape {surrogate} (half of a UTF-16 pair, "
            "not a character); fix the escape (a whole pair such as \\ud83d\\ude00 is fine) "
            "or remove the record",
        )
    text = _field(record, "text")
    if not isinstance(text, str) or not text.strip():
        names = "/".join(JSONL_FIELDS["text"])
        names_seen = sorted(record)
        fields = ", ".join(names_seen[:ERROR_FIELDS_SHOWN]) or "none"
        if len(names_seen) > ERROR_FIELDS_SHOWN:
            fields += f", ... ({len(names_seen)} in all)"
        raise InputRejected(
            where, f"no article text: no non-empty {names} field (fields: {fields}); fix the record"
        )
    original = text
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    title = _string(record, "title", where)
    first_line = " ".join(text.split("\n", 1)[0].split())
    inserted = 0
    if title and first_line.casefold() != title.casefold():
        text = f"{title}\n\n{text}"
        inserted = len(title) + 2
    check_text_size(text, where)
    return Article(
        text=text,
        title=title,
        source=_string(record, "source", where),
        published=normalise_published(_field(record, "published")),
        url=_string(record, "url", where),
        topics=_topics(record, where),
        external_id=_string(record, "external_id", where),
        origin=origin(original, text, inserted),  # the input's text is the record's text
        input=where,
    )


def _records(items: Iterable[tuple[str, Any]]) -> Iterator[Article | InputError]:
    for where, record in items:
        try:
            yield record_to_article(record, where)
        except InputRejected as e:
            yield InputError(e.input_name, e.message)


def parse_json_line(line: str, where: str) -> Any:
    """The JSON value of one line; every way it can fail is an InputRejected naming ``where``."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as e:
        raise InputRejected(
            where,
            f"malformed JSON: {e.msg} (column {e.colno}); fix or remove this line "
            "(the other lines are read)",
        ) from None
    except RecursionError:
        raise InputRejected(
            where,
            "JSON nested too deeply (arrays or objects inside each other about a thousand "
            "levels deep); an article record needs two levels at most: fix or remove this line "
            "(the other lines are read)",
        ) from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise InputRejected(
            where,
            f"unreadable JSON value ({e}); fix or remove this line (the other lines are read)",
        ) from None


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """The lines of ``stream`` with their sizes in bytes; a line over ``limit`` is cut there.

    The rest of an over-long line is skipped in ``limit``-sized reads, so a huge line costs
    time linear in its size and memory bounded by ``limit``.
    """
    while raw := stream.readline(limit + 1):
        size = len(raw)
        if size > limit and not raw.endswith(b"\n"):
            while more := stream.readline(limit):
                size += len(more)
                if more.endswith(b"\n"):
                    break
        yield raw[: limit + 1], size


def read_jsonl(stream: BinaryIO, name: str) -> Iterator[Article | InputError]:
    """One Article per line of a JSON Lines stream, or an InputError naming ``name:LINE``.

    A bad line does not stop the others; blank lines are skipped.
    """
    seen = 0
    # A line holds one article, so the article limit bounds it (with room for JSON escapes).
    limit = 2 * MAX_TEXT_BYTES
    for lineno, (raw, size) in enumerate(_lines(stream, limit), 1):
        if size <= limit and not raw.strip():
            continue
        seen += 1
        where = f"{name}:{lineno}"
        if size > limit:
            yield _error(too_large(where, size, limit, what="JSON line"))
            continue
        try:
            record = parse_json_line(decode_text(raw, where).rstrip("\r\n"), where)
        except InputRejected as e:
            yield _error(e)
            continue
        yield from _records([(where, record)])
    if not seen:
        yield InputError(name, "empty file: no JSON lines in it")


def read_json(data: bytes, name: str) -> Iterator[Article | InputError]:
    """The Articles in a JSON document: one object, or a list of objects (``name[INDEX]``).

    A document that is not one JSON value is read as JSON Lines.
    """
    try:
        text = decode_text(data, name)
    except InputRejected as e:
        yield _error(e)
        return
    if not text.strip():
        yield InputError(name, "empty file: no JSON in it")
        return
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # not one JSON value: each line tells what is wrong
        import io

        yield from read_jsonl(io.BytesIO(data), name)
        return
    if isinstance(document, list):
        if not document:
            yield InputError(name, "empty JSON list: no articles in it")
        yield from _records((f"{name}[{i}]", record) for i, record in enumerate(document))
    else:
        yield from _records([(name, document)])


def _error(e: InputRejected) -> InputError:
    return InputError(e.input_name, e.message)
