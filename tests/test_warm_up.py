"""Warming up loads the models before any input; in sayso's own processes it also takes what
they hold out of the garbage collector's full passes (``gc.freeze``)."""

from __future__ import annotations

import subprocess
import sys

from sayso.engines import batch

SCRIPT = """
import gc
from sayso.engines.batch import warm_up
warm_up("sayso.rules.v1", freeze={freeze})
print(gc.get_freeze_count())
"""


def _frozen_after_warm_up(freeze: bool) -> int:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(freeze=freeze)],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return int(out.stdout.strip().splitlines()[-1])


def test_warm_up_freezes_only_when_asked() -> None:
    assert _frozen_after_warm_up(True) > 50_000  # spaCy and the model: a six-figure count
    assert _frozen_after_warm_up(False) == 0


def test_commands_in_process_leave_the_collector_alone() -> None:
    from sayso import cli

    assert cli._OWN_PROCESS is False  # a CliRunner's process is the caller's, not sayso's
    assert batch.warm_up.__defaults__ == (False,)
