"""Directories are walked lazily, in the sorted order of full paths; an unreadable folder is one
error and the walk goes on."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

from sayso.ingest import read_inputs
from sayso.models import Article, InputError


def _tree(root: Path) -> None:
    (root / "a").mkdir()
    (root / "a" / "x.txt").write_text("The mayor said the bridge would reopen.")
    (root / "b").mkdir()
    (root / "b" / "y.txt").write_text("The minister said the talks had failed.")
    (root / "a.txt").write_text("The king said the treaty was signed.")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "z.txt").write_text("The spy said nothing.")


def test_walk_order_is_the_sorted_full_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    items = list(read_inputs([str(tmp_path)]))
    assert all(isinstance(x, Article) for x in items)
    texts = [x.text for x in items if isinstance(x, Article)]
    # "a.txt" sorts before "a/x.txt" ('.' < '/'), as a sorted list of all paths would have it
    assert [t.split()[1] for t in texts] == ["king", "mayor", "minister"]


def test_an_unreadable_folder_is_one_error_and_the_walk_goes_on(tmp_path: Path) -> None:
    _tree(tmp_path)
    real = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith(f"{os.sep}a"):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[call-overload]

    with mock.patch("os.scandir", scandir):
        items = list(read_inputs([str(tmp_path)]))
    assert [type(x).__name__ for x in items] == ["Article", "InputError", "Article"]
    error = items[1]
    assert isinstance(error, InputError) and error.input == str(tmp_path / "a")
    assert "cannot read the directory" in error.message
