"""The store's answers as readable terminal tables (`--format table`), rendered to a string so the
command writes its output in one piece."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from saywho.confidence import is_low, low_label
from saywho.quote_fields import speaker_label

MAX_QUOTE_CHARS = 300  # a long quote is cut in a table: the JSON has it whole


def shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rendered(draw: Callable[[Console], None], width: int | None = None) -> str:
    console = Console(width=width, highlight=False)
    with console.capture() as captured:
        draw(console)
    return captured.get()


def table_of(
    columns: tuple[str, ...], rows: list[tuple[Any, ...]], styles: list[str | None] | None = None
) -> Table:
    """A table whose cells are plain text (article words are data, never rich markup) or Text
    already styled; `styles`, one per row, e.g. "dim"."""
    table = Table(show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for n, row in enumerate(rows):
        cells = (cell if isinstance(cell, Text) else Text("" if cell is None else str(cell)) for cell in row)
        table.add_row(*cells, style=styles[n] if styles else None)
    return table


def speaker_cell(quote: dict[str, Any]) -> Text:
    """Who said it (quote_fields.speaker_label) and, beneath, to whom: "to CNN"."""
    cell = Text(speaker_label(quote["speaker"]))
    if quote["addressee"]:
        cell.append("\nto " + quote["addressee"]["text"], style="italic")
    return cell


def quote_cell(quote: dict[str, Any]) -> Text:
    """The quote's words, shortened, and "low confidence 0.42" beneath when it is."""
    cell = Text(shorten(quote["content"]["text"]))
    if is_low(quote["confidence"]):  # in words: a pipe or NO_COLOR shows no dimming
        cell.append("\n" + low_label(quote["confidence"]), style="bold yellow")
    return cell


def search_table(quotes: list[dict[str, Any]], total: int, width: int | None = None) -> str:
    """Found quotes: date, speaker and to whom, the words (low confidence ones dimmed and marked),
    type and article; then how many of how many."""
    rows = []
    for q in quotes:
        article = q["article"]
        source = " · ".join(v for v in (article["outlet"], article["id"]) if v)
        rows.append((q["date"] or "", speaker_cell(q), quote_cell(q), q["type"], source))
    styles = ["dim" if is_low(q["confidence"]) else None for q in quotes]

    def draw(console: Console) -> None:
        if rows:
            console.print(table_of(("date", "speaker / to", "quote", "type", "article"), rows, styles))
        console.print(Text(f"{len(rows)} of {total} quotes", style="dim"))

    return rendered(draw, width)


def speakers_table(speakers: list[dict[str, Any]], width: int | None = None) -> str:
    rows = [
        (s["id"], s["name"], s["type"], s["quotes"], s["articles"], ", ".join(s["aliases"])) for s in speakers
    ]

    def draw(console: Console) -> None:
        if rows:
            console.print(table_of(("id", "name", "type", "quotes", "articles", "spellings"), rows))
        console.print(Text(f"{len(rows)} speakers", style="dim"))

    return rendered(draw, width)


def statements_table(statements: list[dict[str, Any]], width: int | None = None) -> str:
    rows = []
    for s in statements:
        reports = "\n".join(
            f"{q['outlet'] or q['article']} ({q['type']}): {shorten(q['content']['text'], 160)}"
            for q in s["quotes"]
        )
        differences = "\n".join(d.get("diff", "") for d in s["differences"])
        rows.append((s["id"], s["speaker"]["name"], ", ".join(s["flags"]), reports, differences))

    def draw(console: Console) -> None:
        if rows:
            console.print(table_of(("id", "speaker", "flags", "reports", "differences"), rows))
        console.print(Text(f"{len(rows)} statements reported by two or more articles", style="dim"))

    return rendered(draw, width)
