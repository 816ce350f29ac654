"""saywho's spaCy components used the spaCy way, the pipeline saved and loaded, and the JSON form of
an analysis.

(A text past spaCy's length limit is analysed in tests/test_reading.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
import spacy

import saywho
from saywho import nlp as saywho_nlp
from saywho.components import COMPONENTS
from saywho.model import Quote
from saywho.nlp import PIPELINES

ARTICLE = (
    "Vadim Prokopiev runs a restaurant in Warsaw.\n"
    "“We see a window of opportunity,” Prokopiev told CNN on Monday. “We will not waste it.”\n"
    "“I called on Belarusians to take part in the battle for Ukraine.”\n"
    "Hundreds have crossed the border since March, according to the United Nations refugee agency.\n"
    "Svetlana Tikhanovskaya said that the volunteers were heroes.\n"
)

# The spaCy way, in a fresh interpreter: the test code never imports saywho; spaCy finds the
# factories through the package's entry points.
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
nlp.add_pipe("saywho_lines", before="parser")
for step in ("attributions", "entities", "speakers", "times", "checks"):
    nlp.add_pipe(f"saywho_{step}")
doc = nlp.make_doc(sys.stdin.buffer.read().decode("utf-8"))
doc._.published = "2022-05-20"
doc = nlp(doc)
from dataclasses import asdict

print(json.dumps({
    "imported_first": imported_first,
    "pipe_names": nlp.pipe_names,
    "problems": nlp.analyze_pipes(pretty=False)["problems"],
    "quotes": [asdict(q) for q in doc._.quotes],
    "entities": [asdict(e) for e in doc._.entities],
    "warnings": [asdict(w) for w in doc._.warnings],
}))
"""

# A saved pipeline read back in a fresh interpreter, as a Dask worker or another program would.
LOADED = r"""
import json, sys
from dataclasses import asdict
import spacy

nlp = spacy.load(sys.argv[1])
docs = []
for text in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    doc = nlp.make_doc(text)
    doc._.published = "2022-05-20"
    docs.append(doc)
print(json.dumps({
    "pipe_names": nlp.pipe_names,
    "quotes": [[asdict(q) for q in doc._.quotes] for doc in nlp.pipe(docs)],
}))
"""

TEXTS = [
    ARTICLE,
    "“The plan is ready,” Olga Brandt said. “All we need is the money.”\n",
    "Heavy rain flooded dozens of homes overnight.\n",
]

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


def run_python(script: str, args: list[str], stdin: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], input=stdin.encode("utf-8"), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def spacy_way() -> dict:
    return run_python(SPACY_WAY, pipeline_names(), ARTICLE)


def made(nlp, text: str, published: str | None = "2022-05-20"):
    doc = nlp.make_doc(text)
    doc._.published = published
    return doc


def test_add_pipe_finds_each_factory_through_the_entry_points(spacy_way: dict) -> None:
    assert spacy_way["imported_first"] is False
    assert spacy_way["pipe_names"][-len(COMPONENTS) :] == list(COMPONENTS)
    assert {"parser", "ner"} <= set(spacy_way["pipe_names"])
    assert all(not problems for problems in spacy_way["problems"].values()), spacy_way["problems"]


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
    assert (window["time"]["text"], window["time"]["value"]) == ("on Monday", "2022-05-16")
    assert quotes[1]["speaker"]["mention"] is None  # the continuation
    entities = {e["name"]: e for e in spacy_way["entities"]}
    assert entities["Vadim Prokopiev"]["type"] == "PERSON"
    assert entities["Vadim Prokopiev"]["id"] == window["speaker"]["entity"]
    assert entities["Svetlana Tikhanovskaya"]["gender"] == "female"
    assert spacy_way["warnings"] == []


def test_analyse_returns_the_components_quotes(spacy_way: dict) -> None:
    analysis = saywho.analyse(ARTICLE, published="2022-05-20")
    assert [asdict(q) for q in analysis.quotes] == spacy_way["quotes"]
    assert [asdict(e) for e in analysis.entities] == spacy_way["entities"]


def test_each_step_leaves_its_result_on_the_doc(nlp) -> None:
    doc = nlp(made(nlp, ARTICLE))
    assert nlp.pipe_names[-len(COMPONENTS) :] == list(COMPONENTS)
    assert len(doc._.attributions) == len(doc._.quotes) == 4
    assert [a.start for a in doc._.attributions] == [q.content.start for q in doc._.quotes]
    assert {q.speaker.entity for q in doc._.quotes} <= {e.id for e in doc._.entities}


def test_analyze_pipes_sees_a_step_placed_before_what_it_requires() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("saywho_speakers")  # needs doc._.attributions and doc._.entities, not yet assigned
    nlp.add_pipe("saywho_attributions")
    problems = nlp.analyze_pipes(pretty=False)["problems"]
    assert set(problems["saywho_speakers"]) == {"doc._.attributions", "doc._.entities"}
    with pytest.raises(ValueError, match=r"saywho_speakers needs doc\._\.attributions"):
        nlp("Ann Lee said the plan failed.")


def test_nlp_pipe_matches_analyse(nlp) -> None:
    docs = list(nlp.pipe(made(nlp, text) for text in TEXTS))
    for text, doc in zip(TEXTS, docs, strict=True):
        assert doc.text == text
        assert all(isinstance(q, Quote) for q in doc._.quotes)
        assert doc._.quotes == saywho.analyse(text, published="2022-05-20").quotes
    assert [len(doc._.quotes) for doc in docs] == [4, 1, 0]


def test_times_resolve_against_doc_published(nlp) -> None:
    window = nlp(made(nlp, ARTICLE))._.quotes[0]
    assert (window.time.text, window.time.value) == ("on Monday", "2022-05-16")
    # without a date a relative time stays unresolved
    assert nlp(made(nlp, ARTICLE, published=None))._.quotes[0].time.value is None
    assert nlp(ARTICLE)._.quotes[0].time.value is None


def test_a_long_text_goes_through_saywhos_components_after_its_pieces_are_joined(
    nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saywho_nlp, "CHUNK_CHARS", 120)  # ARTICLE in four pieces
    [doc] = saywho_nlp.analyse(nlp, [(ARTICLE, {"published": "2022-05-20"})])
    assert doc.text == ARTICLE
    assert doc.tensor.size == 0  # the pieces' tok2vec tensors were dropped (BENCHMARKS.md "Long articles")
    assert doc._.published == "2022-05-20"
    assert doc._.quotes and doc._.quotes[0].time.value == "2022-05-16"
    assert [q.speaker.name for q in doc._.quotes][-1] == "Svetlana Tikhanovskaya"


def test_the_saved_pipeline_gives_the_same_analysis_in_a_fresh_process(nlp, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    saved = sorted(p.name for p in (tmp_path / "pipeline" / "saywho_attributions").iterdir())
    assert saved == ["confidence.json", "keep.json", "roles.bin", "sources.json"]
    loaded = run_python(LOADED, [str(tmp_path / "pipeline")], json.dumps(TEXTS))
    assert loaded["pipe_names"] == nlp.pipe_names
    here = [[asdict(q) for q in doc._.quotes] for doc in nlp.pipe(made(nlp, text) for text in TEXTS)]
    assert loaded["quotes"] == here


def test_a_saved_pipeline_reads_its_own_models(nlp, tmp_path: Path) -> None:
    """The models come from the saved folder, not from the package: a flat calibration table
    saved with the pipeline gives every quote its one confidence."""
    folder = tmp_path / "pipeline"
    nlp.to_disk(folder)
    flat = {"scores": [0.0, 1.0], "right": [0.25, 0.25], "counts": [1, 1], "source": "test"}
    (folder / "saywho_attributions" / "confidence.json").write_text(json.dumps(flat), encoding="utf-8")
    quotes = spacy.load(folder)(made(nlp, ARTICLE))._.quotes
    assert len(quotes) == 4 and {q.confidence for q in quotes} == {0.25}
    assert {q.confidence for q in nlp(made(nlp, ARTICLE))._.quotes} != {0.25}


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
