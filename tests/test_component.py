"""The saywho spaCy component used the spaCy way, and the JSON form of an analysis.

(A text past spaCy's length limit is analysed in tests/test_reading.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict

import pytest

import saywho
from saywho.model import Quote
from saywho.nlp import PIPELINES, load_pipeline

ARTICLE = (
    "Vadim Prokopiev runs a restaurant in Warsaw.\n"
    "“We see a window of opportunity,” Prokopiev told CNN on Monday. “We will not waste it.”\n"
    "“I called on Belarusians to take part in the battle for Ukraine.”\n"
    "Hundreds have crossed the border since March, according to the United Nations refugee agency.\n"
    "Svetlana Tikhanovskaya said that the volunteers were heroes.\n"
)

# The spaCy way, in a fresh interpreter: the test code never imports saywho; spaCy finds the
# factory through the package's entry point.
SPACY_WAY = r"""
import json, sys
import spacy

imported_first = "saywho" in sys.modules
for name in sys.argv[1:]:
    try:
        nlp = spacy.load(name)
        break
    except OSError:
        continue
nlp.add_pipe("saywho")
doc = nlp(sys.stdin.buffer.read().decode("utf-8"))
from dataclasses import asdict

print(json.dumps({
    "imported_first": imported_first,
    "pipe_names": nlp.pipe_names,
    "quotes": [asdict(q) for q in doc._.quotes],
    "entities": [asdict(e) for e in doc._.entities],
    "warnings": [asdict(w) for w in doc._.warnings],
}))
"""

KEYS = {
    "top": {"document", "quotes", "entities", "warnings"},
    "document": {"id", "title", "published", "outlet", "url", "path", "text"},
    "quote": {"id", "type", "content", "speaker", "cue", "addressee", "time", "confidence", "flags"},
    "content": {"text", "start", "end", "fragments"},
    "speaker": {"name", "entity", "kind", "mention"},
    "mention": {"text", "start", "end"},
    "cue": {"text", "lemma", "start", "end"},
    "addressee": {"text", "start", "end"},
    "time": {"text", "start", "end", "value"},
    "entity": {"id", "name", "type", "aliases", "titles", "gender", "refers_to", "mentions"},
    "warning": {"code", "message", "start", "end"},
}


def pipeline_names() -> list[str]:
    chosen = os.environ.get("SAYWHO_PIPELINE")
    return [chosen] if chosen else list(PIPELINES)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def spacy_way() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SPACY_WAY, *pipeline_names()],
        input=ARTICLE.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return json.loads(done.stdout)


def test_add_pipe_finds_the_factory_through_the_entry_point(spacy_way: dict) -> None:
    assert spacy_way["imported_first"] is False
    assert spacy_way["pipe_names"][-1] == "saywho"
    assert {"parser", "ner"} <= set(spacy_way["pipe_names"])


def test_results_on_doc_extensions(spacy_way: dict) -> None:
    quotes = spacy_way["quotes"]
    speakers = [q["speaker"]["name"] for q in quotes]
    assert speakers == [
        "Vadim Prokopiev",
        "Vadim Prokopiev",
        "United Nations refugee agency",
        "Svetlana Tikhanovskaya",
    ]
    assert [q["type"] for q in quotes] == ["direct", "direct", "according_to", "indirect"]
    window = quotes[0]
    assert len(window["content"]["fragments"]) == 2
    assert window["addressee"]["text"] == "CNN"
    assert window["time"]["text"] == "on Monday"
    assert quotes[1]["speaker"]["mention"] is None  # the continuation
    entities = {e["name"]: e for e in spacy_way["entities"]}
    assert entities["Vadim Prokopiev"]["type"] == "PERSON"
    assert entities["Vadim Prokopiev"]["id"] == window["speaker"]["entity"]
    assert entities["Svetlana Tikhanovskaya"]["gender"] == "female"
    assert spacy_way["warnings"] == []


def test_analyse_returns_the_components_quotes(spacy_way: dict) -> None:
    analysis = saywho.analyse(ARTICLE)
    assert [asdict(q) for q in analysis.quotes] == spacy_way["quotes"]
    assert [asdict(e) for e in analysis.entities] == spacy_way["entities"]


def test_component_in_nlp_pipe_matches_analyse(nlp) -> None:
    texts = [
        ARTICLE,
        "“The plan is ready,” Olga Brandt said. “All we need is the money.”\n",
        "Heavy rain flooded dozens of homes overnight.\n",
    ]
    docs = list(nlp.pipe(texts))
    assert nlp.pipe_names[-1] == "saywho"
    for text, doc in zip(texts, docs, strict=True):
        assert doc.text == text
        assert all(isinstance(q, Quote) for q in doc._.quotes)
        assert doc._.quotes == saywho.analyse(text).quotes
    assert [len(doc._.quotes) for doc in docs] == [4, 1, 0]


def test_component_resolves_times_against_doc_published(nlp) -> None:
    doc = nlp.make_doc(ARTICLE)
    doc._.published = "2022-05-20"
    for _, component in nlp.pipeline:
        doc = component(doc)
    window = doc._.quotes[0]
    assert (window.time.text, window.time.value) == ("on Monday", "2022-05-16")
    assert saywho.analyse(ARTICLE, "2022-05-20").quotes == doc._.quotes
    # without a date a relative time stays unresolved
    assert nlp(ARTICLE)._.quotes[0].time.value is None


def test_analysis_json_has_exactly_the_contracts_keys() -> None:
    text = ARTICLE + "The agency said . . the crossings continued.\n"  # punctuation debris: a warning
    result = json.loads(json.dumps(saywho.analyse(text, "2022-05-20").to_dict()))
    assert set(result) == KEYS["top"]
    assert set(result["document"]) == KEYS["document"]
    assert result["document"]["text"] == text
    assert result["document"]["published"] == "2022-05-20"
    assert result["quotes"] and result["entities"] and result["warnings"]
    seen = set()
    for quote in result["quotes"]:
        assert set(quote) == KEYS["quote"]
        assert set(quote["content"]) == KEYS["content"]
        assert set(quote["speaker"]) == KEYS["speaker"]
        for key, value in (*quote.items(), ("mention", quote["speaker"]["mention"])):
            if key in ("cue", "addressee", "time", "mention") and value is not None:
                assert set(value) == KEYS[key], key
                seen.add(key)
        assert all(isinstance(f, list) and len(f) == 2 for f in quote["content"]["fragments"])
        assert isinstance(quote["confidence"], float) and isinstance(quote["flags"], list)
    assert seen == {"cue", "addressee", "time", "mention"}  # every optional object was checked once
    for entity in result["entities"]:
        assert set(entity) == KEYS["entity"]
    for warning in result["warnings"]:
        assert set(warning) == KEYS["warning"]
    assert [w["code"] for w in result["warnings"]] == ["garbled_punctuation"]
