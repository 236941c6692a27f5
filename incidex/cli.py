"""The ``incidex`` command line: each command parses flags and calls one library function.

Library errors (:class:`IncidexError`) become one clear line on stderr and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from .config import load_settings
from .errors import IncidexError

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail_cleanly(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except IncidexError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted: what was committed so far is kept.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def db_option(func: F) -> F:
    return click.option(
        "--db",
        envvar="INCIDEX_DB",
        default=None,
        metavar="PATH",
        help="SQLite database file [env INCIDEX_DB; default incidex.db].",
    )(func)


def output_options(func: F) -> F:
    """The shared --json / --nl / --csv bundle (sqlite-utils style)."""
    for option in reversed(
        [
            click.option("--json", "as_json", is_flag=True, help="Output a JSON array."),
            click.option("--nl", "as_nl", is_flag=True, help="Output JSON Lines (one per line)."),
            click.option("--csv", "as_csv", is_flag=True, help="Output CSV."),
        ]
    ):
        func = option(func)
    return func


def _open_store(db: str | None) -> Any:
    from .store import Store

    return Store(load_settings(db=db).db)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="incidex")
def cli() -> None:
    """incidex: sourced incident records from reports on terrorism and political violence.

    Every value keeps the sentence and the outlet that said it.
    """


@cli.command(context_settings=CONTEXT)
@db_option
@click.option("--quiet", "-q", is_flag=True, help="Print the summary only, not the cards.")
@_fail_cleanly
def demo(db: str | None, quiet: bool) -> None:
    """Ingest the bundled example reports and print the incident cards.

    \b
    Example:
        incidex demo
        incidex demo --db /tmp/demo.db
    """
    from .cards import render_incident
    from .jobs import example_corpus, ingest

    with _open_store(db) as store:
        report = ingest([example_corpus()], store)
        _print_ingest_summary(report)
        if quiet:
            return
        for summary in store.incidents(limit=100, sort="date"):
            click.echo("")
            click.echo(render_incident(store.incident(summary.id)))


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--encoding", default=None, help="Force a text encoding (e.g. latin-1).")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
@_fail_cleanly
def ingest(
    paths: tuple[Path, ...], db: str | None, encoding: str | None, no_progress: bool
) -> None:
    """Read reports (text, HTML, JSON Lines, RSS/Atom, folders) into the database.

    Re-ingesting the same text or URL changes nothing. Files that cannot be read are
    listed with the reason; the rest of the batch is still stored.

    \b
    Example:
        incidex ingest reports/ wire.jsonl feed.xml
        incidex ingest --db events.db article.html
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .jobs import ingest as run_ingest

    with _open_store(db) as store:
        show = not no_progress and sys.stderr.isatty()
        progress = Progress(
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            transient=True,
            disable=not show,
        )
        with progress:
            task = progress.add_task("ingest", total=None, rate="")

            def advance(n: int) -> None:
                progress.advance(task, n)

            report = run_ingest(paths, store, encoding=encoding, progress=advance)
        _print_ingest_summary(report)
        if not report.ok:
            raise click.ClickException("nothing could be read; see the problems above.")


def _print_ingest_summary(report: Any) -> None:
    s = report.summary
    for problem in report.problems:
        click.echo(f"skipped: {problem.error}", err=True)
    for entry in s.entries:
        if entry.status in {"not_english", "failed"}:
            click.echo(f"not extracted: {entry.origin}: {entry.message}", err=True)
    rate = (s.stored / report.seconds) if report.seconds else 0.0
    click.echo(
        f"{s.stored} stored ({s.extracted} with incidents, {s.no_incident} without, "
        f"{s.not_english} not English, {s.failed} failed), {s.duplicates} already stored, "
        f"{len(report.problems)} skipped; {s.incidents_created} incidents created, "
        f"{s.incidents_updated} updated; {report.seconds:.1f}s ({rate:.1f} articles/s)"
    )


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the records as one JSON array.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["card", "json", "jsonl", "muc4-jsonl"]),
    default=None,
    help="Output format (default: card; --json is --format json).",
)
@click.option("--published", default=None, help="Publication date for texts without one.")
@click.option("--source", default=None, help="Outlet for texts without one.")
@click.option("--encoding", default=None, help="Force a text encoding (e.g. latin-1).")
@_fail_cleanly
def extract(
    paths: tuple[Path, ...],
    as_json: bool,
    fmt: str | None,
    published: str | None,
    source: str | None,
    encoding: str | None,
) -> None:
    """Extract incident records from files without a database; print them.

    \b
    Example:
        incidex extract report.txt
        incidex extract report.txt --json --published 2024-03-23 --source Reuters
    """
    from .jobs import extract_paths

    fmt = "json" if as_json else (fmt or "card")
    when = None
    if published is not None:
        from .ingest import parse_datetime

        when = parse_datetime(published)
        if when is None:
            raise click.BadParameter(f"not an ISO date: {published!r}", param_hint="--published")
    results, problems = extract_paths(
        paths, published=when, source=source, encoding=encoding, fmt=fmt
    )
    _emit_extraction(results, fmt)
    for problem in problems:
        click.echo(f"skipped: {problem.error}", err=True)
    if problems and not results:
        sys.exit(1)


def _emit_extraction(results: list[Any], fmt: str) -> None:
    from .cards import render_report

    if fmt == "json":
        click.echo(
            json.dumps([r.model_dump(mode="json") for r in results], indent=2, ensure_ascii=False)
        )
    elif fmt in {"jsonl", "muc4-jsonl"}:
        for record in results:
            click.echo(record if isinstance(record, str) else record.model_dump_json())
    else:
        for result in results:
            click.echo(
                f"# {result.article.origin or result.article.id}: {result.status}"
                + (f" ({result.message})" if result.message else "")
            )
            for report in result.incidents:
                click.echo(render_report(report))
                click.echo("")


@cli.command(context_settings=CONTEXT)
@db_option
@output_options
@click.option("--country", default=None, help="ISO code or country name.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="From date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="To date.")
@click.option("--type", "type_", default=None, help="Attack type (substring).")
@click.option("--group", default=None, help="Perpetrator group (substring).")
@click.option("--min-killed", type=int, default=None, help="At least this many killed.")
@click.option("--query", "-q", default=None, help="Full-text query over the reports.")
@click.option(
    "--sort",
    default="-date",
    show_default=True,
    help="date, killed or reports; '-' for descending.",
)
@click.option("--limit", default=50, show_default=True, help="Rows to show.")
@_fail_cleanly
def incidents(
    db: str | None,
    as_json: bool,
    as_nl: bool,
    as_csv: bool,
    country: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    type_: str | None,
    group: str | None,
    min_killed: int | None,
    query: str | None,
    sort: str,
    limit: int,
) -> None:
    """List incidents as a table, JSON or CSV.

    \b
    Example:
        incidex incidents
        incidex incidents --country FR --min-killed 10 --csv
    """
    with _open_store(db) as store:
        rows = store.incidents(
            limit=limit,
            country=country,
            since=since.date() if since else None,
            until=until.date() if until else None,
            type=type_,
            group=group,
            min_killed=min_killed,
            query=query,
            sort=sort,
        )
    _emit_rows([r.model_dump(mode="json") for r in rows], as_json, as_nl, as_csv)


def _emit_rows(rows: list[dict[str, Any]], as_json: bool, as_nl: bool, as_csv: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if as_nl:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    columns = [
        "id",
        "date",
        "title",
        "country_code",
        "city",
        "killed",
        "wounded",
        "groups",
        "n_reports",
    ]
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    Console(markup=False, highlight=False).print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


@cli.command(context_settings=CONTEXT)
@click.argument("incident_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the incident as JSON.")
@_fail_cleanly
def show(incident_id: str, db: str | None, as_json: bool) -> None:
    """Show one incident as a card: each value with its sources.

    \b
    Example:
        incidex show i3f2a9c1b7d40
        incidex show i3f2a9c1b7d40 --json
    """
    from .cards import render_incident

    with _open_store(db) as store:
        incident = store.incident(incident_id)
    if as_json:
        click.echo(incident.model_dump_json(indent=2))
    else:
        click.echo(render_incident(incident))


@cli.command(context_settings=CONTEXT)
@click.argument("query")
@db_option
@output_options
@click.option("--limit", default=20, show_default=True, help="Hits to show.")
@_fail_cleanly
def search(
    query: str, db: str | None, as_json: bool, as_nl: bool, as_csv: bool, limit: int
) -> None:
    """Full-text search over the stored reports.

    \b
    Example:
        incidex search "car bomb"
        incidex search Kabul --json
    """
    from dataclasses import asdict

    with _open_store(db) as store:
        hits = store.search(query, limit=limit)
    rows = [asdict(h) for h in hits]
    if as_json or as_nl or as_csv:
        _emit_rows(rows, as_json, as_nl, as_csv) if not as_csv else _emit_csv(rows)
        return
    for hit in rows:
        click.echo(f"{hit['article_id']}  {hit.get('source') or ''}  {hit.get('title') or ''}")
        click.echo(f"    {hit['snippet']}")


def _emit_csv(rows: list[dict[str, Any]]) -> None:
    writer = csv.writer(sys.stdout)
    if rows:
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_cell(v) for v in row.values()])


def _iter_lines(items: list[Any]) -> Iterator[str]:
    for item in items:
        yield str(item)


def main() -> None:
    cli(prog_name="incidex")
