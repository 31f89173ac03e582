"""Extractions as partitioned Parquet: written by workers (``--out-parquet DIR``), merged into a
database by one writer (``sayso load DB DIR``).

A directory holds ``part-<first input index>-<digest>.parquet`` files, one per chunk of
articles, each written to a hidden temporary name and renamed when complete, so an interrupted
run leaves only whole parts and a rerun writes only what is missing.  Columns:

=============  ========  ==========================================================
``seq``        int64     the article's index in its run's inputs (load order)
``article_id`` string    the article's content id
``extractor``  string    the versioned extractor name
``title``      string    the headline (null when none), for a quick look in DuckDB
``statements`` int32     how many statements were found
``extraction`` string    the whole Extraction as JSON (every field, exact floats)
=============  ========  ==========================================================
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import types
import typing
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..models import Article, Extraction, InputError
from ..store import IngestOutcome, IngestReport, Store
from .settings import PARQUET_PREFIX

COLUMNS = ("seq", "article_id", "extractor", "title", "statements", "extraction")


# --- Extraction <-> JSON, lossless --------------------------------------------------------------


def extraction_to_json(extraction: Extraction) -> str:
    """Every field of an Extraction as one JSON string (unlike ``to_json``, nothing rounded)."""
    return json.dumps(dataclasses.asdict(extraction), ensure_ascii=False)


def extraction_from_json(text: str) -> Extraction:
    """The Extraction that :func:`extraction_to_json` wrote."""
    return typing.cast(Extraction, _build(Extraction, json.loads(text)))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(tp: Any, value: Any) -> Any:
    """``value`` (decoded JSON) as type ``tp``: dataclasses, tuples and optionals rebuilt."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        (item, *_) = typing.get_args(tp)
        return tuple(_build(item, v) for v in value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        fields = {f.name for f in dataclasses.fields(tp) if f.init}
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in fields})
    return value


# --- writing parts ----------------------------------------------------------------------------


def part_name(first_index: int, article_ids: list[str]) -> str:
    """The file name of the part holding these articles, starting at input ``first_index``."""
    digest = hashlib.sha256("\n".join(article_ids).encode()).hexdigest()[:12]
    return f"{PARQUET_PREFIX}{first_index:012d}-{digest}.parquet"


def write_part(
    folder: str, first_index: int, articles: list[Article], name: str
) -> list[int | InputError]:
    """Extract ``articles`` and write them as one Parquet part in ``folder`` (runs on a worker).

    Returns, per article, its statement count or the InputError that stopped it (not written).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .batch import extract_chunk

    results = extract_chunk(articles, name)
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    out: list[int | InputError] = []
    for k, result in enumerate(results):
        if isinstance(result, InputError):
            out.append(result)
            continue
        out.append(len(result.attributions))
        for column, value in zip(
            COLUMNS,
            (first_index + k, result.article.id, name, result.article.title,
             len(result.attributions), extraction_to_json(result)),
            strict=True,
        ):  # fmt: skip
            rows[column].append(value)
    schema = pa.schema(
        [("seq", pa.int64()), ("article_id", pa.string()), ("extractor", pa.string()),
         ("title", pa.string()), ("statements", pa.int32()), ("extraction", pa.string())]
    )  # fmt: skip
    target = Path(folder) / part_name(first_index, [a.id for a in articles])
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(pa.table(rows, schema=schema), temporary, compression="zstd")
    os.replace(temporary, target)  # atomic: a part is whole or absent
    return out


def parts(folder: Path) -> list[Path]:
    """The complete parts in ``folder``, in input order."""
    return sorted(p for p in folder.glob(f"{PARQUET_PREFIX}*.parquet") if p.is_file())


def stored_ids(folder: Path, name: str) -> set[str]:
    """The ids of the articles already in ``folder``'s parts for extractor ``name``."""
    import pyarrow.parquet as pq

    ids: set[str] = set()
    for path in parts(folder):
        try:
            table = pq.read_table(path, columns=["article_id", "extractor"])
        except Exception:  # noqa: BLE001, S112 - a damaged part is redone, and reported by load
            continue
        for article_id, extractor in zip(
            table.column("article_id").to_pylist(), table.column("extractor").to_pylist(),
            strict=True,
        ):  # fmt: skip
            if extractor == name:
                ids.add(article_id)
    return ids


# --- merging parts into a database ------------------------------------------------------------


def _rows(path: Path) -> Iterator[tuple[str, str, str]]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path)
    for batch in table.iter_batches(columns=["article_id", "extractor", "extraction"]):
        yield from zip(*(batch.column(i).to_pylist() for i in range(3)), strict=True)


def load(
    store: Store, folder: str | Path, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """Write every extraction in ``folder``'s Parquet parts into ``store``, in input order.

    Resumable like ingest: an article already stored for its extractor is skipped.  A part
    that cannot be read is one error outcome; the other parts are still loaded.  ``progress``
    is called with each part's name when it is done.
    """
    import time

    import pyarrow as pa

    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"{folder}: no such directory; give the --out-parquet folder of ingest")
    started = time.perf_counter()
    outcomes: list[IngestOutcome] = []
    extractors: list[str] = []
    found = parts(folder)
    if not found:
        raise StoreError(f"{folder}: no {PARQUET_PREFIX}*.parquet files; nothing to load")
    for path in found:
        try:
            for article_id, name, text in _rows(path):
                if name not in extractors:
                    extractors.append(name)
                if store.has_article(article_id, name):
                    outcomes.append(IngestOutcome(article_id, None, 0, "skipped"))
                    continue
                extraction = extraction_from_json(text)
                wrote = store.write(extraction, extractor=name)
                n = len(extraction.attributions) if wrote else 0
                title = extraction.article.title
                outcomes.append(
                    IngestOutcome(article_id, title, n, "added" if wrote else "skipped")
                )
        except (OSError, pa.ArrowException, ValueError, TypeError, KeyError) as e:
            outcomes.append(
                IngestOutcome(
                    "", None, 0, "error", str(path),
                    f"cannot read this part ({type(e).__name__}: {e}); rerun the ingest with "
                    "--out-parquet to write it again (delete it first), then load again",
                )
            )  # fmt: skip
        if progress is not None:
            progress(path.name)
    return IngestReport(
        outcomes=tuple(outcomes),
        extractor=", ".join(extractors),
        seconds=time.perf_counter() - started,
    )
