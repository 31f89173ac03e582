"""The ``sayso`` command: thin commands that call the library.

Each command parses its options, calls one library function, and prints the result
(a rich table, or JSON with ``--json``).  No extraction or SQL logic lives here.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from . import __version__
from .errors import BUG_REPORT_HINT, EXIT_INTERNAL, EXIT_REJECTED, EXIT_USAGE, SaysoError

# soft_wrap: an error or a summary is one line however narrow the terminal (or with no terminal
# at all, where rich assumes 80 columns), so that scripts can grep it
console = Console(stderr=True, soft_wrap=True)


class _Errors:
    """How this run reports errors: one red line each, or one JSON object each under --json."""

    json = False


def _set_json_errors(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        _Errors.json = True
    return value


def _json_option(help: str) -> Any:
    """The --json flag of a command; it also turns error lines into JSON objects."""
    return click.option(
        "--json", "as_json", is_flag=True, help=help, callback=_set_json_errors
    )


def _error(message: object, *, input: str | None = None, hint: str | None = None) -> None:
    """Report one error on stderr: one line, or a JSON object ``{"error", "input", "hint"}``
    under --json.  The run decides whether to go on."""
    text = " ".join(str(message).split())  # one line, whatever the message holds
    if _Errors.json:
        obj = {"error": text, "input": input, "hint": hint}
        click.echo(json.dumps(obj, ensure_ascii=False), err=True)
        return
    line = f"{input}: {text}" if input else text
    console.print(Text.assemble(("error", "red"), " ", line, f"; {hint}" if hint else ""))


def _warning(message: str) -> None:
    """One warning line on stderr (a JSON object ``{"warning"}`` under --json); the run goes on."""
    text = " ".join(message.split())
    if _Errors.json:
        click.echo(json.dumps({"warning": text}, ensure_ascii=False), err=True)
    else:
        console.print(Text.assemble(("warning", "yellow"), " ", text))


def _input_error(item: Any) -> None:
    """Report one rejected input (an :class:`~sayso.models.InputError`)."""
    _error(item.message, input=item.input)


def _fail(message: object, *, input: str | None = None, hint: str | None = None) -> NoReturn:
    """Report an error that ends the run: a bad argument or an unusable database (exit 2)."""
    _error(message, input=input, hint=hint)
    sys.exit(EXIT_USAGE)


class _Sayso(click.Group):
    """The command group, turning what escapes a command into one error line and an exit code:
    2 for a usage or database error (any :class:`SaysoError`), 3 for a bug in sayso."""

    def invoke(self, ctx: click.Context) -> Any:
        _Errors.json = False  # set again by a command's --json (tests run many commands)
        try:
            return super().invoke(ctx)
        except SaysoError as exc:
            _fail(exc)
        except click.UsageError as exc:
            if not _Errors.json:
                raise  # click prints the usage and the error, exit 2
            _fail(exc.format_message(), hint="see the command's --help")
        except click.ClickException as exc:
            _fail(exc.format_message())
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (| head): click handles it
                raise
            _internal(exc)
        except Exception as exc:
            _internal(exc)


def _internal(exc: Exception) -> NoReturn:
    """A bug: one line asking for a report, exit 3 (SAYSO_DEBUG=1 raises it instead)."""
    if os.environ.get("SAYSO_DEBUG"):
        raise exc
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if _Errors.json:
        _error(f"internal error: {what}", hint=BUG_REPORT_HINT)
    else:
        line = " ".join(f"sayso: internal error: {what}; {BUG_REPORT_HINT}".split())
        console.print(Text(line, style="red"))
    sys.exit(EXIT_INTERNAL)


#: Every command that runs an extractor takes the same option.
_pipeline_option = click.option(
    "--pipeline",
    default="fast",
    show_default=True,
    help="Pipeline (fast, rules) or extractor name.",
)


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


#: Every reading command picks the extractor whose statements it reads the same way.
_extractor_option = click.option(
    "--extractor",
    metavar="NAME",
    help="Only this extractor's statements (a pipeline such as rules, or a versioned name such "
    "as sayso.rules.v1); 'all' for every extractor's.  Default: each article's newest "
    "extractor's, so an article ingested with two pipelines counts once.",
)


def _extractor_name(value: str | None) -> str | None:
    """The versioned extractor name of an --extractor value (pipeline aliases resolved)."""
    from .extract import PIPELINES

    return PIPELINES.get(value, value) if value else None


def _page_json(rows: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    """The JSON shape of every listing: the rows, how many match in all, and the offset of
    the next page (null on the last), as the web explorer's JSON has them."""
    after = offset + len(rows)
    return {
        "rows": rows, "total": total, "limit": limit, "offset": offset,
        "next": after if rows and after < total else None,
    }  # fmt: skip


#: A run's summary lists every article up to this many inputs, then totals and errors only.
SUMMARY_ROWS = 30
#: Errors listed under an aggregated summary (all of them are printed as they happen).
SUMMARY_ERRORS = 20


class _Bar:
    """A progress bar on stderr with articles done, their rate and the time left.

    The share done is told by the bytes of input files read (``total`` bytes in all, None for
    stdin or a pipe: no estimate), so it moves through one huge JSONL file as well as through
    many small files.  Off under --json and when stderr is not a terminal.
    """

    def __init__(self, label: str, total: int | None, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.articles = 0
        self._started = 0.0
        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[articles]} {task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not enabled,
            # results printed on a terminal stdout go above the bar instead of through it
            redirect_stdout=sys.stdout.isatty(),
        )
        self.task = self.progress.add_task(label, total=total, articles="", rate="")

    def __enter__(self) -> _Bar:
        import time

        self._started = time.perf_counter()
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def read(self, n: int) -> None:
        """``n`` more bytes of input read (called from the reader thread)."""
        self.progress.advance(self.task, n)

    def done(self, _item: object = None) -> None:
        """One more input done."""
        import time

        self.articles += 1
        rate = self.articles / max(time.perf_counter() - self._started, 1e-9)
        self.progress.update(
            self.task, articles=f"{self.articles:,} done", rate=f"{rate:,.1f}/s"
        )


_text_meta_options = [
    click.option("--source", help="Outlet of plain-text inputs (files that do not say)."),
    click.option(
        "--published",
        metavar="YYYY-MM-DD",
        help="Publication date of plain-text inputs; relative dates ('on Monday') resolve to it.",
    ),
    click.option("--url", help="Where plain-text inputs were published."),
]


def _text_meta(source: str | None, published: str | None, url: str | None) -> Any:
    """The TextMeta of --source/--published/--url; a date that cannot be read is a usage error."""
    from .ingest import TextMeta
    from .models import Article

    if published is not None and Article(text=".", published=published).published_date is None:
        raise click.BadParameter(
            f"{published!r} is not a date; give it as YYYY-MM-DD", param_hint="--published"
        )
    return TextMeta(source=source, published=published, url=url)


def _options(options: list[Any]) -> Any:
    def apply(f: Any) -> Any:
        for option in reversed(options):
            f = option(f)
        return f

    return apply


@click.group(cls=_Sayso)
@click.version_option(__version__, prog_name="sayso")
def cli() -> None:
    """sayso: who said what, through whom, to whom, when."""


# --- extraction -----------------------------------------------------------------------------


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@_pipeline_option
@_json_option("Print one JSON object per article.")
@_options(_text_meta_options)
def extract(
    inputs: tuple[str, ...], pipeline: str, as_json: bool,
    source: str | None, published: str | None, url: str | None,
) -> None:  # fmt: skip
    """Extract attributions from INPUTS (files, directories, globs, '-' for stdin); no database."""
    from .errors import PipelineError
    from .ingest import input_bytes, read_inputs
    from .models import InputError
    from .pipeline import extract_each

    errors: list[InputError] = []
    meta = _text_meta(source, published, url)
    bar = _Bar("extracting", input_bytes(list(inputs)), console.is_terminal and not as_json)

    def articles():  # type: ignore[no-untyped-def]
        for item in read_inputs(list(inputs), meta=meta, on_read=bar.read):
            if isinstance(item, InputError):
                errors.append(item)
                _input_error(item)
                continue
            yield item

    n = 0
    try:
        _warm_up(pipeline)
        with bar:
            for ex in extract_each(articles(), pipeline=pipeline):
                bar.done()
                if isinstance(ex, InputError):  # an extractor failed on this article alone
                    errors.append(ex)
                    _input_error(ex)
                    continue
                n += 1
                _print_extraction(ex, as_json)
    except PipelineError as exc:
        _fail(exc)
    if as_json:  # under --json every line on stderr is a JSON object
        click.echo(json.dumps({"extracted": n, "skipped": len(errors)}), err=True)
    else:
        console.print(f"{n} article(s) extracted, {len(errors)} input(s) skipped with errors")
    if errors:
        sys.exit(EXIT_REJECTED)


def _print_extraction(ex: Any, as_json: bool) -> None:
    if as_json:
        _print_json(ex.to_json())
        return
    click.echo(f"# {ex.article.title or ex.article.id}")
    for a in ex.attributions:
        who = ex.speaker(a.speaker)
        name = who.name if who else (a.source.text if a.source else "?")
        click.echo(f"  {name} [{a.cue.text}] {a.content_text}")


# --- store commands (ingest, statements, search, speakers, export) ----------------------------


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("inputs", nargs=-1)
@click.option("--sample", is_flag=True, help="Also ingest the bundled sample of real news.")
@_pipeline_option
@click.option(
    "--auto-alias/--no-auto-alias",
    default=True,
    show_default=True,
    help="Afterwards, merge one-word person names into the one full name they match.",
)
@click.option(
    "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
    help="Worker processes extracting in parallel (one writer stores, in input order), then "
    "comparing the changed stories' accounts.",
)  # fmt: skip
@click.option(
    "--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
    help="local: this machine; dask: a Dask distributed cluster (see --scheduler).",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="tcp://HOST:PORT",
    help="Dask scheduler to run on (implies --engine dask); default: a LocalCluster of --jobs.",
)  # fmt: skip
@click.option(
    "--out-parquet", metavar="DIR", type=click.Path(file_okay=False),
    help="Dask workers write Parquet parts to DIR (shared by all) instead of the database; "
    "merge them with `sayso load DB DIR`.  Implies --engine dask.",
)  # fmt: skip
@_options(_text_meta_options)
@_json_option("Print the report as JSON.")
def ingest(
    db: str, inputs: tuple[str, ...], sample: bool, pipeline: str, auto_alias: bool,
    jobs: int, engine: str, scheduler: str | None, out_parquet: str | None,
    source: str | None, published: str | None, url: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Extract INPUTS into the SQLite database DB (resumable: stored articles are skipped).

    Inputs are read as they are needed, so the first articles are stored at once however many
    there are; a stored article is skipped before it is parsed.
    """
    from .engines import client_for, ingest_dask, prepare_cluster
    from .engines import ingest as store_ingest
    from .ingest import input_bytes, read_inputs, sample_paths
    from .models import InputError
    from .store import Store
    from .stories import update as update_stories

    specs = list(inputs) + ([str(p) for p in sample_paths()] if sample else [])
    if not specs:
        raise click.UsageError("give INPUTS to ingest, or --sample for the bundled sample")
    meta = _text_meta(source, published, url)
    bar = _Bar("ingesting", input_bytes(specs), console.is_terminal and not as_json)

    def done(item: object) -> None:
        if isinstance(item, InputError):
            _input_error(item)
        bar.done()

    items = read_inputs(specs, meta=meta, on_read=bar.read)
    dask = engine == "dask" or bool(scheduler) or bool(out_parquet)
    with Store(db) as store, bar, client_for(scheduler, jobs) if dask else nullcontext() as client:
        if client is not None:
            prepare_cluster(client, pipeline)
            report = ingest_dask(store, items, pipeline, done, out_parquet=out_parquet,
                                 client=client)  # fmt: skip
        else:
            if jobs == 1:
                _warm_up(pipeline)  # workers of --jobs N warm up on their own
            report = store_ingest(store, items, pipeline, done, jobs=jobs)
        merged = store.apply_suggested_aliases() if auto_alias and not out_parquet else ()
        if not out_parquet:
            # near-duplicates, stories and their claims (issue 11), the claims of stories of
            # several accounts on the Dask workers or in --jobs processes
            update_stories(store, jobs=jobs, client=client)
        stats = store.stats()
    title = f"sayso ingest -> {out_parquet or db} ({report.extractor})"
    note = f"Parquet parts in {out_parquet}; store them: sayso load {db} {out_parquet}"
    _report(report, title, merged, stats, as_json, note if out_parquet else None)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--auto-alias/--no-auto-alias",
    default=True,
    show_default=True,
    help="Afterwards, merge one-word person names into the one full name they match.",
)
@click.option(
    "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
    help="Worker processes comparing the changed stories' accounts (MiniLM) afterwards.",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="tcp://HOST:PORT",
    help="Compare the changed stories' accounts on this Dask scheduler's workers instead.",
)  # fmt: skip
@_json_option("Print the report as JSON.")
def load(
    db: str, folder: str, auto_alias: bool, jobs: int, scheduler: str | None, as_json: bool
) -> None:
    """Store the Parquet parts that `ingest --out-parquet DIR` wrote (resumable, in input order)."""
    from .engines import client_for
    from .engines import load as load_parts
    from .store import Store
    from .stories import update as update_stories

    with Store(db) as store:
        report = load_parts(store, folder)
        merged = store.apply_suggested_aliases() if auto_alias else ()
        # near-duplicates, stories and their claims (issue 11)
        with client_for(scheduler, jobs) if scheduler else nullcontext() as client:
            update_stories(store, jobs=jobs, client=client)
        stats = store.stats()
    _report(report, f"sayso load {folder} -> {db}", merged, stats, as_json)


def _report(
    report: Any, title: str, merged: Any, stats: Any, as_json: bool, note: str | None = None
) -> None:
    """Print an ingest report (every article up to SUMMARY_ROWS inputs, else totals and the
    first errors) and ``note``; exit 1 when an input had an error."""
    from rich.table import Table

    if as_json:
        _print_json(report.to_json())
        if report.errors:
            sys.exit(EXIT_REJECTED)
        return
    out = Console(soft_wrap=True)  # an error or the summary line stays one line for grep
    table = Table(title=title)
    if len(report.outcomes) <= SUMMARY_ROWS:
        for col in ("article", "status", "statements"):
            table.add_column(col, justify="right" if col == "statements" else "left")
        for o in report.outcomes:
            label = (o.title or o.id or o.input or "")[:70]
            status = o.status if o.status != "error" else f"error: {o.message}"[:60]
            table.add_row(label, status, str(o.statements))
    else:
        for col in ("status", "inputs", "statements"):
            table.add_column(col, justify="left" if col == "status" else "right")
        for status in ("added", "skipped", "error"):
            rows = [o for o in report.outcomes if o.status == status]
            label = {"skipped": "already stored"}.get(status, status)
            table.add_row(label, f"{len(rows):,}", f"{sum(o.statements for o in rows):,}")
    out.print(table)
    if len(report.outcomes) > SUMMARY_ROWS and report.errors:
        errors = [o for o in report.outcomes if o.status == "error"]
        for o in errors[:SUMMARY_ERRORS]:
            out.print(Text(f"error {o.input}: {o.message}"))
        if len(errors) > SUMMARY_ERRORS:
            out.print(f"... and {len(errors) - SUMMARY_ERRORS:,} more errors (printed above)")
    for m in merged:
        out.print(f"alias added: {m.alias} -> {m.canonical} (undo: sayso alias --remove)")
    rate = f" ({report.added / report.seconds:,.1f} articles/s)" if report.seconds else ""
    out.print(
        f"{report.added:,} added, {report.skipped:,} already stored, {report.errors:,} "
        f"error(s); {report.statements:,} statements in {report.seconds:.1f}s{rate}. "
        f"Database now holds {stats.articles:,} articles, {stats.statements:,} statements, "
        f"{stats.speakers:,} speakers."
    )
    if note:
        out.print(note)
    if report.errors:
        sys.exit(EXIT_REJECTED)


def _open_store(db: str, read_only: bool = True) -> Any:
    from .errors import StoreError
    from .store import Store

    try:
        store = Store(db, read_only=read_only)
    except StoreError as exc:
        _fail(exc)
    if store.notice:
        _warning(store.notice)
    return store


def _statement_table(rows: Any, title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False)
    for col in ("speaker", "cue", "statement", "outlet", "published"):
        table.add_column(col, overflow="fold")
    for r in rows:
        who = r.speaker_name or (f"({r.source_text})" if r.source_text else "?")
        cue = r.cue_text + (" [hedged]" if r.hedged else "")
        cells = (who, cue, r.content_text, r.outlet or "", (r.published or "")[:10])
        table.add_row(*(Text(c) for c in cells))  # Text: brackets in news are not markup
    Console().print(table)


def _query_page(db: str, query: Any, as_json: bool, title: str, requested_limit: int) -> None:
    from .errors import QueryError, StoreError

    with _open_store(db) as store:
        try:
            page = store.statements(query)
        except (QueryError, StoreError) as exc:
            _fail(exc)
    if query.limit < requested_limit:
        _warning(
            f"--limit {requested_limit} is over the page size limit {query.limit}; this page "
            f"has at most {query.limit} rows (page on with --offset, from 'next' under --json)"
        )
    if as_json:
        _print_json(page.to_json())
    else:
        _statement_table(page.rows, title)
        more = f"; next page: --offset {page.next}" if page.next is not None else ""
        console.print(f"{len(page.rows)} of {page.total} statement(s){more}", highlight=False)
        if page.ranked is not None and page.ranked < page.total:
            console.print(
                f"too many matches to rank them all: the {page.ranked:,} most recently stored "
                "come first, best first, then the rest newest first; add words or filters to "
                "rank every match", highlight=False,
            )  # fmt: skip


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--speaker", help="Speaker name, alias or id.")
@click.option("--outlet", help="Only this outlet (case-insensitive).")
@click.option("--since", metavar="YYYY-MM-DD", help="Published on or after this date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Published on or before this date.")
@click.option("--kind", type=click.Choice(["direct", "indirect", "mixed", "according_to"]))
@click.option("--hedged", is_flag=True, help="Only statements the reporter distances itself from.")
@click.option("--article", help="Only this article (its id, or the id its input gave it).")
@_extractor_option
@click.option("--limit", default=50, show_default=True, help="At most this many (max 500).")
@click.option("--offset", default=0, help="Skip this many (paging).")
@_json_option("Print one JSON object: rows, total, limit, offset, next.")
def statements(
    db: str, speaker: str | None, outlet: str | None, since: str | None, until: str | None,
    kind: str | None, hedged: bool, article: str | None, extractor: str | None, limit: int,
    offset: int, as_json: bool,
) -> None:  # fmt: skip
    """List stored statements, newest first, filtered by speaker, outlet, date, kind."""
    from .errors import QueryError
    from .store import StatementQuery, parse_date

    try:
        query = StatementQuery(
            speaker=speaker, outlet=outlet, kind=kind, hedged_only=hedged,
            since=parse_date(since, "--since") if since else None,
            until=parse_date(until, "--until") if until else None,
            article_id=article, extractor=_extractor_name(extractor), limit=limit, offset=offset,
        )  # fmt: skip
    except QueryError as exc:
        _fail(exc)
    _query_page(db, query, as_json, f"statements in {db}", limit)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("query")
@_extractor_option
@click.option("--limit", default=50, show_default=True, help="At most this many (max 500).")
@click.option("--offset", default=0, help="Skip this many (paging).")
@_json_option("Print one JSON object: rows, total, limit, offset, next.")
def search(
    db: str, query: str, extractor: str | None, limit: int, offset: int, as_json: bool
) -> None:
    """Full-text search of statements and speaker names (FTS5: words, "phrases", OR, prefix*)."""
    from .store import StatementQuery

    q = StatementQuery(
        text=query, extractor=_extractor_name(extractor), limit=limit, offset=offset
    )
    _query_page(db, q, as_json, f"{query!r} in {db}", limit)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--name", "text", help="Only speakers whose name or an alias contains this.")
@_extractor_option
@click.option("--limit", default=50, show_default=True, help="At most this many.")
@click.option("--offset", default=0, help="Skip this many (paging).")
@click.option("--suggest", is_flag=True, help="List candidate merges with their evidence.")
@_json_option("Print one JSON object: rows, total, limit, offset, next.")
def speakers(
    db: str, text: str | None, extractor: str | None, limit: int, offset: int, suggest: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """List speakers, most quoted first; --suggest: candidate merges (apply: sayso alias)."""
    from rich.table import Table
    from rich.text import Text

    if suggest:
        with _open_store(db) as store:
            merges = store.suggest_merges()
        if as_json:
            _print_json(_page_json([m.to_json() for m in merges], len(merges), len(merges), 0))
            return
        table = Table(title=f"candidate merges in {db} (apply one: sayso alias DB ALIAS NAME)")
        for col in ("speaker", "would join", "evidence", "statements", "articles"):
            table.add_column(col, justify="right" if col in ("statements", "articles") else "left")
        for m in merges:
            sizes = (f"{m.alias_statements} + {m.canonical_statements}",
                     f"{m.alias_articles} + {m.canonical_articles}")  # fmt: skip
            cells = (m.alias, m.canonical, m.reason, *sizes)
            table.add_row(*(Text(c) for c in cells))
        Console().print(table)
        return
    with _open_store(db) as store:
        name = _extractor_name(extractor)
        rows = store.speakers(text, limit=limit, offset=offset, extractor=name)
        total = store.count_speakers(text)
    if as_json:
        _print_json(_page_json([r.to_json() for r in rows], total, limit, max(0, offset)))
        return
    table = Table(title=f"speakers in {db}")
    for col in ("speaker", "kind", "statements", "articles", "also called"):
        table.add_column(col, justify="right" if col in ("statements", "articles") else "left")
    for r in rows:
        cells = (r.name, r.kind, str(r.statements), str(r.articles), ", ".join(r.aliases))
        table.add_row(*(Text(c) for c in cells))
    Console().print(table)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "webannotation", "quotation", "claimreview"]),
    required=True,
)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@_extractor_option
def export(db: str, fmt: str, out: str | None, extractor: str | None) -> None:
    """Export DB: jsonl (one extraction per article), csv or parquet (one row per statement),
    or one JSON-LD object per statement and line: webannotation (W3C Web Annotation, anchored
    in the input's own text), quotation (schema.org Quotation), claimreview (schema.org
    ClaimReview skeletons for fact-checkers)."""
    from pathlib import Path

    from .errors import StoreError

    if fmt == "parquet" and out is None:
        _fail("parquet is a binary format: give --out FILE")
    target = Path(out) if out else sys.stdout.buffer
    with _open_store(db) as store:
        try:
            n = store.export(fmt, target, _extractor_name(extractor))
        except StoreError as exc:
            _fail(exc)
    console.print(f"exported {n} {'article(s)' if fmt == 'jsonl' else 'statement(s)'}"
                  + (f" to {out}" if out else ""), highlight=False)  # fmt: skip


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("alias", required=False)
@click.argument("canonical", required=False)
@click.option("--list", "list_", is_flag=True, help="Show the alias table.")
@click.option("--remove", metavar="ALIAS", help="Remove ALIAS from the alias table.")
@click.option(
    "--auto", is_flag=True, help="Add the suggested surname aliases (Putin -> Vladimir Putin)."
)
@click.option("--dry-run", is_flag=True, help="With ALIAS CANONICAL: show what would move.")
@click.option("--force", is_flag=True, help="Also move speakers whose full name differs.")
@_json_option("With --list or --auto: print a JSON array; with ALIAS CANONICAL: the plan.")
def alias(
    db: str, alias: str | None, canonical: str | None, list_: bool, remove: str | None,
    auto: bool, dry_run: bool, force: bool, as_json: bool,
) -> None:  # fmt: skip
    """Say that ALIAS names the speaker CANONICAL ("Trump" -> "Donald Trump"), across articles.

    Shows what moves (statements, articles); refuses to move a speaker whose full name differs
    ("Sarah Huckabee Sanders" for Sanders -> "Bernie Sanders") unless --force.  Stored speakers
    are re-mapped at once, and later ingests follow the table.
    """
    from pathlib import Path

    from .errors import QueryError, StoreError

    modes = sum([bool(alias or canonical), list_, remove is not None, auto])
    if modes != 1 or (alias or canonical) and not (alias and canonical):
        _fail("give ALIAS CANONICAL, or --list, or --remove ALIAS, or --auto")
    if not Path(db).is_file():
        _fail(f"{db}: no such database; create it with `sayso ingest {db} ...`")
    with _open_store(db, read_only=list_) as store:
        try:
            if list_:
                rows = store.aliases()
            elif auto:
                rows = store.apply_suggested_aliases()
            elif remove is not None:
                if not store.remove_alias(remove):
                    _fail(f"{remove!r} is not in the alias table of {db}")
                console.print(f"removed alias {remove!r}", highlight=False)
                return
            else:
                assert alias is not None and canonical is not None
                _alias_one(store, alias, canonical, dry_run, force, as_json)
                return
        except (QueryError, StoreError) as exc:
            _fail(exc)
    if as_json:
        _print_json(_page_json([a.to_json() for a in rows], len(rows), len(rows), 0))
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=f"aliases in {db}")
        table.add_column("alias")
        table.add_column("canonical")
        for a in rows:
            table.add_row(Text(a.alias), Text(a.canonical))
        Console().print(table)


def _alias_one(
    store: Any, alias: str, canonical: str, dry_run: bool, force: bool, as_json: bool
) -> None:
    """``sayso alias DB ALIAS CANONICAL``: show the plan, then apply it (unless dry run)."""
    from rich.table import Table
    from rich.text import Text

    plan = store.plan_alias(alias, canonical)
    if not as_json and plan.moves:
        table = Table(title=f"{alias!r} -> {canonical!r} moves")
        for col in ("written", "now", "statements", "articles", "full name differs"):
            table.add_column(col, justify="right" if col in ("statements", "articles") else "left")
        for m in plan.moves:
            cells = (m.form, m.speaker, str(m.statements), str(m.articles), "yes" * m.conflict)
            table.add_row(*(Text(c) for c in cells))
        Console().print(table)
    if not dry_run:
        store.add_alias(alias, canonical, force=force)
    if as_json:
        _print_json({**plan.to_json(), "applied": not dry_run})
        return
    n = sum(m.statements for m in plan.moves)
    k = sum(m.articles for m in plan.moves)
    verb = "would mean" if dry_run else "now means"
    note = " (dry run, nothing changed)" if dry_run else ""
    console.print(f"{alias!r} {verb} {canonical!r}: {n} statement(s) in {k} article(s) move{note}",
                  highlight=False)  # fmt: skip


# --- evaluation (evaluate polnear, cofenet, chains, speakers) --------------------------------


@cli.group()
def evaluate() -> None:
    """Score a pipeline on gold data (PolNeAR brat folders, CofeNet BIO files, sayso's chain
    and speaker golds)."""


def _run_evaluation(run: Any, label: str, as_json: bool) -> None:
    """Run ``run(progress)`` under a progress bar on stderr, then print table or JSON."""
    data = _run_gold(run, label, as_json).to_json()
    if as_json:
        _print_json(data)
        return
    from rich.table import Table

    out = Console()
    table = Table(title=f"{label}: {data['extractor']} (pipeline {data['pipeline']})")
    for col in ("measure", "P", "R", "F1", "matched / pred / gold"):
        table.add_column(col, justify="left" if col == "measure" else "right")

    def row(name: str, prf: dict[str, Any] | None) -> None:
        if prf is None:
            return
        counts = f"{prf['tp']} / {prf['n_pred']} / {prf['n_gold']}"
        table.add_row(name, f"{prf['p']:.1f}", f"{prf['r']:.1f}", f"{prf['f1']:.1f}", counts)

    for role in ("source", "cue", "content"):
        row(f"{role}, exact span", data[role])
    for role in ("source", "cue", "content"):
        row(f"{role}, token overlap", data[role].get("token_overlap"))
    row("attribution, exact", data["attribution_exact"])
    row("attribution, partial", data["attribution_partial"])
    for threshold, prf in data.get("content_coverage", {}).items():
        row(f"content covered >= {threshold} %", prf)
    out.print(table)
    acc = data.get("source_accuracy")
    if acc:
        out.print(
            f"source accuracy on {acc['matched_contents']} contents covered >= 30 %: "
            f"{acc['exact']:.1f} % exact, {acc['overlap']:.1f} % overlapping"
        )
    out.print(
        f"{data['words']:,} words in {data['seconds']:.1f} s: "
        f"{data['words_per_second']:,.0f} words/s"
    )
    multi = data.get("annotators", {}).get("multi_annotated", [])
    if multi:
        out.print(
            f"{len(multi)} article(s) have several annotators; scored against the first .ann "
            "file in sorted order: " + ", ".join(m["scored"] for m in multi)
        )
    if "paragraphs" in data:
        out.print(
            f"{data['paragraphs']} paragraphs from {data['annotation_files']} annotation files "
            f"({data['unique_paragraphs']} distinct texts, each extracted once); spans scored "
            "as CofeNet's exe/eval code does"
        )


@evaluate.command("polnear")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@_pipeline_option
@_json_option("Print the scores as one JSON object.")
def evaluate_polnear_cmd(directory: str, pipeline: str, as_json: bool) -> None:
    """Score a pipeline on a PolNeAR split folder (text/, attributions/), e.g. polnear/dev."""
    from .evaluate.runner import evaluate_polnear

    _run_evaluation(
        lambda progress: evaluate_polnear(directory, pipeline, progress=progress),
        "PolNeAR",
        as_json,
    )


@evaluate.command("cofenet")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_pipeline_option
@_json_option("Print the scores as one JSON object.")
def evaluate_cofenet_cmd(file: str, pipeline: str, as_json: bool) -> None:
    """Score a pipeline on CofeNet's paragraph BIO lines (valid.txt) with CofeNet's metric."""
    from .evaluate.runner import evaluate_cofenet

    _run_evaluation(
        lambda progress: evaluate_cofenet(file, pipeline, progress=progress),
        "CofeNet BIO",
        as_json,
    )


_split_option = click.option(
    "--split",
    type=click.Choice(["dev", "test", "all"]),
    default="dev",
    show_default=True,
    help="Gold split to score (test is held out: never tune on it).",
)


def _run_gold(run: Any, label: str, as_json: bool) -> Any:
    """Run ``run(progress)`` under a progress bar on stderr; the report it returns."""
    from rich.progress import Progress

    from .errors import SaysoError

    try:
        with Progress(console=console, transient=True, disable=as_json) as bar:
            task = bar.add_task(label, total=None)
            report = run(lambda done, total: bar.update(task, completed=done, total=total))
    except SaysoError as exc:
        _fail(exc)
    return report


def _gold_command(name: str, errors_help: str) -> Callable[[Callable[..., None]], Any]:
    """``sayso evaluate NAME GOLD_DIR [--pipeline] [--split] [--json] [--errors]``: the options
    of every hand-made gold that ships in the repository."""

    def wrap(f: Callable[..., None]) -> Any:
        for deco in (
            click.option("--errors", "show_errors", is_flag=True, help=errors_help),
            _json_option("Print the scores as one JSON object."),
            _split_option,
            _pipeline_option,
            click.argument("gold_dir", type=click.Path(exists=True, file_okay=False)),
            evaluate.command(name),
        ):
            f = deco(f)
        return f

    return wrap


@_gold_command("chains", "Also list missed and wrong links.")
def evaluate_chains_cmd(
    gold_dir: str, pipeline: str, split: str, as_json: bool, show_errors: bool
) -> None:
    """Score parent links (who reports whom) on a chain gold folder (benchmarks/gold/chains)."""
    from rich.table import Table

    from .evaluate.chains import evaluate_chains

    report = _run_gold(
        lambda progress: evaluate_chains(gold_dir, pipeline, split, progress=progress),
        "chains",
        as_json,
    )
    data = report.to_json(errors=show_errors)
    if as_json:
        _print_json(data)
        return
    table = Table(
        title=f"chain links ({data['split']}): {data['extractor']} (pipeline {data['pipeline']})"
    )
    for col in ("links", "P", "R", "F1", "correct / pred / gold"):
        table.add_column(col, justify="left" if col == "links" else "right")
    for name, prf in [("all", data["links"]), *data["by_pattern"].items()]:
        counts = f"{prf['tp']} / {prf['n_pred']} / {prf['n_gold']}"
        table.add_row(name, f"{prf['p']:.1f}", f"{prf['r']:.1f}", f"{prf['f1']:.1f}", counts)
    out = Console()
    out.print(table)
    out.print(
        f"{data['passages']} passages; gold cues found: {data['cues']['found']} of "
        f"{data['cues']['gold']} ({data['cue_recall']:.1f} %); sibling errors: "
        f"{data['sibling_errors']}; cycles: {data['cycles']}; {data['seconds']:.1f} s"
    )
    if show_errors:
        for why, n in data["error_counts"].items():
            out.print(f"{n:4d}  {why}")
        errors = Table(title=f"link errors (first {len(data['errors'])})")
        for col in ("where", "kind", "child", "gold parent", "predicted parent", "why", "passage"):
            errors.add_column(col)
        for e in data["errors"]:
            errors.add_row(
                e["where"], e["kind"], e["child"], e["gold_parent"] or "-",
                e["predicted_parent"] or "-", e["why"], e["passage"],
            )  # fmt: skip
        out.print(errors)


@_gold_command("speakers", "Also list the 30 commonest errors.")
def evaluate_speakers_cmd(
    gold_dir: str, pipeline: str, split: str, as_json: bool, show_errors: bool
) -> None:
    """Score resolved speakers and cross-article identity on a speaker gold folder
    (benchmarks/gold/speakers)."""
    from rich.table import Table
    from rich.text import Text

    from .evaluate.speakers import MIN_IDENTITY_PAIRS, evaluate_speakers

    report = _run_gold(
        lambda progress: evaluate_speakers(gold_dir, pipeline, split, progress=progress),
        "speakers",
        as_json,
    )
    data = report.to_json(errors=show_errors)
    if as_json:
        _print_json(data)
        return
    out = Console()
    table = Table(
        title=f"speakers ({data['split']}): {data['extractor']} (pipeline {data['pipeline']})"
    )
    for col in ("gold type", "rows matched", "correct", "accuracy %"):
        table.add_column(col, justify="left" if col == "gold type" else "right")
    table.add_row("all", str(data["matched"]), str(data["correct"]), f"{data['accuracy']:.1f}")
    for name, acc in data["by_type"].items():
        table.add_row(name, str(acc["n"]), str(acc["correct"]), f"{acc['accuracy']:.1f}")
    out.print(table)
    ident = data["identity"]
    out.print(
        f"{data['rows']} gold rows, {data['matched']} matched to a statement "
        f"({data['coverage']:.1f} % coverage); speaker kind right on {data['kind_accuracy']:.1f} %"
        f"; {data['group_partial']} group row(s) partial (a group speaker without members, "
        f"counted wrong)\ncross-article identity: P {ident['p']:.1f}  R {ident['r']:.1f}  "
        f"F1 {ident['f1']:.1f} over {ident['pairs_gold_same']} gold-same and "
        f"{ident['pairs_pred_same']} predicted-same pairs; {data['seconds']:.1f} s"
    )
    if ident["pairs_gold_same"] < MIN_IDENTITY_PAIRS:
        out.print(f"[yellow]fewer than {MIN_IDENTITY_PAIRS} gold-same pairs: identity is noisy")
    if show_errors:
        errors = Table(title="commonest errors")
        for col in ("n", "gold", "predicted", "type", "sentence"):
            errors.add_column(col, justify="right" if col == "n" else "left", overflow="fold")
        for e in data["errors"]:
            cells = (str(e["n"]), e["gold"], e["predicted"], e["type"], e["sentence"])
            errors.add_row(*(Text(c) for c in cells))
        out.print(errors)


# --- web (serve) -----------------------------------------------------------------------------


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; any but loopback needs --token-file or --no-auth.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    help="File of access tokens, one per line; every request must carry one "
    "(Authorization: Bearer TOKEN, or the /login form's cookie).",
)
@click.option(
    "--no-auth",
    is_flag=True,
    help="Serve a non-loopback address without access control (trusted networks only).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="A Host name to answer besides loopback ones (repeatable; '*' answers any).",
)
@click.option(
    "--datasette-metadata",
    is_flag=True,
    help="Print a metadata.json for Datasette (labels, facets, search) and exit: "
    "`datasette DB -m metadata.json`.",
)
def serve(
    db: str,
    host: str,
    port: int,
    token_file: str | None,
    no_auth: bool,
    allow_hosts: tuple[str, ...],
    datasette_metadata: bool,
) -> None:
    """Browse the database DB in a web browser (read-only); Ctrl-C stops it."""
    if datasette_metadata:
        from .web.datasette import datasette_metadata as metadata

        click.echo(json.dumps(metadata(db), indent=2, ensure_ascii=False))
        return
    from .errors import ServeError, StoreError
    from .web import serve as serve_web

    def announce(url: str) -> None:
        from .store import Store

        with Store(db, read_only=True) as st:  # say once how the explorer reads the file
            if st.notice:
                _warning(st.notice)
        click.echo(f"sayso explorer for {db} at {url}  (Ctrl-C to stop)")

    try:
        serve_web(
            db, host=host, port=port, announce=announce,
            token_file=token_file, no_auth=no_auth, allow_hosts=allow_hosts,
        )  # fmt: skip
    except (StoreError, ServeError) as e:
        _fail(e)


@evaluate.command("stories")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--distractors",
    multiple=True,
    type=click.Path(exists=True),
    help="Articles to group with the gold's (files or folders; CSV readouts too). Default: "
    "the gov-readouts collection when it is found in ../shared/data.",
)
@_pipeline_option
@_split_option
@click.option(
    "--errors", "show_errors", is_flag=True,
    help="Also list what went wrong: gold events split or joined with other articles, gold "
    "claims whose mentions were missed, split, merged or given the wrong status.",
)  # fmt: skip
@_json_option("Print the scores as one JSON object.")
def evaluate_stories_cmd(
    gold_dir: str, distractors: tuple[str, ...], pipeline: str, split: str, show_errors: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Score story grouping (pairwise, B-cubed) and claim alignment and status on a stories
    gold folder (benchmarks/gold/stories)."""
    from .stories.evaluation import evaluate_stories, format_mistakes

    report = _run_gold(
        lambda progress: evaluate_stories(
            gold_dir, list(distractors) or None, split, pipeline, progress=progress,
            errors=show_errors,
        ),
        "stories",
        as_json,
    )
    data = report.to_json()
    for error in report.errors:
        _error(error)
    if as_json:
        _print_json(data)
        return
    g = data["grouping"]
    out = Console()
    out.print(
        f"stories ({split}): {g['articles']} gold articles in {g['stories']} events among "
        f"{data['distractors']:,} distractors; grouped {data['articles']:,} articles in "
        f"{data['grouping_seconds']}s"
    )
    for name in ("pairwise", "bcubed"):
        sc = g[name]
        out.print(f"  {name:9} P {sc['precision']:.3f}  R {sc['recall']:.3f}  F1 {sc['f1']:.3f}")
    if data["claims"]:
        al, st = data["claims"]["alignment"], data["claims"]["status"]
        out.print(
            f"claims: alignment P {al['precision']:.3f}  R {al['recall']:.3f}  "
            f"F1 {al['f1']:.3f}; status accuracy {st['accuracy']:.3f}"
        )
        for label, key in (("across sources", "alignment_across_sources"),
                           ("within a source", "alignment_within_source")):  # fmt: skip
            part = data["claims"][key]
            out.print(
                f"  {label:15} P {part['precision']:.3f}  R {part['recall']:.3f}  "
                f"F1 {part['f1']:.3f} ({part['correct_pairs']} of {part['gold_pairs']} gold pairs)"
            )
    if report.mistakes is not None:
        click.echo(format_mistakes(report.mistakes))


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option(
    "--min-outlets", default=1, show_default=True, help="Only stories this many outlets report."
)
@click.option("--limit", type=int, default=None, help="At most this many stories.")
@_json_option("Print one JSON object per story, one per line.")
def stories(db: str, min_outlets: int, limit: int | None, as_json: bool) -> None:
    """List the stories of DB (articles grouped by the event they report), newest first."""
    from rich.table import Table

    from .stories import stories as list_stories

    with _open_store(db) as store:
        found = list_stories(store, min_outlets=min_outlets, limit=limit)
    if as_json:
        for st in found:
            click.echo(json.dumps(st.to_json(), ensure_ascii=False))
        return
    table = Table(title=f"sayso stories {db}")
    for col in ("id", "dates", "title", "outlets", "articles"):
        table.add_column(col, overflow="fold")
    for st in found:
        dates = st.start or "" if st.start == st.end else f"{st.start} .. {st.end}"
        table.add_row(str(st.id), dates, Text(st.title), Text(", ".join(st.outlets)),
                      str(len(st.articles)))  # fmt: skip
    Console().print(table)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("story_id", type=int)
@_extractor_option
@click.option(
    "--status", "statuses", multiple=True,
    type=click.Choice(["shared", "one_sided", "conflict"]),
    help="Only claims of this status (repeatable): conflict, one_sided (who left it out), shared.",
)  # fmt: skip
@_json_option("Print the comparison as one JSON object.")
def compare(
    db: str, story_id: int, extractor: str | None, statuses: tuple[str, ...], as_json: bool
) -> None:
    """Compare the accounts of story STORY_ID in DB claim by claim (see `sayso stories`)."""
    from rich.table import Table

    from .stories import compare as compare_story

    name = _extractor_name(extractor)
    with _open_store(db) as store:
        result = compare_story(store, story_id, name)
    if result is None:
        _fail(f"no story {story_id} in {db}", hint="list them with: sayso stories DB")
    if statuses:
        result = result.only(statuses)
    if as_json:
        _print_json(result.to_json())
        return
    st = result.story
    table = Table(title=f"story {st.id}: {st.title} ({', '.join(st.outlets)})", show_lines=True)
    for col in ("claim", "status", *st.outlets):
        table.add_column(col, overflow="fold")
    for c in result.claims:
        cells = []
        for outlet in st.outlets:
            ms = [m for m in c.mentions if m.outlet == outlet]
            # a transcript turn's cue is its label's colon: no word to show
            cells.append(Text("\n".join(
                f"{m.speaker or '?'}{' ' + (m.cue or '') if (m.cue or '').strip(':') else ''}"
                f"{' [hedged]' if m.hedged else ''}: {m.text}"
                for m in ms)))  # fmt: skip
        status = c.status + (f"\n{c.conflict}" if c.conflict else "")
        table.add_row(c.id, Text(status), *cells)
    Console().print(table)


#: True when the process is sayso's own (the console script or ``python -m sayso``), not a
#: program that calls the commands in process (a test's CliRunner): only then may a command
#: change process-wide state such as the garbage collector's (``engines.batch.warm_up``).
_OWN_PROCESS = False


def _warm_up(pipeline: str) -> None:
    """In sayso's own process: load the models, then keep them out of the collector's passes."""
    if _OWN_PROCESS:
        from .engines.batch import warm_up
        from .extract import resolve_name

        warm_up(resolve_name(pipeline), freeze=True)


def main() -> None:
    """Console-script entry point."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    # One BLAS thread, as in the worker processes (engines.batch.prepare_worker): the parse
    # does its matrix products with numpy's BLAS (sayso.nlp), and sayso runs one process per
    # core (--jobs N), so OpenBLAS's own threads would only contend.  numpy is not imported
    # yet here, so the setting takes.  Likewise torch's own threads (`accurate`, MiniLM for the
    # claims): on a busy machine they spun against other processes (`sayso evaluate
    # --pipeline accurate` beside two training jobs: 108 words per CPU-second; BENCHMARKS.md).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from . import nlp

    nlp.without_torch()  # spaCy's small pipeline needs no torch; thinc would import it anyway
    cli()
