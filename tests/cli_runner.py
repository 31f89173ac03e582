"""One way for the CLI tests to run a command in-process and see its exit code and streams."""

from __future__ import annotations

from click.testing import CliRunner

from sayso.cli import cli


def run_cli(*args: str) -> tuple[int, str, str]:
    """``sayso ARGS…`` through click's runner: (exit code, stdout, stderr); a crash re-raised."""
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
