"""How a quote spread: a statement's reports on a time line, each against the likely origin.

The reports come oldest first (statements.link_statements ordered them); the origin is the earliest
dated one. Each later report gets its word differences against the origin's words and, when both
are quotations whose words differ inside (not only in how much they quote), a misquote mark.
"""

from __future__ import annotations

from typing import Any

from saywho.statements import misquotes, word_diff
from saywho.web.markup import diff_pieces


def _words(quote: dict[str, Any]) -> list[str]:
    return [w for w in (quote["content"]["text"] or "").split() if w.strip("\"“”'‘’«».,;:!?")]


def spread(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per report, in the statement's order: {"index", "quote", "date", "origin",
    "misquote", "pieces"}; `pieces` are the word differences against the origin (None for the
    origin itself, or when the statement has no dated report)."""
    quotes = statement["quotes"]
    origin = statement.get("origin")
    base = _words(quotes[origin]) if origin is not None else None
    entries = []
    for i, quote in enumerate(quotes):
        entry = {"index": i, "quote": quote, "date": quote.get("published"), "origin": i == origin}
        entry["pieces"] = entry["misquote"] = None
        if base is not None and i != origin:
            words = _words(quote)
            entry["pieces"] = diff_pieces(word_diff(base, words))
            direct = quote["type"] == "direct" and quotes[origin]["type"] == "direct"
            entry["misquote"] = direct and misquotes(base, words)
        entries.append(entry)
    return entries
