"""Corpus-wide people: spellings and transliterations merge, namesakes and relatives do not."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from saywho.names import clean_name
from saywho.people import (
    SpeakerRecord,
    group_key,
    merge_speakers,
    person_index,
    skeleton,
    speaker_records,
)

FIXTURES = Path(__file__).parent / "fixtures"
RETOLD = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "retold"


def _record(article: str, name: str, kind: str = "PERSON", titles: tuple[str, ...] = ()) -> SpeakerRecord:
    return SpeakerRecord(article, "e1", name, kind, (name,), titles)


def _merged(*records: SpeakerRecord) -> list[set[str]]:
    """The persons as sets of "article:name", for order-free comparison."""
    return sorted(({f"{r.article}:{r.name}" for r in p.records} for p in merge_speakers(records)), key=sorted)


def _pairs() -> list[list[str]]:
    lines = (FIXTURES / "names" / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def test_labelled_pairs_precision(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = _pairs()
    assert len(pairs) >= 150
    outcome = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    wrong = []
    for name_a, type_a, name_b, type_b, label, _kind in pairs:
        persons = merge_speakers([_record("a", name_a, type_a), _record("b", name_b, type_b)])
        merged = len(persons) == 1
        key = ("t" if merged == (label == "same") else "f") + ("p" if merged else "n")
        outcome[key] += 1
        if key == "fp":
            wrong.append(f"{name_a} / {name_b}")
    precision = outcome["tp"] / (outcome["tp"] + outcome["fp"])
    recall = outcome["tp"] / (outcome["tp"] + outcome["fn"])
    with capsys.disabled():
        print(f"\nname pairs: {len(pairs)}, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95, wrong
    assert recall >= 0.85


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tikhanovskaya", "Tikhanovskaïa"),
        ("Zelensky", "Zelenskyy"),
        ("Zelenskiy", "Zelenskyy"),
        ("Lukashenko", "Lukashenka"),
        ("Prokopiev", "Prokopyev"),
        ("Tikhanovskaya", "Tikhanovskaia"),
        ("Boris Jelzin", "Boris Jelzin"),
    ],
)
def test_skeleton_equates_romanisations(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_relatives_and_generations_stay_apart() -> None:
    assert len(_merged(_record("a", "Bill Clinton"), _record("b", "Hillary Clinton"))) == 2
    assert len(_merged(_record("a", "Donald Trump"), _record("b", "Donald Trump Jr."))) == 2
    assert len(_merged(_record("a", "Sergei Tikhanovsky"), _record("b", "Svetlana Tikhanovskaya"))) == 2
    assert len(_merged(_record("a", "Tikhanovsky"), _record("b", "Tikhanovskaya"))) == 2


def test_complete_link_does_not_chain_namesakes() -> None:
    persons = _merged(
        _record("a", "George W. Bush"), _record("b", "George H. W. Bush"), _record("c", "George Bush")
    )
    # "George Bush" fits either; it may join one, never both into one person.
    assert {"a:George W. Bush", "b:George H. W. Bush"} not in [
        p & {"a:George W. Bush", "b:George H. W. Bush"} for p in persons
    ]
    assert len(persons) >= 2


def test_bare_surname_joins_the_one_full_name() -> None:
    persons = _merged(
        _record("a", "Alexander Lukashenko"), _record("b", "Lukashenka"), _record("c", "Lukashenko")
    )
    assert persons == [{"a:Alexander Lukashenko", "b:Lukashenka", "c:Lukashenko"}]


def test_bare_surname_between_namesakes_is_not_guessed() -> None:
    bill = _record("a", "Bill Clinton", titles=("former president",))
    hillary = _record("b", "Hillary Clinton", titles=("secretary of state",))
    bare = _record("c", "Clinton")
    assert {"c:Clinton"} in _merged(bill, hillary, bare)
    # Titles the bare record shares with one of them tell which.
    told = _record("d", "Clinton", titles=("the former President",))
    assert {"a:Bill Clinton", "d:Clinton"} in _merged(bill, hillary, told)


def test_bare_surnames_with_no_full_name_merge_with_each_other() -> None:
    assert _merged(_record("a", "Tikhanovskaya"), _record("b", "Tsikhanouskaya")) == [
        {"a:Tikhanovskaya", "b:Tsikhanouskaya"}
    ]


def test_organisations_merge_on_a_name_groups_never() -> None:
    kremlin = SpeakerRecord("a", "e1", "the Kremlin", "ORG", ("the Kremlin", "Kremlin"))
    assert len(merge_speakers([kremlin, _record("b", "Kremlin", "ORG")])) == 1
    assert (
        len(merge_speakers([_record("a", "protesters", "GROUP"), _record("b", "protesters", "GROUP")])) == 2
    )
    assert len(merge_speakers([_record("a", "Clinton Foundation", "ORG"), _record("b", "Bill Clinton")])) == 2


def test_order_of_records_does_not_matter() -> None:
    records = [
        _record(f"a{i}", name)
        for i, name in enumerate(
            ["Svetlana Tikhanovskaya", "Tichanovskaya", "Sviatlana Tsikhanouskaya", "Sergei Tikhanovsky",
             "Bill Clinton", "Hillary Clinton", "Clinton", "Lukashenko", "Alyaksandr Lukashenka"]
        )
    ]  # fmt: skip
    expected = [(p.id, p.name, [(r.article, r.entity) for r in p.records]) for p in merge_speakers(records)]
    for seed in range(5):
        random.Random(seed).shuffle(records)
        got = [(p.id, p.name, [(r.article, r.entity) for r in p.records]) for p in merge_speakers(records)]
        assert got == expected


def test_person_has_every_spelling_and_a_stable_id() -> None:
    persons = merge_speakers(
        [
            SpeakerRecord("a", "e3", "Svetlana Tikhanovskaya", "PERSON",
                          ("Svetlana Tikhanovskaya", "Tikhanovskaya"), ("opposition leader",)),
            SpeakerRecord("b", "e7", "Sviatlana Tsikhanouskaya", "PERSON", ("Sviatlana Tsikhanouskaya",)),
            SpeakerRecord("c", "e1", "Svetlana Tikhanovskaya", "PERSON", ("Svetlana Tikhanovskaya",)),
        ]
    )  # fmt: skip
    assert len(persons) == 1
    person = persons[0]
    assert person.id == "svetlana-tikhanovskaya"
    assert person.name == "Svetlana Tikhanovskaya"
    assert person.aliases == ["Svetlana Tikhanovskaya", "Sviatlana Tsikhanouskaya", "Tikhanovskaya"]
    assert person.titles == ["opposition leader"]
    assert person_index(persons) == {("a", "e3"): person.id, ("b", "e7"): person.id, ("c", "e1"): person.id}


def test_namesake_ids_are_distinct() -> None:
    ids = [
        p.id
        for p in merge_speakers(
            [_record("a", "Clinton"), _record("b", "Bill Clinton"), _record("c", "Hillary Clinton")]
        )
    ]
    assert len(set(ids)) == 3


def test_gold_spellings_of_the_variants_fixture_merge() -> None:
    gold = json.loads((FIXTURES / "variants" / "variants.gold.json").read_text(encoding="utf-8"))
    records = [
        _record(f"{person['person']}-{i}", spelling)
        for person in gold["people"]
        for i, spelling in enumerate(person["spellings"])
    ]
    persons = merge_speakers(records)
    for person in gold["people"]:
        holders = [p for p in persons if set(person["spellings"]) & set(p.aliases)]
        assert len(holders) == 1 and set(person["spellings"]) <= set(holders[0].aliases), person["person"]


def test_records_and_persons_from_an_analysis() -> None:
    analysed = {
        "document": {"id": "art1"},
        "entities": [
            {"id": "e1", "name": "Vadim Prokopiev", "type": "PERSON",
             "aliases": ["Vadim Prokopiev", "Prokopiev"], "titles": ["restaurateur"]},
            {"id": "e2", "name": "CNN", "type": "ORG", "aliases": ["CNN"], "titles": []},
        ],
        "quotes": [{"speaker": {"name": "a spokesman", "entity": None, "kind": "person"}}],
    }  # fmt: skip
    records = speaker_records(analysed)
    assert [(r.article, r.entity, r.name) for r in records] == [
        ("art1", "e1", "Vadim Prokopiev"),
        ("art1", "e2", "CNN"),
        ("art1", "~a spokesman", "a spokesman"),
    ]
    persons = merge_speakers(records + [_record("art2", "Vadim Prokopyev")])
    assert len(persons) == 3
    index = person_index(persons)
    (vadim,) = [p for p in persons if p.id == index[("art1", "e1")]]
    assert index[("art2", "e1")] == vadim.id
    assert (vadim.name, vadim.type, vadim.titles) == ("Vadim Prokopiev", "PERSON", ["restaurateur"])
    assert sorted(vadim.aliases) == ["Prokopiev", "Vadim Prokopiev", "Vadim Prokopyev"]


# --- romanisations, debris, groups (issue 12) -------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mikhail Gorbachev", "Michail Gorbatschow"),
        ("Gorbachev", "Gorbaczow"),
        ("Gorbatschow", "Gorbaczow"),
        ("Khrushchev", "Chruschtschow"),
        ("Chruszczow", "Nikita Khrushchev"),
        ("Alyaksandr Lukashenka", "Aleksander Łukaszenka"),
        ("Aleksandr Lukashenko", "Alyaksandr Lukashenka"),
        ("Светлана Тихановская", "Svetlana Tikhanovskaya"),
        ("Tsikhanouskaya", "Svetlana Tikhanovskaya"),
        ("Selenskyj", "Zelensky"),
        ("Ted Cruz", "Ted Kruz"),
        ("Gwen Moore", "Gwen Moor"),
        ("De Blasio", "Bill de Blasio"),
    ],
)
def test_romanisations_of_one_name_merge(a: str, b: str) -> None:
    assert len(_merged(_record("a", a), _record("b", b))) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bill Clinton", "Hillary Clinton"),
        ("Svetlana Tikhanovskaya", "Sergei Tikhanovsky"),
        ("Tsikhanouskaya", "Tikhanovsky"),
        ("Светлана Тихановская", "Сергей Тихановский"),
        ("Jane Moore", "Jan Moore"),
        ("Boris Johnson", "Boris Johnston"),
        ("Van Morrison", "Jim Morrison"),
        ("Mike Coffman", "Michael Kofman"),
        ("Jon Cohen", "Jon Kohan"),
    ],
)
def test_relatives_and_near_names_stay_apart(a: str, b: str) -> None:
    assert len(_merged(_record("a", a), _record("b", b))) == 2


@pytest.mark.parametrize(
    ("raw", "places", "name", "kind"),
    [
        ("Details:", set(), "Details", "label"),
        ("Source:", set(), "Source", "label"),
        ("WASHINGTON (AFP) —", set(), "WASHINGTON", "place"),
        ("Kyiv Tsikhanouskaya", set(), "Tsikhanouskaya", None),
        ("Gomel Tsikhanouskaya", {"gomel"}, "Tsikhanouskaya", None),
        ("Restaurateur Vadim Prokopiev", set(), "Vadim Prokopiev", None),
        ("Times Tikhanovskaya", set(), "Tikhanovskaya", None),
        ("Rip Donald Trump", set(), "Donald Trump", None),
        ("Ted Cruz Endorses", set(), "Ted Cruz", None),
        ("Twitter", set(), "Twitter", "outlet"),
        ("Mayor", set(), "Mayor", "title"),
        ("Georgia Smith", {"georgia"}, "Georgia Smith", None),
        ("Lee Harvey Oswald", set(), "Lee Harvey Oswald", None),
    ],
)
def test_names_are_cleaned_of_page_debris(raw: str, places: set[str], name: str, kind: str | None) -> None:
    assert clean_name(raw, places) == (name, kind)


def test_debris_records_become_no_person_or_the_right_one() -> None:
    persons = merge_speakers(
        [
            SpeakerRecord("a", "e1", "Details:", "PERSON", ("Details:",)),
            SpeakerRecord("a", "e2", "Kyiv Tsikhanouskaya", "PERSON", ("Kyiv Tsikhanouskaya",)),
            SpeakerRecord("a", "e3", "WASHINGTON (AFP)", "PERSON", ("WASHINGTON (AFP)",)),
            SpeakerRecord("b", "e1", "Svetlana Tikhanovskaya", "PERSON", ("Svetlana Tikhanovskaya",)),
            SpeakerRecord("b", "e2", "Washington", "GPE", ("Washington",)),
            SpeakerRecord(
                "c", "e1", "Restaurateur Vadim Prokopiev", "ORG", ("Restaurateur Vadim Prokopiev",)
            ),
            SpeakerRecord("d", "e1", "Vadim Prokopyev", "PERSON", ("Vadim Prokopyev",)),
        ]
    )
    names = {p.name: {(r.article, r.entity) for r in p.records} for p in persons}
    assert ("a", "e1") not in person_index(persons)  # a label names nobody
    assert names["Svetlana Tikhanovskaya"] == {("a", "e2"), ("b", "e1")}
    assert {("a", "e3"), ("b", "e2")} in names.values()
    assert (
        next(p.type for p in persons if ("c", "e1") in {(r.article, r.entity) for r in p.records}) == "PERSON"
    )
    assert {("c", "e1"), ("d", "e1")} in names.values()


def test_a_title_alone_is_the_one_holder_of_its_article_or_nobody_elsewhere() -> None:
    persons = merge_speakers(
        [
            SpeakerRecord("a", "e1", "Bill de Blasio", "PERSON", ("Bill de Blasio",), ("Mayor of New York",)),
            SpeakerRecord("a", "e2", "Mayor", "PERSON", ("Mayor",)),
            SpeakerRecord("b", "e1", "Mike Lee", "PERSON", ("Mike Lee",), ("Sen.",)),
            SpeakerRecord("b", "e2", "Ted Cruz", "PERSON", ("Ted Cruz",), ("Senator",)),
            SpeakerRecord("b", "e3", "Senator", "PERSON", ("Senator",)),
            SpeakerRecord("c", "e1", "Senator", "PERSON", ("Senator",)),
        ]
    )
    index = person_index(persons)
    assert index[("a", "e2")] == index[("a", "e1")]
    assert "Mayor" not in next(p.aliases for p in persons if p.id == index[("a", "e1")])
    # Two senators in b: "Senator" is not guessed, and no "Senator" person spans articles.
    assert len({index[("b", "e1")], index[("b", "e2")], index[("b", "e3")], index[("c", "e1")]}) == 4


def test_a_place_named_as_a_persons_surname_is_that_person() -> None:
    persons = _merged(
        SpeakerRecord("a", "e1", "Adam Schiff", "PERSON", ("Adam Schiff", "Schiff")),
        SpeakerRecord("a", "e2", "Schiff", "LOC", ("Schiff",)),
    )
    assert persons == [{"a:Adam Schiff", "a:Schiff"}]


def test_group_descriptions_agree_through_synonyms() -> None:
    assert group_key("Police officials") == group_key("Law enforcement officials")
    assert group_key("Police officials") == group_key("Representatives of police")
    assert group_key("top black lawmakers") == group_key("Black members of Congress")
    assert group_key("Leading African-American congressmen") == group_key("top black lawmakers")
    assert group_key("police officials") != group_key("black lawmakers")


def test_groups_merge_only_within_one_story() -> None:
    story = ["Gwen Moore", "Jim Clyburn", "Donald Trump"]
    others = {
        "c": ["Donald Trump", "Mike Pence"],
        "d": ["Donald Trump"],
        "e": ["Joe Biden"],
        "f": ["Tim Kaine"],
    }
    records = [SpeakerRecord(a, f"e{i}", n, "PERSON", (n,)) for a in "ab" for i, n in enumerate(story)]
    records += [
        SpeakerRecord(a, f"e{i}", n, "PERSON", (n,)) for a, ns in others.items() for i, n in enumerate(ns)
    ]
    described = {"a": "top black lawmakers", "b": "Black members of Congress", "c": "black lawmakers"}
    records += [SpeakerRecord(a, "g1", d, "GROUP", (d,)) for a, d in described.items()]
    groups = [p for p in merge_speakers(records) if p.type == "GROUP"]
    # a and b tell one story (Moore and Clyburn in both); c shares only Trump, who is everywhere.
    assert sorted(sorted(r.article for r in g.records) for g in groups) == [["a", "b"], ["c"]]


def test_the_places_of_a_story_count_as_its_people_do() -> None:
    # A translated copy names one person of the story, and the story's places.
    named = {
        "a": [
            ("Bill de Blasio", "PERSON"),
            ("Hillary Clinton", "PERSON"),
            ("Chelsea", "GPE"),
            ("Minnesota", "GPE"),
        ],
        "b": [
            ("Bill de Blasio", "PERSON"),
            ("Hillary Clinton", "PERSON"),
            ("Chelsea", "GPE"),
            ("Minnesota", "GPE"),
        ],
        "c": [("Hillary Clinton", "PERSON")],
        "d": [("Hillary Clinton", "PERSON")],
        "e": [("Joe Biden", "PERSON")],
        "f": [("Tim Kaine", "PERSON")],
    }
    records = [
        SpeakerRecord(a, f"e{i}", n, t, (n,)) for a, ns in named.items() for i, (n, t) in enumerate(ns)
    ]
    described = {"a": "Police officials", "b": "Representatives of police", "c": "police officials"}
    records += [SpeakerRecord(a, "g1", d, "GROUP", (d,)) for a, d in described.items()]
    groups = [p for p in merge_speakers(records) if p.type == "GROUP"]
    # a and b share de Blasio, Chelsea and Minnesota, each named by few articles; c only Clinton.
    assert sorted(sorted(r.article for r in g.records) for g in groups) == [["a", "b"], ["c"]]


@pytest.mark.skipif(not RETOLD.exists(), reason="../shared/fixtures/retold is not beside this checkout")
def test_retold_fixture_splits_no_named_person() -> None:
    from saywho import analyse_documents
    from saywho.attribution import roles
    from saywho.model import Document
    from saywho.statements import quote_records

    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout")
    paths = sorted(RETOLD.glob("*.txt"))
    documents = [Document(text=p.read_text(encoding="utf-8"), id=p.stem, path=p.name) for p in paths]
    analyses = list(analyse_documents(documents))
    persons = merge_speakers([r for a in analyses for r in speaker_records(a)])
    quotes = [q for a in analyses for q in quote_records(a, person_index(persons))]
    speaking = {q.person for q in quotes}
    speakers = [{"name": p.name, "type": p.type, "aliases": p.aliases} for p in persons if p.id in speaking]
    gold = json.loads((RETOLD / "retold.gold.json").read_text(encoding="utf-8"))
    for person in gold["people"]:
        if "note" in person:
            continue  # a group: whether it is found at all is extraction's part
        spellings = {s.lower() for s in person["spellings"]}
        holders = [s for s in speakers if spellings & {a.lower() for a in [*s["aliases"], s["name"]]}]
        assert len(holders) == 1, (person["person"], [h["name"] for h in holders])
        assert spellings <= {a.lower() for a in holders[0]["aliases"]}, person["person"]
    assert not [s for s in speakers if s["type"] == "PERSON" and clean_name(s["name"])[1] == "label"]
