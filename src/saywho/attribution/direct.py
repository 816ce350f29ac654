"""Direct quotes: the words between quotation marks.

Straight ("), curly (“ ” « » „) and doubled-apostrophe ('' and ``) marks. A quote never runs past
its paragraph: an unclosed mark ends at the paragraph's end (as a quote continued in the next
paragraph does in news style), or before a ", said X" the writer left inside it, so one unbalanced
mark cannot swallow the rest of the article.
"""

from __future__ import annotations

import re

OPEN, CLOSE, EITHER = "“«„", "”»", '"'
# '' and `` are two-character marks; a lone ' is an apostrophe far more often than a quote.
_MARK = re.compile(r"``|''|[“”«»„\"]")
_PARAGRAPH = re.compile(r"[^\n]+")
_EDGE = set(OPEN + CLOSE + EITHER) | {" ", "\t", "\n", "\r", "\xa0"}
# Where a writer forgot the closing mark before the attribution: "“We were promised schools, said
# one parent." An unclosed quote ends at such a comma rather than at its paragraph's end.
_ATTRIBUTION = re.compile(r",\s+(?:[\w.'’-]+\s+){0,4}?(?:said|says|told|tells|added|adds|asked|wrote)\b")
ATTRIBUTION_WORDS = 12  # words after the verb at most: a name and its description, not more speech


def quoted_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(open_mark_start, content_start, content_end, close_mark_end) for every quotation, in order.
    Content excludes the marks; an unclosed quote ends at its paragraph's end."""
    out = []
    for para in _PARAGRAPH.finditer(text):
        opened: tuple[int, int] | None = None  # (mark start, content start)
        for m in _MARK.finditer(text, para.start(), para.end()):
            mark = m.group()
            if opened is None:
                if mark in CLOSE:
                    continue  # a stray closing mark: nothing to close
                opened = (m.start(), m.end())
            elif mark in OPEN and mark not in ("``",):
                # A second opening mark before any close: the first was left unclosed.
                out.append((opened[0], opened[1], _rstrip(text, opened[1], m.start()), m.start()))
                opened = (m.start(), m.end())
            else:
                out.append((opened[0], opened[1], m.start(), m.end()))
                opened = None
        if opened is not None:
            end = _rstrip(text, opened[1], _unclosed_end(text, opened[1], para.end()))
            out.append((opened[0], opened[1], end, end))
    return [q for q in out if q[2] > q[1]]


def _unclosed_end(text: str, start: int, para_end: int) -> int:
    """Where an unclosed quote ends: before a closing ", said one parent, Amina Yusuf." (the
    attribution the paragraph ends with), else at the paragraph's end."""
    for m in _ATTRIBUTION.finditer(text, start, para_end):
        if len(text[m.end() : para_end].split()) <= ATTRIBUTION_WORDS:
            return m.start()
    return para_end


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without the quotation marks (and spaces) at its edges: the contract's content is
    the quoted words."""
    while start < end and (text[start] in _EDGE or text.startswith(("``", "''"), start)):
        start += 2 if text.startswith(("``", "''"), start) else 1
    while end > start and (text[end - 1] in _EDGE or text.endswith("''", start, end)):
        end -= 2 if text.endswith("''", start, end) else 1
    return start, end
