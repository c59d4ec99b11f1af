"""The ``warledger`` command line. Each command calls one library function."""
from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

import click

from . import __version__
from .errors import UsageError, WarledgerError
from .settings import Settings
from .vocab import CORRECTABLE_FIELDS, INCIDENT_STATUSES

FORMATS_OUT = ("json", "jsonl")
MULTI = ("jsonl", "feed", "warc")


def _settings(model: str | None, config: str | None) -> Settings:
    s = Settings()
    if model:
        s.model = model
    if config:
        s.config = config
    return s


def _progress(iterable, total: int | None, label: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm import tqdm
    return tqdm(iterable, total=total, desc=label, unit="doc", file=sys.stderr, leave=False)


def _or_exit(work):
    """Run ``work``; a user error becomes its one line and exit code."""
    try:
        return work()
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)


def _report_errors(errors: list[WarledgerError]) -> int:
    """Print every error once at the end; the exit code is 2 for usage errors, else 1."""
    if not errors:
        return 0
    click.echo(f"{len(errors)} input(s) could not be read:", err=True)
    for err in errors:
        click.echo(f"  {err.one_line()}", err=True)
    return max(e.exit_code for e in errors)


def _extractions(files, input_format, settings, errors: list[WarledgerError]):
    """The extractions of every document in FILE...; what cannot be read goes to ``errors``."""
    from .extract import extract_documents
    from .read import read_path

    def items():
        for path in files:
            yield from read_path(path, input_format)

    for item in extract_documents(items(), settings):
        if isinstance(item, WarledgerError):
            errors.append(item)
        else:
            yield item


class _Main(click.Group):
    """The command group; a database failure anywhere in a command is one coded line, not a
    traceback (the store names the database and what went wrong)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except WarledgerError as err:
            click.echo(err.one_line(), err=True)
            sys.exit(err.exit_code)
        except Exception as exc:
            from .store.engine import database_error
            err = database_error(exc)
            if err is None:
                raise
            click.echo(err.one_line(), err=True)
            sys.exit(err.exit_code)


def _reader(db):
    """The ledger opened read-only (the read-only commands never create or migrate one)."""
    from .store import Ledger
    return Ledger(db, read_only=True)


def _warn_stale(ledger) -> None:
    if ledger.needs_rebuild():
        click.echo("[W501] documents were stored after the incidents were last grouped; "
                   f"`{_prog()} aggregate` regroups them", err=True)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="warledger")
def main() -> None:
    """warledger: a source-attributed ledger of conflict events read from reporting."""


_model_opt = click.option("--model", metavar="NAME|PATH",
                          help="spaCy pipeline: a package or model name, or a path (default: the config's).")
_config_opt = click.option("--config", metavar="FILE", type=click.Path(dir_okay=False),
                           help="Pipeline config file (default: the packaged default.cfg).")
_db_opt = click.option("--db", metavar="URL", envvar="WARLEDGER_DB",
                       help="Database URL (default: a SQLite file in the data directory; "
                            "postgresql+psycopg://… for a server).")


_input_opt = click.option("--input-format", type=click.Choice(["text", "html", "jsonl", "feed", "warc"]),
                          help="Read every FILE as this format instead of guessing from content and name.")


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(FORMATS_OUT), default="json", show_default=True,
              help="json: one object for one document; several documents always give JSON Lines.")
@_input_opt
@_model_opt
@_config_opt
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.option("--explain", is_flag=True,
              help="Say what gave each event's parts: each role's rule (\"rule\") and an \"explain\" list per event.")
def extract(files, fmt, input_format, model, config, progress, explain) -> None:
    """Read FILE... and print the warledger.extract/1 JSON of every document in them.

    Text, HTML, JSON Lines, RSS/Atom and WARC inputs are recognised by content and name.
    Bad inputs are listed at the end; the good ones are still printed. Exit status: 0 when
    everything was read, 1 when some data was bad, 2 for a usage error (a missing file)."""
    from .export.extract_json import dumps, to_contract
    from .extract import extract_documents
    from .read import read_path

    settings = _settings(model, config)
    errors: list[WarledgerError] = []
    show = sys.stderr.isatty() if progress is None else progress

    def items():
        for path in files:
            yield from read_path(path, input_format)

    first: list = []
    stream = extract_documents(items(), settings)
    lines = fmt == "jsonl" or len(files) > 1
    try:
        for item in _progress(stream, None, "extract", show):
            if isinstance(item, WarledgerError):
                errors.append(item)
                continue
            for notice in item.notices:
                click.echo(notice, err=True)
            if not lines and item.document.input_format in MULTI:
                lines = True
            if not lines and not first:
                first.append(item)       # hold one: a second document turns the output into lines
                continue
            if first:
                click.echo(dumps(to_contract(first.pop(), explain=explain), pretty=False))
            click.echo(dumps(to_contract(item, explain=explain), pretty=False))
    except WarledgerError as err:        # the pipeline itself cannot run: nothing more can be read
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    if first:
        click.echo(dumps(to_contract(first.pop(), explain=explain), pretty=not lines))
    sys.exit(_report_errors(errors))



@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="text: one line a toponym, with why and what it was chosen over; jsonl: one object each.")
@_input_opt
@_model_opt
@_config_opt
def places(files, fmt, input_format, model, config) -> None:
    """List every toponym of FILE... with its reading (literal, metonymic, adjectival, embedded),
    the place it refers to, its level and point, and the candidates it was chosen over and why."""
    import json

    from .export.places import line, toponyms

    errors: list[WarledgerError] = []
    try:
        for item in _extractions(files, input_format, _settings(model, config), errors):
            for row in toponyms(item):
                click.echo(json.dumps(row, ensure_ascii=False) if fmt == "jsonl" else line(row))
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    sys.exit(_report_errors(errors))

@main.command()
@click.option("--input", "input_path", metavar="PATH", help="A file or folder to read (default: the bundled sample).")
@_db_opt
@_model_opt
@_config_opt
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve the pages on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--once", is_flag=True, help="Do the work, check the served pages' /health and exit (tests and CI).")
def run(input_path, db, model, config, host, port, once) -> None:
    """The main job on the embedded default: read the input, print a summary of each document,
    store it in the ledger (SQLite in the data directory unless --db), print what it holds, then
    serve the web pages until Ctrl-C, printing the address and the login.

    Without --input it reads the sample reports bundled with warledger."""
    from .ingest import ingest_and_group
    from .read import read_path
    from .reviews import all_incidents
    from .sample import sample_paths
    from .store import Ledger

    settings = _settings(model, config)
    if input_path:
        p = Path(input_path)
        paths = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
    else:
        paths = sample_paths()

    def items():
        for path in paths:
            yield from read_path(path)

    try:
        ledger = Ledger(db)
        summary, _ = ingest_and_group(items(), ledger, settings, progress=sys.stderr.isatty(),
                                      on_extraction=lambda ex: click.echo(summary_line(ex)))
        counts = ledger.counts()
        table = incidents_table(list(all_incidents(ledger)))
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    errors = summary.failed
    n, stored = summary.ingested + summary.skipped, summary.ingested
    click.echo(f"{n} document(s) read, {stored} newly stored, {len(errors)} input(s) with errors")
    click.echo(f"ledger {ledger.engine.url.render_as_string(hide_password=True)}: {counts['documents']} documents, "
               f"{counts['events']} events, {counts['places']} places, {counts['actors']} actors, "
               f"{counts['attributions']} attributions, {counts['tallies']} tallies")
    click.echo(table)
    if errors:
        sys.exit(_report_errors(errors))
    _serve(db, host, port, once=once)


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@_input_opt
@_model_opt
@_config_opt
def actors(files, fmt, input_format, model, config) -> None:
    """List the actors recognised in FILE...: canonical name, kind, what it belongs to, and the
    words it was found through. A reading aid for checking the registry against real text."""
    import json

    from .export.extract_json import actor_json

    errors: list[WarledgerError] = []
    try:
        for item in _extractions(files, input_format, _settings(model, config), errors):
            text = item.document.text
            rows = [{**actor_json(a), "via": sorted({text[s:e] for s, e in a.mentions})} for a in item.actors]
            if fmt == "jsonl":
                click.echo(json.dumps({"document": item.document.doc_id, "actors": rows}, ensure_ascii=False))
                continue
            click.echo(f"# {item.document.origin or item.document.doc_id}")
            for r in rows:
                belongs = f" ({r['affiliation']})" if r["affiliation"] else ""
                click.echo(f"{r['name']}{belongs} [{r['kind']}]: " + ", ".join(repr(v) for v in r["via"]))
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    sys.exit(_report_errors(errors))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_db_opt
@_input_opt
@_model_opt
@_config_opt
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
def ingest(paths, db, input_format, model, config, progress) -> None:
    """Read, extract and store PATH... in the ledger: files, directories (recursively), globs,
    or - for JSON Lines on stdin. One transaction per document; a document already stored (same
    text) is skipped. Exit status 1 when some input failed (the others are stored)."""
    from .ingest import ingest as run_ingest

    show = sys.stderr.isatty() if progress is None else progress
    try:
        summary = run_ingest(paths, db=db, settings=_settings(model, config), input_format=input_format,
                             progress=show)
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    click.echo(summary.line())
    if summary.incidents is not None:
        click.echo(f"{summary.incidents} incident(s) in the ledger")
    sys.exit(_report_errors(summary.failed))


@main.command()
@_db_opt
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--limit", type=int, default=None, help="At most this many documents.")
def documents(db, fmt, limit) -> None:
    """List the documents in the ledger."""
    import json

    rows = _or_exit(lambda: _reader(db).documents(limit))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:>6}  {r['published'] or 'undated':<10}  {r['events']:>3} events  "
                   f"{(r['title'] or r['doc_id'])[:70]}")
    click.echo(f"{len(rows)} document(s)")


@main.command()
@click.argument("ref", metavar="ID")
@_db_opt
def document(ref, db) -> None:
    """Show one document (by ledger id, input id or sha256) with its text and events, as JSON."""
    import json

    found = _or_exit(lambda: _reader(db).document(ref))
    if found is None:
        click.echo(f"[E502] no document {ref!r} in the ledger", err=True)
        sys.exit(1)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


@main.command()
@_db_opt
@click.option("--rebuild", is_flag=True, help="Recompute every incident from the stored events (else: only what "
              "events stored since the last grouping reach).")
@click.option("--workers", type=click.IntRange(1, 1024), help="--rebuild: group the time windows on this many local "
              "Dask workers.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="--rebuild: group the time windows on this Dask scheduler's "
              "workers.")
@click.option("--processes", type=click.IntRange(1, 1024), help="--rebuild without Dask: this many local worker "
              "processes (default: one a core, at most 4, for a ledger of 50,000 events or more; else 1).")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when a terminal).")
def aggregate(db, rebuild, workers, scheduler, processes, progress) -> None:
    """Group the stored events of all documents into incidents (ingest does this too). An event
    joins an incident only when it fits the incident's core (its most precise members), with
    evidence that both reports tell one story; the events are sorted first, so --rebuild gives the
    same incidents whatever order the documents came in. Without --rebuild only the events stored
    since the last grouping are grouped, with every incident they can reach (the same result)."""
    from .aggregate import rebuild as rebuild_incidents
    from .aggregate import update as update_incidents
    from .store import Ledger

    if progress is None:
        progress = sys.stderr.isatty()

    def run() -> int:
        ledger = Ledger(db)
        if not rebuild:
            if workers or scheduler or processes:
                raise UsageError("E101", "--workers, --scheduler and --processes go with --rebuild")
            return update_incidents(ledger, progress=progress)
        if processes and (workers or scheduler):
            raise UsageError("E101", "--processes is for a rebuild without Dask (--workers, --scheduler)")
        if not (workers or scheduler):
            return rebuild_incidents(ledger, progress=progress, processes=processes)
        from .batch import _cluster
        client, cluster = _cluster(scheduler, workers, lambda m: click.echo(m, err=True))
        try:
            return rebuild_incidents(ledger, progress=progress, client=client)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    n = _or_exit(run)
    click.echo(f"{n} incident(s)")


@main.command()
@_db_opt
@click.option("--status", type=click.Choice(INCIDENT_STATUSES))
@click.option("--type", "type_", metavar="TYPE", help="Event type (airstrike, shelling, …).")
@click.option("--place", metavar="NAME", help="Incidents with this place: a GeoNames id or the exact name (any case).")
@click.option("--actor", metavar="NAME", help="Incidents with this actor: a registry id or the exact name or alias.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Incidents ending on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Incidents starting on or before this date.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def incidents(db, status, type_, place, actor, since, until, fmt) -> None:
    """List incidents: type, dates and days, area (the most precise place, its precision and how far
    apart the incident's places lie), combined estimate (low/best/high), status and sources."""
    import json

    from .reviews import all_incidents

    def load():
        ledger = _reader(db)
        _warn_stale(ledger)
        return list(all_incidents(ledger, status=status, type_=type_, since=since.date() if since else None,
                                  until=until.date() if until else None, place=place, actor=actor))
    rows = _or_exit(load)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(incidents_table(rows))


def _area_text(a: dict | None) -> str:
    if not a:
        return "-"
    more = f" +{a['places'] - 1}" if a.get("places", 1) > 1 else ""
    return f"{a['place']}{more} ({a['precision']}, {a['spread_km']:g} km)"


def incidents_table(rows: list[dict]) -> str:
    lines = [f"{'id':<16}  {'type':<17} {'dates':<23} {'days':>4}  {'area (precision, spread)':<34} "
             f"{'killed (low/best/high)':<22} {'status':<13} sources"]
    for r in rows:
        dates = f"{r['date_start'] or '?'}..{r['date_end'] or '?'}"
        days = "-" if r.get("days") is None else str(r["days"])
        killed = "/".join("-" if v is None else str(v) for v in (r["low"], r["best"], r["high"]))
        lines.append(f"{r['id']:<16}  {r['type']:<17} {dates:<23} {days:>4}  {_area_text(r.get('area')):<34} "
                     f"{killed:<22} {r['status']:<13} {len(r['sources'])} ({r['events']} event(s))")
    lines.append(f"{len(rows)} incident(s)")
    return "\n".join(lines)


@main.command()
@click.argument("ref", metavar="ID")
@_db_opt
@click.option("--why", is_flag=True, help="Also say why each member joined: how (merged with a precise report, "
              "attached as a low-precision one, by an analyst's merge), the member it matched and the evidence.")
def incident(ref, db, why) -> None:
    """Show one incident with every source, stance, figure, quote, span and document, as JSON."""
    import json

    from .reviews import one_incident
    from .store.incidents import review_rows

    def load():
        ledger = _reader(db)
        _warn_stale(ledger)
        engine = ledger.engine
        one = one_incident(ledger, ref)
        if one is None:
            return None
        reviews = review_rows(engine)
        if why:
            from .aggregate.incidents import EventRecord, explain
            from .store.incidents import event_rows
            records = [EventRecord(**r) for r in event_rows(engine)[0]]
            one["why"] = explain(records, one["members"], reviews)
        return one
    found = _or_exit(load)
    if found is None:
        click.echo(f"[E601] no incident {ref!r}", err=True)
        sys.exit(1)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["acled", "ucdp", "geojson", "jsonl", "parquet"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here (standard output when absent; "
                                                           "required for parquet).")
@click.option("--level", type=click.Choice(["events", "incidents"]), default="events", show_default=True)
@click.option("--status", help="Only this status (event status at the events level, incident status else).")
@click.option("--type", "type_", metavar="TYPE", help="Only this event type.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Ending on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Starting on or before this date.")
@_db_opt
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
def export(fmt, out, level, status, type_, since, until, db, progress) -> None:
    """Export the ledger's events or incidents: ACLED CSV (31 columns), UCDP GED CSV (49 columns),
    GeoJSON, JSON Lines or Parquet. Large exports stream in constant memory."""
    from .export.run import export as run_export

    show = sys.stderr.isatty() if progress is None else progress

    def reader():
        ledger = _reader(db)
        if level == "incidents":
            _warn_stale(ledger)
        return ledger
    n = _or_exit(lambda: run_export(reader(), fmt, out, level=level, type_=type_, status=status,
                                    since=since.date() if since else None, until=until.date() if until else None,
                                    progress=show))
    if out:
        click.echo(f"{n} {level if n != 1 else level[:-1]} written to {out}", err=True)


@main.group()
def review() -> None:
    """Analysts' reviews of incidents: grade, correct a field, merge, split. Reviews are kept
    apart from machine output and survive rebuilds and re-ingests."""


_who = click.option("--who", required=True, help="Who reviews (name or handle).")
_why = click.option("--why", default=None, help="Why: the evidence or reasoning.")


def _record(db, ref, **kw) -> None:
    """Check and store a review through the same function the API and the pages use."""
    from .reviews import record_review
    from .store import Ledger
    rid = _or_exit(lambda: record_review(Ledger(db), ref, **kw))
    click.echo(f"review {rid} recorded")


@review.command("grade")
@click.argument("ref", metavar="INCIDENT")
@click.argument("grade")
@_who
@_why
@_db_opt
def review_grade(ref, grade, who, why, db) -> None:
    """Grade an incident (e.g. confirmed, fair, weak, contested, discounted)."""
    _record(db, ref, action="grade", who=who, why=why, value=grade)


@review.command("correct")
@click.argument("ref", metavar="INCIDENT")
@click.argument("field", type=click.Choice(CORRECTABLE_FIELDS))
@click.argument("value")
@_who
@_why
@_db_opt
def review_correct(ref, field, value, who, why, db) -> None:
    """Correct a field of an incident; the machine's value stays visible beside yours."""
    _record(db, ref, action="correct", who=who, why=why, field=field, value=value)


@review.command("merge")
@click.argument("ref", metavar="INCIDENT")
@click.argument("other", metavar="OTHER_INCIDENT")
@_who
@_why
@_db_opt
def review_merge(ref, other, who, why, db) -> None:
    """Merge two incidents into one."""
    _record(db, ref, action="merge", other=other, who=who, why=why)


@review.command("split")
@click.argument("ref", metavar="INCIDENT")
@click.argument("events", nargs=-1, required=True, metavar="EVENT...")
@_who
@_why
@_db_opt
def review_split(ref, events, who, why, db) -> None:
    """Take EVENT... (as `incident` lists them: sha256:eN) out of an incident into a new one."""
    _record(db, ref, action="split", events=list(events), who=who, why=why)


@review.command("list")
@_db_opt
def review_list(db) -> None:
    """Every review, oldest first, as JSON Lines."""
    import json

    from .store.incidents import review_rows
    for r in _or_exit(lambda: review_rows(_reader(db).engine)):
        click.echo(json.dumps(r, ensure_ascii=False))


@main.command()
@_db_opt
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def tallies(db, fmt) -> None:
    """Running totals over time: one series per subject, measure and group, each value with its
    source and date; a total lower than an earlier one is flagged."""
    import json

    from .aggregate import tally_series
    series = _or_exit(lambda: tally_series(_reader(db)))
    if fmt == "json":
        click.echo(json.dumps(series, ensure_ascii=False, indent=2))
        return
    for s_ in series:
        flag = "  ! falls" if s_["falls"] else ""
        values = ", ".join(f"{p['value']} ({p['as_of'] or '?'}, {p['source']})" for p in s_["points"])
        click.echo(f"{s_['subject']} / {s_['measure']} / {s_['group']}: {values}{flag}")
    click.echo(f"{len(series)} series")


@main.group()
def users() -> None:
    """Users of the served ledger and their API tokens (roles: viewer, analyst, admin)."""


_password_opts = [
    click.option("--password", "ask", is_flag=True, help="Ask for a password for the web login (typed twice, hidden)."),
    click.option("--password-stdin", "from_stdin", is_flag=True, help="Read the password from the first line of stdin."),
]


def _with_password_opts(f):
    for opt in reversed(_password_opts):
        f = opt(f)
    return f


def _password(ask: bool, from_stdin: bool) -> str | None:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            click.echo("[E801] --password-stdin: no password on standard input", err=True)
            sys.exit(2)
        return line
    if ask:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return None


def _expires(text: str | None):
    from .store.users import parse_duration
    return _or_exit(lambda: parse_duration(text)) if text else None


_expires_opt = click.option("--expires", metavar="DURATION",
                            help="The token stops working after DURATION (30d, 12h, 90m, 2w); default: when revoked.")


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "analyst", "admin"]), required=True)
@_with_password_opts
@_expires_opt
@_db_opt
def users_add(name, role, ask, from_stdin, expires, db) -> None:
    """Create a user and print its API token (shown once; only a hash is stored). With a
    password (--password or --password-stdin) the user can also log in to the web pages."""
    from .store import Ledger
    from .store.users import add_user

    lasts = _expires(expires)
    password = _password(ask, from_stdin)
    if password is not None and len(password) < 8:
        click.echo("[E801] a password needs at least 8 characters", err=True)
        sys.exit(2)
    user, token = _or_exit(lambda: add_user(Ledger(db).engine, name, role, password, lasts))
    until = f", valid for {expires}" if expires else ""
    click.echo(f"user {user.name} ({user.role}) created; token (shown once{until}):", err=True)
    click.echo(token)


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="Read the password from the first line of stdin.")
@_db_opt
def users_password(name, from_stdin, db) -> None:
    """Set NAME's web login password (asked twice, hidden, unless --password-stdin); ends the
    user's open web sessions."""
    from .store import Ledger
    from .store.users import set_password

    password = _password(not from_stdin, from_stdin)
    _or_exit(lambda: set_password(Ledger(db).engine, name, password))
    click.echo(f"password of {name} set")


@users.command("token")
@click.argument("name")
@_expires_opt
@_db_opt
def users_token(name, expires, db) -> None:
    """Issue another token for NAME and print it (shown once)."""
    from .store import Ledger
    from .store.users import new_token

    lasts = _expires(expires)
    click.echo(_or_exit(lambda: new_token(Ledger(db).engine, name, lasts)))


@users.command("revoke")
@click.argument("name")
@_db_opt
def users_revoke(name, db) -> None:
    """Revoke every token of NAME and end NAME's web sessions."""
    from .store import Ledger
    from .store.users import revoke

    n = _or_exit(lambda: revoke(Ledger(db).engine, name))
    click.echo(f"{n} token(s) of {name} revoked; web sessions ended")


@users.command("disable")
@click.argument("name")
@_db_opt
def users_disable(name, db) -> None:
    """Refuse NAME every login from now on: its tokens are revoked, its web sessions ended, and
    its password no longer logs in (until `users enable NAME`)."""
    from .store import Ledger
    from .store.users import disable

    n = _or_exit(lambda: disable(Ledger(db).engine, name))
    click.echo(f"user {name} disabled; {n} token(s) revoked, web sessions ended")


@users.command("enable")
@click.argument("name")
@_db_opt
def users_enable(name, db) -> None:
    """Let a disabled user log in with its password again (issue a token with `users token`)."""
    from .store import Ledger
    from .store.users import enable

    _or_exit(lambda: enable(Ledger(db).engine, name))
    click.echo(f"user {name} enabled")


@users.command("list")
@_db_opt
def users_list(db) -> None:
    """Users, their roles and how many live tokens each has."""
    from .store import Ledger
    from .store.users import list_users

    rows = _or_exit(lambda: list_users(Ledger(db).engine, 1_000_000))
    for u in rows:
        click.echo(f"{u['name']:<24} {u['role']:<8} {u['tokens']} token(s)" + ("  disabled" if u["disabled"] else ""))
    click.echo(f"{len(rows)} user(s)")


def _prog() -> str:
    """How to call this command again: ".venv/bin/warledger" under the working directory, else "warledger"."""
    exe = Path(sys.argv[0])
    try:
        rel = exe.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return "warledger"
    return str(rel) if exe.name == "warledger" else "warledger"


def _free_port(host: str, port: int) -> int:
    """``port`` when it can be bound on ``host``, else one the system gives."""
    import socket
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return s.getsockname()[1]                  # the one the system chose for port 0
        except OSError:
            s.bind((host, 0))
            return s.getsockname()[1]


def _serve(db, host: str, port: int, *, once: bool = False) -> None:
    """Serve the web pages and the API; with ``once``, start, check /health, print, stop."""
    import json
    import threading
    import urllib.request

    import uvicorn

    from .api import create_app
    from .store import Ledger
    from .store.users import first_admin

    engine = _or_exit(lambda: Ledger(db).engine)
    made = first_admin(engine)
    app = create_app(db)
    chosen = _free_port(host, port)
    if chosen != port:
        click.echo(f"port {port} is taken; using {chosen}", err=True)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{chosen}/"
    prog = _prog()
    if made:                      # the secrets go to standard error, kept out of logs of stdout
        name, password, token = made
        click.echo(f"log in at {url} as {name} with the one-time password on standard error")
        click.echo(f"{name}'s one-time password: {password}  (change it with `{prog} users password {name}`)",
                   err=True)
        click.echo(f"{name}'s API token: {token}  (shown once; `{prog} users revoke {name}` stops it)", err=True)
    else:
        click.echo(f"log in at {url} with your user (`{prog} users list`; set a password with "
                   f"`{prog} users password NAME`)")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=chosen, log_level="warning"))
    if not once:
        click.echo(f"warledger serving on {url}  (pages: {url}map, API docs: {url}docs) — Ctrl-C stops it")
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
        click.echo("warledger stopped")
        return
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            if not thread.is_alive():
                click.echo(f"[E810] the server did not start on {host}:{chosen}", err=True)
                sys.exit(1)
            threading.Event().wait(0.05)
        with urllib.request.urlopen(url + "health", timeout=10) as answer:
            health = json.load(answer)
        if health.get("status") != "ok":
            click.echo(f"[E810] {url}health answered {health}", err=True)
            sys.exit(1)
        click.echo(f"warledger served on {url}: /health ok (version {health.get('version')}); stopping (--once)")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@_db_opt
@click.option("--once", is_flag=True, help="Start, check /health, print the address and stop.")
def serve(host, port, db, once) -> None:
    """Serve the web pages (map, timeline, incidents, documents, tallies, reviews; log in at /login)
    and the HTTP API (OpenAPI at /openapi.json, docs at /docs). On an empty user table an admin is
    created and its one-time password and token are printed. Another free port is used when PORT
    is taken."""
    _serve(db, host, port, once=once)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder for the Parquet part files and the manifest (reuse it to resume).")
@click.option("--workers", type=click.IntRange(1, 1024), help="Local Dask workers (default: one per core).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="An existing Dask scheduler to run on instead.")
@click.option("--partition-size", default=50, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Documents (JSON Lines) or files per partition.")
@_db_opt
@_model_opt
@_config_opt
@click.option("--progress/--no-progress", default=None, help="Progress bars on stderr (default: when a terminal).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the run's figures as JSON here.")
def batch(paths, out, workers, scheduler, partition_size, db, model, config, progress, report_path) -> None:
    """Extract PATH... on Dask (a local cluster on every core, or --scheduler), partition by
    partition, into Parquet part files under --out; then load them into the ledger (one
    transaction per partition, idempotent by content) and regroup incidents. A manifest of
    finished partitions makes a rerun after a crash or Ctrl-C extract only what is missing."""
    import dataclasses
    import json

    from .batch import run_batch

    show = sys.stderr.isatty() if progress is None else progress
    try:
        report = run_batch(list(paths), out, db=db, scheduler=scheduler, workers=workers,
                           partition_size=partition_size, settings=_settings(model, config), progress=show,
                           echo=lambda m: click.echo(m, err=True))
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    except OSError as err:
        click.echo(f"[E903] {scheduler or 'local cluster'}: {err}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        from .batch import read_manifest
        click.echo(f"interrupted: {len(read_manifest(Path(out)))} partition(s) finished are in {out}/manifest.jsonl; "
                   "run the same command again to resume", err=True)
        sys.exit(130)
    for line in report.lines():
        click.echo(line)
    if report_path:
        Path(report_path).write_text(json.dumps(dataclasses.asdict(report), indent=2))
    if report.errors:
        click.echo(f"{len(report.errors)} input(s) could not be read:", err=True)
        for e in report.errors:
            click.echo(f"  {e}", err=True)
        sys.exit(1)


@main.group(name="db")
def db_group() -> None:
    """The ledger's database."""


@db_group.command("upgrade")
@_db_opt
def db_upgrade(db) -> None:
    """Apply the schema migrations (they also run on first use)."""
    from .store import open_engine

    engine = _or_exit(lambda: open_engine(db))
    click.echo(f"database at the newest schema: {engine.url.render_as_string(hide_password=True)}")


@main.group()
def gazetteer() -> None:
    """The embedded gazetteer (GeoNames cities500, subdivisions, airports; GeoNames CC BY 4.0)."""


@gazetteer.command("build")
@click.option("--path", type=click.Path(dir_okay=False), help="Where to write it (default: inside the environment).")
@click.option("--if-missing", is_flag=True, help="Do nothing when the file already exists.")
def gazetteer_build(path, if_missing) -> None:
    """Build the gazetteer's SQLite file from the installed registry packages (the install step runs this)."""
    from .resolve.gazetteer import build, default_path

    target = Path(path) if path else default_path()
    if if_missing and target.is_file():
        click.echo(f"gazetteer: {target} exists")
        return
    click.echo(f"gazetteer: building {target} …", err=True)
    click.echo(f"gazetteer: {build(target)}")


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--supplement", type=click.Path(exists=True, dir_okay=False), help="A CSV of local names.")
def gazetteer_lookup(name, supplement) -> None:
    """Print the gazetteer entries a NAME resolves to, largest first, one JSON object a line."""
    import json

    from .resolve.gazetteer import open_gazetteer

    try:
        places = open_gazetteer(None, supplement).lookup(name)
    except WarledgerError as err:
        click.echo(err.one_line(), err=True)
        sys.exit(err.exit_code)
    for p in sorted(places, key=lambda p: -p.population):
        click.echo(json.dumps({"name": p.name, "geonameid": p.geonameid, "country": p.country,
                               "admin1": p.admin1_name, "level": p.level, "lat": p.lat, "lon": p.lon,
                               "population": p.population}, ensure_ascii=False))
    if not places:
        click.echo(f"no gazetteer entry for {name!r}", err=True)
        sys.exit(1)


def summary_line(ex) -> str:
    doc, st = ex.document, ex.structure
    kinds = Counter(b.kind for b in st.blocks)
    pub = st.published
    when = f"{pub.date.isoformat()}{' (inferred from ' + pub.source + ')' if pub.inferred else ''}" if pub else "undated"
    title = doc.title or doc.text.strip().splitlines()[0][:60]
    blocks = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    places = ", ".join(p.name for p in ex.places[:6]) or "none"
    events = ", ".join(
        e.type + (f" ({e.fatalities.text} killed)" if e.fatalities else "") + f" [{e.status}]"
        for e in ex.events[:4]) or "none"
    return (f"{Path(doc.origin or '').name or doc.doc_id}: {title!r} — {when}; language {doc.language}; "
            f"{ex.tokens or 0} tokens; blocks: {blocks}; posts: {len(st.posts)}; places: {places}; events: {events}")


if __name__ == "__main__":
    main()
