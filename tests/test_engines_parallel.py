"""``ingest(..., jobs=2)``: worker processes, one writer, exactly the rows of ``jobs=1``."""

from __future__ import annotations

from pathlib import Path

from sayso.engines import ingest
from sayso.store import Store
from tests.engine_cases import mixed_items, stored_rows


def test_jobs_2_stores_exactly_what_jobs_1_stores(tmp_path: Path) -> None:
    items = mixed_items()
    reports = {}
    for jobs in (1, 2):
        with Store(tmp_path / f"jobs{jobs}.db") as store:
            # chunks of 2 articles: several chunks in flight, results must come back in order
            reports[jobs] = ingest(store, items, jobs=jobs, chunk=2)
    one, two = reports[1], reports[2]
    assert [o.status for o in one.outcomes] == ["added", "error", *["added"] * 6, "skipped"]
    assert [o.to_json() for o in two.outcomes] == [o.to_json() for o in one.outcomes]
    assert one.statements > 0
    rows_one, rows_two = stored_rows(tmp_path / "jobs1.db"), stored_rows(tmp_path / "jobs2.db")
    assert rows_one["attributions"] and rows_one["spans"]
    assert rows_two == rows_one

    # resumable: a rerun in workers finds everything stored and extracts nothing
    with Store(tmp_path / "jobs2.db") as store:
        again = ingest(store, items, jobs=2, chunk=2)
    assert [o.status for o in again.outcomes] == ["skipped", "error", *["skipped"] * 7]
    assert stored_rows(tmp_path / "jobs2.db") == rows_two
