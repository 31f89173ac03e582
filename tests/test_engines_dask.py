"""The Dask engine on a real LocalCluster (in-process workers, quick to start): one writer,
or Parquet parts merged by ``load``; both store exactly what the local engine stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from sayso.engines import ingest, ingest_dask, load
from sayso.engines.parquet import extraction_from_json, extraction_to_json, parts
from sayso.errors import PipelineError, StoreError
from sayso.pipeline import extract_text
from sayso.store import Store
from tests.engine_cases import mixed_items, stored_rows


def test_dask_stores_exactly_what_the_local_engine_stores(tmp_path: Path) -> None:
    items = mixed_items()
    with Store(tmp_path / "local.db") as store:
        local = ingest(store, items)
    with Store(tmp_path / "dask.db") as store:
        report = ingest_dask(store, items, jobs=2, chunk=2, processes=False)
    assert [o.to_json() for o in report.outcomes] == [o.to_json() for o in local.outcomes]
    expected = stored_rows(tmp_path / "local.db")
    assert expected["attributions"]
    assert stored_rows(tmp_path / "dask.db") == expected

    # Parquet parts written by the workers, merged by one writer
    out = tmp_path / "parts"
    with Store(tmp_path / "merged.db") as store:
        written = ingest_dask(store, items, chunk=3, out_parquet=out, processes=False)
        assert [o.status for o in written.outcomes] == [o.status for o in local.outcomes]
        assert store.stats().articles == 0  # the database is only read in this mode
        assert len(parts(out)) == 3  # 7 new articles in chunks of 3
        # resumable: a rerun finds every article in the parts and sends nothing
        again = ingest_dask(store, items, chunk=3, out_parquet=out, processes=False)
        assert {o.status for o in again.outcomes} == {"skipped", "error"}
        assert len(parts(out)) == 3
        loaded = load(store, out)
    assert loaded.added == 7 and loaded.statements == local.statements
    assert stored_rows(tmp_path / "merged.db") == expected
    with Store(tmp_path / "merged.db") as store:
        assert load(store, out).skipped == 7  # loading twice stores nothing twice


def test_extraction_json_round_trip_is_exact() -> None:
    ex = extract_text(
        'Talks\n\n"We will talk," the minister said, according to the agency.',
        source="Wire", published="2024-01-02", topics=("world",),
    )
    assert ex.attributions
    assert extraction_from_json(extraction_to_json(ex)) == ex


def test_load_refuses_a_folder_without_parts_and_reports_a_damaged_part(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        with pytest.raises(StoreError, match="no part-"):
            load(store, tmp_path)
        (tmp_path / "part-000000000000-bad.parquet").write_bytes(b"not parquet")
        report = load(store, tmp_path)
    assert report.errors == 1 and "cannot read this part" in (report.outcomes[0].message or "")


def test_workers_that_cannot_run_sayso_are_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sayso.engines.dask as engine

    def broken(name: str) -> None:
        raise ModuleNotFoundError("No module named 'sayso'")

    monkeypatch.setattr(engine, "prepare_worker", broken)
    with Store(tmp_path / "w.db") as store:
        with pytest.raises(PipelineError, match="install sayso and its models on every worker"):
            ingest_dask(store, mixed_items(), processes=False)
        assert store.stats().articles == 0
