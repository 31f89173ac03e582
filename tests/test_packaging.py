"""Packaging (issue 13.6): licence, dependency ranges, imports declared, and what the wheel
holds.  Installing the wheel into a fresh environment and running it is scripts/check_wheel.sh,
which CI runs (it needs the package index)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_licence_file_is_mit_and_declared() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 sayso contributors" in text
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]


def test_dependencies_are_ranges_and_python_is_open_ended() -> None:
    assert PROJECT["requires-python"] == ">=3.11"
    for req in PROJECT["dependencies"]:
        assert "==" not in req, f"{req}: exact pins belong in requirements.lock"
        assert re.search(r">=", req), f"{req}: give a lower bound"
    names = {_name(r) for r in PROJECT["dependencies"]}
    assert not names & {"typer", "fastapi"}  # never imported by sayso
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").lower().replace("_", "-")
    for name in names:  # every dependency has its tested version pinned in the lock
        assert re.search(rf"^{re.escape(name)}==", lock, re.M), f"{name} is not in requirements.lock"


def _module_level_imports(path: Path) -> set[str]:
    """Top-level modules imported when ``path`` is imported (not inside functions, not under
    ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body
    return found


def test_every_module_level_import_is_a_declared_dependency() -> None:
    # What the wheel check (scripts/check_wheel.sh) found once: a reader importing feedparser
    # that pyproject.toml did not list; `sayso extract` then failed in a fresh environment.
    declared = {_name(r) for r in PROJECT["dependencies"]}
    dists = {m: {d.lower().replace("_", "-") for d in ds} for m, ds in packages_distributions().items()}
    missing = []
    for path in sorted((ROOT / "sayso").rglob("*.py")):
        for module in _module_level_imports(path):
            if module in sys.stdlib_module_names or module in ("sayso", "__future__"):
                continue
            if not dists.get(module, set()) & declared:
                missing.append(f"{path.relative_to(ROOT)}: {module} ({dists.get(module)})")
    assert not missing, "imported but not in [project.dependencies]: " + "; ".join(missing)


def test_spacy_factory_entry_point_is_declared() -> None:
    eps = PROJECT["entry-points"]["spacy_factories"]
    assert eps == {"sayso": "sayso.spacy_component:make_sayso"}
    assert PROJECT["scripts"] == {"sayso": "sayso.cli:main"}


@pytest.mark.slow
def test_wheel_holds_the_package_data_licence_and_entry_points(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("sayso-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "sayso/data/samples/wikinews.jsonl",
        "sayso/data/samples/NOTICE",
        "sayso/extract/models/learned-v1.npz",
        "sayso/web/templates/base.html",
        "sayso/spacy_component.py",
    ):
        assert needed in names, needed
    info = {n.split("/", 1)[1]: n for n in names if ".dist-info/" in n}
    assert "licenses/LICENSE" in info
    with zipfile.ZipFile(wheel) as z:
        entry_points = z.read(info["entry_points.txt"]).decode()
        metadata = z.read(info["METADATA"]).decode()
    assert "[spacy_factories]\nsayso = sayso.spacy_component:make_sayso" in entry_points
    assert "Requires-Python: >=3.11\n" in metadata and "License-Expression: MIT" in metadata
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
