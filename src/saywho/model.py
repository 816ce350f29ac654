"""The analysis as plain dataclasses, and their JSON form (see CONTRACT.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Document:
    """One article as read: `text` is exactly what every offset indexes."""

    text: str
    id: str = "stdin"
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    path: str | None = None
    warnings: list[Warning] = field(default_factory=list)


@dataclass
class Mention:
    text: str
    start: int
    end: int


@dataclass
class Content:
    text: str
    start: int
    end: int
    fragments: list[list[int]]


def quoted_words(text: str, start: int, fragments: list[list[int]] | None) -> str:
    """A content's words alone: its fragments joined by " … ", the attribution that interrupts a
    quote left out. `text` is the content's text, which begins at `start`."""
    return " … ".join(text[s - start : e - start] for s, e in fragments or ()) or text


@dataclass
class Speaker:
    name: str | None = None
    entity: str | None = None
    kind: str = "unknown"  # person | organization | group | unknown
    mention: Mention | None = None


@dataclass
class Cue:
    text: str
    lemma: str
    start: int
    end: int


@dataclass
class Time:
    text: str
    start: int
    end: int
    value: str | None = None


@dataclass
class Quote:
    id: str
    type: str  # direct | indirect | according_to | mixed
    content: Content
    speaker: Speaker = field(default_factory=Speaker)
    cue: Cue | None = None
    addressee: Mention | None = None
    time: Time | None = None
    confidence: float = 0.5
    flags: list[str] = field(default_factory=list)


@dataclass
class Entity:
    id: str
    name: str
    type: str  # PERSON | ORG | GPE | LOC | NORP | GROUP
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    gender: str | None = None
    refers_to: str | None = None
    mentions: list[list[int]] = field(default_factory=list)


@dataclass
class Warning:  # noqa: A001 - the contract's name for a document-level notice
    code: str
    message: str
    start: int | None = None
    end: int | None = None


@dataclass
class Analysis:
    document: Document
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object for one analysed document."""
        doc = asdict(self.document)
        doc.pop("warnings")
        return {
            "document": {k: doc[k] for k in ("id", "title", "published", "outlet", "url", "path", "text")},
            "quotes": [asdict(q) for q in self.quotes],
            "entities": [asdict(e) for e in self.entities],
            "warnings": [asdict(w) for w in self.warnings],
        }
