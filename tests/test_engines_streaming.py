"""Streaming ingest: inputs are read a bounded number ahead, what was read is stored while a
later input (a FIFO with no writer yet) blocks, and long articles still come out whole."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sayso.engines import ingest
from sayso.engines.settings import READ_AHEAD_ITEMS
from sayso.ingest import read_inputs
from sayso.models import Article, InputError
from sayso.store import Store


def test_inputs_are_read_a_bounded_number_ahead(tmp_path: Path) -> None:
    pulled = 0
    first_done_at: list[int] = []

    def items() -> Iterator[Article | InputError]:
        nonlocal pulled
        pulled += 1
        yield Article(text="Rain\n\nThe mayor said it would rain on Monday.")
        for i in range(20 * READ_AHEAD_ITEMS):
            pulled += 1
            yield InputError(f"feed.jsonl:{i}", "malformed JSON")

    def progress(item: Article | InputError) -> None:
        if isinstance(item, Article) and not first_done_at:
            first_done_at.append(pulled)

    with Store(tmp_path / "s.db") as store:
        report = ingest(store, items(), progress=progress)
    assert report.added == 1 and report.errors == 20 * READ_AHEAD_ITEMS
    assert first_done_at[0] <= 2 * READ_AHEAD_ITEMS + 1  # not the whole input first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_fifo_with_no_writer_does_not_hold_back_what_came_before(tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text('{"title": "Talks", "text": "The minister said talks would resume."}\n')
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    db = tmp_path / "f.db"
    stored_before_writer: list[bool] = []

    def writer() -> None:
        # Wait (up to a minute) for a.jsonl's article to be stored, then feed the pipe.
        deadline = time.monotonic() + 60
        seen = False
        while time.monotonic() < deadline and not seen:
            time.sleep(0.2)
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                    seen = conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
            except sqlite3.Error:
                continue
        stored_before_writer.append(seen)
        with open(fifo, "w") as fh:
            fh.write('{"text": "The mayor said the bridge would reopen."}\n')

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    with Store(db) as store:
        report = ingest(store, read_inputs([str(first), str(fifo)]))
    thread.join(5)
    assert stored_before_writer == [True]
    assert report.added == 2
