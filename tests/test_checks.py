"""Consistency checks: document warnings for translation debris, quote flags set in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from saywho.checks import check, doubled_words, garbled_punctuation
from saywho.model import Content, Cue, Entity, Mention, Quote, Speaker

SEED = Path(__file__).parent / "fixtures" / "seed"


# ---------------------------------------------------------------- document warnings


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("after winning an election. . stigmatized by fraud", ". ."),
        ("the army, , which retreated", ", ,"),
        ("the army.. It retreated", ".."),
        ("the army ,. It retreated", ",."),
        ("the army . , It retreated", ". ,"),
    ],
)
def test_garbled_punctuation(text: str, span: str) -> None:
    warnings = garbled_punctuation(text)
    assert [(w.code, text[w.start : w.end]) for w in warnings] == [("garbled_punctuation", span)]
    assert warnings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "He paused... then went on.",
        "He paused . . . then went on.",
        "He paused.... Then he went on.",
        "Acme Inc., the maker, said so.",
        "Wait..., he said.",
        "It cost 1,000.50 dollars.",
        "One sentence.\n. Another line starting oddly.",
    ],
)
def test_no_garbled_punctuation(text: str) -> None:
    assert garbled_punctuation(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("He crossed the the border.", "the the"),
        ("The the border was closed.", "The the"),
        ("It was a a mistake.", "a a"),
        ("Они пересекли пересекли границу.", "пересекли пересекли"),
    ],
)
def test_doubled_word(text: str, span: str) -> None:
    warnings = doubled_words(text)
    assert [(w.code, text[w.start : w.end]) for w in warnings] == [("doubled_word", span)]


@pytest.mark.parametrize(
    "text",
    [
        "By then he had had enough.",
        "He said that that was the plan.",
        "What it is is a war.",
        "They gave her her due.",
        "The resort on Bora Bora reopened; Walla Walla did too.",
        "Theory the second.",
        "The war in Ukraine\nUkraine said on Monday it was ready.",
        "He scored 10 10 times.",
    ],
)
def test_no_doubled_word(text: str) -> None:
    assert doubled_words(text) == []


def test_seed_has_debris_at_848(seed_doc) -> None:
    warnings = check(seed_doc, [], [])
    assert [(w.code, w.start, w.end) for w in warnings] == [("garbled_punctuation", 848, 851)]


def test_check_returns_warnings_in_text_order(parsed) -> None:
    text = "The the army retreated. . Then it it regrouped, , later."
    warnings = check(parsed(text), [], [])
    assert [(w.code, text[w.start : w.end]) for w in warnings] == [
        ("doubled_word", "The the"),
        ("garbled_punctuation", ". ."),
        ("doubled_word", "it it"),
        ("garbled_punctuation", ", ,"),
    ]


# ---------------------------------------------------------------- quote flags


def direct(text: str, content: str, cue: str, lemma: str, speaker: Speaker, flags=None) -> Quote:
    start = text.index(content)
    cue_start = text.index(cue, start + len(content))
    return Quote(
        id="q1",
        type="direct",
        content=Content(content, start, start + len(content), [[start, start + len(content)]]),
        speaker=speaker,
        cue=Cue(cue, lemma, cue_start, cue_start + len(cue)),
        flags=list(flags or []),
    )


def org_speaker(text: str, mention: str, entity: str = "e1") -> Speaker:
    start = text.index(mention)
    return Speaker(
        name=mention,
        entity=entity,
        kind="organization",
        mention=Mention(mention, start, start + len(mention)),
    )


def test_unattributed(parsed) -> None:
    text = "“We will win.” Nobody knows who said it."
    doc = parsed(text)
    quote = Quote(id="q1", type="direct", content=Content("We will win.", 1, 13, [[1, 13]]))
    check(doc, [quote], [])
    assert quote.flags == ["unattributed"]
    check(doc, [quote], [])  # a second pass adds nothing
    assert quote.flags == ["unattributed"]


def test_attributed_quotes_are_not_flagged(parsed) -> None:
    text = "“We will win,” he said. “We always do.”"
    doc = parsed(text)
    by_pronoun = direct(text, "We will win,", "said", "say", Speaker(mention=Mention("he", 15, 17)))
    # a continued quote: no mention of its own, its speaker's name carried over
    continued = Quote(
        id="q2",
        type="direct",
        content=Content("We always do.", 25, 38, [[25, 38]]),
        speaker=Speaker(name="Ivan"),
    )
    check(doc, [by_pronoun, continued], [])
    assert by_pronoun.flags == [] and continued.flags == []


def test_speaker_not_person(parsed) -> None:
    text = "“I will not resign,” NATO said."
    quote = direct(text, "I will not resign,", "said", "say", org_speaker(text, "NATO"))
    check(parsed(text), [quote], [Entity(id="e1", name="NATO", type="ORG")])
    assert quote.flags == ["speaker_not_person"]


def test_existing_flags_kept_and_not_duplicated(parsed) -> None:
    text = "“I will not resign,” NATO said."
    flags = ["pronoun_gender_mismatch", "speaker_not_person"]
    quote = direct(text, "I will not resign,", "said", "say", org_speaker(text, "NATO"), flags)
    check(parsed(text), [quote], [Entity(id="e1", name="NATO", type="ORG")])
    assert quote.flags == ["pronoun_gender_mismatch", "speaker_not_person"]


@pytest.mark.parametrize(
    ("text", "content", "mention", "entity"),
    [
        # an organisation speaking as "we": what organisations do
        (
            "“We will not back down,” NATO said.",
            "We will not back down,",
            "NATO",
            Entity("e1", "NATO", "ORG"),
        ),
        # a metonym stands for a government or its leader
        (
            "“I will not resign,” the Kremlin said.",
            "I will not resign,",
            "the Kremlin",
            Entity("e1", "the Kremlin", "ORG", refers_to="e2"),
        ),
        # "World War I", "Phase I" hold no first-person pronoun
        (
            "“World War I changed Europe,” NATO said.",
            "World War I changed Europe,",
            "NATO",
            Entity("e1", "NATO", "ORG"),
        ),
        ("“Phase I is over,” NATO said.", "Phase I is over,", "NATO", Entity("e1", "NATO", "ORG")),
    ],
)
def test_speaker_not_person_is_conservative(parsed, text, content, mention, entity) -> None:
    quote = direct(text, content, "said", "say", org_speaker(text, mention))
    check(parsed(text), [quote], [entity])
    assert quote.flags == []


def test_speaker_not_person_needs_a_persons_cue_and_a_direct_quote(parsed) -> None:
    text = "“I will not resign,” NATO announced."
    entities = [Entity("e1", "NATO", "ORG")]
    announced = direct(text, "I will not resign,", "announced", "announce", org_speaker(text, "NATO"))
    check(parsed(text), [announced], entities)
    assert announced.flags == []
    text = "NATO said I was wrong."
    reported = Quote(
        id="q1",
        type="indirect",
        content=Content("I was wrong", 10, 21, [[10, 21]]),
        speaker=org_speaker(text, "NATO"),
        cue=Cue("said", "say", 5, 9),
    )
    check(parsed(text), [reported], entities)
    assert reported.flags == []


def test_person_speaker_not_flagged(parsed) -> None:
    text = "“I will not resign,” Prokopiev said."
    speaker = Speaker(
        name="Vadim Prokopiev", entity="e1", kind="person", mention=Mention("Prokopiev", 21, 30)
    )
    quote = direct(text, "I will not resign,", "said", "say", speaker)
    check(parsed(text), [quote], [Entity("e1", "Vadim Prokopiev", "PERSON")])
    assert quote.flags == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "«Мы победим», — сказал Прокопьев. Они пересекли границу.",
        "“我们会赢”，他说。",
        ", ".join(["the council met and the members argued about the budget"] * 200),
    ],
)
def test_no_crash_on_odd_documents(parsed, text) -> None:
    warnings = check(parsed(text), [], [])
    assert all(w.code in ("garbled_punctuation", "doubled_word") for w in warnings)
