"""Stored quote rows back into the contract's JSON form, and into flat rows for tables and files."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

# The columns `quote_dict` and `flat_quote` read, in a query joining quotes q and articles a.
QUOTE_SELECT = (
    "q.quote_id, q.type, q.content, q.content_start, q.content_end, q.fragments, "
    "q.speaker_name, q.speaker_entity, q.speaker_kind, q.mention_text, q.mention_start, q.mention_end, "
    "q.cue_text, q.cue_lemma, q.cue_start, q.cue_end, q.addressee_text, q.addressee_start, q.addressee_end, "
    "q.time_text, q.time_start, q.time_end, q.time_value, q.confidence, q.flags, q.person_id, q.date, "
    "a.id AS article_id, a.title, a.outlet, a.published, a.url, a.path"
)
ARTICLE_FIELDS = ("id", "title", "outlet", "published", "url", "path")


def span(text: str | None, start: int | None, end: int | None, **more: Any) -> dict[str, Any] | None:
    return None if text is None else {"text": text, **more, "start": start, "end": end}


def quote_dict(row: sqlite3.Row) -> dict[str, Any]:
    """One quote as CONTRACT.md gives it, with `speaker.person` (the corpus-wide speaker id) and
    `article` ({"id", "title", "outlet", "published", "url", "path"}), and `date` (the day it is
    filed under: its resolved time's first day, else the article's publication day)."""
    cue = span(row["cue_text"], row["cue_start"], row["cue_end"], lemma=row["cue_lemma"])
    time = span(row["time_text"], row["time_start"], row["time_end"])
    if time is not None:
        time["value"] = row["time_value"]
    return {
        "id": row["quote_id"],
        "type": row["type"],
        "content": {
            "text": row["content"],
            "start": row["content_start"],
            "end": row["content_end"],
            "fragments": json.loads(row["fragments"]),
        },
        "speaker": {
            "name": row["speaker_name"],
            "entity": row["speaker_entity"],
            "kind": row["speaker_kind"],
            "mention": span(row["mention_text"], row["mention_start"], row["mention_end"]),
            "person": row["person_id"],
        },
        "cue": cue,
        "addressee": span(row["addressee_text"], row["addressee_start"], row["addressee_end"]),
        "time": time,
        "confidence": row["confidence"],
        "flags": json.loads(row["flags"]),
        "date": row["date"],
        "article": {
            "id": row["article_id"],
            **{k: row[k] for k in ARTICLE_FIELDS[1:]},
        },
    }


def flat_quote(quote: dict[str, Any]) -> dict[str, Any]:
    """A quote of `quote_dict` as a flat row (pandas-friendly: scalars, and the lists `fragments`
    and `flags`)."""
    article, content, speaker = quote["article"], quote["content"], quote["speaker"]
    cue, time = quote["cue"] or {}, quote["time"] or {}
    return {
        "article_id": article["id"],
        "article_title": article["title"],
        "outlet": article["outlet"],
        "published": article["published"],
        "url": article["url"],
        "path": article["path"],
        "quote_id": quote["id"],
        "type": quote["type"],
        "text": content["text"],
        "start": content["start"],
        "end": content["end"],
        "fragments": content["fragments"],
        "speaker_name": speaker["name"],
        "speaker_kind": speaker["kind"],
        "speaker_id": speaker["person"],
        "mention": (speaker["mention"] or {}).get("text"),
        "cue": cue.get("text"),
        "cue_lemma": cue.get("lemma"),
        "addressee": (quote["addressee"] or {}).get("text"),
        "time_text": time.get("text"),
        "time_value": time.get("value"),
        "date": quote["date"],
        "confidence": quote["confidence"],
        "flags": quote["flags"],
    }
