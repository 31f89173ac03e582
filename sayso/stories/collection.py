"""Read a collection of articles for grouping: sayso's inputs plus the readouts CSV layout.

The gov-readouts collection (``../shared/data/gov-readouts``) keeps the Kremlin and Kyiv items
as CSV files (``link,headline,date[,location,summary],body``); every other input goes through
:func:`sayso.ingest.read_inputs`.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputRejected
from ..ingest import read_inputs
from ..ingest.jsonl import record_to_article
from ..models import Article, InputError

#: The publisher of a readouts CSV, by file name (the CSVs carry no source column).
CSV_SOURCES = {
    "putin.csv": "President of Russia (Kremlin)",
    "zelenskyy.csv": "Office of the President of Ukraine",
}


def read_csv(path: Path) -> Iterator[Article | InputError]:
    """Articles from a readouts CSV (columns link, headline, date, body)."""
    csv.field_size_limit(sys.maxsize)
    source = CSV_SOURCES.get(path.name, path.stem)
    with path.open(newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            where = f"{path}:{n}"
            record = {
                "title": row.get("headline"), "text": row.get("body"), "url": row.get("link"),
                "published": row.get("date"), "source": source,
            }  # fmt: skip
            try:
                yield record_to_article(record, where)
            except InputRejected as e:
                yield InputError(where, e.message)


def read_collection(paths: Iterable[str | Path]) -> Iterator[Article | InputError]:
    """Articles from files and folders: CSVs as readouts, the rest as sayso inputs."""
    rest: list[str] = []
    for p in map(Path, paths):
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.suffix.lower() == ".csv" and f.is_file():
                yield from read_csv(f)
            elif f.is_file() and f.suffix.lower() in {".jsonl", ".json", ".txt", ".html", ".htm"}:
                rest.append(str(f))
            elif not p.is_dir():
                rest.append(str(f))
    if rest:
        yield from read_inputs(rest)
