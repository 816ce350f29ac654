"""People and time on bad input, through the whole analysis and the command line.

The pieces have their own tests (test_times.py: no, malformed and future publication dates and
non-Latin text for `attach_times` and `resolve`; test_entities.py and test_speakers.py: non-Latin
names given to `find_entities` and `to_quotes`; test_checks.py: odd documents; test_cli.py: a
malformed --published for extract). These run the articles through `analyse` or `saywho` itself.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from saywho import analyse
from saywho.model import Analysis
from saywho.times import resolve
from test_cli import run
from test_store_fakes import needs_extraction_model

ARTICLE = (
    "“We will win,” Vadim Prokopiev told CNN on Monday. “We began on a small scale,” he said on "
    "March 3, 2021, in Warsaw. The minister said last week that the talks would go on.\n"
)
# ISO 8601 at the contract's four precisions: a day, a month, an ISO week, a year.
ISO_VALUE = re.compile(r"\d{4}(-\d{2}(-\d{2})?|-W\d{2})?")


def extract_json(capsys: pytest.CaptureFixture[str], path: Path, *options: str) -> dict:
    status, out, err = run(capsys, "extract", path, *options)
    assert status == 0, err
    return json.loads(out)


def times_by_text(result: dict) -> dict[str, str | None]:
    return {q["time"]["text"]: q["time"]["value"] for q in result["quotes"] if q["time"]}


def assert_offsets_hold(analysis: Analysis) -> None:
    """Every span the analysis gives indexes the text it was given."""
    text = analysis.document.text
    ids = {e.id for e in analysis.entities}
    for quote in analysis.quotes:
        assert text[quote.content.start : quote.content.end] == quote.content.text
        for part in (quote.speaker.mention, quote.cue, quote.time):
            if part is not None:
                assert text[part.start : part.end] == part.text
        assert quote.speaker.entity is None or quote.speaker.entity in ids
    for entity in analysis.entities:
        assert entity.refers_to is None or entity.refers_to in ids
        for start, end in entity.mentions:
            assert text[start:end] in entity.aliases or entity.name in text[start:end]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "volunteers.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


# --- no publication date ----------------------------------------------------------------------------


@needs_extraction_model
def test_without_a_publication_date_times_keep_their_text(
    capsys, monkeypatch: pytest.MonkeyPatch, article: Path
) -> None:
    result = extract_json(capsys, article)
    assert result["document"]["published"] is None
    # Relative times keep their words and place, unresolved; a date that names its year still resolves.
    assert times_by_text(result) == {"on Monday": None, "on March 3, 2021": "2021-03-03", "last week": None}
    monday = next(q["time"] for q in result["quotes"] if q["time"] and q["time"]["text"] == "on Monday")
    assert ARTICLE[monday["start"] : monday["end"]] == "on Monday"
    monkeypatch.setenv("COLUMNS", "160")
    status, out, _ = run(capsys, "extract", article, "--format", "table")
    assert status == 0
    assert "on Monday" in out and "= (unresolved)" in out and "= 2021-03-03" in out


# --- a publication date in the future ---------------------------------------------------------------


@needs_extraction_model
def test_a_future_publication_date_is_the_anchor(capsys, article: Path) -> None:
    result = extract_json(capsys, article, "--published", "2031-07-04")  # a Friday
    assert result["document"]["published"] == "2031-07-04"
    assert times_by_text(result) == {
        "on Monday": "2031-06-30",
        "on March 3, 2021": "2021-03-03",
        "last week": "2031-W26",
    }


@needs_extraction_model
def test_the_last_date_of_the_calendar_does_not_fail_the_run(capsys, tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_text("“We will see,” the mayor told reporters next week.\n", encoding="utf-8")
    result = extract_json(capsys, path, "--published", "9999-12-31")
    assert times_by_text(result) == {"next week": None}


@pytest.mark.parametrize(
    ("published", "expression"),
    [
        (date(9999, 12, 31), "on Monday"),
        (date(9999, 12, 31), "in December"),
        (date(9999, 12, 31), "last week"),
        (date(9999, 12, 31), "tomorrow"),
        (date(9999, 12, 31), "next week"),
        (date(9999, 12, 31), "next weekend"),
        (date(9999, 12, 31), "next month"),
        (date(1, 1, 1), "on Monday"),
        (date(1, 1, 1), "next week"),
        (date(1, 1, 1), "yesterday"),
        (date(1, 1, 1), "last week"),
        (date(1, 1, 1), "in December"),  # "0000-12": year 0 is ISO 8601's 1 BC
    ],
)
def test_resolution_at_the_ends_of_the_calendar(published: date, expression: str) -> None:
    value = resolve(expression, published)
    assert value is None or ISO_VALUE.fullmatch(value), value


# --- a malformed --published ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "value"),
    [("extract", "2022-02-30"), ("ingest", "20/05/2022"), ("ingest", "May 20, 2022"), ("ingest", "")],
)
def test_a_malformed_published_is_bad_usage_before_any_work(
    capsys, article: Path, tmp_path: Path, command: str, value: str
) -> None:
    db = tmp_path / "store.db"
    argv = [command, article, "--published", value] + (["--db", db] if command == "ingest" else [])
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    [*_, line] = err.strip().splitlines()  # argparse's usage line, then the error
    assert "--published" in line and repr(value) in line and "2022-05-20" in line
    assert not db.exists()  # nothing stored


# --- names in scripts other than Latin --------------------------------------------------------------

NON_LATIN = (
    "Ukraine’s president Владимир Зеленский spoke in Kyiv on Monday. “We will not give up,” Зеленский "
    "told reporters on Monday. 习近平 said on Tuesday that the talks had been useful. “We want peace,” "
    "said Saudi diplomat عبد الله الربيعة on Wednesday. Mr. Зеленский later said he was grateful.\n"
)


@pytest.fixture(scope="module")
def non_latin() -> Analysis:
    return analyse(NON_LATIN, published="2022-05-20")


@needs_extraction_model
def test_non_latin_names_in_an_english_article(non_latin: Analysis) -> None:
    assert_offsets_hold(non_latin)
    entities = {e.name: e for e in non_latin.entities}
    zelensky = entities["Владимир Зеленский"]
    assert (zelensky.type, zelensky.gender) == ("PERSON", "male")  # "Mr.", "he"
    assert zelensky.aliases == ["Владимир Зеленский", "Зеленский"]
    assert len(zelensky.mentions) == 3
    assert entities["习近平"].type == "PERSON"
    # No entity is a piece of a word: each non-Latin name starts and ends at a word's edge.
    for entity in non_latin.entities:
        for start, end in entity.mentions:
            assert not NON_LATIN[start - 1 : start].isalpha() and not NON_LATIN[end : end + 1].isalpha()
    speakers = [(q.speaker.name, q.time.value if q.time else None) for q in non_latin.quotes]
    assert ("Владимир Зеленский", "2022-05-16") in speakers
    assert ("习近平", "2022-05-17") in speakers
    assert [q.speaker.name for q in non_latin.quotes].count("Владимир Зеленский") == 2  # "Mr. Зеленский"


@needs_extraction_model
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Chinese leader 习近平 said on Tuesday that the talks had been useful.", "习近平"),
        ("“We want peace,” said Saudi diplomat عبد الله الربيعة on Wednesday.", "عبد الله الربيعة"),
        ("“We want peace,” said عبد الله الربيعة on Wednesday.", "عبد الله الربيعة"),
    ],
)
def test_a_non_latin_name_is_named_as_a_latin_one_would_be(text: str, name: str) -> None:
    # The Latin spellings ("Chinese leader Xi Jinping", "Saudi diplomat Abdullah al-Rabeeah") are.
    [quote] = analyse(text, published="2022-05-20").quotes
    assert quote.speaker.name == name
    assert quote.time is not None and quote.time.value in ("2022-05-17", "2022-05-18")


# --- an article that is one long sentence -----------------------------------------------------------

CLAUSE = (
    "the minister said that the budget would grow, Mr. Hale told reporters on Tuesday that the roads "
    "were bad, and “we will fix them,” he added"
)


def run_on(clauses: int, joiner: str) -> str:
    return "“We will win,” the mayor told reporters on Monday, and " + joiner.join([CLAUSE] * clauses) + "\n"


def calls_to_analyse(text: str) -> tuple[Analysis, int]:
    """The analysis, and how many Python functions it called: work counted, not timed."""
    calls = 0

    def count(frame, event: str, arg) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        analysis = analyse(text, published="2022-05-20")
    finally:
        sys.setprofile(None)
    return analysis, calls


@needs_extraction_model
def test_an_article_that_is_one_long_sentence() -> None:
    analyse(run_on(3, ", and ") + run_on(3, ". And "), published="2022-05-20")  # lazy imports done
    one_sentence, work = calls_to_analyse(run_on(60, ", and "))  # about 1,600 words, no full stop
    sentences, usual_work = calls_to_analyse(run_on(60, ". And "))
    assert len(one_sentence.document.text.split()) > 1600
    assert_offsets_hold(one_sentence)
    assert len(one_sentence.quotes) > 60
    assert one_sentence.quotes[0].speaker.mention.text == "the mayor"
    assert one_sentence.quotes[0].time.value == "2022-05-16"
    # Bounded: no more work than the same words in ordinary sentences take.
    assert work <= 1.25 * usual_work, (work, usual_work, len(sentences.quotes))


@needs_extraction_model
def test_a_speaker_mention_leaves_the_time_after_it_to_the_quote() -> None:
    text = "“We want peace,” said Saudi diplomat عبد الله الربيعة on Wednesday."
    [quote] = analyse(text, published="2022-05-20").quotes
    assert (
        quote.speaker.mention is not None and quote.speaker.mention.text == "Saudi diplomat عبد الله الربيعة"
    )
    assert quote.time is not None and quote.time.text == "on Wednesday"
