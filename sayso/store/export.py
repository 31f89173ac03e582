"""Export a store: JSON lines (one Extraction per article), CSV or Parquet (one row per
statement, the StatementRow columns).

CSV cells are made safe for spreadsheets: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, which Excel, LibreOffice and Google Sheets would run as a
formula ("CSV injection"), gets a single quote in front (``'=HYPERLINK(...)``), as OWASP
advises; the spreadsheet shows the text as typed.  Numbers and the other formats are not
touched, so JSON lines and Parquet keep the text exactly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from ..errors import StoreError
from .records import StatementRow

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store

#: The formats export() writes.
FORMATS = ("jsonl", "csv", "parquet")
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


def export(store: Store, fmt: Literal["jsonl", "csv", "parquet"], out: Path | BinaryIO) -> int:
    """Write the whole store to ``out`` in ``fmt``; returns the number of records written."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    with _binary(out) as f:
        if fmt == "jsonl":
            return _jsonl(store, f)
        if fmt == "csv":
            return _csv(store, f)
        return _parquet(store, f)


def _jsonl(store: Store, f: BinaryIO) -> int:
    n = 0
    for aid in store.article_ids():
        ex = store.article(aid)
        if ex is not None:
            f.write(json.dumps(ex.to_json(), ensure_ascii=False).encode("utf-8") + b"\n")
            n += 1
    f.flush()
    return n


def _csv(store: Store, f: BinaryIO) -> int:
    # newline="" as the csv module asks; detach() afterwards so the caller's stream stays open.
    text = io.TextIOWrapper(f, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(StatementRow.columns())
        n = 0
        for row in store.iter_statements():
            writer.writerow(
                [
                    spreadsheet_safe(_csv_cell(v))
                    for v in (getattr(row, c) for c in StatementRow.columns())
                ]
            )
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
    return v


def _parquet(store: Store, f: BinaryIO) -> int:
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type stubs
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    types = {"hedged": pa.bool_(), "confidence": pa.float64(), "speaker_confidence": pa.float64()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in StatementRow.columns()])
    n = 0
    with pq.ParquetWriter(f, schema) as writer:
        batch: list[StatementRow] = []

        def flush() -> None:
            cols = {c: [getattr(r, c) for r in batch] for c in StatementRow.columns()}
            writer.write_table(pa.table(cols, schema=schema))
            batch.clear()

        for row in store.iter_statements():
            batch.append(row)
            n += 1
            if len(batch) >= PARQUET_BATCH:
                flush()
        if batch or n == 0:
            flush()
    return n
