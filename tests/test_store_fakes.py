"""What the store, ingest and batch tests share: a stand-in analysis that needs no spaCy (fast, and
importable by worker processes), small corpora written to a folder, and a store's whole contents.

The stand-in finds `“WORDS,” said First Last` and makes a direct quote of WORDS by that person; a
text holding KILL makes the worker analysing it die the first time (a marker file beside the
article remembers it did), KILL_ALWAYS every time.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

import pytest

from saywho.attribution import roles
from saywho.model import Analysis, Content, Cue, Document, Entity, Mention, Quote, Speaker

# The real analysis finds quotes only with extraction's role model, which a checkout may lack.
needs_extraction_model = pytest.mark.skipif(
    not roles.MODEL_PATH.exists(),
    reason="extraction's role model is not in this checkout: no quotes to store",
)

QUOTE = re.compile(r"“([^”]+?),?” (said|says) ([A-Z][\w'-]+(?: [A-Z][\w'-]+)*)")
TABLES = (
    "meta",
    "articles",
    "quotes",
    "persons",
    "person_aliases",
    "article_entities",
    "statements",
    "statement_quotes",
)


def fake_analysis(document: Document) -> Analysis:
    quotes, entities = [], {}
    for n, m in enumerate(QUOTE.finditer(document.text), 1):
        name = m[3]
        entity_id = entities.setdefault(name, f"e{len(entities) + 1}")
        quotes.append(
            Quote(
                id=f"q{n}",
                type="direct",
                content=Content(m[1], m.start(1), m.end(1), [[m.start(1), m.end(1)]]),
                speaker=Speaker(name, entity_id, "person", Mention(name, m.start(3), m.end(3))),
                cue=Cue(m[2], "say", m.start(2), m.end(2)),
                confidence=0.9,
            )
        )
    names = [
        Entity(id=eid, name=name, type="PERSON", aliases=[name, name.split()[-1]], titles=[])
        for name, eid in entities.items()
    ]
    return Analysis(document, quotes, names, list(document.warnings))


def fake_analyse_chunk(documents: list[Document]) -> list[Analysis]:
    """A stand-in for batch.analyse_chunk."""
    for document in documents:
        if "KILL_ALWAYS" in document.text:
            os._exit(1)
        if "KILL" in document.text and document.path:
            marker = Path(document.path + ".died")
            if not marker.exists():
                marker.touch()
                os._exit(1)  # a worker dying mid-chunk, as a crash or the OOM killer would
    return [fake_analysis(d) for d in documents]


def slow_fake_analyse_chunk(documents: list[Document]) -> list[Analysis]:
    """The stand-in, a twentieth of a second per article: an ingest long enough to be killed."""
    time.sleep(0.05 * len(documents))
    return fake_analyse_chunk(documents)


def failing_fake_analyse_chunk(documents: list[Document]) -> list[Analysis]:
    """The stand-in, raising for a text holding FAIL."""
    if any("FAIL" in d.text for d in documents):
        raise ValueError("cannot analyse this")
    return fake_analyse_chunk(documents)


def article_text(n: int, speaker: str = "Ada Lovelace", padding: int = 0) -> str:
    words = " ".join(
        f"It was the {i}th line of the report on story {n}, and there were more." for i in range(padding)
    )
    return (
        f"Story {n} begins.\n\n“The engine number {n} will weave patterns,” said {speaker}. "
        f"“We will meet on day {n},” said Charles Babbage.\n{words}\n"
    )


def write_corpus(folder: Path, count: int, padding: int = 0) -> Path:
    """`count` articles a000.txt, a001.txt ... with two quotes each, in a new folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"a{n:03d}.txt").write_text(article_text(n, padding=padding), encoding="utf-8")
    return folder


def store_contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted (quotes without their internal row id)."""
    conn = sqlite3.connect(path)
    try:
        contents = {}
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            if table == "quotes":
                columns.remove("id")
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            contents[table] = sorted(rows, key=repr)
        return contents
    finally:
        conn.close()
