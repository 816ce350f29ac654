"""How a quote spread: a statement's reports on a time line, each against the likely origin.

The reports come oldest first (statements.link_statements ordered them); the origin is the earliest
dated one. Each later report gets its word differences against the origin's words, and a misquote
mark when it is a quotation whose words differ inside (not only in how much they quote) from the
earliest quotation of the statement: the origin when it is one, else (an origin in the reporter's
words, or one quoting a phrase) the first direct report after it.
"""

from __future__ import annotations

from typing import Any

# quoted_words: the words inside a quotation as statement linking compares them (edge punctuation
# off), so that the page marks what the statement's `differences` record.
from saywho.statements import QuoteRecord, misquotes, quoted_words, word_diff
from saywho.web.markup import diff_pieces


def _words(quote: dict[str, Any]) -> list[str]:
    content = quote["content"]
    record = QuoteRecord("", "", None, quote["type"], content["text"] or "", content["start"], content["end"])
    return quoted_words(record)


def spread(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per report, in the statement's order: {"index", "quote", "date", "origin",
    "misquote", "reference", "pieces"}. `pieces` are the word differences against the origin (None
    for the origin itself, or when the statement has no dated report); `misquote` is True for a
    quotation that misquotes `reference`, the index of the earliest quotation (None if none)."""
    quotes = statement["quotes"]
    origin = statement.get("origin")
    words = [_words(q) for q in quotes]
    direct = [i for i, q in enumerate(quotes) if q["type"] == "direct"]
    reference = direct[0] if origin is not None and direct else None
    entries = []
    for i, quote in enumerate(quotes):
        entry = {"index": i, "quote": quote, "date": quote.get("published"), "origin": i == origin}
        entry["pieces"] = entry["misquote"] = entry["reference"] = None
        if origin is not None and i != origin:
            entry["pieces"] = diff_pieces(word_diff(words[origin], words[i]))
        if reference is not None and i != reference and quote["type"] == "direct":
            entry["misquote"] = misquotes(words[reference], words[i])
            entry["reference"] = reference
        entries.append(entry)
    return entries
