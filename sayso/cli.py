"""The ``sayso`` command: thin commands that call the library.

Each command parses its options, calls one library function, and prints the result
(a rich table, or JSON with ``--json``).  No extraction or SQL logic lives here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console

from . import __version__

console = Console(stderr=True)


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group()
@click.version_option(__version__, prog_name="sayso")
def cli() -> None:
    """sayso: who said what, through whom, to whom, when."""


# --- extraction -----------------------------------------------------------------------------


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--pipeline", default="fast", show_default=True, help="Pipeline or extractor name.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article.")
def extract(inputs: tuple[str, ...], pipeline: str, as_json: bool) -> None:
    """Extract attributions from INPUTS (files, directories, globs, '-' for stdin); no database."""
    from .ingest import read_inputs
    from .pipeline import extract_many

    errors = []

    def articles():  # type: ignore[no-untyped-def]
        for item in read_inputs(list(inputs)):
            if isinstance(item, Exception) or not hasattr(item, "text"):
                errors.append(item)
                console.print(f"[red]error[/red] {item}")
                continue
            yield item

    for ex in extract_many(articles(), pipeline=pipeline):
        if as_json:
            _print_json(ex.to_json())
        else:
            click.echo(f"# {ex.article.title or ex.article.id}")
            for a in ex.attributions:
                who = ex.speaker(a.speaker)
                name = who.name if who else (a.source.text if a.source else "?")
                click.echo(f"  {name} [{a.cue.text}] {a.content_text}")
    if errors:
        console.print(f"{len(errors)} input(s) skipped with errors")
        sys.exit(1)


# --- store commands (ingest, statements, search, speakers, export) ----------------------------


# --- evaluation (evaluate polnear, evaluate cofenet) -----------------------------------------


# --- web (serve) -----------------------------------------------------------------------------


def main() -> None:
    """Console-script entry point."""
    cli()
