"""The `saywho` command: a thin layer over reading, analysis and evaluation (CONTRACT.md).

Each subcommand is an `add_*` function that declares its arguments and sets `run`, a function of
the parsed arguments returning the exit status; a new subcommand is one more entry in COMMANDS.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from saywho import __version__
from saywho.model import Analysis, Document, Quote
from saywho.reading import parse_date, read_inputs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("json", "jsonl", "table")
INPUT_HELP = (
    "a .txt, .html/.htm, .json or .jsonl file, a directory of them (searched recursively), "
    "or - for standard input (plain text)"
)


class UsageError(Exception):
    """Bad usage found once the arguments are parsed: exit status 2, with this message."""


def published_date(value: str) -> str:
    """argparse type for --published: an ISO 8601 date or date-time, kept as the date."""
    try:
        return parse_date(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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


def speaker_label(quote: Quote) -> str:
    """The resolved name, with the words that named the speaker when they differ ("he")."""
    speaker = quote.speaker
    mention = speaker.mention.text if speaker.mention else None
    if speaker.name and mention and mention != speaker.name:
        return f"{speaker.name} ({mention})"
    return speaker.name or mention or "?"


def render_table(analyses: Sequence[Analysis], console: Any) -> None:
    """Each document's quotes as a table on a rich Console: speaker, cue, quote, type, flags."""
    from rich.table import Table
    from rich.text import Text

    # Article text is data: Text() keeps rich from reading "[...]" in it as markup.
    for analysis in analyses:
        document = analysis.document
        about = [v for v in (document.title, document.outlet, document.published, document.path) if v]
        heading = Text(document.id, style="bold")
        if about:
            heading.append(" · " + " · ".join(about), style="dim")
        console.print(heading)
        if analysis.quotes:
            table = Table(show_lines=True)
            for column in ("speaker", "cue", "quote", "type", "flags"):
                table.add_column(column, overflow="fold")
            for quote in analysis.quotes:
                cue = quote.cue.text if quote.cue else ""
                row = (speaker_label(quote), cue, quote.content.text, quote.type, ", ".join(quote.flags))
                table.add_row(*(Text(cell) for cell in row))
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
    analyses = analyse_all(documents)
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
            "  cat article.txt | saywho extract - --format table"
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


COMMANDS: tuple[Callable[[Any], None], ...] = (add_extract, add_eval)


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
    """Run the command line; the exit status is returned (0 done, 1 failed, 2 bad usage or input)."""
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
    except Exception as error:  # the work itself failed: one clear line, no half-written output
        print(f"saywho {args.command}: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
