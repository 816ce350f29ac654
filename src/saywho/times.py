"""When a statement was made: time expressions resolved against the publication date.

Two halves. `attach_times` finds, for each quote, the time expression its attribution governs (a
DATE/TIME entity or temporal phrase hanging off the cue verb, or off the clause a participial cue
belongs to), never one inside the quoted words. `resolve` turns such an expression into an ISO 8601
value at the precision the text gives. Relative phrases ("on Monday", "earlier this week") are
resolved here, since dateparser gets the publication day's own weekday and ISO weeks wrong;
explicit dates ("March 3, 2021") go to dateparser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Span, Token

from saywho.model import Quote, Time

WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = tuple(
    "january february march april may june july august september october november december".split()
)
NUMBER_WORDS = {"a": 1, "an": 1} | {
    word: n
    for n, word in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)
}
# Days counted from the publication date.
DAY_OFFSETS = {
    "today": 0,
    "earlier today": 0,
    "later today": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tonight": 0,
    "yesterday": -1,
    "last night": -1,
    "the day before yesterday": -2,
    "tomorrow": 1,
}
PERIOD_OFFSETS = {
    "this": 0,
    "earlier this": 0,
    "later this": 0,
    "last": -1,
    "previous": -1,
    "the previous": -1,
    "next": 1,
    "the next": 1,
    "coming": 1,
    "the coming": 1,
}
PARTS_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

# Words that make a token temporal when the model's NER missed it.
TIME_WORDS = frozenset(WEEKDAYS + MONTHS + ("yesterday", "today", "tonight", "tomorrow"))
# Prepositions that introduce a point in time (not "for", a duration; not "since", an interval).
TIME_PREPOSITIONS = frozenset(("on", "in", "at", "during", "over"))
# Nouns of a speech event: "said in a statement on Monday" dates the saying.
SPEECH_EVENTS = frozenset(
    "statement interview speech briefing conference address post tweet message letter call remarks"
    " appearance broadcast hearing session video podcast op-ed column".split()
)
# Participles that date the speaking they introduce: "Speaking on Thursday, the mayor said".
SPEECH_VERBS = frozenset(("speak", "talk", "write", "address", "testify", "appear"))
# Verbs whose clause a participial cue ("saying", "adding") belongs to.
CLIMB_DEPS = frozenset(("advcl", "xcomp"))


def parse_published(published: str | date | None) -> date | None:
    """The publication date from an ISO date or date-time; None when absent or malformed."""
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    if not isinstance(published, str) or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------- resolution


def resolve(expression: str, published: date | None, past: bool = True) -> str | None:
    """The ISO 8601 value of a time expression, at the precision it gives: a day `2022-05-16`, a
    month `2022-03`, an ISO week `2022-W20` or a year `2022`. Relative expressions resolve against
    `published` (None: only self-contained dates resolve); `past` prefers the most recent reading
    not after publication (a statement reported in the past tense), else the next one on or after."""
    if isinstance(published, datetime):
        published = published.date()
    text = _normalise(expression)
    if not text:
        return None
    year = _year(text)
    if year is not None:
        return year
    try:
        if published is None:
            return _explicit(text, None, past)
        for rule in (_relative_day, _weekday, _weekend, _relative_period, _ago, _month):
            value = rule(text, published, past)
            if value is not None:
                return _in_calendar(value)
        return _explicit(text, published, past)
    except OverflowError:  # a day before year 1 or after 9999: no ISO value to give
        return None


def _in_calendar(value: str) -> str | None:
    """A value whose year ISO 8601 can write in four digits (a month or week past 9999 is not)."""
    year = value.split("-", 1)[0]
    return value if len(year) == 4 and year != "0000" else None


def _normalise(expression: str) -> str:
    text = expression.lower().replace("’", "'")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "mid-March", not "2021-03-03"
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    # A leading preposition carries no date: "on Monday", "in March".
    return re.sub(r"^(?:(?:on|in|at|during|over|as of|by)\s+)+", "", text)


def _day(value: date) -> str:
    return value.isoformat()


def _week(value: date) -> str:
    year, week, _ = value.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _year(text: str) -> str | None:
    match = re.fullmatch(r"(?:(?:early|mid|late|the end of|the start of|the beginning of)\s+)?(\d{4})", text)
    return match.group(1) if match and 1000 <= int(match.group(1)) <= 2999 else None


def _relative_day(text: str, published: date, past: bool) -> str | None:
    offset = DAY_OFFSETS.get(text)
    if offset is None:
        match = re.fullmatch(r"(yesterday|today|tomorrow)" + PARTS_OF_DAY, text)
        offset = DAY_OFFSETS[match.group(1)] if match else None
    return _day(published + timedelta(days=offset)) if offset is not None else None


def _weekday(text: str, published: date, past: bool) -> str | None:
    match = re.fullmatch(
        r"(?:(last|this|next|early|late|earlier|later)\s+)?(" + "|".join(WEEKDAYS) + r")" + PARTS_OF_DAY, text
    )
    if not match:
        return None
    modifier, target = match.group(1), WEEKDAYS.index(match.group(2))
    back = (published.weekday() - target) % 7
    forward = (target - published.weekday()) % 7
    if modifier == "last":
        return _day(published - timedelta(days=back or 7))
    if modifier == "next":
        return _day(published + timedelta(days=forward or 7))
    # The publication day's own weekday is that same day, in either direction.
    return _day(published - timedelta(days=back) if past else published + timedelta(days=forward))


def _weekend(text: str, published: date, past: bool) -> str | None:
    """A weekend's ISO week: its Saturday and Sunday share one."""
    match = re.fullmatch(r"(?:(this|last|next|the|this past)\s+)?weekend", text)
    if not match:
        return None
    if match.group(1) == "next" or (not past and match.group(1) != "last"):
        saturday = published + timedelta(days=(5 - published.weekday()) % 7)
    else:
        saturday = published - timedelta(days=(published.weekday() - 5) % 7)
    return _week(saturday)


def _relative_period(text: str, published: date, past: bool) -> str | None:
    match = re.fullmatch(r"(.+?)\s+(week|month|year)", text)
    if not match or match.group(1) not in PERIOD_OFFSETS:
        return None
    offset, unit = PERIOD_OFFSETS[match.group(1)], match.group(2)
    if unit == "week":
        return _week(published + timedelta(weeks=offset))
    if unit == "month":
        return _month_value(*_shift_month(published.year, published.month, offset))
    return str(published.year + offset)


def _ago(text: str, published: date, past: bool) -> str | None:
    match = re.fullmatch(r"(\d+|[a-z]+)\s+(day|week|month|year)s?\s+ago", text)
    if not match:
        return None
    count = int(match.group(1)) if match.group(1).isdigit() else NUMBER_WORDS.get(match.group(1))
    if count is None:
        return None
    unit = match.group(2)
    if unit == "day":
        return _day(published - timedelta(days=count))
    if unit == "week":
        return _week(published - timedelta(weeks=count))
    if unit == "month":
        return _month_value(*_shift_month(published.year, published.month, -count))
    return str(published.year - count)


def _month(text: str, published: date, past: bool) -> str | None:
    """A month named alone: the most recent one not after publication (or the next not before)."""
    match = re.fullmatch(
        r"(?:(last|this|next|early|mid|late|the end of|the start of)\s+)?(" + MONTH_RE + ")", text
    )
    if not match:
        return None
    month = _month_number(match.group(2))
    if month is None:
        return None
    modifier = match.group(1)
    if modifier == "last" or (past and modifier != "next"):
        year = published.year if month <= published.month else published.year - 1
        if modifier == "last" and month == published.month:
            year -= 1
        return _month_value(year, month)
    year = published.year if month >= published.month else published.year + 1
    if modifier == "next" and month == published.month:
        year += 1
    return _month_value(year, month)


def _month_number(word: str) -> int | None:
    word = word.rstrip(".")
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, 1):
        if name.startswith(word) or (word == "sept" and number == 9):
            return number
    return None


def _names_month(text: str) -> bool:
    return any(_month_number(word) for word in re.findall(r"[a-z]+", text))


def _explicit(text: str, published: date | None, past: bool) -> str | None:
    """A written-out date ("March 3", "3 March 2021", "2021-03-03"), through dateparser; without a
    publication date only one that names its year."""
    month_year = re.fullmatch(r"(" + MONTH_RE + r"),?\s+(\d{4})", text)
    if month_year and _month_number(month_year.group(1)):
        return _month_value(int(month_year.group(2)), _month_number(month_year.group(1)))
    if not (_names_month(text) or re.search(r"\d{1,4}[/-]\d{1,2}", text)):
        return None
    data = _dateparser(text, published, past)
    if data is None or data.date_obj is None or "year" not in data.parts and published is None:
        return None
    value = data.date_obj.date()
    if data.period == "year":
        return str(value.year)
    if data.period == "month":
        return _month_value(value.year, value.month)
    if data.period == "week":
        return _week(value)
    return _day(value)


def _dateparser(text: str, published: date | None, past: bool):
    from dateparser.date import DateDataParser  # slow to import: only when a date needs it

    settings: dict = {"PREFER_DATES_FROM": "past" if past else "future", "RETURN_TIME_AS_PERIOD": True}
    if published is not None:
        # The whole publication day counts as "not after" publication.
        clock = (23, 59, 59) if past else (0, 0, 0)
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day, *clock)
    try:
        return DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    except (ValueError, OverflowError):
        return None


# ---------------------------------------------------------------- attachment


def attach_times(doc: Doc, quotes: list[Quote], published: str | None) -> None:
    """Set each quote's `time` from the time expression its attribution governs."""
    anchor = parse_published(published)
    for quote in quotes:
        if quote.cue is None:
            continue
        span = governed_time(doc, quote)
        if span is not None:
            quote.time = Time(span.text, span.start_char, span.end_char, resolve(span.text, anchor))


def governed_time(doc: Doc, quote: Quote) -> Span | None:
    """The time expression attached to the quote's cue, or to the clause a participial cue belongs
    to; none inside the quote's own words."""
    cue = doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand") if quote.cue else None
    if cue is None or len(cue) == 0:
        return None
    fragments = [tuple(f) for f in quote.content.fragments] or [(quote.content.start, quote.content.end)]

    def quoted(token: Token) -> bool:
        return any(start <= token.idx < end for start, end in fragments)

    for host in _hosts(cue.root, quoted):
        found = [s for s in _times_of(doc, host) if not any(quoted(t) for t in s)]
        if found:
            return min(found, key=lambda s: abs(s.root.i - cue.root.i))
    found = _right_after(doc, quote, cue)
    return None if found is None or any(quoted(t) for t in found) else found


def _right_after(doc: Doc, quote: Quote, cue: Span) -> Span | None:
    """Where the parse lost the attachment (a name in another script confuses it): "on Monday"
    written right after the cue or the speaker that follows it ("said X on Monday")."""
    end = cue.end
    mention = quote.speaker.mention if quote.speaker else None
    if mention is not None and mention.start >= quote.cue.end:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        end = span.end if span is not None and span.start <= cue.end + 1 else end
    if end + 1 < len(doc) and doc[end].lower_ in TIME_PREPOSITIONS and _temporal(doc[end + 1]):
        return _expression(doc, doc[end], doc[end + 1])
    return None


def _hosts(cue: Token, quoted: Callable[[Token], bool]) -> list[Token]:
    """The cue, then the verbs a participial or infinitival cue hangs off ("Putin thanked ...,
    saying", "went on to say"), at most two levels up."""
    hosts, token = [cue], cue
    for _ in range(2):
        head = token.head
        if (
            token.dep_ not in CLIMB_DEPS
            or head.i == token.i
            or head.pos_ not in ("VERB", "AUX")
            or quoted(head)
            or any(c.dep_ == "mark" for c in token.children)  # "after he said": another event's clause
        ):
            break
        hosts.append(head)
        token = head
    return hosts


def _times_of(doc: Doc, host: Token, nested: bool = False) -> list[Span]:
    """Time expressions among a host's dependents: "Monday", "last month", "on Monday", and the
    same under a speech-event noun ("in a statement on Monday") or participle ("Speaking on ...")."""
    found = []
    for child in host.children:
        if child.dep_ == "prep":
            found.extend(_prepositional(doc, child))
        elif child.dep_ in ("npadvmod", "advmod", "tmod", "obl", "nmod", "dobj") and _temporal(child):
            found.append(_expression(doc, child, child))
        elif not nested and child.dep_ == "advcl" and child.lemma_.lower() in SPEECH_VERBS:
            found.extend(_times_of(doc, child, nested=True))
    return found


def _prepositional(doc: Doc, prep: Token) -> list[Span]:
    found = []
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        if prep.lower_ in TIME_PREPOSITIONS and _temporal(obj):
            found.append(_expression(doc, prep, obj))
        elif obj.lemma_.lower() in SPEECH_EVENTS:
            for inner in obj.children:
                if inner.dep_ == "prep" and inner.lower_ in TIME_PREPOSITIONS:
                    found.extend(_prepositional(doc, inner))
                elif inner.dep_ == "npadvmod" and _temporal(inner):
                    found.append(_expression(doc, inner, inner))
    return found


def _temporal(token: Token) -> bool:
    return token.ent_type_ in ("DATE", "TIME") or token.lower_ in TIME_WORDS


def _expression(doc: Doc, first: Token, head: Token) -> Span:
    """From `first` (a preposition, or the head itself) to the end of the head's DATE/TIME entity,
    else to the head itself: "on Monday", "Earlier this week", "last month"."""
    if head.ent_type_ in ("DATE", "TIME"):
        ent_start, end = head.i, head.i + 1
        while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
            ent_start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        start = min(first.i, ent_start)
    else:
        # The word and its modifiers ("last Monday"), not a clause after it ("..., when talks failed").
        start, end = min(first.i, head.left_edge.i), head.i + 1
    return doc[start:end]
