"""Facts about an article that several steps read: where its sentences and paragraphs start, where
its quotations are, and notices about the text itself.

Each fact of a parsed Doc is computed at its first use and kept in `doc.user_data` (keys
"saywho_*"), so that every step reads one answer, computed once: Token.sent walks the Doc and
doc.text is rebuilt from the tokens at each use.

Quotation marks: straight ("), curly (“ ” « » „) and doubled-apostrophe ('' and ``) marks. Single
marks (‘ ’) are not quotation marks here: ’ is an apostrophe far more often ("Putin’s", "don’t",
"players’"), and a ‘ that opened a quotation would need its ’ told from those (PolNeAR dev: 36 ‘
against 635 ’). A quotation never runs past its line: an unclosed mark ends at the line's end (as a
quote continued in the next paragraph does in news style), or before a ", said X" the writer left
inside it, so one unbalanced mark cannot swallow the rest of the article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from saywho.model import Warning

if TYPE_CHECKING:  # reading.py uses the text's facts: the command line starts without numpy or spaCy
    import numpy
    from spacy.tokens import Doc, Span

# --- sentences ----------------------------------------------------------------------------------


def sentence_starts(doc: Doc) -> numpy.ndarray:
    """Token index of each sentence's start, in order (the first is 0)."""
    starts = doc.user_data.get("saywho_sentences")
    if starts is None:
        import numpy

        flags = doc.to_array(["SENT_START"]).ravel() if len(doc) else numpy.zeros(0)
        starts = numpy.flatnonzero(flags == 1)
        if not len(starts) or starts[0] != 0:
            starts = numpy.concatenate([[0], starts]).astype(int)
        doc.user_data["saywho_sentences"] = starts
    return starts


def sentence(doc: Doc, i: int) -> int:
    """Number of the sentence holding token i (0 for the first)."""
    return int(sentence_starts(doc).searchsorted(i, side="right")) - 1


def sentence_start(doc: Doc, k: int) -> int:
    """Token index where sentence number k starts (the Doc's end past the last)."""
    starts = sentence_starts(doc)
    return int(starts[k]) if k < len(starts) else len(doc)


def sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """[start, end) in tokens of the sentence holding token i."""
    k = sentence(doc, i)
    return sentence_start(doc, k), sentence_start(doc, k + 1)


def same_sentence(a: Span, b: Span) -> bool:
    """Whether two spans start, or end, in one sentence."""
    doc = a.doc
    return sentence(doc, a.start) == sentence(doc, b.start) or sentence(doc, a.end - 1) == sentence(
        doc, b.end - 1
    )


# --- paragraphs ---------------------------------------------------------------------------------

# A paragraph starts after a line break and the blank space after it: blank lines, even of spaces,
# are one separator.
_PARAGRAPH_BREAK = re.compile(r"\n\s*")


def paragraph_starts(doc: Doc) -> list[int]:
    """Character offset where each paragraph starts, in order (the first is 0)."""
    starts = doc.user_data.get("saywho_paragraphs")
    if starts is None:
        text = doc.text
        starts = doc.user_data["saywho_paragraphs"] = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    return starts


def line_starts(doc: Doc) -> list[int]:
    """Token index of the first word of each line after the first (spaces are no word)."""
    starts, after_break = [], False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break:
            starts.append(token.i)
        after_break = "\n" in token.whitespace_
    return starts


def paragraph_at(doc: Doc, offset: int) -> int:
    """Number of the paragraph holding character `offset` (0 for the first)."""
    return bisect_right(paragraph_starts(doc), offset) - 1


def paragraph(doc: Doc, i: int) -> int:
    """Number of the paragraph holding token i (0 for the first)."""
    return paragraph_at(doc, doc[i].idx)


# --- quotations ---------------------------------------------------------------------------------

OPEN, CLOSE, EITHER = "“«„", "”»", '"'
# '' and `` are two-character marks; a lone ' is an apostrophe far more often than a quote.
_MARK = re.compile(r"``|''|[“”«»„\"]")
_LINE = re.compile(r"[^\n]+")
EDGE = set(OPEN + CLOSE + EITHER) | {" ", "\t", "\n", "\r", "\xa0"}  # a quotation's marks and spaces
# Where a writer forgot the closing mark before the attribution: "“We were promised schools, said
# one parent." An unclosed quote ends at such a comma rather than at its line's end.
_ATTRIBUTION = re.compile(r",\s+(?:[\w.'’-]+\s+){0,4}?(?:said|says|told|tells|added|adds|asked|wrote)\b")
ATTRIBUTION_WORDS = 12  # words after the verb at most: a name and its description, not more speech


def quoted_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(open_mark_start, content_start, content_end, close_mark_end) for every quotation, in order.
    Content excludes the marks; an unclosed quote ends at its line's end."""
    out = []
    for line in _LINE.finditer(text):
        opened: tuple[int, int] | None = None  # (mark start, content start)
        for m in _MARK.finditer(text, line.start(), line.end()):
            mark = m.group()
            if opened is None:
                if mark in CLOSE:
                    continue  # a stray closing mark: nothing to close
                opened = (m.start(), m.end())
            elif mark in OPEN:
                # A second opening mark before any close: the first was left unclosed.
                out.append((opened[0], opened[1], _rstrip(text, opened[1], m.start()), m.start()))
                opened = (m.start(), m.end())
            else:
                out.append((opened[0], opened[1], m.start(), m.end()))
                opened = None
        if opened is not None:
            end = _rstrip(text, opened[1], _unclosed_end(text, opened[1], line.end()))
            out.append((opened[0], opened[1], end, end))
    return [q for q in out if q[2] > q[1]]


def _unclosed_end(text: str, start: int, line_end: int) -> int:
    """Where an unclosed quote ends: before a closing ", said one parent, Amina Yusuf." (the
    attribution the line ends with), else at the line's end."""
    for m in _ATTRIBUTION.finditer(text, start, line_end):
        if len(text[m.end() : line_end].split()) <= ATTRIBUTION_WORDS:
            return m.start()
    return line_end


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def quotations(doc: Doc) -> list[tuple[int, int, int, int]]:
    """quoted_spans of the Doc's text."""
    spans = doc.user_data.get("saywho_quotations")
    if spans is None:
        spans = doc.user_data["saywho_quotations"] = quoted_spans(doc.text)
    return spans


def inside_quotes(doc: Doc) -> list[bool]:
    """For each token, whether it starts within a quotation: its opening mark or its words (a token
    that starts at the closing mark, such as '">Sanders' in HTML debris, is the text after it). A
    new list at each call: callers add what else they count as quoted."""
    mask = doc.user_data.get("saywho_inside_quotes")
    if mask is None:
        import numpy

        mask = numpy.zeros(len(doc), dtype=bool)
        starts = doc.to_array("IDX").ravel() if len(doc) else numpy.zeros(0, dtype=int)
        for open_start, _, content_end, _ in quotations(doc):
            lo, hi = starts.searchsorted([open_start, content_end])
            mask[lo:hi] = True
        doc.user_data["saywho_inside_quotes"] = mask
    return mask.tolist()


# --- page lines ---------------------------------------------------------------------------------

# A dateline opening a line: "WASHINGTON (AP) —", "MANCHESTER, N.H. -", "New York (AFP) –": a place
# in capitals, or any capitalised place before an outlet in brackets, then a dash. Its place and
# outlet are where the story was filed, never who spoke.
_PLACE_WORD = r"[A-Z][\w.'’-]*"
_OUTLET = r"\((?![DRI]\)|[DRI]-)[^()\n]{1,40}\)"  # not a party: "Obama (D) —", "Paul (R-Ky.) —"
_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:"
    rf"[A-Z][A-Z.'’-]+(?:[ ,]+{_PLACE_WORD}){{0,4}}(?:[ \t]*{_OUTLET})?"
    rf"|{_PLACE_WORD}(?:[ ,]+{_PLACE_WORD}){{0,4}}[ \t]*{_OUTLET}"
    r")[ \t]*(?:—|–|--|-)(?=[ \t])"
)


def datelines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each dateline at the start of a line, in order."""
    return [(m.start(), m.end()) for m in _DATELINE.finditer(text)]


# Credit and byline lines: who wrote the story, never who spoke in it. A line that is only "By"
# and names (with an outlet after a comma, dash or bar), or that credits reporting, writing,
# editing or photos: "--additional reporting from Darren Samuelsohn.", "(Reporting by Anna Lee;
# Editing by Tom Hale)", "Jane Roe contributed to this report.", "Photo by Maria Lopez/Reuters".
# Whole lines only: "By contrast, Trump ..." and "By the fall of 2010, ..." are prose.
_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+(?:[A-Z][\w.'’-]*|de|van|von|da|del|la|le|bin|al)){0,4}"
_CREDIT = re.compile(
    r"(?m)^[ \t]*(?:"
    rf"(?:By|BY)[ \t]+{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME})*(?:[ \t]*[,|/—–-][ \t]*[^\n]{{0,40}})?"
    r"|[(\[]?[ \t]*(?:[-—–]+[ \t]*)?(?:(?:with[ \t]+)?additional[ \t]+)?(?:reporting|writing|editing|"
    r"photos?|photographs?)[ \t]+(?:by|from)[ \t]+[^\n]{1,160}"
    rf"|{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME})*[ \t]+contributed[ \t]+(?:to[ \t]+)?(?:this[ \t]+)?"
    r"(?:report|story|article)(?:ing)?[.)\]]?"
    r"|\((?:[Aa]dditional[ \t]+)?(?:[Rr]eporting|[Ww]riting|[Ee]diting)[ \t]+by[^\n()]{1,160}\)\.?"
    r"|(?:[Pp]hotos?|[Ii]mages?|[Pp]ictures?)(?:[ \t]+credit)?[ \t]*(?:by|:)[ \t]*"
    rf"{_NAME}(?:[ \t]*[/|,][^\n]{{0,40}})?"
    r")[ \t]*$"
)


def credit_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each byline or credit line, in order."""
    return [(m.start(), m.end()) for m in _CREDIT.finditer(text)]


def furniture_tokens(doc: Doc) -> list[bool]:
    """For each token, whether it is page furniture rather than prose: part of a dateline, a byline
    or a credit line (kept in the Doc's facts). Their names are nobody who speaks in the story."""
    mask = doc.user_data.get("saywho_furniture")
    if mask is None:
        import numpy

        mask = numpy.zeros(len(doc), dtype=bool)
        starts = doc.to_array("IDX").ravel() if len(doc) else numpy.zeros(0, dtype=int)
        for start, end in datelines(doc.text) + credit_lines(doc.text):
            lo, hi = starts.searchsorted([start, end])
            mask[lo:hi] = True
        doc.user_data["saywho_furniture"] = mask
    return mask.tolist()


def without_furniture(span: Span) -> Span | None:
    """The span without the dateline it ran on from ("MANCHESTER, N.H. - Trump" -> "Trump"); None
    where nothing else is left, or where a dateline or credit line is inside it."""
    mask = furniture_tokens(span.doc)
    start = span.start
    while start < span.end and (mask[start] or span.doc[start].is_space):
        start += 1
    if start < span.end and any(mask[start : span.end]):
        return None  # furniture inside: not a mention at all
    return span.doc[start : span.end] if start < span.end else None


# --- the text itself ----------------------------------------------------------------------------

TEXT_CODES = ("empty_text", "not_english")  # the notices text_warnings gives
# Words common in English prose and rare as words of other languages written in Latin letters
# ("a", "in", "on", "die", "was" are left out for that reason).
ENGLISH_WORDS = frozenset(
    """the of and to that for with his her its it this these those from by at be been being
    have has had are were would will could should not but or they their them she him we our
    you your which who whom what when where there than then into about after before also
    more said says told over just only other such some any all most very""".split()
)
ENGLISH_MIN_WORDS = 20  # below this a share of words says little
ENGLISH_MIN_SHARE = 0.1  # English news: 13-45% (PolNeAR), 30% typical; other languages 0-8%
ENGLISH_SAMPLE_CHARS = 100_000
_WORD = re.compile(r"[^\W\d_]+")


def is_english(text: str) -> bool:
    """A cheap guess: English prose is thick with a few function words. Too short to tell is English."""
    words = _WORD.findall(text[:ENGLISH_SAMPLE_CHARS].lower())
    if len(words) < ENGLISH_MIN_WORDS:
        return True
    common = sum(1 for w in words if w in ENGLISH_WORDS)
    return common / len(words) >= ENGLISH_MIN_SHARE


def text_warnings(text: str) -> list[Warning]:
    """Notices about the text itself: empty, or apparently not English (then no quotes are
    extracted: rules made for English would invent them)."""
    if not text.strip():
        return [Warning(code="empty_text", message="the article has no text")]
    if not is_english(text):
        message = "the text does not look like English: no quotes are extracted from it"
        return [Warning(code="not_english", message=message)]
    return []


def doc_text_warnings(doc: Doc) -> list[Warning]:
    """text_warnings of the Doc's text, for a step that has only the Doc."""
    warnings = doc.user_data.get("saywho_text_warnings")
    if warnings is None:
        warnings = doc.user_data["saywho_text_warnings"] = text_warnings(doc.text)
    return list(warnings)
