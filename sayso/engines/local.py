"""Ingest in this process: extract articles not stored yet and write each in its own transaction.

Resumable: an article already stored for the pipeline's extractor is skipped, so rerunning an
interrupted ingest picks up where it stopped.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from ..errors import InputRejected
from ..extract import resolve_name
from ..models import Article, InputError
from ..pipeline import extract_many
from ..store import IngestOutcome, IngestReport, Store

Item = Article | InputError


def ingest(
    store: Store,
    items: Iterable[Article | InputError],
    pipeline: str = "fast",
    progress: Callable[[Article | InputError], None] | None = None,
) -> IngestReport:
    """Extract and store every new article of ``items``; collect the input errors.

    ``progress`` is called once per input (the Article or InputError) when it is done.
    """
    name = resolve_name(pipeline)  # fails fast on an unknown pipeline, before reading inputs
    started = time.perf_counter()
    outcomes: dict[int, IngestOutcome] = {}
    pending: deque[tuple[int, Article]] = deque()

    def done(i: int, outcome: IngestOutcome, item: Item) -> None:
        outcomes[i] = outcome
        if progress is not None:
            progress(item)

    def new_articles() -> Iterator[Article]:
        for i, item in enumerate(items):
            if isinstance(item, InputRejected):  # readers may hand over the exception itself
                item = InputError(item.input_name, item.message)
            if isinstance(item, InputError):
                done(i, IngestOutcome("", None, 0, "error", item.input, item.message), item)
            elif not isinstance(item, Article):
                raise TypeError(f"ingest() takes Article or InputError items, not {item!r}")
            elif store.has_article(item.id, name):
                done(i, IngestOutcome(item.id, item.title, 0, "skipped"), item)
            else:
                pending.append((i, item))
                yield item

    for extraction in extract_many(new_articles(), pipeline=name):
        i, article = pending.popleft()
        wrote = store.write(extraction, extractor=name)
        n = len(extraction.attributions) if wrote else 0
        done(
            i, IngestOutcome(article.id, article.title, n, "added" if wrote else "skipped"), article
        )
    return IngestReport(
        outcomes=tuple(outcomes[i] for i in sorted(outcomes)),
        extractor=name,
        seconds=time.perf_counter() - started,
    )
