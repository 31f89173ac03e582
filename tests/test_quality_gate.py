"""The quality gate: each gated extractor must stay within `tolerance` of its pinned dev floors.

Reads the PolNeAR dev split and CofeNet's valid.txt at run time (never committed); skips, with the
reason, where they are absent.  Floors live in benchmarks/quality_floor.json and are rewritten by
benchmarks/update_floor.py.  About 30 s per extractor on one core.
"""

from __future__ import annotations

import pytest

from benchmarks import gate


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    root, why = gate.find_data()
    if root is None:
        msg = f"QUALITY GATE NOT RUN: {why}"
        # Loud twice over: the skip reason shows with -rs, the message on the terminal always.
        print(f"\n*** {msg} ***")
        pytest.skip(msg)
    return root


@pytest.fixture(scope="module")
def floors():  # type: ignore[no-untyped-def]
    return gate.load_floors()


def test_every_pipeline_has_a_floor(floors) -> None:  # type: ignore[no-untyped-def]
    missing = sorted(set(gate.gated_extractors()) - set(floors["extractors"]))
    assert not missing, (
        f"no quality floor for {missing}; measure them with `python benchmarks/update_floor.py "
        f"--extractor NAME` and commit benchmarks/quality_floor.json"
    )


def test_floors_are_sane(floors) -> None:  # type: ignore[no-untyped-def]
    assert 0 < floors["tolerance"] <= 2, "tolerance is in F1 points; keep it small"
    for name, entry in floors["extractors"].items():
        for metric, value in entry["floors"].items():
            assert 0.0 <= value <= 100.0, f"{name} {metric} = {value} is not a percentage"


@pytest.mark.parametrize("extractor", sorted(gate.gated_extractors()))
def test_no_regression(extractor: str, data, floors) -> None:  # type: ignore[no-untyped-def]
    entry = floors["extractors"].get(extractor)
    if entry is None:
        pytest.fail(f"{extractor} has no floor (see test_every_pipeline_has_a_floor)")
    measured = gate.measure(extractor, data)
    regressions = gate.compare(extractor, measured, entry["floors"], floors["tolerance"])
    assert not regressions, "quality fell below the pinned floors:\n" + "\n".join(
        str(r) for r in regressions
    )


def test_compare_flags_drops_beyond_tolerance() -> None:
    floors = {"a": 50.0, "b": 50.0, "c": 50.0}
    got = gate.compare("x", {"a": 49.6, "b": 49.4, "c": 60.0}, floors, 0.5)
    assert [r.metric for r in got] == ["b"]
    assert [r.metric for r in gate.compare("x", {"a": 50.0}, floors, 0.5)] == ["b", "c"]


def test_lowering_needs_the_flag() -> None:
    assert gate.lowered({"a": 50.0, "b": 40.0}, {"a": 50.1, "b": 39.99}) == ["b"]
    assert gate.lowered({"a": 50.0}, {}) == ["a"]
    assert gate.lowered({"a": 50.0}, {"a": 50.0, "new": 1.0}) == []


def test_data_path_env_wins(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAYSO_DATA", str(tmp_path))
    root, why = gate.find_data()
    assert root is None and "SAYSO_DATA" in why and "polnear/dev" in why
    (tmp_path / "polnear" / "dev").mkdir(parents=True)
    (tmp_path / "cofenet-polnear").mkdir()
    (tmp_path / "cofenet-polnear" / "valid.txt").write_text("", encoding="utf-8")
    assert gate.find_data()[0] == tmp_path


def _update_floor_module():  # type: ignore[no-untyped-def]
    import importlib.util

    path = gate.REPO_ROOT / "benchmarks" / "update_floor.py"
    spec = importlib.util.spec_from_file_location("update_floor", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_update_floor_raises_freely_and_lowers_only_with_the_flag(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    update_floor = _update_floor_module()
    floor_file = tmp_path / "quality_floor.json"
    monkeypatch.setattr(gate, "FLOOR_FILE", floor_file)
    monkeypatch.setattr(gate, "find_data", lambda: (tmp_path, "test data"))
    monkeypatch.setattr(gate, "gated_extractors", lambda: {"x.v1": ["fast"]})
    measured = {"m": 50.0}
    monkeypatch.setattr(gate, "measure", lambda name, data: dict(measured))

    assert update_floor.main([]) == 0
    assert json.loads(floor_file.read_text())["extractors"]["x.v1"]["floors"] == {"m": 50.0}
    measured["m"] = 51.0  # raising: an ordinary run
    assert update_floor.main([]) == 0
    assert gate.load_floors(floor_file)["extractors"]["x.v1"]["floors"]["m"] == 51.0
    measured["m"] = 49.0  # lowering: refused, file untouched
    assert update_floor.main([]) == 1
    assert gate.load_floors(floor_file)["extractors"]["x.v1"]["floors"]["m"] == 51.0
    assert update_floor.main(["--allow-regression"]) == 0
    assert gate.load_floors(floor_file)["extractors"]["x.v1"]["floors"]["m"] == 49.0
