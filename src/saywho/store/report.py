"""How an ingest shows itself on standard error: a progress bar (articles/s, ETA) on a terminal,
one line per notable event, and a summary at the end."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from saywho.store.ingest import IngestSummary

MAX_LISTED = 10  # ids named per line of the summary; the rest counted


class RateColumn(ProgressColumn):
    """Articles per second, over rich's recent window."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "- articles/s", style="progress.data.speed")


class TerminalReporter:
    """A Reporter for the command line: a bar when standard error is a terminal, plain lines always.
    Use as a context manager, around the ingest."""

    def __init__(self, stream: TextIO | None = None, console: Console | None = None) -> None:
        self.stream = stream or sys.stderr
        self.console = console or Console(file=self.stream, highlight=False)
        self.progress: Progress | None = None
        self.task = None

    def __enter__(self) -> TerminalReporter:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()

    def start(self, total: int) -> None:
        if total < 2 or not self.console.is_terminal:
            return
        self.progress = Progress(
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("ingesting", total=total)

    def advance(self, count: int = 1) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, count)

    def say(self, line: str) -> None:
        # Text(): article ids and file names are data, not rich markup.
        if self.progress is not None:
            self.progress.console.print(Text(f"saywho: {line}"))
        else:
            print(f"saywho: {line}", file=self.stream, flush=True)


def listed(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return shown + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")


def summary_lines(summary: IngestSummary) -> list[str]:
    """The end-of-run summary: what happened to the articles, the store's totals, every error."""
    s = summary
    lines = [
        f"articles: {len(s.added)} added, {len(s.updated)} updated, {len(s.reanalysed)} re-analysed, "
        f"{s.unchanged} unchanged (skipped); {s.quotes} quotes stored"
    ]
    if s.updated:
        lines.append(f"updated (new text): {listed(s.updated)}")
    if s.repeated:
        lines.append(f"ids given twice with different texts (the last stored): {listed(s.repeated)}")
    if s.outdated:
        lines.append(
            f"{s.outdated} unchanged articles were analysed by an older saywho: --reanalyse updates them"
        )
    if s.warnings:
        lines.append(f"warnings: {len(s.warnings)} ({listed([f'{i} {code}' for i, code in s.warnings])})")
    t = s.totals
    if t:
        lines.append(
            f"store: {t['articles']} articles, {t['quotes']} quotes, {t['speakers']} speakers, "
            f"{t['statements']} statements reported by several articles"
        )
    if s.failed:
        lines.append(f"not stored, analysis failed: {len(s.failed)}")
        lines += [f"  {article_id}: {reason}" for article_id, reason in s.failed]
    if s.errors:
        lines.append(f"unreadable, skipped: {len(s.errors)}")
        lines += [f"  {error}" for error in s.errors]
    return lines
