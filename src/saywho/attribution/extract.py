"""Attributions from role probabilities, quotation marks and the parse.

The role tagger (roles.py) says which tokens are SOURCE, CUE and CONTENT; the parse and the
quotation marks say how they group: content runs snap to the quotations they touch, each content
is paired with the cue that governs it, each cue with its source.
"""

from __future__ import annotations

import bisect
import re

import numpy
from spacy.tokens import Doc, Span, Token

from saywho.attribution import Attribution
from saywho.attribution import roles as R
from saywho.attribution.direct import quoted_spans

SOURCE, CUE, CONTENT = (R.ROLES.index(r) for r in ("SOURCE", "CUE", "CONTENT"))
TELL_LEMMAS = {"tell", "ask", "inform", "assure", "warn", "remind", "urge", "brief"}
# Tokens of a content run at its edges that are not content ("that" starts it in PolNeAR; kept).
MIN_QUOTE_TOKENS = 6  # a shorter quotation with no cue tagged near it is a scare quote or a title
MAX_CUE_DISTANCE = 40
_PARA_START = re.compile(r"(?<=\n)[^\n]")  # tokens between a content and an unlinked cue before we give up


def extract(doc: Doc) -> list[Attribution]:
    quotes = quoted_spans(doc.text)
    probs = R.predict(doc, R.quote_state(doc, quotes))
    if probs is None:
        return []
    labels = probs.argmax(axis=1)
    contents = _snap_to_quotes(doc, _runs(doc, labels, CONTENT), quotes)
    contents += _uncaught_quotes(doc, contents, quotes)
    cues = _runs(doc, labels, CUE)
    sources = _runs(doc, labels, SOURCE)
    for cue, clause, source in _according_to(doc):
        contents = [c for c in contents if not (c.start < clause.end and clause.start < c.end)] + [clause]
        cues = [c for c in cues if not (c.start < cue.end and cue.start < c.end)] + [cue]
        sources = [s for s in sources if not (s.start < source.end and source.start < s.end)] + [source]
    contents.sort(key=lambda c: c.start)
    return _assemble(doc, probs, contents, cues, sources, quotes)


def _according_to(doc: Doc) -> list[tuple[Span, Span, Span]]:
    """(cue, content, source) for each "according to X": the content is the rest of its clause,
    which the tagger often cuts short when the phrase comes last."""
    out = []
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        phrase_end = max(obj.right_edge.i, to.i) + 1
        sent = tok.sent
        before = _trim(doc[sent.start : tok.i])
        after = _trim(doc[phrase_end : sent.end])
        clause = max((x for x in (before, after) if x is not None), key=len, default=None)
        if clause is not None and len(clause) >= 3:
            out.append((doc[tok.i : tok.i + 2], clause, doc[obj.left_edge.i : obj.right_edge.i + 1]))
    return out


def _runs(doc: Doc, labels: numpy.ndarray, role: int) -> list[Span]:
    """Maximal runs of tokens tagged `role` (spaces and edge punctuation not counted)."""
    out, start = [], None
    for i in range(len(doc) + 1):
        inside = i < len(doc) and (labels[i] == role or (start is not None and doc[i].is_space))
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            span = _trim(doc[start:i])
            if span is not None:
                out.append(span)
            start = None
    return out


def _trim(span: Span) -> Span | None:
    s, e = span.start, span.end
    doc = span.doc
    while s < e and (doc[s].is_space or (doc[s].is_punct and not doc[s].is_quote)):
        s += 1
    while e > s and (doc[e - 1].is_space or (doc[e - 1].is_punct and not doc[e - 1].is_quote)):
        e -= 1
    return doc[s:e] if e > s else None


def _char_span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _snap_to_quotes(doc: Doc, runs: list[Span], quotes: list[tuple[int, int, int, int]]) -> list[Span]:
    """A content run that overlaps a quotation is widened to hold all of it: the marks say where
    the words begin and end better than the tagger does."""
    out = []
    for run in runs:
        s, e = run.start_char, run.end_char
        for _, qs, qe, _ in quotes:
            if qs < e and s < qe:
                s, e = min(s, qs), max(e, qe)
        span = _char_span(doc, s, e)
        if span is not None:
            out.append(span)
    # Runs that grew into each other become one.
    out.sort(key=lambda sp: sp.start)
    merged: list[Span] = []
    for span in out:
        if merged and span.start < merged[-1].end:
            merged[-1] = doc[merged[-1].start : max(merged[-1].end, span.end)]
        else:
            merged.append(span)
    return merged


def _uncaught_quotes(doc: Doc, contents: list[Span], quotes) -> list[Span]:
    """Full-sentence quotations the tagger left out are content too (a quote of its own or a
    continuation); short ones are scare quotes."""
    out = []
    for _, qs, qe, _ in quotes:
        if any(c.start_char < qe and qs < c.end_char for c in contents):
            continue
        span = _char_span(doc, qs, qe)
        if (
            span is not None
            and len(span) >= MIN_QUOTE_TOKENS
            and any(t.pos_ in ("VERB", "AUX") for t in span)
        ):
            out.append(span)
    return out


def _paragraph(doc: Doc, i: int) -> int:
    """Paragraph number of token i: blank lines count as one separator."""
    starts = doc.user_data.get("saywho_paragraphs")
    if starts is None:
        starts = doc.user_data["saywho_paragraphs"] = [m.start() for m in _PARA_START.finditer(doc.text)]
    return bisect.bisect_right(starts, doc[i].idx)


def _related(a: Token, span: Span) -> bool:
    """Is token `a` the head of a token in `span`, or a token of `span` an ancestor of `a`?"""
    return any(t.head.i == a.i for t in span) or any(
        anc.i in range(span.start, span.end) for anc in a.ancestors
    )


def _nearest_cue(doc: Doc, content: Span, cues: list[Span]) -> Span | None:
    best, best_key = None, None
    para = _paragraph(doc, content.start)
    for cue in cues:
        if cue.start < content.end and content.start < cue.end:
            continue
        gap = cue.start - content.end if cue.start >= content.end else content.start - cue.end
        if gap > MAX_CUE_DISTANCE or _paragraph(doc, cue.start) != para:
            continue
        key = (not _related(cue.root, content), gap)
        if best_key is None or key < best_key:
            best, best_key = cue, key
    return best


def _subject_of(cue: Token) -> Token | None:
    """The grammatical subject of a cue verb, or of the verb it depends on ("saying" in
    "Putin thanked him, saying ...")."""
    for verb in (cue, cue.head):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass", "agent", "pobj") and child.i != cue.i:
                if child.dep_ == "agent":
                    child = next((c for c in child.children if c.dep_ == "pobj"), child)
                return child
        if cue.dep_ not in ("xcomp", "advcl", "conj", "pcomp"):
            break
    return None


def _source_for(doc: Doc, cue: Span, sources: list[Span]) -> Span | None:
    sent = cue.root.sent
    subject = _subject_of(cue.root)
    candidates = [s for s in sources if s.sent.start == sent.start or abs(s.start - cue.start) < 8]
    if subject is not None:
        for s in candidates:
            if s.start <= subject.i < s.end:
                return s
    if candidates:
        return min(candidates, key=lambda s: abs((s.start + s.end) / 2 - (cue.start + cue.end) / 2))
    if subject is not None and not subject.is_punct:
        return doc[subject.left_edge.i : subject.right_edge.i + 1]
    return None


def _addressee(cue: Span) -> Span | None:
    verb = cue.root
    for child in verb.children:
        if child.dep_ in ("dobj", "dative") and verb.lemma_ in TELL_LEMMAS:
            return cue.doc[child.left_edge.i : child.right_edge.i + 1]
        if child.dep_ == "prep" and child.lower_ == "to" and verb.lemma_ in ("say", "speak", "explain"):
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return cue.doc[obj.left_edge.i : obj.right_edge.i + 1]
    return None


def _type(doc: Doc, content: Span, cue: Span | None, quotes) -> str:
    if cue is not None and cue.text.lower().startswith("according"):
        return "according_to"
    s, e = content.start_char, content.end_char
    quoted = sum(max(0, min(e, qe) - max(s, qs)) for _, qs, qe, _ in quotes)
    if quoted == 0:
        return "indirect"
    return "direct" if quoted >= 0.9 * len(content.text.strip(" \"“”'.,")) else "mixed"


def _keep(doc: Doc, content: Span, probs: numpy.ndarray, quotes) -> bool:
    """Short unquoted runs are tagger noise more often than reported speech."""
    if _overlaps_quote(content, quotes):
        return True
    words = [t for t in content if not (t.is_punct or t.is_space)]
    return len(words) >= 3


def _overlaps_quote(content: Span, quotes) -> bool:
    return any(qs < content.end_char and content.start_char < qe for _, qs, qe, _ in quotes)


def _same_sentence(a: Span, b: Span) -> bool:
    return a.doc[a.start].sent.start == b.doc[b.start].sent.start or a.sent.start == b.sent.start


def _extend(a: Attribution, content: Span) -> None:
    """Join another content run to an attribution: a new fragment where the cue or the source
    stands between them (an interrupted quote), else one continuous span."""
    s, e = content.start_char, content.end_char
    last_s, last_e = a.fragments[-1]
    between = [x for x in (a.cue, a.source) if x is not None and last_e <= x.start_char and x.end_char <= s]
    if between:
        a.fragments.append((s, e))
    else:
        a.fragments[-1] = (last_s, max(last_e, e))


def _continues(doc: Doc, content: Span, last: Attribution | None, quotes) -> bool:
    """A quotation opening the paragraph after an attributed quote continues it."""
    if last is None or not _overlaps_quote(content, quotes):
        return False
    last_para = _paragraph(doc, doc.char_span(*last.fragments[-1], alignment_mode="expand").start)
    return _paragraph(doc, content.start) == last_para + 1


def _assemble(doc, probs, contents, cues, sources, quotes) -> list[Attribution]:
    by_cue: dict[int, Attribution] = {}
    out: list[Attribution] = []
    last: Attribution | None = None
    for content in contents:
        if not _keep(doc, content, probs, quotes):
            continue
        cue = _nearest_cue(doc, content, cues)
        if cue is not None and not (_same_sentence(cue, content) or _overlaps_quote(content, quotes)):
            cue = None
        frag = (content.start_char, content.end_char)
        p_content = float(probs[content.start : content.end, CONTENT].mean())
        if cue is not None and cue.start in by_cue:
            a = by_cue[cue.start]  # more of the same attribution: the far side of its cue, or a piece
            _extend(a, content)
            last = a
            continue
        if cue is None:
            follows = last if _continues(doc, content, last, quotes) else None
            if follows is None and not _overlaps_quote(content, quotes):
                continue  # reported speech needs a cue
            a = Attribution(
                type=_type(doc, content, None, quotes),
                fragments=[frag],
                follows=follows,
                score=p_content * (0.8 if follows else 0.4),
            )
            out.append(a)
            continue
        source = _source_for(doc, cue, sources)
        p_source = float(probs[source.start : source.end, SOURCE].mean()) if source is not None else 0.3
        a = Attribution(
            type=_type(doc, content, cue, quotes),
            fragments=[frag],
            cue=cue,
            source=source,
            addressee=_addressee(cue),
            score=p_content * p_source,
        )
        by_cue[cue.start] = a
        out.append(a)
        last = a
    return out
