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


BLAS_SCRIPT = """
import os, sys
import sayso.cli as c
c.cli = lambda: print(os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("OMP_NUM_THREADS"),
                     "numpy" in sys.modules, "torch" in sys.modules)
c.main()
"""


def _blas_threads_seen(env_value: str | None) -> str:
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}  # fmt: skip
    if env_value is not None:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = env_value
    out = subprocess.run(
        [sys.executable, "-c", BLAS_SCRIPT], capture_output=True, text=True, check=True,
        timeout=120, env=env,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def test_the_console_script_runs_one_blas_thread_unless_told_otherwise() -> None:
    # numpy and torch not loaded yet when the command starts: OpenBLAS and torch read the
    # settings on loading
    assert _blas_threads_seen(None) == "1 1 False False"
    assert _blas_threads_seen("4") == "4 4 False False"


TORCH_SCRIPT = """
import sys
from sayso import nlp
from sayso.engines.batch import prepare_worker
if {own}:
    prepare_worker("sayso.rules.v1", freeze=False)   # a worker: spaCy imported without torch
else:
    nlp.load()                                       # a program that imports sayso
print("torch" in sys.modules)
import torch
print(float(torch.ones(3).sum()))
"""


def _torch_after_loading(own: bool) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", TORCH_SCRIPT.format(own=own)],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-2:]


def test_sayso_processes_load_spacy_without_torch_and_can_still_import_it() -> None:
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        import pytest

        pytest.skip("torch is not installed: thinc imports nothing either way")
    assert _torch_after_loading(True) == ["False", "3.0"]
    # sayso imported by a program of its own: thinc left as it is (it imports torch)
    assert _torch_after_loading(False) == ["True", "3.0"]
