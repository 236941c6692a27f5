"""The ``incidex`` command line: each command parses flags and calls one library function.

Library errors (:class:`IncidexError`) become one clear line on stderr and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ._threads import one_blas_thread
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
        help="SQLite file or postgresql://user@host/db URL [env INCIDEX_DB; default incidex.db].",
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


def filter_options(func: F) -> F:
    """The incident filters shared by `incidents` and `export`."""
    for option in reversed(
        [
            click.option("--country", default=None, help="ISO code or country name."),
            click.option(
                "--since",
                type=click.DateTime(["%Y-%m-%d"]),
                default=None,
                help="From date (YYYY-MM-DD).",
            ),
            click.option(
                "--until",
                type=click.DateTime(["%Y-%m-%d"]),
                default=None,
                help="To date (YYYY-MM-DD).",
            ),
            click.option("--type", "type_", default=None, help="Attack type (substring)."),
            click.option("--group", default=None, help="Perpetrator group (substring)."),
            click.option("--min-killed", type=int, default=None, help="At least this many killed."),
            click.option("--query", "-q", default=None, help="Full-text query over the reports."),
        ]
    ):
        func = option(func)
    return func


def data_dir_option(func: F) -> F:
    """``--data``: the benchmark data folder (never bundled)."""
    return click.option(
        "--data",
        "data_dir",
        required=True,
        type=click.Path(path_type=Path),
        help="The folder holding muc4/ and wikievents/ (e.g. ../shared/data).",
    )(func)


def pred_dir_option(func: F) -> F:
    """``--pred-dir``: keep the prediction files (else a temporary folder)."""
    return click.option(
        "--pred-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Keep the prediction files here.",
    )(func)


def _open_store(db: str | None) -> Any:
    from .store import open_store

    return open_store(load_settings(db=db).db)


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
    from .resolve import resolve_stored_incident

    with _open_store(db) as store:
        report = ingest([example_corpus()], store)
        _print_ingest_summary(report)
        if quiet:
            return
        for summary in store.incidents(limit=100, sort="date"):
            click.echo("")
            click.echo(
                render_incident(
                    store.incident(summary.id), resolve_stored_incident(store, summary.id)
                )
            )


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--encoding", default=None, help="Force a text encoding (e.g. latin-1).")
@click.option(
    "--workers",
    "-w",
    default="1",
    show_default=True,
    help="Extraction processes; 'all' (or 0) for every core.",
)
@click.option(
    "--no-filter",
    is_flag=True,
    help="Run the full pipeline on every article (no cheap relevance filter first).",
)
@click.option(
    "--dask",
    "dask_url",
    default=None,
    metavar="URL",
    help="Extract on a Dask cluster: tcp://scheduler:8786, local[:N] or local-threads:N.",
)
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --dask: workers write result partitions here (see `incidex load`).",
)
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
@_fail_cleanly
def ingest(
    paths: tuple[Path, ...],
    db: str | None,
    encoding: str | None,
    workers: str,
    no_filter: bool,
    dask_url: str | None,
    results_dir: Path | None,
    no_progress: bool,
) -> None:
    """Read reports (text, HTML, JSON Lines, Parquet, RSS/Atom, folders) into the database.

    Re-ingesting the same text or URL changes nothing. Files that cannot be read are
    listed with the reason; the rest of the batch is still stored.

    \b
    Example:
        incidex ingest reports/ wire.jsonl feed.xml
        incidex ingest --workers all corpus.jsonl
        incidex ingest --dask tcp://scheduler:8786 --db postgresql://u@db/incidex corpus/
    """
    from .jobs import ProgressMeter, count_articles, default_workers
    from .jobs import ingest as run_ingest

    if workers.lower() in {"all", "0"}:
        n_workers = default_workers()
    elif workers.isdigit():
        n_workers = int(workers)
    else:
        raise click.BadParameter("a number of processes, or 'all'", param_hint="--workers")
    show = not no_progress and sys.stderr.isatty()
    meter = ProgressMeter(
        count_articles(paths) if show else None,
        on_update=(lambda m: click.echo(f"\r{m.describe()}", err=True, nl=False)) if show else None,
    )
    with _open_store(db) as store:
        if dask_url:
            from .distributed import dask_ingest

            report = dask_ingest(
                paths,
                store,
                scheduler=dask_url,
                encoding=encoding,
                progress=meter,
                prefilter=not no_filter,
                results_dir=results_dir,
            )
        else:
            report = run_ingest(
                paths,
                store,
                encoding=encoding,
                progress=meter,
                workers=n_workers,
                prefilter=not no_filter,
            )
        if show:
            click.echo("", err=True)
        _print_ingest_summary(report)
        if report.interrupted:
            click.echo(
                "Interrupted: what was committed so far is kept. Run the same command "
                "again to finish.",
                err=True,
            )
            sys.exit(130)
        if not report.ok:
            raise click.ClickException("nothing could be read; see the problems above.")


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@_fail_cleanly
def load(paths: tuple[Path, ...], db: str | None) -> None:
    """Load result partitions written by `incidex ingest --dask ... --results-dir DIR`.

    \b
    Example:
        incidex load results/ --db postgresql://u@db/incidex
    """
    from .jobs import load_results

    with _open_store(db) as store:
        _print_ingest_summary(load_results(paths, store))


@cli.command(context_settings=CONTEXT)
@click.argument("keep_id")
@click.argument("other_id")
@db_option
@click.option("--reason", required=True, help="Why: kept in the audit log.")
@click.option("--who", default=None, help="Who decided [default: $USER].")
@_fail_cleanly
def merge(keep_id: str, other_id: str, db: str | None, reason: str, who: str | None) -> None:
    """Merge OTHER_ID into KEEP_ID (a wrong split); the change is logged.

    \b
    Example:
        incidex merge i3f2a9c1b7d40 i77aa01c9e2b3 --reason "same attack, later toll"
    """
    from .resolve import merge_incidents

    with _open_store(db) as store:
        incident = merge_incidents(
            store, keep_id, other_id, reason=reason, who=who or os.environ.get("USER")
        )
    click.echo(f"merged {other_id} into {incident.id}: {len(incident.reports)} reports")


@cli.command(context_settings=CONTEXT)
@click.argument("incident_id")
@click.option("--reports", required=True, help="Comma-separated report ids to move out.")
@db_option
@click.option("--reason", required=True, help="Why: kept in the audit log.")
@click.option("--who", default=None, help="Who decided [default: $USER].")
@_fail_cleanly
def split(incident_id: str, reports: str, db: str | None, reason: str, who: str | None) -> None:
    """Move reports out of an incident into a new one (a wrong merge); the change is logged.

    \b
    Example:
        incidex split i3f2a9c1b7d40 --reports a1b2c3d4e5f6a7b8c-0 --reason "different attack"
    """
    from .resolve import split_incident

    ids = [r.strip() for r in reports.split(",") if r.strip()]
    with _open_store(db) as store:
        new_id = split_incident(
            store, incident_id, ids, reason=reason, who=who or os.environ.get("USER")
        )
    click.echo(new_id)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--articles", "-n", default=1000, show_default=True, help="Generated articles per stream."
)
@click.option("--workers", default=None, type=int, help="Processes for the parallel runs.")
@click.option(
    "--relevant-fraction",
    default=0.1,
    show_default=True,
    help="Share of relevant articles in the mixed stream.",
)
@click.option(
    "--parts",
    default="spacy,end-to-end,mixed,no-filter",
    show_default=True,
    help="Which runs to make.",
)
@click.option(
    "--db",
    default=None,
    help="A PostgreSQL server URL: the end-to-end runs write to a database created on it "
    "for each run and dropped after (default: temporary SQLite files).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_fail_cleanly
def bench(
    articles: int,
    workers: int | None,
    relevant_fraction: float,
    parts: str,
    db: str | None,
    as_json: bool,
) -> None:
    """Measure throughput and memory against the bare spaCy pipeline (generated texts).

    \b
    Example:
        incidex bench --articles 1000
        incidex bench --articles 10000 --json
        incidex bench --parts end-to-end --db postgresql://postgres@127.0.0.1:5432/postgres
    """
    from .bench import run_bench

    result = run_bench(
        articles,
        workers=workers,
        relevant_fraction=relevant_fraction,
        parts=tuple(p.strip() for p in parts.split(",") if p.strip()),
        log=None if as_json else (lambda line: click.echo(line, err=True)),
        db=db,
    )
    click.echo(json.dumps(result.to_json()) if as_json else result.table())


def _print_ingest_summary(report: Any) -> None:
    s = report.summary
    for problem in report.problems:
        click.echo(f"skipped: {problem.error}", err=True)
    if report.problems_omitted:
        click.echo(f"({report.problems_omitted} more skipped, not listed)", err=True)
    for entry in s.entries:
        if entry.status in {"not_english", "failed"}:
            click.echo(f"not extracted: {entry.origin}: {entry.message}", err=True)
    if s.entries_omitted:
        click.echo(
            f"({s.entries_omitted} articles past the first {len(s.entries)} are counted below "
            "but not listed one by one)",
            err=True,
        )
    rate = (s.stored / report.seconds) if report.seconds else 0.0
    click.echo(
        f"{s.stored} stored ({s.extracted} with incidents, {s.no_incident} without, "
        f"{s.not_english} not English, {s.failed} failed), {s.duplicates} already stored, "
        f"{report.skipped} skipped; {s.incidents_created} incidents created, "
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
    if fmt == "muc4-jsonl":
        from .evaluate import predict_muc4

        stats = predict_muc4(paths, sys.stdout)
        click.echo(stats.describe(), err=True)
        return
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
@filter_options
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

    table = Table(show_lines=False)
    for column in columns:
        table.add_column(
            column,
            no_wrap=column in {"id", "date", "country_code", "killed", "wounded", "n_reports"},
        )
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    # a pipe or a file gets a wide table rather than 80 columns of folded cells
    width = None if sys.stdout.isatty() else 200
    Console(markup=False, highlight=False, width=width).print(table)


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
    """Show one incident as a card: each value with its sources, the toll series, claims and
    disputes, follow-ups, independent-source counts and its history (who merged or split
    what, and why). ID may also be an article or report id: its incident is shown.

    \b
    Example:
        incidex show i3f2a9c1b7d40
        incidex show a1b2c3d4e5f6a7b8     # the incident this article's report joined
        incidex show i3f2a9c1b7d40 --json
    """
    from .cards import render_incident, render_log
    from .resolve import find_incident, resolve_stored_incident

    with _open_store(db) as store:
        found = find_incident(store, incident_id)
        incident = store.incident(found)
        resolved = resolve_stored_incident(store, found)
        log = store.incident_log(found)
    if as_json:
        payload = {
            "incident": incident.model_dump(mode="json"),
            "resolved": resolved.model_dump(mode="json"),
            "log": [dataclasses.asdict(entry) for entry in log],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo(render_incident(incident, resolved))
        click.echo(render_log(found, log))


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


@cli.command(context_settings=CONTEXT)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@_fail_cleanly
def serve(db: str | None, host: str, port: int) -> None:
    """Serve the web app and HTTP API (read-only unless INCIDEX_TOKEN is set).

    \b
    Example:
        incidex serve
        INCIDEX_TOKEN=secret incidex serve --port 8080
    """
    from .web import serve as run_server

    run_server(load_settings(db=db).db, host=host, port=port)


@cli.command(name="export", context_settings=CONTEXT)
@db_option
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["jsonl", "csv", "gtd-csv", "acled-csv", "geojson", "stix"]),
    help="Output format.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@click.option("--no-articles", is_flag=True, help="jsonl: leave the article texts out.")
@filter_options
@_fail_cleanly
def export_command(
    db: str | None,
    fmt: str,
    out: Path | None,
    no_articles: bool,
    country: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    type_: str | None,
    group: str | None,
    min_killed: int | None,
    query: str | None,
) -> None:
    """Export incidents as JSON Lines, CSV, GTD or ACLED CSV, GeoJSON or a STIX 2.1 bundle.

    \b
    Example:
        incidex export --format gtd-csv --out incidents.csv
        incidex export --format geojson --country FR > france.geojson
        incidex export --format stix --since 2024-01-01 --out bundle.json
    """
    from .export import export

    with _open_store(db) as store:
        try:
            summary = export(
                store,
                fmt,
                out if out is not None else sys.stdout,
                country=country,
                since=since.date() if since else None,
                until=until.date() if until else None,
                type=type_,
                group=group,
                min_killed=min_killed,
                query=query,
                articles=not no_articles,
            )
        except BrokenPipeError:  # `incidex export ... | head`
            sys.stderr.close()
            return
    click.echo(f"exported {summary.incidents} incidents as {fmt}", err=True)
    for note in summary.notes:
        click.echo(note, err=True)


@cli.command(name="import", context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@db_option
@_fail_cleanly
def import_command(path: Path, db: str | None) -> None:
    """Import a JSON Lines export (from `incidex export --format jsonl`).

    \b
    Example:
        incidex import incidents.jsonl --db copy.db
    """
    from .export import import_jsonl

    with _open_store(db) as store:
        summary = import_jsonl(path, store)
    click.echo(
        f"{summary.articles} articles, {summary.reports} reports, {summary.incidents} incidents "
        f"imported; {summary.duplicates} already there; {summary.skipped_lines} lines skipped"
    )
    for error in summary.errors:
        click.echo(f"skipped: {error}", err=True)


@cli.group(context_settings=CONTEXT)
def evaluate() -> None:
    """Score incidex on the field's benchmarks (MUC-4, WikiEvents)."""


@evaluate.command(name="muc4", context_settings=CONTEXT)
@click.option(
    "--pred",
    required=True,
    type=click.Path(path_type=Path),
    help="Predictions from `incidex extract --format muc4-jsonl`.",
)
@click.option(
    "--gold",
    required=True,
    type=click.Path(path_type=Path),
    help="GTT-format gold JSON Lines (e.g. muc4/gtt/dev.jsonl).",
)
@click.option(
    "--budget",
    is_flag=True,
    help="Also print the error budget: where gold items are lost and predictions go wrong.",
)
@_fail_cleanly
def evaluate_muc4_command(pred: Path, gold: Path, budget: bool) -> None:
    """Five-role template F1 (GTT metric) against GTT-format gold.

    \b
    Example:
        incidex extract ../shared/data/muc4/tst1/tst1-muc3 --format muc4-jsonl > pred.jsonl
        incidex evaluate muc4 --pred pred.jsonl --gold ../shared/data/muc4/gtt/dev.jsonl
        incidex evaluate muc4 --pred pred.jsonl --gold gtt/dev.jsonl --budget
    """
    from .evaluate import evaluate_muc4

    click.echo(evaluate_muc4(pred, gold, budget=budget).markdown)


@evaluate.command(name="muc4-slots", context_settings=CONTEXT)
@click.option("--pred", required=True, type=click.Path(path_type=Path), help="Predictions.")
@click.option(
    "--keys",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path),
    help="MUC-4 answer-key file(s); repeat the option for several.",
)
@_fail_cleanly
def evaluate_slots_command(pred: Path, keys: tuple[Path, ...]) -> None:
    """Slot-by-slot scores against the full MUC-4 answer keys.

    \b
    Example:
        incidex evaluate muc4-slots --pred pred.jsonl \\
            --keys ../shared/data/muc4/tst1/key-tst1.v7 --keys ../shared/data/muc4/tst2/key-tst2.v4
    """
    from .evaluate import evaluate_muc4_slots

    click.echo(evaluate_muc4_slots(pred, keys).markdown)


@evaluate.command(name="wikievents", context_settings=CONTEXT)
@click.option(
    "--data",
    required=True,
    type=click.Path(path_type=Path),
    help="WikiEvents JSON Lines (e.g. wikievents/dev.jsonl).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the predictions here.",
)
@click.option(
    "--errors",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the missed and spurious arguments here (TSV: doc, kind, type, role, head).",
)
@_fail_cleanly
def evaluate_wikievents_command(data: Path, out: Path | None, errors: Path | None) -> None:
    """Argument identification and classification F1 (head-word match) on WikiEvents.

    \b
    Example:
        incidex evaluate wikievents --data ../shared/data/wikievents/dev.jsonl \\
            --errors /tmp/wiki-errors.tsv
    """
    from contextlib import ExitStack

    from .evaluate import evaluate_wikievents

    with ExitStack() as stack:
        out_file = stack.enter_context(out.open("w", encoding="utf-8")) if out else None
        errors_file = stack.enter_context(errors.open("w", encoding="utf-8")) if errors else None
        click.echo(evaluate_wikievents(data, out=out_file, errors=errors_file).markdown)


@evaluate.command(name="all", context_settings=CONTEXT)
@data_dir_option
@pred_dir_option
@_fail_cleanly
def evaluate_all_command(data_dir: Path, pred_dir: Path | None) -> None:
    """Run every benchmark (TST1+TST2 five-role and slots, WikiEvents dev) and print tables.

    \b
    Example:
        incidex evaluate all --data ../shared/data
    """
    from .evaluate import evaluate_all, format_evaluations

    click.echo(format_evaluations(evaluate_all(data_dir, pred_dir=pred_dir)))


@evaluate.command(name="muc4-holdout", context_settings=CONTEXT)
@data_dir_option
@pred_dir_option
@_fail_cleanly
def evaluate_holdout_command(data_dir: Path, pred_dir: Path | None) -> None:
    """Five-role and slot scores on the held-out DEV slice (DEV-MUC3-1101..1300), the
    messages `incidex train` never trains or tunes on.

    \b
    Example:
        incidex evaluate muc4-holdout --data ../shared/data
    """
    from .evaluate import evaluate_muc4_holdout, format_evaluations

    click.echo(format_evaluations(evaluate_muc4_holdout(data_dir, pred_dir=pred_dir)))


@cli.command(context_settings=CONTEXT)
@data_dir_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the models (default: incidex/nlp/trained, which the pipeline loads).",
)
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--relevance-epochs", default=10, show_default=True, help="Classifier epochs.")
@click.option("--roles-epochs", default=30, show_default=True, help="Role tagger epochs.")
@click.option(
    "--only",
    "only",
    multiple=True,
    type=click.Choice(
        ["relevance", "roles", "role-candidates", "incident-split", "template-filter"]
    ),
    help="Train only this model (repeatable); default: all five.",
)
@_fail_cleanly
def train(
    data_dir: Path,
    out_dir: Path | None,
    seed: int,
    relevance_epochs: int,
    roles_epochs: int,
    only: tuple[str, ...],
) -> None:
    """Train the relevance classifier (a textcat and a logistic regression), the role tagger,
    the candidate role classifier, the same-type incident split and the template filter on
    MUC-4 DEV (held-out slice DEV-MUC3-1101..1300 excluded) and score them on TST1+TST2.

    \b
    Example:
        incidex train --data ../shared/data
        incidex train --data ../shared/data --out /tmp/models --seed 1
        incidex train --data ../shared/data --only role-candidates
        incidex train --data ../shared/data --only incident-split
        incidex train --data ../shared/data --only template-filter
    """
    from .train import MODELS, train_models

    train_models(
        data_dir,
        out_dir,
        seed=seed,
        relevance_epochs=relevance_epochs,
        roles_epochs=roles_epochs,
        models=[m.replace("-", "_") for m in only] or MODELS,
        log=click.echo,
    )


def main() -> None:
    one_blas_thread()  # before numpy loads (see incidex/_threads.py)
    cli(prog_name="incidex")
