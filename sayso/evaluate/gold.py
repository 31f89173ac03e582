"""What every bundled gold folder shares: its splits and its JSON Lines reader.

Used by :mod:`sayso.evaluate.chains` (and, through it, the speaker gold) and
:mod:`sayso.evaluate.stories`, so that a malformed gold line gives the same one error naming
``file:LINE`` whichever gold it is in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import GoldDataError

#: The splits a gold row may carry, and ``all``.
SPLITS = ("dev", "test", "all")


def check_split(split: str) -> None:
    """Raise GoldDataError for a split name other than dev, test or all."""
    if split not in SPLITS:
        raise GoldDataError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")


def jsonl_objects(path: Path, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``("LABEL:LINE", object)`` for each non-blank line of a JSON Lines gold file; a line that
    is not a JSON object raises GoldDataError naming it."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{label}:{n}"
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise GoldDataError(f"{where}: not JSON ({exc}); fix the line") from exc
            if not isinstance(obj, dict):
                raise GoldDataError(f"{where}: expected a JSON object; fix the line")
            yield where, obj
