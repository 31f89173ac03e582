"""Export a store: JSON lines (one Extraction per article), CSV or Parquet (one row per
statement: the StatementRow columns, then offsets and typed dates, EXTRA_COLUMNS), or one
JSON-LD object per statement, a line each: ``webannotation`` (W3C Web Annotation, anchored in
the input's own text), ``quotation`` (schema.org Quotation) and ``claimreview`` (schema.org
ClaimReview skeletons for a fact-checker to complete).  The JSON-LD shapes live in
:mod:`sayso.store.linked`.

CSV cells are made safe for spreadsheets: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, which Excel, LibreOffice and Google Sheets would run as a
formula ("CSV injection"), gets a single quote in front (``'=HYPERLINK(...)``), as OWASP
advises; the spreadsheet shows the text as typed.  Numbers and the other formats are not
touched, so JSON lines and Parquet keep the text exactly.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from ..errors import StoreError
from ..models import Attribution, Extraction
from .records import ALL_EXTRACTORS, StatementRow

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store

#: The formats export() writes.
FORMATS = ("jsonl", "csv", "parquet", "webannotation", "quotation", "claimreview")
ExportFormat = Literal["jsonl", "csv", "parquet", "webannotation", "quotation", "claimreview"]
#: Columns CSV and Parquet add after the StatementRow columns.  Offsets index the stored
#: article text; ``original_*`` index the input's own text (empty when the store does not know
#: it, or when the span is a headline the input kept apart, as a JSON record's title).
EXTRA_COLUMNS = (
    "external_id",  # the id the input gave the article (a JSONL record's "id")
    "cue_start", "cue_end", "source_start", "source_end",
    "content_start", "content_end",  # from the first content piece to the last
    "original_content_start", "original_content_end",
    "published_date",  # the publication date (Parquet: date32)
    "published_at",  # the publication time, when the input gave one (Parquet: UTC timestamp)
    "time_date",  # the statement's date, when known to the day (Parquet: date32)
)  # fmt: skip
#: Statements per Parquet row group (bounds memory on big stores).
PARQUET_BATCH = 50_000
#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with one of FORMULA_STARTS gets
    a single quote in front; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@contextmanager
def _binary(out: Path | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(out, str | Path):
        try:
            with open(out, "wb") as f:
                yield f
        except OSError as e:
            raise StoreError(
                f"{out}: cannot write the export ({e.strerror}); check the path"
            ) from e
    else:
        yield out


def export(
    store: Store, fmt: ExportFormat, out: Path | BinaryIO, extractor: str | None = None
) -> int:
    """Write the whole store to ``out`` in ``fmt``; returns the number of records written.

    ``extractor`` picks the statements as ``StatementQuery.extractor`` does: by default each
    article's newest extractor's, ``"all"`` for every extractor's, or one extractor's.  The
    jsonl format writes each article's Extraction whole, whatever ``extractor`` says.
    """
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    keep = _keeper(store, extractor)
    with _binary(out) as f:
        if fmt == "jsonl":
            return _jsonl(store, f)
        if fmt == "csv":
            return _csv(store, f, keep)
        if fmt == "parquet":
            return _parquet(store, f, keep)
        return _linked(store, fmt, f, keep)


Keep = Callable[[str, str], bool]


def _keeper(store: Store, extractor: str | None) -> Keep:
    """Whether a statement of (article id, extractor) is exported."""
    if extractor == ALL_EXTRACTORS:
        return lambda aid, ext: True
    if extractor:
        return lambda aid, ext: ext == extractor
    newest = store.newest_extractors()
    return lambda aid, ext: newest.get(aid, ext) == ext


def _linked(store: Store, fmt: str, f: BinaryIO, keep: Keep) -> int:
    from . import linked

    shape = {
        "webannotation": linked.web_annotation,
        "quotation": linked.quotation,
        "claimreview": linked.claim_review,
    }[fmt]
    n = 0
    for aid in store.article_ids():
        ex = store.article(aid)
        if ex is None:
            continue
        for a in ex.attributions:
            if not keep(aid, a.extractor):
                continue
            f.write(json.dumps(shape(ex, a), ensure_ascii=False).encode("utf-8") + b"\n")
            n += 1
    f.flush()
    return n


def _rows(store: Store, keep: Keep) -> Iterator[tuple[StatementRow, dict[str, Any]]]:
    """Every stored statement ``keep`` keeps, with its EXTRA_COLUMNS values, by article."""
    current: Extraction | None = None
    by_key: dict[tuple[str, str], Attribution] = {}
    for row in store.iter_statements():
        if not keep(row.article_id, row.extractor):
            continue
        if current is None or current.article.id != row.article_id:
            current = store.article(row.article_id)
            if current is None:  # deleted while exporting
                continue
            by_key = {(a.extractor, a.id): a for a in current.attributions}
        a = by_key.get((row.extractor, row.attribution_id))
        if a is None:
            continue
        yield row, _extra(current, a, row)


def _extra(ex: Extraction, a: Attribution, row: StatementRow) -> dict[str, Any]:
    art = ex.article
    content_start = min((c.start for c in a.content), default=None)
    content_end = max((c.end for c in a.content), default=None)
    o_start = o_end = None
    if art.origin is not None and content_start is not None and content_end is not None:
        o_start = art.origin.original_offset(content_start)
        o_end = art.origin.original_offset(content_end, end=True)
        if o_end <= o_start:  # a headline the input kept apart: not in the input's text
            o_start = o_end = None
    published_at = None
    if art.published and len(art.published) > 10:
        try:
            published_at = _dt.datetime.fromisoformat(art.published)
        except ValueError:
            published_at = None
        if published_at is not None and published_at.tzinfo is not None:
            published_at = published_at.astimezone(_dt.UTC)
    time_date = None
    if row.time and len(row.time) == 10:
        try:
            time_date = _dt.date.fromisoformat(row.time)
        except ValueError:
            time_date = None
    return {
        "external_id": art.external_id,
        "cue_start": a.cue.start, "cue_end": a.cue.end,
        "source_start": a.source.start if a.source else None,
        "source_end": a.source.end if a.source else None,
        "content_start": content_start, "content_end": content_end,
        "original_content_start": o_start, "original_content_end": o_end,
        "published_date": art.published_date, "published_at": published_at,
        "time_date": time_date,
    }  # fmt: skip


def _jsonl(store: Store, f: BinaryIO) -> int:
    n = 0
    for aid in store.article_ids():
        ex = store.article(aid)
        if ex is not None:
            f.write(json.dumps(ex.to_json(), ensure_ascii=False).encode("utf-8") + b"\n")
            n += 1
    f.flush()
    return n


def _csv(store: Store, f: BinaryIO, keep: Keep) -> int:
    # newline="" as the csv module asks; detach() afterwards so the caller's stream stays open.
    text = io.TextIOWrapper(f, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(StatementRow.columns() + EXTRA_COLUMNS)
        n = 0
        for row, extra in _rows(store, keep):
            values = [getattr(row, c) for c in StatementRow.columns()]
            values += [extra[c] for c in EXTRA_COLUMNS]
            writer.writerow([spreadsheet_safe(_csv_cell(v)) for v in values])
            n += 1
        text.flush()
    finally:
        text.detach()
    return n


def _csv_cell(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, _dt.date):  # dates and date-times (UTC) as ISO 8601
        return v.isoformat()
    return v


def _parquet(store: Store, f: BinaryIO, keep: Keep) -> int:
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type stubs
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    ints = ("cue_start", "cue_end", "source_start", "source_end", "content_start", "content_end")
    types: dict[str, Any] = {
        "hedged": pa.bool_(), "confidence": pa.float64(), "speaker_confidence": pa.float64(),
        **{c: pa.int64() for c in ints},
        "original_content_start": pa.int64(), "original_content_end": pa.int64(),
        "published_date": pa.date32(), "published_at": pa.timestamp("us", tz="UTC"),
        "time_date": pa.date32(),
    }  # fmt: skip
    columns = StatementRow.columns() + EXTRA_COLUMNS
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    n = 0
    with pq.ParquetWriter(f, schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            cols = {c: [r[c] for r in batch] for c in columns}
            writer.write_table(pa.table(cols, schema=schema))
            batch.clear()

        for row, extra in _rows(store, keep):
            batch.append({**{c: getattr(row, c) for c in StatementRow.columns()}, **extra})
            n += 1
            if len(batch) >= PARQUET_BATCH:
                flush()
        if batch or n == 0:
            flush()
    return n
