"""A quote's fields, defined once: where each stands in the contract's JSON, its column in the
store's `quotes` table, its column in exports, and its label on the web. The store's DDL, insert and
select, the search JSON, the export columns and the pages' labels are all made from QUOTE_FIELDS.

The JSON's key order is model.Quote's (and its parts'), the store's extras (`speaker.person`,
`date`) after the model's fields of their object; so a stored quote has the shape `extract` gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, get_type_hints

from saywho.model import Quote

# Where a field's value comes from: the analysis (model.Quote), the ingest that writes the row
# (`position`, `date`), or the linking that runs after it (`person_id`: columns filled in later come last).
ANALYSIS, INGEST, LINKING = "analysis", "ingest", "linking"


@dataclass(frozen=True)
class QuoteField:
    path: tuple[str, ...]  # where in a quote's JSON: ("speaker", "mention", "start"); () not in it
    column: str  # its column in the store's `quotes` table
    sql: str  # the column's SQL type and constraints
    export: str | None = None  # its column in `export --what quotes` and `search --format csv`
    kind: str = "str"  # the export's type: str, int, float, strs (a list of str), spans
    encoded: bool = False  # a list, stored as JSON text
    source: str = ANALYSIS
    label: str | None = None  # the web's name for the part of a quote this field heads


def _span(name: str, label: str | None = None, export: bool = True, *, path: tuple[str, ...] = ()) -> list:
    """The text, start and end of a span-like part (a mention, an addressee): text exported."""
    where = path or (name,)
    return [
        QuoteField((*where, "text"), f"{name}_text", "TEXT", name if export else None, label=label),
        QuoteField((*where, "start"), f"{name}_start", "INTEGER"),
        QuoteField((*where, "end"), f"{name}_end", "INTEGER"),
    ]


# In the export's order; the store's columns are in this order too, the LINKING ones last.
QUOTE_FIELDS: tuple[QuoteField, ...] = (
    QuoteField(("id",), "quote_id", "TEXT NOT NULL", "quote_id"),
    QuoteField((), "position", "INTEGER NOT NULL", source=INGEST),  # its order in the article
    QuoteField(("type",), "type", "TEXT NOT NULL", "type", label="How"),
    QuoteField(("content", "text"), "content", "TEXT NOT NULL", "text"),
    QuoteField(("content", "start"), "content_start", "INTEGER NOT NULL", "start", "int"),
    QuoteField(("content", "end"), "content_end", "INTEGER NOT NULL", "end", "int"),
    QuoteField(("content", "fragments"), "fragments", "TEXT NOT NULL", "fragments", "spans", encoded=True),
    QuoteField(("speaker", "name"), "speaker_name", "TEXT", "speaker_name", label="Who"),
    QuoteField(("speaker", "entity"), "speaker_entity", "TEXT"),
    QuoteField(("speaker", "kind"), "speaker_kind", "TEXT NOT NULL", "speaker_kind"),
    QuoteField(
        ("speaker", "person"),
        "person_id",
        "INTEGER REFERENCES persons(id) ON DELETE SET NULL",
        "speaker_id",
        "int",
        source=LINKING,
    ),
    *_span("mention", path=("speaker", "mention")),
    QuoteField(("cue", "text"), "cue_text", "TEXT", "cue"),
    QuoteField(("cue", "lemma"), "cue_lemma", "TEXT", "cue_lemma"),
    QuoteField(("cue", "start"), "cue_start", "INTEGER"),
    QuoteField(("cue", "end"), "cue_end", "INTEGER"),
    *_span("addressee", "To whom"),
    QuoteField(("time", "text"), "time_text", "TEXT", "time_text", label="When"),
    QuoteField(("time", "start"), "time_start", "INTEGER"),
    QuoteField(("time", "end"), "time_end", "INTEGER"),
    QuoteField(("time", "value"), "time_value", "TEXT", "time_value"),
    QuoteField(("date",), "date", "TEXT", "date", source=INGEST),
    QuoteField(("confidence",), "confidence", "REAL NOT NULL", "confidence", "float", label="Confidence"),
    QuoteField(("flags",), "flags", "TEXT NOT NULL", "flags", "strs", encoded=True, label="Flags"),
)
# What a quote row says of its article, in the export: column and the article's field.
ARTICLE_EXPORT = (
    ("article_id", "id"),
    ("article_title", "title"),
    ("outlet", "outlet"),
    ("published", "published"),
    ("url", "url"),
    ("path", "path"),
)
ARTICLE_FIELDS = tuple(name for _, name in ARTICLE_EXPORT)
IN_JSON = tuple(f for f in QUOTE_FIELDS if f.path)
# A part of a quote on the web, by its JSON key: "Who", "How", "To whom", ...
LABELS: dict[str, str] = {f.path[0]: f.label for f in IN_JSON if f.label}
UNKNOWN_SPEAKER = "unknown speaker"

STORED = tuple(f for f in QUOTE_FIELDS if f.source != LINKING) + tuple(
    f for f in QUOTE_FIELDS if f.source == LINKING
)


def column_definitions() -> str:
    """The quote columns of the `quotes` table's DDL, one a line, in the table's order."""
    return ",\n".join(f"        {f.column} {f.sql}" for f in STORED)


# Written at ingest: every column but the linking's, after the row's article.
WRITTEN = tuple(f for f in STORED if f.source != LINKING)
# The export's columns and their types (str, int, float, a list of str, a list of spans).
EXPORT_COLUMNS: dict[str, str] = {
    **{column: "str" for column, _ in ARTICLE_EXPORT},
    **{f.export: f.kind for f in QUOTE_FIELDS if f.export},
}


def _value(obj: Any, path: Sequence[str]) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = obj[name] if isinstance(obj, Mapping) else getattr(obj, name)
    return obj


def written_values(quote: Quote, extras: Mapping[str, Any]) -> list[Any]:
    """The WRITTEN columns' values of one analysed quote (lists as JSON text); `extras` gives the
    INGEST fields' values by column."""
    values = []
    for f in WRITTEN:
        value = extras[f.column] if f.source == INGEST else _value(quote, f.path)
        values.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")) if f.encoded else value)
    return values


def _json_order(cls: type, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], list[str]]:
    """Each object's keys in the model's order (model.Quote and the dataclasses it holds)."""
    hints = get_type_hints(cls)
    order = {prefix: [f.name for f in fields(cls)]}
    for f in fields(cls):
        types = getattr(hints[f.name], "__args__", (hints[f.name],))
        inner = next((t for t in types if is_dataclass(t)), None)
        if inner is not None:
            order.update(_json_order(inner, (*prefix, f.name)))
            if type(None) in types:
                OPTIONAL_PARTS.add((*prefix, f.name))
    return order


def _object_order() -> dict[tuple[str, ...], list[str]]:
    order = _json_order(Quote)
    for f in IN_JSON:  # the store's extras after the model's fields of their object
        keys = order.setdefault(f.path[:-1], [])
        if f.path[-1] not in keys:
            keys.append(f.path[-1])
    return order


# The parts of a quote that may be null as a whole (model.Quote's optional parts: a mention, cue,
# addressee, time); stored, a part is null when its text is.
OPTIONAL_PARTS: set[tuple[str, ...]] = set()
ORDER = _object_order()


def _plan(prefix: tuple[str, ...] = ()) -> tuple:
    """How quote_json builds the object at `prefix`: per key, its column and whether it is JSON
    text, or the plan of the object it holds and the column whose null makes that object null."""
    by_path = {f.path: f for f in IN_JSON}
    items = []
    for key in ORDER[prefix]:
        path = (*prefix, key)
        if path in ORDER:
            nulls_with = by_path[(*path, "text")].column if path in OPTIONAL_PARTS else None
            items.append((key, None, False, _plan(path), nulls_with))
        else:
            items.append((key, by_path[path].column, by_path[path].encoded, None, None))
    return tuple(items)


PLAN = _plan()
# Each export column's path in a quote's JSON, split for quick lookups (one export row a quote).
EXPORT_PATHS = tuple((f.export, f.path[0], f.path[1:]) for f in IN_JSON if f.export)


def _build(plan: tuple, values: Mapping[str, Any]) -> dict[str, Any]:
    built = {}
    for key, column, encoded, inner, nulls_with in plan:
        if inner is None:
            built[key] = json.loads(values[column]) if encoded else values[column]
        else:
            built[key] = None if nulls_with and values[nulls_with] is None else _build(inner, values)
    return built


def quote_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """A quote in the contract's JSON form from its columns' values (by column name, lists as
    JSON text), with `speaker.person` and `date`."""
    return _build(PLAN, values)


def flat_quote(quote: Mapping[str, Any]) -> dict[str, Any]:
    """A quote of the search JSON (with `article`) as an export row: the EXPORT_COLUMNS, scalars
    and the lists `fragments` and `flags` (pandas-friendly)."""
    article = quote["article"]
    row = {column: article[name] for column, name in ARTICLE_EXPORT}
    for column, head, rest in EXPORT_PATHS:
        value = quote[head]
        for name in rest:  # through parts that may be null (a quote without a cue: no cue_lemma)
            value = None if value is None else value[name]
        row[column] = value
    return row


def speaker_label(speaker: Any) -> str:
    """Who said it, in words: the resolved name, with the words that named the speaker when they
    are not that name or a part of it ("Vadim Prokopiev (he)", "Vadim Prokopiev"); the mention
    alone when nobody is named; else "unknown speaker". `speaker`: model.Speaker or its JSON."""
    name, mention = _value(speaker, ("name",)), _value(speaker, ("mention", "text"))
    if name and mention:
        named, words = (set(re.findall(r"\w+", s.casefold())) for s in (name, mention))
        if not (named <= words or words <= named):
            return f"{name} ({mention})"
    return name or mention or UNKNOWN_SPEAKER
