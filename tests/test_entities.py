"""The entities of an article: grouping, canonical names, titles, gender, metonyms, source entities."""

from __future__ import annotations

import pytest

import saywho
from saywho.entities import find_entities, first_names, metonyms
from saywho.mentions import source_head
from test_speakers import attribution, seed_attributions


@pytest.fixture(scope="module")
def seed(seed_doc, seed_gold):
    entities = find_entities(seed_doc, seed_attributions(seed_doc, seed_gold))
    return seed_doc, {e.name: e for e in entities}, entities


def test_seed_people_full_names_aliases_titles_gender(seed):
    _, by_name, _ = seed
    expected = {
        "Vladimir Putin": ("Russian President", "male", {"Vladimir Putin", "Putin"}),
        "Alexander Lukashenko": ("Belarussian President", "male", {"Alexander Lukashenko", "Lukashenko"}),
        "Vadim Prokopiev": ("dissidents and restaurateur", "male", {"Vadim Prokopiev", "Prokopiev"}),
        "Svetlana Tikhanovskaya": (
            "Belarussian opposition leader",
            "female",
            {"Svetlana Tikhanovskaya", "Tikhanovskaya"},
        ),
    }
    for name, (title, gender, aliases) in expected.items():
        person = by_name[name]
        assert person.type == "PERSON", name
        assert person.titles[0] == title
        assert person.gender == gender
        assert set(person.aliases) == aliases  # "Putin’s" gives "Putin", possessive stripped


def test_seed_mentions_include_names_ner_missed(seed):
    doc, by_name, _ = seed
    prokopiev = by_name["Vadim Prokopiev"]
    # NER labels only the first (as ORG); the source "Prokopiev" and later bare uses are found too
    assert prokopiev.mentions[:2] == [[392, 407], [443, 452]]
    assert all(doc.text[s:e] in ("Vadim Prokopiev", "Prokopiev") for s, e in prokopiev.mentions)
    assert len(prokopiev.mentions) == 5
    assert [doc.text[s:e] for s, e in by_name["Vladimir Putin"].mentions].count("Putin") == 5


def test_seed_metonyms(seed):
    _, by_name, entities = seed
    by_id = {e.id: e for e in entities}
    assert by_id[by_name["Moscow"].refers_to].name == "Russia"
    assert by_id[by_name["the Kremlin"].refers_to].name == "Russia"
    assert by_id[by_name["Minsk"].refers_to].name == "Belarus"
    assert by_id[by_name["Kyiv"].refers_to].name == "Ukraine"
    assert by_name["Minsk"].type == "GPE"  # NER says ORG every time
    assert by_name["the Kremlin"].type == "ORG"
    assert by_name["Belarus"].type == "GPE"
    assert by_name["Belarus"].refers_to is None


def test_seed_source_entities(seed):
    _, by_name, _ = seed
    assert by_name["Ukrainian army"].type == "ORG"
    assert by_name["Belgian state news agency"].type == "ORG"
    assert by_name["Prospective volunteer fighters"].type == "GROUP"
    assert by_name["Belarus’s resistance"].type == "GROUP"
    assert by_name["NATO"].type == "ORG"
    assert "information gathered by NATO surveillance aircraft" not in by_name


def test_seed_ids_in_order_of_first_mention(seed):
    _, _, entities = seed
    assert [e.id for e in entities] == [f"e{i}" for i in range(1, len(entities) + 1)]
    firsts = [e.mentions[0][0] for e in entities if e.mentions]
    assert firsts == sorted(firsts)
    names = [e.name for e in entities]
    assert names.index("Prospective volunteer fighters") < names.index("Vladimir Putin")
    assert names.index("Vladimir Putin") < names.index("Vadim Prokopiev")


def test_a_state_only_named_through_its_metonym_is_created(parsed):
    doc = parsed("The Kremlin denied the report. Officials in Washington and at the White House disagreed.")
    entities = find_entities(doc, [])
    by_id = {e.id: e for e in entities}
    by_name = {e.name: e for e in entities}
    russia = by_id[by_name["the Kremlin"].refers_to]
    assert (russia.name, russia.type, russia.mentions) == ("Russia", "GPE", [])
    assert by_id[by_name["Washington"].refers_to].name == "United States"
    assert by_name["Washington"].refers_to == by_name["the White House"].refers_to
    assert entities.index(russia) == entities.index(by_name["the Kremlin"]) + 1


def test_state_spellings_are_one_entity(parsed):
    doc = parsed("The United States imposed sanctions. U.S. officials said more would follow.")
    states = [e for e in find_entities(doc, []) if e.name == "United States"]
    assert len(states) == 1
    assert len(states[0].mentions) == 2


def test_apposition_and_title_before_the_name(parsed):
    doc = parsed(
        "John Smith, the mayor of Springfield, said the plan would fail. Former Senator Ann Lee agreed."
    )
    by_name = {e.name: e for e in find_entities(doc, [])}
    assert by_name["John Smith"].titles == ["mayor of Springfield"]
    assert by_name["Ann Lee"].titles == ["Former Senator"]


def test_gender_from_a_pronoun_when_the_name_is_not_listed(parsed):
    assert "zorblat" not in first_names()
    doc = parsed("Zorblat Quenn arrived late. He said the roads were closed.")
    person = next(e for e in find_entities(doc, []) if e.name == "Zorblat Quenn")
    assert person.gender == "male"


def test_honorific_gives_gender_and_is_not_part_of_the_name(parsed):
    doc = parsed("Mrs. Quenn arrived late. Later Quenn left.")
    person = next(e for e in find_entities(doc, []) if "Quenn" in e.name)
    assert person.name == "Quenn" and person.gender == "female" and person.titles == []


def test_source_head(parsed):
    doc = parsed("Belarus’s resistance, broken and weak by the 2020 crackdown, has said so.")
    head = source_head(doc.char_span(0, 60))
    assert (head.span.text, head.kind, head.type) == ("Belarus’s resistance", "description", "GROUP")
    doc = parsed("It grew, according to information gathered by NATO surveillance aircraft.")
    start, end = doc.text.index("information"), len(doc.text) - 1
    head = source_head(doc.char_span(start, end))
    assert (head.span.text, head.kind) == ("NATO", "name")


def test_a_source_name_ner_mislabels_is_typed_by_the_first_name_list(parsed):
    doc = parsed("They are led by dissidents and restaurateur Vadim Prokopiev. It works, Prokopiev said.")
    attributions = [attribution(doc, "It works", "Prokopiev", 1, type="indirect")]
    person = next(e for e in find_entities(doc, attributions) if e.name == "Vadim Prokopiev")
    assert person.type == "PERSON"
    assert person.aliases == ["Vadim Prokopiev", "Prokopiev"]


def test_data_tables_load():
    assert first_names()["svetlana"] == "female"
    assert first_names()["vadim"] == "male"
    assert "taylor" not in first_names()  # on both lists: says nothing
    assert metonyms()["kremlin"].state == "Russia"
    assert len(metonyms()) >= 30


def test_non_latin_names(parsed):
    doc = parsed("Владимир Зеленский met 习近平 in Kyiv. عبد الله said nothing.")
    entities = find_entities(doc, [])
    assert "Владимир Зеленский" in [e.name for e in entities]


def test_a_speaker_ner_calls_an_organisation_is_a_person_by_its_title(parsed):
    text = "They are led by dissident and restaurateur Prokopiev. “We see a window,” Prokopiev told CNN."
    doc = parsed(text)
    assert [e.label_ for e in doc.ents if "Prokopiev" in e.text][0] == "ORG"  # what the test is about
    entities = find_entities(doc, [attribution(doc, "We see a window,", "Prokopiev", 1)])
    person = next(e for e in entities if "Prokopiev" in e.name)
    assert (person.name, person.type) == ("Prokopiev", "PERSON")
    assert person.titles == ["dissident and restaurateur"]
    assert len(person.mentions) == 2


@pytest.mark.parametrize("text", ["", "\n\n", "no names here at all."])
def test_articles_without_names(parsed, text):
    doc = parsed(text)
    assert find_entities(doc, []) == []


def test_a_name_the_tagger_took_for_a_noun_is_still_a_name(nlp):
    from spacy.tokens import Doc

    words = ["Donald", "Trump", "spoke", ".", "Trump", "responded", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        pos=["PROPN", "PROPN", "VERB", "PUNCT", "NOUN", "VERB", "PUNCT"],
        ents=["B-PERSON", "I-PERSON", "O", "O", "O", "O", "O"],
    )
    head = source_head(doc[4:5])
    assert (head.span.text, head.kind) == ("Trump", "name")
    assert source_head(doc[2:3]).kind == "description"  # a word no name ends with


def test_a_nations_definite_institution_is_an_organisation() -> None:
    [quote] = saywho.analyse("The Dutch coastguard said the ship had sunk.\n").to_dict()["quotes"]
    assert (quote["speaker"]["name"], quote["speaker"]["kind"]) == ("Dutch coastguard", "organization")


def test_a_nations_official_is_no_organisation() -> None:
    [quote] = saywho.analyse("The Polish president said the border would stay open.\n").to_dict()["quotes"]
    assert quote["speaker"]["kind"] != "organization"


def test_a_surname_ner_took_for_a_place_is_the_person(parsed) -> None:
    doc = parsed(
        "The leading Democrat Adam Schiff called on Barack Obama to answer Russia.\n\n"
        "According to Schiff, the aim of this interference is to sow discord in the USA."
    )
    assert ("Schiff", "LOC") in {(e.text, e.label_) for e in doc.ents}  # the misreading this is about
    schiff = [e for e in find_entities(doc, []) if "Schiff" in e.aliases]
    assert [(e.name, e.type) for e in schiff] == [("Adam Schiff", "PERSON")]


def test_a_byline_or_credit_names_no_entity() -> None:
    analysis = saywho.analyse(
        "By Anna Lee, CNN\n\n"
        "“We will appeal,” Maria Lopez said on Monday.\n\n"
        "--additional reporting from Darren Samuelsohn."
    )
    names = {e.name for e in analysis.entities}
    assert "Maria Lopez" in names
    assert not names & {"Anna Lee", "Darren Samuelsohn", "CNN"}
