"""Direct quotes: the words between quotation marks. Where the quotations are is a document fact
(saywho.facts.quoted_spans, with the one definition of quotation marks); here, their content
without the marks."""

from __future__ import annotations

from saywho.facts import EDGE


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without the quotation marks (and spaces) at its edges: the contract's content is
    the quoted words."""
    while start < end and (text[start] in EDGE or text.startswith(("``", "''"), start)):
        start += 2 if text.startswith(("``", "''"), start) else 1
    while end > start and (text[end - 1] in EDGE or text.endswith("''", start, end)):
        end -= 2 if text.endswith("''", start, end) else 1
    return start, end
