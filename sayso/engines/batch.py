"""What every engine shares: read ahead in a thread, skip what is stored before parsing, extract
in chunks, write in input order through one writer.

The flow of one run::

    items (lazy) --reader thread--> bounded queue --> screen: errors, stored, duplicates
        --> chunks of new articles --> extract_chunk (here, in worker processes, or on Dask)
        --> results in dispatch order --> Run.write (the one writer) --> IngestReport

Memory is bounded by READ_AHEAD_ITEMS plus the chunks in flight, whatever the input count.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import InputRejected
from ..models import Article, Extraction, InputError
from ..store import IngestOutcome, IngestReport, Store
from ..store.records import IngestStatus
from .settings import POLL_SECONDS, READ_AHEAD_ITEMS

Item = Article | InputError
#: What extracting one article gives: its Extraction, or the error that stopped it.
Result = Extraction | InputError
Progress = Callable[[Item], None]


# --- reading ahead ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Failed:
    """The reader thread's exception, handed to the consumer to raise."""

    error: BaseException


_END = object()


def read_ahead(items: Iterable[object], limit: int = READ_AHEAD_ITEMS) -> Iterator[list[object]]:
    """``items`` in lists, read by a background thread at most ``limit`` items ahead.

    A list is handed over as soon as the reader has nothing more ready, so an input that blocks
    (a FIFO with no writer yet, a slow network disk) never holds back what was read before it:
    that is extracted and stored while the reader waits.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=limit)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                q.put(value, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def feed() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, which raises it
            put(_Failed(e))
            return
        put(_END)

    thread = threading.Thread(target=feed, name="sayso-reader", daemon=True)
    thread.start()
    try:
        while True:
            first = _get(q)
            batch: list[object] = []
            value = first
            while True:
                if value is _END:
                    if batch:
                        yield batch
                    return
                if isinstance(value, _Failed):
                    raise value.error
                batch.append(value)
                if len(batch) >= limit:
                    break
                try:
                    value = q.get_nowait()
                except queue.Empty:
                    break
            yield batch
    finally:
        stop.set()


def _get(q: queue.Queue[object]) -> object:
    while True:  # a timed wait, so that Ctrl-C is not held up by a blocked reader
        try:
            return q.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue


# --- extracting ---------------------------------------------------------------------------------


def article_name(article: Article) -> str:
    """How errors name an article: its URL, its input id, its headline, else its content id."""
    return article.url or article.external_id or article.title or article.id


def extract_chunk(articles: list[Article], name: str) -> list[Result]:
    """The Extraction of each article (in order), or an InputError for one that fails.

    Runs wherever the engine sends it (this process, a worker process, a Dask worker); long
    articles are parsed in bounded pieces.  One article that makes the parser or an extractor
    fail costs that article, never the chunk or the run.
    """
    from ..pipeline import extract_batch

    return list(extract_batch(articles, name))


def prepare_worker(name: str, freeze: bool = True) -> None:
    """Set up a worker process: one thread per math library; models loaded before any chunk
    (and, with ``freeze``, kept out of the garbage collector's passes: :func:`warm_up`)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # one process per core: threads would only contend
    from .. import nlp

    nlp.without_torch()  # about 180 MiB less per worker (see nlp.without_torch)
    warm_up(name, freeze=freeze)


def warm_up(name: str, freeze: bool = False) -> None:
    """Load the parser and extractor ``name`` (one small article through the pipeline).

    ``freeze``: then take everything the process holds out of the garbage collector's full
    passes (:func:`gc.freeze`), for a process that does nothing but extract (sayso's CLI and
    its worker processes).  spaCy, numba and the models leave about 300,000 objects that live
    as long as the process, and each full collection walked all of them: about 0.13 s, once
    every hundred articles or so, 3 % of extraction time.
    """
    extract_chunk([Article(text="Warm-up.\n\nThe minister said the model was loaded.")], name)
    if freeze:
        gc.freeze()


# --- the run ----------------------------------------------------------------------------------


class Run:
    """One ingest's bookkeeping: input order, what is new, what was written, the outcomes.

    ``skip(article_id)`` says whether an article is already done (stored, or in a Parquet
    output); an article read twice in one run is extracted once.
    """

    def __init__(
        self, store: Store | None, name: str, progress: Progress | None,
        skip: Callable[[str], bool] | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.name = name
        self.progress = progress
        self.skip = skip or (lambda _id: False)
        self.started = time.perf_counter()
        self.outcomes: dict[int, IngestOutcome] = {}
        self.pending: deque[tuple[int, Article]] = deque()  # dispatched, not written yet
        self._in_flight: set[str] = set()
        self._index = 0

    def done(self, i: int, outcome: IngestOutcome, item: Item) -> None:
        """Record the outcome of input ``i``."""
        self.outcomes[i] = outcome
        if self.progress is not None:
            self.progress(item)

    def screen(self, items: Iterable[object]) -> list[Article]:
        """The new articles among ``items``; errors, stored articles and repeats are recorded."""
        new: list[Article] = []
        for item in items:
            i = self._index
            self._index += 1
            if isinstance(item, InputRejected):  # readers may hand over the exception itself
                item = InputError(item.input_name, item.message)
            if isinstance(item, InputError):
                self.done(i, IngestOutcome("", None, 0, "error", item.input, item.message), item)
            elif not isinstance(item, Article):
                raise TypeError(f"ingest() takes Article or InputError items, not {item!r}")
            elif item.id in self._in_flight or self.skip(item.id):
                self.done(i, IngestOutcome(item.id, item.title, 0, "skipped", item.input), item)
            else:
                self._in_flight.add(item.id)
                self.pending.append((i, item))
                new.append(item)
        return new

    def index(self, article_id: str) -> int:
        """The input index of a dispatched article (searched from the newest)."""
        for i, article in reversed(self.pending):
            if article.id == article_id:
                return i
        raise KeyError(article_id)

    def take(self, article_id: str) -> tuple[int, Article]:
        """The oldest dispatched article, which must be ``article_id`` (results come in order)."""
        i, article = self.pending.popleft()
        if article.id != article_id:  # pragma: no cover - an engine bug, never the input's
            raise RuntimeError(f"results out of order: expected {article.id}, got {article_id}")
        self._in_flight.discard(article_id)
        return i, article

    def fail(self, i: int, article: Article, error: InputError) -> None:
        """Record an article that could not be extracted (``progress`` gets the error, so that
        the CLI prints its one line)."""
        outcome = IngestOutcome(article.id, article.title, 0, "error", error.input, error.message)
        self.done(i, outcome, error)

    def write(self, result: Result) -> None:
        """Store one result of the oldest dispatched article (the one writer)."""
        assert self.store is not None
        i, article = self.pending[0]
        self.take(article.id)
        if isinstance(result, InputError):
            self.fail(i, article, result)
            return
        wrote = self.store.write(result, extractor=self.name)
        n = len(result.attributions) if wrote else 0
        status: IngestStatus = "added" if wrote else "skipped"
        self.done(i, IngestOutcome(article.id, article.title, n, status, article.input), article)

    def report(self) -> IngestReport:
        """The run's report, outcomes in input order."""
        return IngestReport(
            outcomes=tuple(self.outcomes[i] for i in sorted(self.outcomes)),
            extractor=self.name,
            seconds=time.perf_counter() - self.started,
        )


def chunks(run: Run, items: Iterable[object], size: int) -> Iterator[list[Article]]:
    """The new articles of ``items`` in chunks of at most ``size``, read ahead in a thread.

    A chunk is cut short when the reader has nothing more ready, so what was read is extracted
    while the reader waits on a slow input.
    """
    for batch in read_ahead(items):
        new = run.screen(batch)
        for k in range(0, len(new), size):
            yield new[k : k + size]


def ordered(
    submitted: Iterable[object], window: int, result: Callable[[object], object]
) -> Iterator[object]:
    """The results of ``submitted`` futures in submission order, at most ``window`` in flight."""
    in_flight: deque[object] = deque()
    for future in submitted:
        in_flight.append(future)
        if len(in_flight) >= window:
            yield result(in_flight.popleft())
    while in_flight:
        yield result(in_flight.popleft())
