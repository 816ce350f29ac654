"""The `saywho` command: a thin layer over reading, analysis and evaluation (CONTRACT.md).

Each subcommand is an `add_*` function that declares its arguments and sets `run`, a function of
the parsed arguments returning the exit status; a new subcommand is one more entry in COMMANDS.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from saywho import __version__
from saywho.model import Analysis, Document, Entity, Quote, quoted_words
from saywho.quote_fields import speaker_label
from saywho.reading import parse_date, read_inputs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a program Ctrl-C ended
FORMATS = ("json", "jsonl", "table")
INPUT_HELP = (
    "a .txt, .html/.htm, .json or .jsonl file, a directory of them (searched recursively), "
    "- for standard input (plain text), or an http(s) URL: an article page, an RSS or Atom feed, "
    "or a sitemap (fetched politely: robots.txt, one request per host per second)"
)


class UsageError(Exception):
    """Bad usage found once the arguments are parsed: exit status 2, with this message."""


def published_date(value: str) -> str:
    """argparse type for --published: an ISO 8601 date or date-time, kept as the date."""
    try:
        return parse_date(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def confidence_value(value: str) -> float:
    """argparse type for --min-confidence: a number from 0 to 1."""
    from saywho.confidence import min_confidence

    try:
        return min_confidence(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_min_confidence_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-confidence",
        type=confidence_value,
        metavar="P",
        help="keep only the quotes whose confidence (the estimated probability that the words and "
        "the speaker are both right) is at least P, from 0 to 1; e.g. 0.8. Tables mark quotes "
        "under 0.5 'low confidence'",
    )


def write_stdout(text: str) -> None:
    """Write in one piece, as UTF-8 whatever the locale: JSON is UTF-8 and must not fail half-way."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def report(message: str) -> None:
    print(f"saywho: {message}", file=sys.stderr)


def to_json(analysis: Analysis, indent: int | None = None) -> str:
    return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=indent)


def read_documents(inputs: Iterable[str], published: str | None) -> tuple[list[Document], int]:
    """Every readable record, each unreadable input reported on stderr as it is met; and how many
    were unreadable."""
    documents, errors = [], 0
    for item in read_inputs(inputs, published):
        if isinstance(item, Document):
            documents.append(item)
        else:
            report(str(item))
            errors += 1
    return documents, errors


def analyse_all(documents: list[Document]) -> Iterable[Analysis]:
    """The documents' analyses in order, with a progress bar on a terminal's stderr."""
    from saywho import analyse_documents
    from saywho.evaluation import with_progress  # the one progress bar helper

    return with_progress(analyse_documents(documents), len(documents))


def file_name(record_id: str) -> str:
    """A record id as a file name in --out-dir: path separators would write outside it."""
    safe = "".join("_" if c in "/\\\0" else c for c in record_id)
    return f"{safe or '_'}.json"


def confident(analyses: Iterable[Analysis], minimum: float | None) -> Iterator[Analysis]:
    """Each analysis with only the quotes whose confidence is at least `minimum` (all when None)."""
    for analysis in analyses:
        if minimum is not None:
            analysis = dataclasses.replace(
                analysis, quotes=[q for q in analysis.quotes if q.confidence >= minimum]
            )
        yield analysis


def write_whole(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a temporary file beside it, then renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_out_dir(analyses: Iterable[Analysis], out_dir: Path) -> int:
    """DIR/ID.json for each analysis as soon as it is done; the number written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}  # file name -> the input it came from
    for analysis in analyses:
        document = analysis.document
        name, source = file_name(document.id), document.path or "-"
        if name in written:
            report(f"{out_dir / name}: id {document.id!r} repeated; {source} replaces {written[name]}")
        write_whole(out_dir / name, to_json(analysis, indent=2) + "\n")
        written[name] = source
    return len(written)


def speaker_titles(quote: Quote, entities: Sequence[Entity]) -> list[str]:
    """The titles the article gives the quote's speaker (its entity's), each once."""
    wanted = quote.speaker.entity
    entity = next((e for e in entities if e.id == wanted), None) if wanted else None
    seen: dict[str, str] = {}
    for title in entity.titles if entity else ():
        seen.setdefault(title.casefold(), title)
    return list(seen.values())


def time_label(quote: Quote) -> str:
    """The time as written and, beneath, what it resolved to: "on Monday / = 2022-05-16"."""
    if quote.time is None:
        return ""
    return f"{quote.time.text}\n= {quote.time.value or '(unresolved)'}"


def _quote_cells(quote: Quote, entities: Sequence[Entity]) -> tuple[Any, Any, Any, Any]:
    from rich.text import Text

    from saywho.confidence import is_low, low_label

    # Article text is data: Text() keeps rich from reading "[...]" in it as markup.
    who = Text(speaker_label(quote.speaker), style="bold" if quote.speaker.name else "italic")
    for title in speaker_titles(quote, entities):
        who.append("\n" + title, style="dim")
    if quote.addressee is not None:
        who.append("\nto " + quote.addressee.text, style="italic")
    when = Text(time_label(quote))
    if quote.time is not None:
        when.stylize("dim", len(quote.time.text))
    said = Text(quote.cue.text if quote.cue else "—")
    said.append("\n" + quote.type, style="dim")
    c = quote.content
    what = Text(" ".join(quoted_words(c.text, c.start, c.fragments).split()))
    if is_low(quote.confidence):  # in words, not only dimmed: a pipe or NO_COLOR shows no style
        what.append("\n" + low_label(quote.confidence), style="bold yellow")
    if quote.flags:
        what.append("\nflags: " + ", ".join(quote.flags), style="bold red")
    return who, when, said, what


def render_table(analyses: Sequence[Analysis], console: Any) -> None:
    """Each document's quotes as a table on a rich Console: the speaker (resolved name, the words
    that named them, their titles) and to whom ("to CNN"), when (the time as written = its
    resolved value), the cue above the quote's type, and the quote with its flags beneath; a
    low-confidence quote dimmed and marked so. Cells wrap at spaces, so the table fits the
    console's width (readable from about 80 columns)."""
    from rich.table import Table
    from rich.text import Text

    from saywho.confidence import is_low

    for analysis in analyses:
        document = analysis.document
        about = [v for v in (document.title, document.outlet, document.published, document.path) if v]
        heading = Text(document.id, style="bold")
        if about:
            heading.append(" · " + " · ".join(about), style="dim")
        console.print(heading)
        if analysis.quotes:
            # The quote takes what the other columns leave: each as wide as its cells, up to a share
            # of the console (22, 16 and 12 of 100 columns).
            width = console.width
            table = Table(show_lines=True, expand=True)
            table.add_column("speaker / to", overflow="fold", max_width=min(max(width * 2 // 9, 14), 24))
            table.add_column("when", overflow="fold", max_width=min(max(width // 6, 10), 17))
            table.add_column("cue / type", overflow="fold", max_width=min(max(width // 8, 12), 13))
            table.add_column("quote / flags", overflow="fold", ratio=1)
            for quote in analysis.quotes:
                table.add_row(
                    *_quote_cells(quote, analysis.entities), style="dim" if is_low(quote.confidence) else None
                )
            console.print(table)
        else:
            console.print(Text("no quotes found", style="italic"))
        for warning in analysis.warnings:
            console.print(Text(f"warning {warning.code}: {warning.message}", style="yellow"))
        console.print()


def print_analyses(analyses: list[Analysis], output_format: str) -> None:
    """All the output assembled first, then written: a failure leaves no half-written JSON."""
    if output_format == "table":
        from rich.console import Console

        console = Console(file=sys.stdout)
        with console.capture() as captured:
            render_table(analyses, console)
        write_stdout(captured.get())
    elif output_format == "jsonl":
        write_stdout("".join(to_json(a) + "\n" for a in analyses))
    elif len(analyses) == 1:
        write_stdout(to_json(analyses[0], indent=2) + "\n")
    else:
        write_stdout(json.dumps([a.to_dict() for a in analyses], ensure_ascii=False, indent=2) + "\n")


def run_extract(args: argparse.Namespace) -> int:
    out_dir: Path | None = args.out_dir
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out-dir {out_dir}: exists and is not a directory")
    documents, errors = read_documents(args.inputs, args.published)
    analyses = confident(analyse_all(documents), args.min_confidence)
    if out_dir is not None:
        count = write_out_dir(analyses, out_dir)
        report(f"wrote {count} file{'s' if count != 1 else ''} to {out_dir}")
    else:
        print_analyses(list(analyses), args.format)
    return EXIT_USAGE if errors else EXIT_OK


def add_extract(commands: Any) -> None:
    parser = commands.add_parser(
        "extract",
        help="find who said what in articles and print it",
        description="Find the quotes in news articles: what was said, by whom, to whom and when.",
        epilog=(
            "Exit status: 0 every input read; 2 bad usage or some input unreadable (each named on\n"
            "stderr, the others still done); 1 the analysis failed.\n\n"
            "examples:\n"
            "  saywho extract article.txt --published 2022-05-20\n"
            "  saywho extract corpus/ --format jsonl > quotes.jsonl\n"
            "  cat article.txt | saywho extract - --format table\n"
            "  saywho extract corpus/ --min-confidence 0.8 --format jsonl > sure.jsonl"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=INPUT_HELP)
    parser.add_argument(
        "--published",
        type=published_date,
        metavar="DATE",
        help="publication date (ISO 8601, e.g. 2022-05-20) for records that carry none: "
        "relative times such as 'on Monday' are resolved against it",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json: one object for one record, an array for several (default); "
        "jsonl: one object per line; table: a readable view",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        metavar="DIR",
        help="write one file DIR/ID.json per record (each whole or not at all) instead of printing",
    )
    add_min_confidence_option(parser)
    parser.set_defaults(run=run_extract)


def run_eval(args: argparse.Namespace) -> int:
    gold_dir: Path = args.gold_dir
    if not gold_dir.is_dir():
        raise UsageError(f"{gold_dir}: not a directory")
    from saywho.evaluation import evaluate  # lazily: only this command needs it

    result = evaluate(gold_dir, detail=args.detail)
    # Like tools/score_quotes.py: the figures as the last line, indented with --detail.
    write_stdout(json.dumps(result, ensure_ascii=False, indent=1 if args.detail else None) + "\n")
    return EXIT_OK


def add_eval(commands: Any) -> None:
    parser = commands.add_parser(
        "eval",
        help="score extraction against gold annotations",
        description=(
            "Analyse every NAME.txt beside a NAME.gold.json in GOLD_DIR (with the gold's publication "
            "date) and print the scores that tools/score_quotes.py gives, as one JSON object."
        ),
    )
    parser.add_argument(
        "gold_dir", type=Path, metavar="GOLD_DIR", help="a directory of NAME.txt + NAME.gold.json"
    )
    parser.add_argument(
        "--detail", action="store_true", help="add the misses, wrong speakers and spurious quotes"
    )
    parser.set_defaults(run=run_eval)


# --- the corpus store: ingest, search, speakers, statements, export, delete -----------------------

DB_HELP = "the store file (default ./saywho.db)"
STORE_FORMATS = ("table", "json")


def whole_number(minimum: int) -> Callable[[str], int]:
    """argparse type: a whole number of at least `minimum`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise argparse.ArgumentTypeError(f"not a whole number of at least {minimum}: {value!r}")
        return number

    return parse


def period_value(value: str) -> str:
    """argparse type for --since/--until: a day, month, ISO week or year."""
    from saywho.store.dates import period

    try:
        period(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=Path("saywho.db"), metavar="FILE", help=DB_HELP)


def store_command(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A store subcommand's run: a store that cannot be used is one clear line and exit status 1."""

    @functools.wraps(run)
    def wrapped(args: argparse.Namespace) -> int:
        from saywho.store import StoreError

        try:
            return run(args)
        except StoreError as error:
            print(f"saywho {args.command}: error: {error}", file=sys.stderr)
            return EXIT_FAILED

    return wrapped


@contextmanager
def open_store(path: Path, create: bool = False) -> Iterator[sqlite3.Connection]:
    """The store at `path`, closed after; SQLite's errors meanwhile become clear StoreErrors."""
    from saywho.store import connect, store_errors

    if not create and not path.exists():
        raise UsageError(f"--db {path}: no store here (saywho ingest makes one)")
    with store_errors(path):
        conn = connect(path, create=create)
        try:
            yield conn
        finally:
            conn.close()


def stored_ids(path: Path) -> Callable[[str], bool]:
    """Whether the store at `path` holds an article id (a feed's or sitemap's links already fetched
    are not fetched again); nothing is held where there is no store yet."""
    if not path.exists():
        return lambda _: False
    from saywho.store import connect

    @functools.cache
    def conn() -> sqlite3.Connection:  # opened at the first question: only URLs ask
        return connect(path, create=False)

    def known(article_id: str) -> bool:
        return conn().execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    return known


@store_command
def run_ingest(args: argparse.Namespace) -> int:
    if not args.inputs and not args.reanalyse:
        raise UsageError("give at least one INPUT (or --reanalyse alone, to update the stored articles)")
    from saywho.store.ingest import ingest, survey
    from saywho.store.report import TerminalReporter, summary_lines

    surveyed = survey(args.inputs, args.published, known=stored_ids(args.db))
    if not surveyed.census.ids and not args.db.exists():
        # Nothing to store and no store yet: none is made (an empty one would only mislead).
        if not args.inputs:
            raise UsageError(f"--db {args.db}: no store here to re-analyse")
        for error in surveyed.census.errors:
            report(str(error))
        if surveyed.census.errors:
            return EXIT_USAGE
        report(f"no records in the inputs; no store made at {args.db}")
        return EXIT_OK
    with open_store(args.db, create=True) as conn, TerminalReporter() as reporter:
        summary = ingest(
            conn,
            args.inputs,
            workers=args.workers or 0,
            scheduler=args.scheduler,
            reanalyse=args.reanalyse,
            reporter=reporter,
            surveyed=surveyed,
        )
    for line in summary_lines(summary):
        report(line)
    if summary.failed:
        return EXIT_FAILED
    return EXIT_USAGE if summary.errors else EXIT_OK


def add_ingest(commands: Any) -> None:
    parser = commands.add_parser(
        "ingest",
        help="analyse articles into the corpus store",
        description=(
            "Analyse articles and store them, their quotes and their speakers in an SQLite file. An "
            "article is its id: the same id and text again is skipped, a new text replaces the "
            "stored analysis. A run that is stopped, even killed, can simply be run again."
        ),
        epilog=(
            "Exit status: 0 every input read; 2 bad usage or some input unreadable (each named on\n"
            "stderr, the others still stored); 1 the store or an article's analysis failed.\n\n"
            "examples:\n"
            "  saywho ingest corpus/ --workers 2\n"
            "  saywho ingest feed.jsonl --db news.db --scheduler tcp://10.0.0.5:8786\n"
            "  saywho ingest https://example.org/rss.xml --db news.db   # a page, feed or sitemap\n"
            "  saywho ingest --reanalyse          # bring older analyses up to date"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help=INPUT_HELP)
    add_db_option(parser)
    parser.add_argument(
        "--published",
        type=published_date,
        metavar="DATE",
        help="publication date (ISO 8601) for records that carry none",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=whole_number(1),
        metavar="N",
        help="analyse in N local worker processes (default: in this process)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="analyse on the Dask distributed cluster whose scheduler is at ADDRESS (tcp://host:8786)",
    )
    parser.add_argument(
        "--reanalyse",
        action="store_true",
        help="re-analyse the stored articles an older saywho (or model) analysed",
    )
    parser.set_defaults(run=run_ingest)


@store_command
def run_search(args: argparse.Namespace) -> int:
    from saywho.quote_fields import EXPORT_COLUMNS, flat_quote
    from saywho.store.export import write_csv_rows
    from saywho.store.render import search_table
    from saywho.store.search import search_quotes

    with open_store(args.db) as conn:
        try:
            quotes, total = search_quotes(
                conn,
                args.query,
                args.speaker,
                args.outlet,
                args.since,
                args.until,
                args.limit,
                min_confidence=args.min_confidence,
            )
        except ValueError as error:
            raise UsageError(str(error)) from None
    if args.format == "json":
        write_stdout(json.dumps(quotes, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        out = io.StringIO(newline="")
        write_csv_rows((flat_quote(q) for q in quotes), out, list(EXPORT_COLUMNS))
        write_stdout(out.getvalue())
    else:
        write_stdout(search_table(quotes, total))
    return EXIT_OK


def add_search(commands: Any) -> None:
    parser = commands.add_parser(
        "search",
        help="find quotes in the store",
        description=(
            "Find stored quotes by words (ranked by relevance), speaker (any spelling), outlet and "
            "date (the date a quote refers to, else its article's). Without words, newest first."
        ),
        epilog=(
            "examples:\n"
            '  saywho search "window of opportunity"\n'
            "  saywho search --speaker Tsikhanouskaya --since 2022-05 --format json\n"
            "  saywho search sanctions --outlet CNN --until 2022 --limit 10 --format csv > q.csv\n"
            "  saywho search --speaker Zelensky --min-confidence 0.8"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "query", nargs="?", metavar="QUERY", help='words that must all occur; "a phrase" in quotes'
    )
    parser.add_argument("--speaker", metavar="NAME", help="any spelling of the speaker's name")
    parser.add_argument("--outlet", metavar="NAME", help="the publisher, e.g. CNN (case aside)")
    parser.add_argument(
        "--since", type=period_value, metavar="DATE", help="from this day, month, ISO week or year on"
    )
    parser.add_argument(
        "--until", type=period_value, metavar="DATE", help="up to this day, month, ISO week or year"
    )
    parser.add_argument(
        "--limit", type=whole_number(0), default=50, metavar="N", help="at most N quotes (default 50)"
    )
    add_min_confidence_option(parser)
    add_db_option(parser)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table", help="default: table")
    parser.set_defaults(run=run_search)


def print_listing(args: argparse.Namespace, listing: Callable, table: Callable) -> int:
    """`saywho speakers` and `saywho statements`: a corpus-wide list as JSON or as a table."""
    with open_store(args.db) as conn:
        rows = listing(conn)
    if args.format == "json":
        write_stdout(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        write_stdout(table(rows))
    return EXIT_OK


@store_command
def run_speakers(args: argparse.Namespace) -> int:
    from saywho.store.listing import list_speakers
    from saywho.store.render import speakers_table

    return print_listing(args, list_speakers, speakers_table)


def add_speakers(commands: Any) -> None:
    parser = commands.add_parser(
        "speakers",
        help="list the corpus-wide speakers",
        description="Every speaker in the store, each spelling of one person merged; the most quoted first.",
    )
    add_db_option(parser)
    parser.add_argument("--format", choices=STORE_FORMATS, default="table", help="default: table")
    parser.set_defaults(run=run_speakers)


@store_command
def run_statements(args: argparse.Namespace) -> int:
    from saywho.store.listing import list_statements
    from saywho.store.render import statements_table

    return print_listing(args, list_statements, statements_table)


def add_statements(commands: Any) -> None:
    parser = commands.add_parser(
        "statements",
        help="list statements reported by several articles",
        description=(
            "Statements reported in two or more articles, with every report of each and where the "
            "words inside quotation marks differ (wording_differs)."
        ),
    )
    add_db_option(parser)
    parser.add_argument("--format", choices=STORE_FORMATS, default="table", help="default: table")
    parser.set_defaults(run=run_statements)


@store_command
def run_export(args: argparse.Namespace) -> int:
    from saywho.store.export import export, output_target

    output: Path = args.output
    if args.min_confidence is not None and args.what != "quotes":
        # A speaker's counts or a statement's reports filtered by confidence would be new listings.
        raise UsageError(f"--min-confidence keeps quotes: use it with --what quotes, not {args.what}")
    try:
        output_target(output)  # checked before the store is read: a FIFO, device or folder is refused
    except ValueError as error:
        raise UsageError(f"--output {error}") from None
    with open_store(args.db) as conn:
        written = export(conn, args.what, args.format, output, min_confidence=args.min_confidence)
    report(f"wrote {written} {args.what} rows to {output}")
    return EXIT_OK


def add_export(commands: Any) -> None:
    from saywho.store.export import FORMATS as EXPORT_FORMATS
    from saywho.store.export import WHATS

    parser = commands.add_parser(
        "export",
        help="write the store's quotes, speakers or statements to a file",
        description=(
            "Write flat rows (one per quote, speaker, or report of a statement) as JSON Lines, CSV "
            "or Parquet, ready for pandas. The file is written whole or not at all."
        ),
        epilog=(
            "examples:\n"
            "  saywho export --what quotes --format parquet --output quotes.parquet\n"
            "  saywho export --what quotes --format csv --output sure.csv --min-confidence 0.8"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--what", choices=WHATS, required=True)
    parser.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    parser.add_argument("--output", type=Path, required=True, metavar="FILE")
    add_min_confidence_option(parser)
    add_db_option(parser)
    parser.set_defaults(run=run_export)


@store_command
def run_delete(args: argparse.Namespace) -> int:
    from saywho.store.ingest import delete

    with open_store(args.db) as conn:
        deleted = delete(conn, args.ids)
    missing = [i for i in dict.fromkeys(args.ids) if i not in deleted]
    for article_id in missing:
        report(f"{article_id}: no such article in {args.db}")
    report(f"deleted {len(deleted)} article{'s' if len(deleted) != 1 else ''} and their quotes")
    return EXIT_USAGE if missing else EXIT_OK


def add_delete(commands: Any) -> None:
    parser = commands.add_parser(
        "delete",
        help="remove articles from the store",
        description="Remove articles, their quotes and everything derived from them from the store.",
        epilog="Exit status: 0 all deleted; 2 some id was not in the store (named on stderr); 1 failure.",
    )
    parser.add_argument("ids", nargs="+", metavar="ARTICLE_ID")
    add_db_option(parser)
    parser.set_defaults(run=run_delete)


@store_command
def run_relink(args: argparse.Namespace) -> int:
    from saywho.store.linking import relink

    with open_store(args.db) as conn:
        relink(conn, scheduler=args.scheduler)
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
        statements = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    report(f"relinked {args.db}: {persons} speakers, {statements} statements reported by several articles")
    return EXIT_OK


def add_relink(commands: Any) -> None:
    parser = commands.add_parser(
        "relink",
        help="recompute every speaker and statement of the store",
        description=(
            "Recompute the corpus-wide speakers and statements from every stored article, as after a "
            "new saywho or model: ingest and delete relink only what their articles reach."
        ),
        epilog=(
            "Exit status: 0 relinked; 2 bad usage or no store; 1 failure (the store keeps its links).\n\n"
            "examples:\n"
            "  saywho relink --db news.db\n"
            "  saywho relink --db news.db --scheduler tcp://10.0.0.5:8786"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_option(parser)
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="link on the Dask distributed cluster whose scheduler is at ADDRESS (tcp://host:8786)",
    )
    parser.set_defaults(run=run_relink)


def port_number(value: str) -> int:
    """argparse type for --port: 0 to 65535 (0: any free port)."""
    number = whole_number(0)(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {value!r}")
    return number


@store_command
def run_serve(args: argparse.Namespace) -> int:
    from saywho.web.security import Limits, check_exposure, chosen_token

    try:
        token = chosen_token(args.token)  # ValueError for a blank or short one
        check_exposure(args.host, token)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if not args.db.is_file():
        raise UsageError(f"--db {args.db}: no store here (saywho ingest makes one)")
    import uvicorn

    from saywho.web import create_app

    app = create_app(args.db, token, Limits(analyse_seconds=args.analyse_timeout))  # StoreError: not a store
    host = f"[{args.host}]" if ":" in args.host else args.host
    report(f"serving {args.db} read-only at http://{host}:{args.port} (Ctrl-C stops)")
    uvicorn.run(app, host=args.host, port=args.port)
    return EXIT_OK


def add_serve(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="browse and search the store in a web page",
        description=(
            "Serve the store, read-only, as web pages (search, articles with their quotes marked, "
            "speakers, statements, and an analyse page) and a JSON API, documented at /docs."
        ),
        epilog=(
            "Bound to an address other than this machine's own (127.0.0.1, ::1, localhost), it needs a\n"
            "token, which every request must then carry: the header X-Saywho-Token, or ?token=T in\n"
            "the address (a browser then keeps it for the visit).\n\n"
            "examples:\n"
            "  saywho serve --db news.db\n"
            "  SAYWHO_TOKEN=3f9c1a7e52d04b6b saywho serve --host 0.0.0.0 --port 8080"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=8000, help="default 8000")
    parser.add_argument(
        "--token",
        metavar="T",
        help="require this token on every request (default: the environment variable SAYWHO_TOKEN)",
    )
    parser.add_argument(
        "--analyse-timeout",
        type=whole_number(1),
        default=60,
        metavar="S",
        help="stop an analysis of posted text after S seconds, answering 503 (default 60)",
    )
    parser.set_defaults(run=run_serve)


COMMANDS: tuple[Callable[[Any], None], ...] = (
    add_extract,
    add_eval,
    add_ingest,
    add_search,
    add_speakers,
    add_statements,
    add_export,
    add_delete,
    add_relink,
    add_serve,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saywho",
        description="Who said what, to whom, and when, in news articles.",
        epilog="Run 'saywho COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"saywho {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status is returned (0 done, 1 failed, 2 bad usage or input,
    130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error argparse has already printed
        code = exit_.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_USAGE)
    try:
        return args.run(args)
    except UsageError as error:
        print(f"saywho {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl-C: what was committed stays, and a run again resumes
        print("saywho: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the work itself failed: one clear line, no half-written output
        print(f"saywho {args.command}: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
