"""The store's answers as readable terminal tables (`--format table`), rendered to a string so the
command writes its output in one piece."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

MAX_QUOTE_CHARS = 300  # a long quote is cut in a table: the JSON has it whole


def shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rendered(draw: Callable[[Console], None], width: int | None = None) -> str:
    console = Console(width=width, highlight=False)
    with console.capture() as captured:
        draw(console)
    return captured.get()


def table_of(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Table:
    """A table whose cells are plain text: article words are data, never rich markup."""
    table = Table(show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    return table


def search_table(quotes: list[dict[str, Any]], total: int, width: int | None = None) -> str:
    rows = []
    for q in quotes:
        speaker = q["speaker"]["name"] or (q["speaker"]["mention"] or {}).get("text") or "?"
        article = q["article"]
        source = " · ".join(v for v in (article["outlet"], article["id"]) if v)
        rows.append((q["date"] or "", speaker, shorten(q["content"]["text"]), q["type"], source))

    def draw(console: Console) -> None:
        if rows:
            console.print(table_of(("date", "speaker", "quote", "type", "article"), rows))
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
