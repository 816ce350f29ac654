"""Extraction end to end: saywho.analyse on the founding article and on short articles of each kind.

Every analysis is checked against the contract's invariants (offsets index the text exactly, ids and
entities agree) before its particular behaviour is asserted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc

import saywho
from saywho import analyse_documents
from saywho.attribution.extract import _whole_phrase
from saywho.attribution.layout import whole_words
from saywho.evaluation import gold_fragments, half_overlap, predicted_fragments, score_document, trim
from saywho.facts import quoted_spans
from saywho.reading import read_file

SEED = Path(__file__).parent / "fixtures" / "seed" / "belarus_volunteers"
PUBLISHED = "2024-03-08"  # a Friday

TYPES = {"direct", "indirect", "according_to", "mixed"}
KINDS = {"person", "organization", "group", "unknown"}
ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "GROUP"}


# --- helpers ---------------------------------------------------------------------------------------


def check_contract(result: dict[str, Any]) -> None:
    """The invariants every analysed document keeps (CONTRACT.md, "One analysed document")."""
    text = result["document"]["text"]
    entities = {e["id"]: e for e in result["entities"]}
    assert len(entities) == len(result["entities"]), "entity ids are unique"
    for entity in result["entities"]:
        assert entity["type"] in ENTITY_TYPES
        assert entity["gender"] in ("female", "male", None)
        assert entity["refers_to"] is None or entity["refers_to"] in entities
        for start, end in entity["mentions"]:
            assert 0 <= start < end <= len(text)
    ids = [q["id"] for q in result["quotes"]]
    assert len(set(ids)) == len(ids), "quote ids are unique"
    for quote in result["quotes"]:
        assert quote["type"] in TYPES
        content = quote["content"]
        assert text[content["start"] : content["end"]] == content["text"]
        fragments = content["fragments"]
        assert fragments, "a quote has at least one fragment"
        assert fragments[0][0] == content["start"] and fragments[-1][1] == content["end"]
        for (_, e1), (s2, _) in zip(fragments, fragments[1:], strict=False):
            assert e1 <= s2, "fragments are in order and do not overlap"
        assert all(s < e for s, e in fragments)
        for key in ("cue", "addressee", "time"):
            span = quote[key]
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"], key
        speaker = quote["speaker"]
        assert speaker["kind"] in KINDS
        mention = speaker["mention"]
        if mention is not None:
            assert text[mention["start"] : mention["end"]] == mention["text"]
        if speaker["entity"] is not None:
            assert entities[speaker["entity"]]["name"] == speaker["name"]
        assert 0.0 <= quote["confidence"] <= 1.0
        if speaker["name"] is None and mention is None:
            assert "unattributed" in quote["flags"]
    assert json.loads(json.dumps(result)) == result, "the analysis is plain JSON"


def run(text: str, published: str | None = PUBLISHED) -> dict[str, Any]:
    """saywho.analyse's JSON form for `text`, checked against the contract's invariants."""
    result = saywho.analyse(text, published).to_dict()
    assert result["document"]["text"] == text
    check_contract(result)
    return result


def words(text: str, quote: dict[str, Any]) -> list[str]:
    """The quote's fragments as words: quotation marks, edge punctuation and a leading
    complementizer "that" left out (conventions differ on those; the words must not)."""
    out = []
    for s, e in quote["content"]["fragments"]:
        s, e = trim(text, s, e)
        out.append(re.sub(r"^that\s+", "", text[s:e].strip("`")))
    return out


def quote_with(result: dict[str, Any], needle: str) -> dict[str, Any]:
    """The one quote whose content holds `needle`."""
    found = [q for q in result["quotes"] if needle in q["content"]["text"]]
    assert len(found) == 1, f"{len(found)} quotes hold {needle!r}: {[q['content']['text'] for q in found]}"
    return found[0]


def span_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth whole-word occurrence of `needle`."""
    found = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]
    return found[nth]


def mention(quote: dict[str, Any]) -> tuple[str, int, int] | None:
    m = quote["speaker"]["mention"]
    return None if m is None else (m["text"], m["start"], m["end"])


# --- the founding article --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict[str, Any], dict[str, Any]]:
    with open(f"{SEED}.txt", encoding="utf-8", newline="") as f:
        text = f.read()
    gold = json.loads(Path(f"{SEED}.gold.json").read_text(encoding="utf-8"))
    result = saywho.analyse(text, gold["published"]).to_dict()
    return text, gold, result


def matching(text: str, result: dict[str, Any], gold_quote: dict[str, Any]) -> dict[str, Any]:
    """The one predicted quote sharing at least half its characters with a gold quote (the scorer's
    test of a match)."""
    g = gold_fragments(gold_quote, text)
    found = [q for q in result["quotes"] if half_overlap(g, predicted_fragments(q, text))]
    assert len(found) == 1, f"{len(found)} quotes match {gold_quote['content'][:40]!r}"
    return found[0]


def seed_gold(gold: dict[str, Any], needle: str) -> dict[str, Any]:
    [quote] = [q for q in gold["quotes"] if needle in q["content"]]
    return quote


def test_seed_keeps_the_contract(seed) -> None:
    text, _, result = seed
    assert result["document"]["text"] == text
    assert result["document"]["published"] == "2022-05-20"
    check_contract(result)


def test_seed_scores_15_of_16_attributed_with_at_most_one_spurious(seed) -> None:
    text, gold, result = seed
    score = score_document(gold, result, text)
    assert score.gold == 16
    assert score.match >= 15, score.misses
    assert score.attributed >= 15, score.wrong_speaker
    assert len(score.spurious) <= 1, score.spurious


def seed_pairs(text: str, gold: dict[str, Any], result: dict[str, Any]) -> list[tuple[dict, dict]]:
    """(gold quote, predicted quote) for the gold quotes found; at most one may be missed (the target)."""
    pairs = []
    for g in gold["quotes"]:
        g_fragments = gold_fragments(g, text)
        found = [q for q in result["quotes"] if half_overlap(g_fragments, predicted_fragments(q, text))]
        assert len(found) <= 1, f"{g['content'][:40]!r} found more than once"
        pairs += [(g, q) for q in found]
    assert len(pairs) >= len(gold["quotes"]) - 1
    return pairs


def test_seed_found_quotes_have_the_gold_type_and_speaker_kind(seed) -> None:
    text, gold, result = seed
    for g, quote in seed_pairs(text, gold, result):
        assert quote["type"] == g["type"], g["content"]
        if quote["speaker"]["name"] == g["speaker"]:
            assert quote["speaker"]["kind"] == g.get("speaker_kind", "person"), g["content"]


def test_seed_he_for_tikhanovskaya_is_flagged_and_still_hers(seed) -> None:
    text, gold, result = seed
    quote = quote_with(result, "Now they are defending Ukraine")
    assert quote["speaker"]["name"] == "Svetlana Tikhanovskaya"
    assert mention(quote) == ("he", 3379, 3381)
    assert "pronoun_gender_mismatch" in quote["flags"]
    # the only quote flagged so: Lukashenko's "he" agrees with him
    flagged = [q for q in result["quotes"] if "pronoun_gender_mismatch" in q["flags"]]
    assert flagged == [quote]
    [tikhanovskaya] = [e for e in result["entities"] if e["id"] == quote["speaker"]["entity"]]
    assert tikhanovskaya["gender"] == "female"


def test_seed_lukashenko_through_he_told_reporters_in_march(seed) -> None:
    text, gold, result = seed
    quote = quote_with(result, "We did not start this war")
    assert quote["type"] == "direct"
    assert quote["speaker"]["name"] == "Alexander Lukashenko"
    assert quote["speaker"]["kind"] == "person"
    assert mention(quote) == ("he", 2854, 2856)
    assert (quote["cue"]["text"], quote["cue"]["lemma"]) == ("told", "tell")
    assert quote["addressee"]["text"] == "reporters"
    assert (quote["time"]["text"], quote["time"]["value"]) == ("in March", "2022-03")
    assert quote["flags"] == []


def test_seed_continued_paragraph_is_its_own_quote_with_prokopiev_and_no_mention(seed) -> None:
    text, gold, result = seed
    first = quote_with(result, "We see a window of opportunity")
    continued = quote_with(result, "I called on Belarusians")
    assert continued["id"] != first["id"]
    assert continued["type"] == "direct"
    assert continued["speaker"]["name"] == "Vadim Prokopiev"
    assert continued["speaker"]["entity"] == first["speaker"]["entity"]
    assert continued["speaker"]["mention"] is None
    assert "unattributed" not in continued["flags"]
    g = seed_gold(gold, "I called on Belarusians")
    assert words(text, continued) == [text[slice(*trim(text, g["start"], g["end"]))]]


def test_seed_interrupted_quote_is_one_quote_with_two_fragments(seed) -> None:
    text, gold, result = seed
    quote = quote_with(result, "If Ukraine loses this war")
    g = seed_gold(gold, "If Ukraine loses this war")
    assert [trim(text, s, e) for s, e in quote["content"]["fragments"]] == [
        trim(text, s, e) for s, e in g["fragments"]
    ]
    assert quote["speaker"]["name"] == "Vadim Prokopiev"
    assert mention(quote) == ("Prokopiev", 953, 962)
    assert quote["cue"]["text"] == "said"
    # the second half is not a quote of its own
    assert [q["id"] for q in result["quotes"] if "If Ukraine wins" in q["content"]["text"]] == [quote["id"]]


def test_seed_according_to_quotes(seed) -> None:
    text, gold, result = seed
    for needle, name, words_ in (
        ("springboard", "NATO", "information gathered by NATO surveillance aircraft"),
        ("a railway line", "Belgian state news agency", "the Belgian state news agency"),
    ):
        quote = quote_with(result, needle)
        g = seed_gold(gold, needle)
        assert quote["type"] == "according_to"
        assert (quote["speaker"]["name"], quote["speaker"]["kind"]) == (name, "organization")
        assert mention(quote) == (words_, g["speaker_start"], g["speaker_end"])
        assert quote["cue"]["lemma"] == "according to"
        assert words(text, quote) == [text[slice(*trim(text, g["start"], g["end"]))]]


def test_seed_told_cnn_gives_the_addressee(seed) -> None:
    text, _, result = seed
    for needle, name in (
        ("We see a window of opportunity", "Vadim Prokopiev"),
        ("The people of Belarus understand", "Svetlana Tikhanovskaya"),
    ):
        quote = quote_with(result, needle)
        assert quote["speaker"]["name"] == name
        assert (quote["cue"]["text"], quote["cue"]["lemma"]) == ("told", "tell")
        addressee = quote["addressee"]
        assert addressee["text"] == "CNN"
        assert addressee["start"] == quote["cue"]["end"] + 1
    # Nobody else was addressed: "said" quotes carry none.
    assert quote_with(result, "A long journey starts")["addressee"] is None


def test_seed_times_resolve_against_the_publication_date(seed) -> None:
    text, gold, result = seed
    timed = [g for g in gold["quotes"] if g.get("time")]
    assert len(timed) == 4
    for g in timed:
        quote = matching(text, result, g)
        assert quote["time"] is not None, g["content"]
        assert quote["time"]["text"] == g["time"]
        assert quote["time"]["value"] == gold["time_resolution"][g["time"]]
    # "We see a window", told CNN on Monday: the Monday before Friday 20 May 2022
    assert quote_with(result, "We see a window")["time"] == {
        "text": "on Monday",
        "start": 462,
        "end": 471,
        "value": "2022-05-16",
    }


def test_seed_speakers_mentions_and_entities(seed) -> None:
    text, gold, result = seed
    for g, quote in seed_pairs(text, gold, result):
        if g.get("speaker_mention") is None:
            assert quote["speaker"]["mention"] is None
        elif g["speaker"] != "Belarus’s resistance":  # see the test below
            assert mention(quote) == (g["speaker_mention"], g["speaker_start"], g["speaker_end"])
        assert quote["speaker"]["entity"] is not None, g["content"]
    names = {e["name"]: e for e in result["entities"]}
    for person, gender in (
        ("Vadim Prokopiev", "male"),
        ("Svetlana Tikhanovskaya", "female"),
        ("Alexander Lukashenko", "male"),
        ("Vladimir Putin", "male"),
    ):
        assert names[person]["type"] == "PERSON"
        assert names[person]["gender"] == gender


def test_seed_mention_of_a_described_group_is_whole(seed) -> None:
    text, gold, result = seed
    g = seed_gold(gold, "volunteer fighters are part of a broader effort")
    quote = matching(text, result, g)
    assert quote["speaker"]["name"] == "Belarus’s resistance"
    start, end = trim(text, g["speaker_start"], g["speaker_end"])  # the gold keeps a trailing comma
    assert mention(quote) == (text[start:end], start, end)


def test_seed_direct_content_is_exactly_the_contracts_example(seed) -> None:
    _, _, result = seed
    quote = quote_with(result, "We see a window of opportunity")
    assert quote["content"] == {
        "text": "We see a window of opportunity,",
        "start": 410,
        "end": 441,
        "fragments": [[410, 441]],
    }


def test_seed_cues_are_the_gold_cue_words(seed) -> None:
    text, gold, result = seed
    for g in gold["quotes"]:
        if g.get("cue") and g["type"] != "according_to":
            quote = matching(text, result, g)
            assert quote["cue"]["text"] == g["cue"], g["content"]


def test_seed_fragments_begin_and_end_at_word_boundaries(seed) -> None:
    text, _, result = seed
    for quote in result["quotes"]:
        for s, e in quote["content"]["fragments"]:
            s, e = trim(text, s, e)
            mid_word_start = s > 0 and text[s].isalnum() and (text[s - 1].isalnum() or text[s - 1] == "-")
            mid_word_end = e < len(text) and text[e - 1].isalnum() and text[e].isalnum()
            assert not mid_word_start, text[s - 10 : s + 20]
            assert not mid_word_end, text[e - 20 : e + 10]


# --- quotation marks -------------------------------------------------------------------------------

MARKS = [
    pytest.param('"', '"', id="straight"),
    pytest.param("“", "”", id="curly"),
    pytest.param("''", "''", id="doubled-apostrophe"),
    pytest.param("``", "''", id="backticks"),
]


@pytest.mark.parametrize(("opening", "closing"), MARKS)
def test_direct_quote_in_each_mark_style(opening: str, closing: str) -> None:
    text = (
        f"{opening}We will reopen the bridge by June,{closing} Marta Kowalczyk, the city's transport "
        "commissioner, told reporters on Tuesday.\n"
        "The bridge has been closed since a barge struck it in January.\n"
    )
    result = run(text)
    [quote] = result["quotes"]
    assert quote["type"] == "direct"
    assert words(text, quote) == ["We will reopen the bridge by June"]
    assert quote["speaker"]["name"] == "Marta Kowalczyk"
    assert quote["speaker"]["kind"] == "person"
    assert quote["speaker"]["mention"]["text"].startswith("Marta Kowalczyk")
    assert (quote["cue"]["text"], quote["cue"]["lemma"]) == ("told", "tell")
    assert quote["addressee"]["text"] == "reporters"
    assert (quote["time"]["text"], quote["time"]["value"]) == ("on Tuesday", "2024-03-05")
    # the content holds the words and at most the marks around them, nothing after the closing mark
    start, end = quote["content"]["start"], quote["content"]["end"]
    assert start in (0, len(opening))
    assert text.index(closing, len(opening)) + len(closing) >= end >= text.index(closing, len(opening))


@pytest.mark.parametrize(("opening", "closing"), MARKS)
def test_direct_content_leaves_the_marks_out(opening: str, closing: str) -> None:
    text = f"{opening}We are not going anywhere,{closing} Helen Achterberg said.\n"
    [quote] = run(text)["quotes"]
    assert quote["content"]["text"] == "We are not going anywhere,"


# --- interruptions and continuations ---------------------------------------------------------------


def test_quote_interrupted_by_its_attribution_is_one_quote_with_two_fragments() -> None:
    text = (
        "Olga Brandt has led the housing cooperative since 2019.\n"
        "“The plan is ready,” Brandt said. “All we need now is the money to build it.”\n"
        "The council meets again next week.\n"
    )
    result = run(text)
    [quote] = result["quotes"]
    assert quote["type"] == "direct"
    assert words(text, quote) == ["The plan is ready", "All we need now is the money to build it"]
    assert quote["speaker"]["name"] == "Olga Brandt"
    assert mention(quote) == ("Brandt", *span_of(text, "Brandt", 1))
    assert quote["cue"]["text"] == "said"


def test_quote_interrupted_by_she_said_mid_sentence() -> None:
    text = (
        "Mirela Dragan, a nurse at the county hospital, has worked there for 20 years.\n"
        "“We knew the risks,” she said, “but nobody expected the water to rise so fast.”\n"
    )
    [quote] = run(text)["quotes"]
    assert words(text, quote) == ["We knew the risks", "but nobody expected the water to rise so fast"]
    assert quote["speaker"]["name"] == "Mirela Dragan"
    assert mention(quote) == ("she", *span_of(text, "she"))
    assert "pronoun_gender_mismatch" not in quote["flags"]


def test_quote_continued_in_the_next_paragraph_is_its_own_quote() -> None:
    text = (
        "“We have asked the ministry for help three times,” said Rafael Montoya, the mayor of San Telmo.\n"
        "“Each time we were told to wait for the next budget.”\n"
        "Montoya was elected in 2021.\n"
    )
    result = run(text)
    first = quote_with(result, "We have asked the ministry")
    second = quote_with(result, "Each time we were told")
    assert words(text, first) == ["We have asked the ministry for help three times"]
    assert words(text, second) == ["Each time we were told to wait for the next budget"]
    assert first["speaker"]["name"] == second["speaker"]["name"] == "Rafael Montoya"
    assert second["speaker"]["entity"] == first["speaker"]["entity"]
    assert second["type"] == "direct"
    assert second["speaker"]["mention"] is None
    assert "unattributed" not in second["flags"]
    assert len(result["quotes"]) == 2


@pytest.mark.parametrize(
    ("intro", "cue", "name"),
    [
        ("Senator Maria Lund spoke to farmers in Ames on Saturday. She said:", "said", "Maria Lund"),
        ("The mayor, Tom Reyes, released a statement on Sunday evening:", "released", "Tom Reyes"),
    ],
)
def test_quotation_after_a_paragraph_ending_in_a_colon_is_the_colons_speakers(
    intro: str, cue: str, name: str
) -> None:
    text = f"{intro}\n\n“Our thoughts are with the families of the victims tonight, and with the officers.”\n"
    [quote] = run(text)["quotes"]
    assert words(text, quote) == [
        "Our thoughts are with the families of the victims tonight, and with the officers"
    ]
    assert quote["cue"]["text"] == cue
    assert quote["speaker"]["name"] == name
    assert "unattributed" not in quote["flags"]


def test_news_style_open_quote_continued_after_a_paragraph_break() -> None:
    # The first paragraph's quote has no closing mark: news style for "the quote goes on".
    text = (
        "Rafael Montoya, the mayor of San Telmo, said: “We have asked the ministry for help three times.\n"
        "“Each time we were told to wait for the next budget. We cannot wait any longer.”\n"
    )
    result = run(text)
    first = quote_with(result, "We have asked the ministry")
    second = quote_with(result, "Each time we were told")
    assert first["id"] != second["id"]
    assert words(text, first) == ["We have asked the ministry for help three times"]
    assert words(text, second) == [
        "Each time we were told to wait for the next budget. We cannot wait any longer"
    ]
    assert first["speaker"]["name"] == second["speaker"]["name"] == "Rafael Montoya"
    assert second["speaker"]["mention"] is None
    assert first["content"]["end"] <= text.index("\n")


# --- reported speech -------------------------------------------------------------------------------


def test_reported_speech_said_that_and_comma_said() -> None:
    text = (
        "Dana Whitfield, the head of the nurses' union, said that members would vote on the offer "
        "next week.\n"
        "The strike could last until the end of the month, Whitfield said.\n"
    )
    result = run(text)
    first = quote_with(result, "members would vote")
    second = quote_with(result, "The strike could last")
    assert [first["type"], second["type"]] == ["indirect", "indirect"]
    assert words(text, first) == ["members would vote on the offer next week"]
    assert words(text, second) == ["The strike could last until the end of the month"]
    assert first["speaker"]["name"] == second["speaker"]["name"] == "Dana Whitfield"
    assert first["speaker"]["mention"]["text"].startswith("Dana Whitfield")
    assert mention(second) == ("Whitfield", *span_of(text, "Whitfield", 1))
    assert (second["cue"]["text"], second["cue"]["lemma"]) == ("said", "say")
    assert len(result["quotes"]) == 2


@pytest.mark.parametrize(
    ("text", "content", "name"),
    [
        pytest.param(
            "Prices will keep rising this year, said Greta Lund, an economist at Nordbank.\n",
            "Prices will keep rising this year",
            "Greta Lund",
            id="said-name",
        ),
        pytest.param(
            "A new school will open in the autumn, Mayor Tom Hendry said.\n",
            "A new school will open in the autumn",
            "Tom Hendry",
            id="name-said",
        ),
        pytest.param(
            "Polls open at eight on Sunday.\nVoters are tired of waiting, Greta Lund said.\n",
            "Voters are tired of waiting",
            "Greta Lund",
            id="second-paragraph",
        ),
        pytest.param(
            "The talks collapsed on Friday night, Greta Lund said.\n",
            "The talks collapsed on Friday night",
            "Greta Lund",
            id="first-word-of-article",
        ),
        pytest.param(
            "Voters are tired of waiting, said Greta Lund, a pollster in Malmo.\n",
            "Voters are tired of waiting",
            "Greta Lund",
            id="first-word-of-article-inverted",
        ),
    ],
)
def test_reported_speech_before_its_attribution_keeps_every_word(text: str, content: str, name: str) -> None:
    quote = quote_with(run(text), content.split()[-1])
    assert quote["type"] == "indirect"
    assert words(text, quote) == [content]
    assert quote["speaker"]["name"] == name


def test_report_stops_at_a_dash_that_opens_another_report() -> None:
    text = (
        "Councillor Ann Holt called on the mayor to cut bus fares for students -- a plan the city "
        "treasurer said would cost the council $4 million a year.\n"
        "Holt said the fares -- which rose in May -- hurt families.\n"
    )
    result = run(text)
    first = quote_with(result, "bus fares")
    assert words(text, first) == ["to cut bus fares for students"]
    assert first["speaker"]["name"] == "Ann Holt"
    assert words(text, quote_with(result, "would cost")) == ["would cost the council $4 million a year"]
    # A dash opening an aside with no report of its own stays inside the content.
    assert words(text, quote_with(result, "hurt families")) == [
        "the fares -- which rose in May -- hurt families"
    ]


def test_told_reporters_gives_the_addressee() -> None:
    text = "Finance Minister Pieter de Groot told reporters that the budget would be balanced by 2026.\n"
    [quote] = run(text)["quotes"]
    assert quote["type"] == "indirect"
    assert words(text, quote) == ["the budget would be balanced by 2026"]
    assert quote["speaker"]["name"] == "Pieter de Groot"
    assert (quote["cue"]["text"], quote["cue"]["lemma"]) == ("told", "tell")
    start, end = span_of(text, "reporters")
    assert quote["addressee"] == {"text": "reporters", "start": start, "end": end}


@pytest.mark.parametrize(
    "text",
    [
        "Senator Maria Lund is said to have urged the governor to call a special session.\n",
        "Governor Tom Reyes appeared to suggest that the election had been stolen.\n",
    ],
)
def test_a_raised_subject_is_not_the_speaker(text: str) -> None:
    """ "X is said to ...", "X seemed to imply ...": someone unnamed reports it, not X."""
    [quote] = run(text)["quotes"]
    assert quote["speaker"]["name"] is None and quote["speaker"]["mention"] is None
    assert "unattributed" in quote["flags"]
    plain = text.replace(" is said to have urged", " urged").replace(" appeared to suggest", " suggested")
    [quote] = run(plain)["quotes"]
    assert quote["speaker"]["name"] in ("Maria Lund", "Tom Reyes")


@pytest.mark.parametrize(
    ("text", "content", "name", "kind"),
    [
        pytest.param(
            "Unemployment rose to 7 percent in the last quarter, according to the national statistics "
            "office.\n",
            "Unemployment rose to 7 percent in the last quarter",
            "national statistics office",
            "organization",
            id="after-org",
        ),
        pytest.param(
            "The factory will close in March, according to Lena Marsh, the company's chief executive.\n",
            "The factory will close in March",
            "Lena Marsh",
            "person",
            id="after-person",
        ),
        pytest.param(
            "According to the police, three people were arrested near the stadium.\n",
            "three people were arrested near the stadium",
            "police",
            "organization",
            id="before",
        ),
        pytest.param(
            "Hundreds have crossed the border since March, according to the Polish border guard.\n",
            "Hundreds have crossed the border since March",
            "Polish border guard",
            "organization",
            id="described-organization",
        ),
    ],
)
def test_according_to(text: str, content: str, name: str, kind: str) -> None:
    [quote] = run(text)["quotes"]
    assert quote["type"] == "according_to"
    assert words(text, quote) == [content]
    assert (quote["speaker"]["name"], quote["speaker"]["kind"]) == (name, kind)
    assert quote["cue"]["text"].lower() == "according to"
    assert quote["cue"]["lemma"] == "according to"


def test_mixed_quote_holds_its_quoted_fragment() -> None:
    text = "Senator Carla Mendes said the proposal was “dead on arrival” and would never reach a vote.\n"
    result = run(text)
    [quote] = result["quotes"]  # the quoted words are not a direct quote of their own
    assert quote["type"] == "mixed"
    assert words(text, quote) == ["the proposal was “dead on arrival” and would never reach a vote"]
    assert quote["speaker"]["name"] == "Carla Mendes"
    assert mention(quote) == ("Senator Carla Mendes", 0, 20)


# --- pronouns --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content", "name", "pronoun"),
    [
        pytest.param(
            "Ivan Petrenko returned to his village in March after two years abroad.\n"
            "“Nothing here is the same as it was before the war,” he said.\n",
            "Nothing here is the same as it was before the war",
            "Ivan Petrenko",
            "he",
            id="he-next-paragraph",
        ),
        pytest.param(
            "Deputy Mayor Karin Holt met flood victims on Thursday. She told them that help would arrive "
            "within days.\n",
            "help would arrive within days",
            "Karin Holt",
            "She",
            id="she-next-sentence",
        ),
    ],
)
def test_pronoun_speaker_resolved_to_the_preceding_person(text, content, name, pronoun) -> None:
    [quote] = run(text)["quotes"]
    assert words(text, quote) == [content]
    assert quote["speaker"]["name"] == name
    assert quote["speaker"]["kind"] == "person"
    assert mention(quote) == (pronoun, *span_of(text, pronoun))
    assert "pronoun_gender_mismatch" not in quote["flags"]


def test_pronoun_that_disagrees_with_the_only_candidate_is_flagged() -> None:
    text = (
        "Anna Lindqvist chairs the regional water board.\n"
        "“The reservoirs are at their lowest level in decades,” he said.\n"
    )
    [quote] = run(text)["quotes"]
    assert quote["speaker"]["name"] == "Anna Lindqvist"
    assert quote["flags"] == ["pronoun_gender_mismatch"]


# --- unbalanced marks, headlines, no quotes, other languages ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "“We were promised new schools, said one parent, Amina Yusuf.\n"
            "The council has not responded to requests for comment.\n"
            "“The money was spent somewhere else,” said council member George Hale.\n"
            "Hale added that an audit would begin in May.\n"
            '"Nobody will lose their job," he said.\n',
            id="curly-unclosed-first-paragraph",
        ),
        pytest.param(
            'Officials say the "temporary measures will end soon.\n'
            "The council has not responded to requests for comment.\n"
            "“The money was spent somewhere else,” said council member George Hale.\n"
            "Hale added that an audit would begin in May.\n"
            '"Nobody will lose their job," he said.\n',
            id="straight-unclosed-mid-sentence",
        ),
    ],
)
def test_unbalanced_mark_does_not_swallow_the_rest_of_the_article(text: str) -> None:
    result = run(text)
    first_paragraph_end = text.index("\n")
    for quote in result["quotes"]:
        start, end = quote["content"]["start"], quote["content"]["end"]
        assert "\n" not in text[start:end].strip(), "no quote runs across a paragraph break"
        assert end <= first_paragraph_end or start > first_paragraph_end
    money = quote_with(result, "The money was spent")
    assert words(text, money) == ["The money was spent somewhere else"]
    assert money["type"] == "direct"
    assert money["speaker"]["name"] == "George Hale"
    audit = quote_with(result, "an audit would begin")
    assert (audit["type"], audit["speaker"]["name"]) == ("indirect", "George Hale")
    job = quote_with(result, "Nobody will lose their job")
    assert words(text, job) == ["Nobody will lose their job"]
    assert (job["speaker"]["name"], mention(job)[0]) == ("George Hale", "he")


def test_unclosed_quote_before_its_attribution_is_still_a_quote() -> None:
    text = (
        "“We were promised new schools, said one parent, Amina Yusuf.\n"
        "The council has not responded to requests for comment.\n"
    )
    quote = quote_with(run(text), "We were promised new schools")
    assert words(text, quote) == ["We were promised new schools"]
    assert quote["speaker"]["name"] == "Amina Yusuf"


def test_headline_name_colon_words() -> None:
    text = (
        "Kowalczyk: bridge will reopen in June\n"
        "The city's transport commissioner, Marta Kowalczyk, said on Tuesday that repairs were ahead of "
        "schedule.\n"
    )
    result = run(text)
    headline = quote_with(result, "bridge will reopen")
    assert words(text, headline) == ["bridge will reopen in June"]
    assert headline["type"] == "indirect"
    assert headline["speaker"]["name"] == "Marta Kowalczyk"
    assert mention(headline) == ("Kowalczyk", 0, 9)
    body = quote_with(result, "repairs were ahead of schedule")
    assert body["speaker"]["entity"] == headline["speaker"]["entity"]
    assert len(result["quotes"]) == 2


def test_article_without_quotes_gets_none() -> None:
    text = (
        "Heavy rain flooded dozens of homes in the river valley overnight.\n"
        "Firefighters pumped water from basements until dawn, and the main road between the two villages "
        "remained closed on Sunday.\n"
        "The river rose more than two metres in six hours, the highest level since records began in 1952.\n"
    )
    result = run(text)
    assert result["quotes"] == []
    assert result["warnings"] == []


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The company did not respond to a request for comment.", id="did-not-respond"),
        pytest.param("A spokesman for the ministry declined to comment on Friday.", id="declined"),
        pytest.param("The ministry did not reply to a request for comment.", id="did-not-reply"),
        pytest.param("Insurance claims are expected to run into the millions.", id="are-expected-to"),
        pytest.param("The minister thanked the volunteers for their help.", id="thanked-for"),
        pytest.param("The president has ordered troops to the border.", id="ordered"),
    ],
)
def test_sentences_that_report_no_speech(sentence: str) -> None:
    text = f"Flood waters reached the town centre on Thursday.\n{sentence}\n"
    assert run(text)["quotes"] == []


FOREIGN = (
    "Die Regierung will bis Ende des Jahres einen neuen Gesetzentwurf vorlegen. „Wir wollen eine gerechte "
    "Reform“, sagte der Minister vor den Abgeordneten, die am Donnerstag in Berlin zusammenkamen. "
    '"Das ist ein guter Tag", sagte Anna Schmidt.\n'
)


def test_article_in_another_language_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "bericht.txt"
    path.write_text(FOREIGN, encoding="utf-8")
    [document] = read_file(path)
    [analysis] = analyse_documents([document])
    result = analysis.to_dict()
    check_contract(result)
    assert result["quotes"] == []
    assert [w["code"] for w in result["warnings"]] == ["not_english"]


def test_analyse_warns_about_text_in_another_language() -> None:
    result = run(FOREIGN)
    assert result["quotes"] == []
    assert [w["code"] for w in result["warnings"]] == ["not_english"]


# --- names and cues --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "name"),
    [
        pytest.param("Senator", "Carla Mendes", id="senator"),
        pytest.param("Finance Minister", "Pieter de Groot", id="minister"),
        pytest.param("Councillor", "Brian Oakes", id="councillor"),
        pytest.param("Sheriff", "Dana Whitfield", id="sheriff"),
    ],
)
def test_a_title_before_the_name_is_not_part_of_the_name(title: str, name: str) -> None:
    text = f"{title} {name} said the road was a mistake.\n"
    result = run(text)
    [quote] = result["quotes"]
    assert quote["speaker"]["name"] == name
    assert mention(quote) == (f"{title} {name}", 0, len(title) + 1 + len(name))
    [entity] = [e for e in result["entities"] if e["name"] == name]
    assert title in entity["titles"]


@pytest.mark.parametrize(
    "after",
    [
        pytest.param(".", id="said"),
        pytest.param(" at a rally on Saturday.", id="said-at"),
        pytest.param(" on Saturday.", id="said-on"),
        pytest.param(" of the plan.", id="said-of"),
    ],
)
def test_the_cue_is_the_reporting_verb_alone(after: str) -> None:
    text = f"“We are not going anywhere,” Helen Achterberg said{after}\n"
    [quote] = run(text)["quotes"]
    start = text.index("said")
    assert quote["cue"] == {"text": "said", "lemma": "say", "start": start, "end": start + 4}


@pytest.mark.parametrize(
    ("sentence", "cue", "lemma"),
    [
        pytest.param("The mayor has said that the bridge will reopen in June.", "has said", "say", id="aux"),
        pytest.param(
            "The mayor pointed out that the bridge will reopen in June.", "pointed out", "point", id="prt"
        ),
    ],
)
def test_the_cue_keeps_its_auxiliary_and_particle(sentence: str, cue: str, lemma: str) -> None:
    [quote] = run(sentence + "\n")["quotes"]
    assert (quote["cue"]["text"], quote["cue"]["lemma"]) == (cue, lemma)


def test_a_span_inside_a_hyphenated_word_grows_to_the_whole_word(nlp) -> None:
    doc = nlp("Anti-war protesters in Minsk said the long-awaited talks failed.\n")
    protesters = next(t.i for t in doc if t.text == "protesters")
    assert whole_words(doc[protesters - 1 : protesters + 1]).text == "Anti-war protesters"
    awaited = next(t.i for t in doc if t.text == "awaited")
    assert whole_words(doc[awaited - 2 : awaited - 1]).text == "long-awaited"
    said = next(t.i for t in doc if t.text == "said")
    assert whole_words(doc[said : said + 1]).text == "said"


def test_an_unclosed_quote_runs_on_past_a_said_inside_its_speech() -> None:
    # Only an attribution that ends the paragraph ends an unclosed quote.
    text = (
        "“We will fight on, and as the minister said, we will win this war and our children will live in a"
        " free country, whatever it costs to all of us and to those who come after us.\n"
    )
    [(_, start, end, _)] = quoted_spans(text)
    assert text[start:end] == text[1:].rstrip()


def test_a_speakers_phrase_stays_in_its_paragraph(nlp) -> None:
    """The parse may hang the closing mark of the paragraph before on the name; the mention is the
    name's phrase in its own paragraph."""
    words = ["fine", ".", "”", "\n\n", "Trump", ",", "who", "spoke", ",", "said", "so", "."]
    spaces = [False, False, False, False, False, True, True, False, True, True, False, False]
    heads = [0, 0, 4, 4, 9, 4, 7, 4, 4, 9, 9, 9]
    deps = [
        "ROOT",
        "punct",
        "punct",
        "dep",
        "nsubj",
        "punct",
        "nsubj",
        "relcl",
        "punct",
        "ROOT",
        "advmod",
        "punct",
    ]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps)
    assert _whole_phrase(doc, doc[4:5], doc[4]).text == "Trump, who spoke"
