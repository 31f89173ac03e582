"""Every constant that tunes how the engines batch and pace work, with the reason for its value."""

from __future__ import annotations

#: Articles handed to a worker (or to spaCy in this process) at a time: one ``nlp.pipe`` batch.
#: 16 is the batch size spaCy's small model runs fastest at on news articles; larger chunks only
#: delay the first stored article and the progress bar.
CHUNK_ARTICLES = 16

#: Chunks in flight per worker (being extracted or waiting for one).  Two keep a worker busy
#: while the writer stores the previous chunk; more would only hold more articles in memory.
CHUNKS_PER_WORKER = 2

#: Inputs the reader thread may read ahead of extraction.  Bounds memory whatever the input
#: count (a million-line JSONL costs what 256 records cost), and is enough to keep two
#: workers fed with 16-article chunks.
READ_AHEAD_ITEMS = 256

#: How often (seconds) a wait for the reader or a worker wakes up to let Ctrl-C through.
POLL_SECONDS = 0.5

#: Dask: seconds to wait for a scheduler given with ``--scheduler`` before giving up.
DASK_CONNECT_SECONDS = 30

#: Parquet output: files are named ``part-<first input index>-<digest>.parquet``, so that a
#: directory listing sorts them in input order and ``sayso load`` writes them in that order.
PARQUET_PREFIX = "part-"
