"""Times of statements: `resolve` on its own, then `attach_times` on parsed sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.tokens import Doc

from saywho.model import Content, Cue, Quote
from saywho.times import attach_times, parse_published, resolve

SEED = Path(__file__).parent / "fixtures" / "seed"
FRIDAY = date(2022, 5, 20)  # the seed's publication date


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # weekdays: the most recent on or before publication; the publication day's own is that day
        ("on Monday", "2022-05-16"),
        ("on Wednesday", "2022-05-18"),
        ("Thursday", "2022-05-19"),
        ("on Friday", "2022-05-20"),
        ("Saturday", "2022-05-14"),
        ("Sunday", "2022-05-15"),
        ("last Friday", "2022-05-13"),
        ("last Monday", "2022-05-16"),
        ("Monday night", "2022-05-16"),
        ("on Tuesday morning", "2022-05-17"),
        # days
        ("yesterday", "2022-05-19"),
        ("Yesterday", "2022-05-19"),
        ("yesterday afternoon", "2022-05-19"),
        ("last night", "2022-05-19"),
        ("today", "2022-05-20"),
        ("earlier today", "2022-05-20"),
        ("this morning", "2022-05-20"),
        ("3 days ago", "2022-05-17"),
        ("two days ago", "2022-05-18"),
        # weeks
        ("Earlier this week", "2022-W20"),
        ("this week", "2022-W20"),
        ("last week", "2022-W19"),
        ("two weeks ago", "2022-W18"),
        ("over the weekend", "2022-W19"),
        # months
        ("in March", "2022-03"),
        ("in April", "2022-04"),
        ("in May", "2022-05"),
        ("in June", "2021-06"),
        ("in December", "2021-12"),
        ("mid-March", "2022-03"),
        ("in early March", "2022-03"),
        ("last month", "2022-04"),
        ("earlier this month", "2022-05"),
        ("last May", "2021-05"),
        ("March 2021", "2021-03"),
        # years
        ("last year", "2021"),
        ("earlier this year", "2022"),
        ("a year ago", "2021"),
        ("2020", "2020"),
        ("in 2020", "2020"),
        ("in late 2019", "2019"),
        # explicit dates: the year from context, the most recent not after publication
        ("March 3", "2022-03-03"),
        ("on March 3", "2022-03-03"),
        ("March 3rd", "2022-03-03"),
        ("3 March", "2022-03-03"),
        ("May 20", "2022-05-20"),
        ("May 21", "2021-05-21"),
        ("June 3", "2021-06-03"),
        ("Sept. 3", "2021-09-03"),
        ("on Monday, May 16", "2022-05-16"),
        ("March 3, 2021", "2021-03-03"),
        ("3 March 2021", "2021-03-03"),
        ("2021-03-03", "2021-03-03"),
        # nothing to resolve
        ("", None),
        ("   ", None),
        ("recently", None),
        ("recent days", None),
        ("the past week", None),
        ("the 1990s", None),
        ("decades", None),
        ("28-year", None),
        ("в понедельник", None),
        ("月曜日", None),
        ("February 30, 2021", None),
    ],
)
def test_resolve_against_publication(expression: str, expected: str | None) -> None:
    assert resolve(expression, FRIDAY) == expected


@pytest.mark.parametrize(
    ("expression", "published", "expected"),
    [
        ("on Monday", date(2022, 5, 16), "2022-05-16"),  # published on a Monday
        ("on Sunday", date(2022, 5, 16), "2022-05-15"),
        ("last week", date(2022, 1, 3), "2021-W52"),  # across a year's end
        ("this week", date(2021, 1, 1), "2020-W53"),  # ISO week-numbering year
        ("last month", date(2022, 1, 15), "2021-12"),
        ("in December", date(2022, 1, 15), "2021-12"),
        ("yesterday", date(2022, 3, 1), "2022-02-28"),
        ("March 3", date(2022, 2, 10), "2021-03-03"),
        ("over the weekend", date(2022, 5, 22), "2022-W20"),  # published on the Sunday
    ],
)
def test_resolve_other_anchors(expression: str, published: date, expected: str) -> None:
    assert resolve(expression, published) == expected


def test_future_publication_date_is_just_the_anchor() -> None:
    future = date(2031, 7, 4)  # a Friday
    assert resolve("on Monday", future) == "2031-06-30"
    assert resolve("in March", future) == "2031-03"
    assert resolve("last year", future) == "2030"


def test_without_publication_date_only_self_contained_dates_resolve() -> None:
    assert resolve("on Monday", None) is None
    assert resolve("in March", None) is None
    assert resolve("March 3", None) is None
    assert resolve("last week", None) is None
    assert resolve("March 3, 2021", None) == "2021-03-03"
    assert resolve("March 2021", None) == "2021-03"
    assert resolve("in 2020", None) == "2020"


def test_future_preference() -> None:
    assert resolve("on Monday", FRIDAY, past=False) == "2022-05-23"
    assert resolve("on Friday", FRIDAY, past=False) == "2022-05-20"
    assert resolve("in March", FRIDAY, past=False) == "2023-03"
    assert resolve("June 3", FRIDAY, past=False) == "2022-06-03"
    assert resolve("next week", FRIDAY, past=False) == "2022-W21"
    assert resolve("last week", FRIDAY, past=False) == "2022-W19"


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2022-05-20", date(2022, 5, 20)),
        ("2022-05-20T09:30:00+02:00", date(2022, 5, 20)),
        (" 2022-05-20 ", date(2022, 5, 20)),
        ("20/05/2022", None),
        ("2022-13-40", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(published: str | None, expected: date | None) -> None:
    assert parse_published(published) == expected


# ---------------------------------------------------------------- attach_times on parsed text


def quote_of(text: str, content: str, cue: str, kind: str = "direct") -> Quote:
    """A quote as the extraction would give it: its words, and its cue outside them."""
    start = text.index(content)
    end = start + len(content)
    after = text.find(cue, end)
    cue_start = after if after >= 0 else text.index(cue)
    return Quote(
        id="q1",
        type=kind,
        content=Content(content, start, end, [[start, end]]),
        cue=Cue(cue, cue, cue_start, cue_start + len(cue)),
    )


def time_of(parsed, text: str, content: str, cue: str, published: str | None = "2022-05-20"):
    quote = quote_of(text, content, cue)
    attach_times(parsed(text), [quote], published)
    return quote.time


@pytest.mark.parametrize(
    ("text", "content", "cue", "expression", "value"),
    [
        ("“We will win,” Prokopiev told CNN on Monday.", "We will win,", "told", "on Monday", "2022-05-16"),
        ("“We did it,” he told reporters in March.", "We did it,", "told", "in March", "2022-03"),
        (
            "Earlier this week, Putin thanked Lukashenko for his support, saying: “We are grateful.”",
            "We are grateful.",
            "saying",
            "Earlier this week",
            "2022-W20",
        ),
        (
            "The minister said Tuesday that the talks had failed.",
            "the talks had failed",
            "said",
            "Tuesday",
            "2022-05-17",
        ),
        (
            "The minister said last month that prices would rise.",
            "prices would rise",
            "said",
            "last month",
            "2022-04",
        ),
        ("“We will not stop,” she said on March 3.", "We will not stop,", "said", "on March 3", "2022-03-03"),
        ("He said yesterday that the plan was dead.", "the plan was dead", "said", "yesterday", "2022-05-19"),
        (
            "She added on Wednesday: “We have nothing to hide.”",
            "We have nothing to hide.",
            "added",
            "on Wednesday",
            "2022-05-18",
        ),
        (
            "On Monday, the president told reporters that the war would end.",
            "the war would end",
            "told",
            "On Monday",
            "2022-05-16",
        ),
        (
            "The president told lawmakers last week that the war would end.",
            "the war would end",
            "told",
            "last week",
            "2022-W19",
        ),
        (
            "The ministry said in a statement on Tuesday that the border was closed.",
            "the border was closed",
            "said",
            "on Tuesday",
            "2022-05-17",
        ),
        (
            "Speaking on Thursday, the mayor said the city was ready.",
            "the city was ready",
            "said",
            "on Thursday",
            "2022-05-19",
        ),
    ],
)
def test_attach_time_governed_by_the_cue(parsed, text, content, cue, expression, value) -> None:
    time = time_of(parsed, text, content, cue)
    assert time is not None
    assert (time.text, time.value) == (expression, value)
    assert text[time.start : time.end] == expression


def test_date_inside_the_quote_is_not_the_statements_time(parsed) -> None:
    text = "“The elections will be held on March 3,” the minister said."
    assert time_of(parsed, text, "The elections will be held on March 3,", "said") is None
    text = "The minister said the vote would take place in June."
    assert time_of(parsed, text, "the vote would take place in June", "said") is None


def test_quoted_date_loses_to_the_attributions_own(parsed) -> None:
    text = "“We met on Friday,” she said on Monday."
    time = time_of(parsed, text, "We met on Friday,", "said")
    assert (time.text, time.value) == ("on Monday", "2022-05-16")


def test_extractors_content_fragments_exclude_a_time_even_where_the_parse_attaches_it(parsed) -> None:
    # The parse hangs "on Monday" off "said"; when the extraction counts it as reported words, it
    # belongs to what was said, not to the saying.
    text = "He said on Monday that the talks had failed."
    assert time_of(parsed, text, "the talks had failed", "said").text == "on Monday"
    assert time_of(parsed, text, "on Monday that the talks had failed", "said") is None


def test_time_word_the_model_did_not_tag(nlp) -> None:
    # A hand-made parse with no entities: the weekday is known by its name, and the expression
    # stops at it rather than taking the clause hanging off it.
    words = [
        "He",
        "said",
        "on",
        "Monday",
        ",",
        "when",
        "talks",
        "collapsed",
        ",",
        "that",
        "it",
        "was",
        "over",
        ".",
    ]
    heads = [1, 1, 1, 2, 3, 7, 7, 3, 1, 11, 11, 1, 11, 1]
    deps = ["nsubj", "ROOT", "prep", "pobj", "punct", "advmod", "nsubj", "relcl"]
    deps += ["punct", "mark", "nsubj", "ccomp", "acomp", "punct"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    text = doc.text
    quote = quote_of(text, "it was over", "said")
    attach_times(doc, [quote], "2022-05-20")
    assert (quote.time.text, quote.time.value) == ("on Monday", "2022-05-16")


def test_time_of_another_event_is_not_taken(parsed) -> None:
    text = "He resigned in 2019 after he said the company was failing."
    assert time_of(parsed, text, "the company was failing", "said") is None


def test_no_publication_date_keeps_the_text(parsed) -> None:
    text = "“We will win,” Prokopiev told CNN on Monday."
    time = time_of(parsed, text, "We will win,", "told", published=None)
    assert (time.text, time.start, time.end, time.value) == ("on Monday", 34, 43, None)


@pytest.mark.parametrize("published", ["20/05/2022", "not a date", "2022-02-30", ""])
def test_malformed_publication_date_is_no_date(parsed, published) -> None:
    time = time_of(parsed, "“We will win,” Prokopiev told CNN on Monday.", "We will win,", "told", published)
    assert (time.text, time.value) == ("on Monday", None)


def test_future_publication_date_anchors(parsed) -> None:
    time = time_of(
        parsed, "“We will win,” Prokopiev told CNN on Monday.", "We will win,", "told", "2031-07-04"
    )
    assert time.value == "2031-06-30"


def test_quote_without_cue_or_with_cue_off_the_text_gets_no_time(parsed) -> None:
    text = "“We will win,” Prokopiev told CNN on Monday."
    doc = parsed(text)
    no_cue = quote_of(text, "We will win,", "told")
    no_cue.cue = None
    off_text = quote_of(text, "We will win,", "told")
    off_text.cue = Cue("said", "say", 500, 504)
    attach_times(doc, [no_cue, off_text], "2022-05-20")
    assert no_cue.time is None and off_text.time is None


@pytest.mark.parametrize(
    ("text", "content", "cue"),
    [
        ("«Мы победим», — сказал Прокопьев в понедельник.", "Мы победим", "сказал"),
        ("“我们会赢”，他周一说。", "我们会赢", "说"),
    ],
)
def test_non_latin_script_does_not_crash(parsed, text, content, cue) -> None:
    time = time_of(parsed, text, content, cue)
    assert time is None or time.value is None


def test_one_long_sentence_article(parsed) -> None:
    clause = "the council met and the members argued about the budget, the roads and the schools"
    text = "“We will win,” the mayor told reporters on Monday, and " + ", and ".join([clause] * 150)
    time = time_of(parsed, text, "We will win,", "told")
    assert time is not None and time.value == "2022-05-16"


def test_seed_article_times(seed_doc, seed_text, seed_gold) -> None:
    """The founding article: every gold time found at its place and resolved as the gold says."""
    text, gold = seed_text, seed_gold
    quotes = []
    for number, item in enumerate(gold["quotes"]):
        if not item.get("cue"):
            continue
        cue_start = text.index(item["cue"], max(0, item.get("speaker_start", item["start"]) - 40))
        fragments = item.get("fragments", [[item["start"], item["end"]]])
        content = Content(item["content"], item["start"], item["end"], fragments)
        cue = Cue(item["cue"], item["cue"], cue_start, cue_start + len(item["cue"]))
        quotes.append((item, Quote(id=f"q{number}", type=item["type"], content=content, cue=cue)))
    attach_times(seed_doc, [q for _, q in quotes], gold["published"])
    for item, quote in quotes:
        expected = item.get("time")
        if expected is None:
            assert quote.time is None, (item["content"], quote.time)
        else:
            assert quote.time.text == expected
            assert text[quote.time.start : quote.time.end] == expected
            assert quote.time.value == gold["time_resolution"][expected]
    # "in April" sits inside an according-to quote: resolvable, but not that quote's time
    assert resolve("in April", date.fromisoformat(gold["published"])) == gold["time_resolution"]["in April"]
