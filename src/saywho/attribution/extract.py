"""Attributions from role probabilities, quotation marks and the parse.

The role tagger (roles.py) says which tokens are SOURCE, CUE and CONTENT; the parse and the
quotation marks say how they group: content runs snap to the quotations they touch, each content
is paired with the cue that governs it, each cue with its source.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

import numpy
from spacy.attrs import IS_SPACE
from spacy.tokens import Doc, Span, Token
from thinc.api import Model

from saywho.attribution import Attribution, keep
from saywho.attribution import roles as R
from saywho.attribution import sources as S
from saywho.attribution.cues import according_to, colon_lines, inverted_lines, signature_lines
from saywho.attribution.direct import strip_marks
from saywho.attribution.layout import Intervals, SpanIndex, char_bounds, char_span, trim, whole_words
from saywho.attribution.learned import AttributionModels
from saywho.facts import paragraph, quotations, same_sentence, sentence, sentence_bounds

SOURCE, CUE, CONTENT = (R.ROLES.index(r) for r in ("SOURCE", "CUE", "CONTENT"))
TELL_LEMMAS = {"tell", "ask", "inform", "assure", "warn", "remind", "urge", "brief"}
MIN_QUOTE_TOKENS = 6  # a shorter quotation with no cue tagged near it is a scare quote or a title
MIN_WORDS = 3  # shorter unquoted runs are tagger noise more often than reported speech
MAX_SOURCE_TOKENS = 16  # a subject phrase longer than this is more than a name and its description
MAX_CUE_DISTANCE = 40  # tokens between a content and its cue, at most
DASHES = frozenset({"--", "—", "–"})  # a dash may open an aside, or another report
# Dependents of a cue verb that hold what was said.
CLAUSE_DEPS = {"ccomp", "xcomp", "dobj", "parataxis", "advcl", "attr", "oprd", "prep", "acomp"}
SNAP_THRESHOLD = 0.4  # tokens the tagger gives at least this CONTENT probability pull a clause in
RULE_CONFIDENCE = 0.8  # "according to X" and "Name: ..." lines, which the tagger does not score
# Below this probability (keep.py's model) a candidate is left out: chosen on the held-out tenth of
# PolNeAR train, where F1 is flat from 0.3 to 0.5 (BENCHMARKS.md).
MIN_CONFIDENCE = 0.4
# A phrase after a verb not of saying needs this much: PolNeAR's beliefs and stances ("backed the
# deal") are right by its gold, not by the contract's "what was said" (BENCHMARKS.md).
NOT_SPEECH_FLOOR = 0.8
RAISING_LEMMAS = {"seem", "appear"}
ORPHAN_MIN = 0.3  # mean CONTENT probability a cue's clause needs when the tagger found no run


def role_probabilities(doc: Doc, tagger: Model | None) -> numpy.ndarray | None:
    """The tagger's role probabilities for the Doc, quotation marks marked (roles.predict)."""
    return R.predict(doc, R.quote_state(doc, quotations(doc)), tagger)


def source_runs(doc: Doc, probs: numpy.ndarray) -> list[Span]:
    """The runs of tokens the tagger takes for a SOURCE: the mentions sources.py chooses among."""
    return _runs(doc, probs.argmax(axis=1), SOURCE)


def candidates(doc: Doc, models: AttributionModels) -> list[Attribution]:
    """Every attribution the assembly proposes, with the signs keep.py weighs: the tagger and the
    source model are those of `models` (training gives each article a tagger that did not learn
    from it, and leaves the source model out to learn it)."""
    found_quotes = quotations(doc)  # found once per Doc (facts), as entities and speakers read them
    probs = R.predict(doc, R.quote_state(doc, found_quotes), models.tagger)
    if probs is None:
        return []
    # Every lookup by position below goes through an index (cost linear in the article's length).
    quotes = SpanIndex(found_quotes, _quote_bounds)
    labels = probs.argmax(axis=1)
    contents = _snap_to_quotes(doc, _runs(doc, labels, CONTENT), found_quotes)
    contents += _uncaught_quotes(doc, contents, found_quotes)
    rules = according_to(doc) + colon_lines(doc) + signature_lines(doc) + inverted_lines(doc)
    ruled = {cue.start: source for cue, _, source in rules}  # cue start -> the source the rule found
    contents = _after_rules(contents, [clause for _, clause, _ in rules])
    cues = SpanIndex(_after_rules(_runs(doc, labels, CUE), [cue for cue, _, _ in rules]))
    sources = SpanIndex(_after_rules(_runs(doc, labels, SOURCE), [source for _, _, source in rules]))
    contents.sort(key=lambda c: c.start)
    found = _assemble(doc, probs, contents, cues, sources, quotes, ruled, models.sources)
    found += _orphan_cues(doc, probs, cues, sources, quotes, found, models.sources)
    out = []
    text = doc.text  # built anew from the tokens at each use
    for a in found:
        a.fragments = [f for f in (strip_marks(text, s, e) for s, e in a.fragments) if f[1] > f[0]]
        if a.fragments:
            a.evidence = keep.evidence(doc, probs, a, SPEECH_LEMMAS)
            out.append(a)
    return out


def _quote_bounds(quote: tuple[int, int, int, int]) -> tuple[int, int]:
    return quote[1], quote[2]


def _after_rules(found: list[Span], ruled: list[Span]) -> list[Span]:
    """The tagger's spans with those the rules found in their place: each rule's span, in order,
    replaces the spans it overlaps, a later rule's the earlier rules' too."""
    index = SpanIndex(ruled)
    kept = [s for s in found if not index.any_overlapping(s.start, s.end)]
    return kept + [r for j, r in enumerate(ruled) if all(k <= j for k in index.overlapping(r.start, r.end))]


def _is_speech(a: Attribution) -> bool:
    """Reported words state something (a finite verb) or follow a verb of saying: a thing or an aim
    after another verb ("wants to join", "thanked him for his support") is rarely speech. PolNeAR
    counts such beliefs and aims; saywho reports what was said, and keeps them only above
    NOT_SPEECH_FLOOR."""
    signs = a.evidence
    return a.type != "indirect" or a.cue is None or bool(signs.get("finite") or signs.get("speech_lemma"))


def extract(doc: Doc, models: AttributionModels) -> list[Attribution]:
    """The candidates the keep model keeps, each scored with its calibrated confidence."""
    model = models.keep
    kept = []
    for a in candidates(doc, models):
        if model is not None and not a.evidence.get("origin=rule"):  # the tagger is weak where rules find
            a.score = keep.probability(a.evidence, model)
        if a.score >= (MIN_CONFIDENCE if _is_speech(a) else NOT_SPEECH_FLOOR):
            if models.calibration is not None:
                a.score = models.calibration.confidence(a.score)
            if a.cue is not None and _raised(a.cue.root):
                a.source = None
            kept.append(a)
    return kept


def _raised(verb: Token) -> bool:
    """ "Advisers are said to be urging ...", "Trump seemed to imply ...": the subject is what the
    report is about, not who made it; the speaker is unnamed."""
    children = list(verb.children)
    return any(c.dep_ == "xcomp" for c in children) and (
        verb.lemma_ in RAISING_LEMMAS or any(c.dep_ == "auxpass" for c in children)
    )


def _runs(doc: Doc, labels: numpy.ndarray, role: int) -> list[Span]:
    """Maximal runs of tokens tagged `role`, spaces inside a line included; a run never crosses a
    line break (a paragraph's quote is its own, even where the next one continues it)."""
    space = doc.to_array([IS_SPACE]).ravel().astype(bool)
    newline = (
        numpy.fromiter(("\n" in t.text for t in doc), dtype=bool, count=len(doc)) if space.any() else space
    )
    inside = ((labels == role) | space) & ~newline
    edges = numpy.flatnonzero(numpy.diff(numpy.concatenate([[0], inside.astype(numpy.int8), [0]])))
    out = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        span = trim(doc[start:end])
        if span is not None and (labels[span.start : span.end] == role).any():
            out.append(whole_words(span))
    return out


def _snap_to_quotes(doc: Doc, runs: list[Span], quotes: list[tuple[int, int, int, int]]) -> list[Span]:
    """A content run that overlaps a quotation is widened to hold all of it: the marks say where
    the words begin and end better than the tagger does. `quotes` are in text order."""
    reach = list(accumulate((qe for _, _, qe, _ in quotes), max))
    out = []
    for run in runs:
        s, e = run.start_char, run.end_char
        k = bisect_right(reach, s)  # quotes before this one all end by s
        while k < len(quotes) and quotes[k][1] < e:
            _, qs, qe, _ = quotes[k]
            if s < qe:
                s, e = min(s, qs), max(e, qe)
            k += 1
        span = char_span(doc, s, e)
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
    found = SpanIndex(contents, char_bounds)
    for _, qs, qe, _ in quotes:
        if found.any_overlapping(qs, qe):
            continue
        span = char_span(doc, qs, qe)
        if (
            span is not None
            and len(span) >= MIN_QUOTE_TOKENS
            and any(t.pos_ in ("VERB", "AUX") for t in span)
        ):
            out.append(span)
    return out


def _related(a: Token, span: Span) -> bool:
    """Is token `a` the head of a token in `span`, or a token of `span` an ancestor of `a`?"""
    return any(t.head.i == a.i for t in span) or any(
        anc.i in range(span.start, span.end) for anc in a.ancestors
    )


def _nearest_cue(doc: Doc, content: Span, cues: SpanIndex[Span]) -> Span | None:
    best, best_key = None, None
    para = paragraph(doc, content.start)
    near = cues.overlapping(content.start - MAX_CUE_DISTANCE, content.end + MAX_CUE_DISTANCE + 1)
    for cue in (cues.items[k] for k in near):  # in the cues' order: a tie goes to the first
        if cue.start < content.end and content.start < cue.end:
            continue
        gap = cue.start - content.end if cue.start >= content.end else content.start - cue.end
        if gap > MAX_CUE_DISTANCE or paragraph(doc, cue.start) != para:
            continue
        key = (not _related(cue.root, content), gap)
        if best_key is None or key < best_key:
            best, best_key = cue, key
    return best


def _colon_cue(doc: Doc, content: Span, cues: SpanIndex[Span], used: dict[int, Attribution]) -> Span | None:
    """The cue of a paragraph ending "Cruz continued:" or "he declared:", for the quotation that
    opens the next paragraph (a cue not already reporting something else)."""
    colon = content.start - 1
    while colon >= 0 and (doc[colon].is_space or doc[colon].is_quote):
        colon -= 1
    if colon < 0 or doc[colon].text != ":" or "\n" not in doc[colon : content.start].text_with_ws:
        return None
    sent = sentence(doc, colon)
    near = (cues.items[k] for k in cues.starting_in(sentence_bounds(doc, colon)[0], colon + 1))
    found = [c for c in near if c.end <= colon and sentence(doc, c.start) == sent]
    return found[-1] if found and found[-1].start not in used else None


def subject_of(cue: Token) -> Token | None:
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


def _phrase_bounds(doc: Doc, head: Token) -> tuple[int, int]:
    """The token range of the subject `head` heads, within its own paragraph. A clause describing
    it stays ("Mrs. Clinton, who did not say so,"): PolNeAR's sources keep it, and cutting it cost
    eight right speakers on the held-out tenth (BENCHMARKS.md)."""
    left, right = head.left_edge.i, head.right_edge.i + 1
    # Within the head's own paragraph, without a mark the parse hung on it ("”\n\nTrump, who ...").
    breaks = [t.i for t in doc[left : head.i] if "\n" in t.text_with_ws]
    left = breaks[-1] + 1 if breaks else left
    right = next((t.i for t in doc[head.i : right] if "\n" in t.text), right)
    while left < head.i and doc[left].is_quote:
        left += 1
    return left, right


def _whole_phrase(doc: Doc, run: Span, head: Token) -> Span:
    """The subject's whole phrase where the tagger stopped inside it ("Belarus's resistance, broken
    and" -> "..., broken and weak by the 2020 crackdown"), unless that phrase is long."""
    left, right = _phrase_bounds(doc, head)
    if right - left > MAX_SOURCE_TOKENS or (left >= run.start and right <= run.end):
        return run
    return trim(doc[min(left, run.start) : max(right, run.end)]) or run


def _without_time(source: Span) -> Span:
    """A speaker mention without the time or the preposition it ran on into ("Saudi diplomat X on
    Wednesday" -> "Saudi diplomat X"): the time is the quote's own."""
    end = source.end
    while end > source.start + 1:
        last = source.doc[end - 1]
        if not (last.ent_type_ in ("DATE", "TIME") or last.pos_ in ("ADP", "PUNCT")):
            break
        end -= 1
    return source.doc[source.start : end]


def _source_for(
    doc: Doc, cue: Span, sources: SpanIndex[Span], probs: numpy.ndarray, ranker: keep.Logistic | None
) -> Span | None:
    subject = subject_of(cue.root)
    chosen = S.choose(doc, probs, cue, sources, subject, ranker)
    if chosen is not None:
        return chosen
    sent = sentence(doc, cue.root.i)
    near = sources.starting_in(*sentence_bounds(doc, cue.root.i)) + sources.starting_in(
        cue.start - 7, cue.start + 8
    )
    candidates = [
        s
        for s in (sources.items[k] for k in sorted(set(near)))
        if (sentence(doc, s.start) == sent or abs(s.start - cue.start) < 8)
        and any(t.pos_ in S.NOMINAL for t in s)
    ]
    if subject is not None:
        for s in candidates:
            if s.start <= subject.i < s.end:
                return s
    if candidates:
        return min(candidates, key=lambda s: abs((s.start + s.end) / 2 - (cue.start + cue.end) / 2))
    if subject is not None and not subject.is_punct:
        return doc[slice(*_phrase_bounds(doc, subject))]
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
    quoted = sum(
        min(e, qe) - max(s, qs) for _, qs, qe, _ in (quotes.items[k] for k in quotes.overlapping(s, e))
    )
    if quoted == 0:
        return "indirect"
    return "direct" if quoted >= 0.9 * len(content.text.strip(" \"“”'.,")) else "mixed"


def _clauses(doc: Doc, cue: Span) -> list[Span]:
    """What the cue verb could be reporting: its clausal and object dependents, or, where the cue
    hangs off the content's own verb ("X, sources said"), that verb's clause on the far side."""
    verb = cue.root
    out = []
    for child in verb.children:
        if child.dep_ in CLAUSE_DEPS and not cue.start <= child.i < cue.end:
            out.append(doc[child.left_edge.i : child.right_edge.i + 1])
    if verb.dep_ in ("parataxis", "ccomp", "advcl") and verb.head.i != verb.i:
        head = verb.head
        if head.i < verb.i:
            out.append(doc[head.left_edge.i : verb.left_edge.i])
        else:
            out.append(doc[verb.right_edge.i + 1 : head.right_edge.i + 1])
    return [c for c in out if len(c)]


def _clause_score(span: Span, probs: numpy.ndarray) -> float:
    return float((probs[span.start : span.end, CONTENT] - SNAP_THRESHOLD).sum())


def _snap_to_clause(doc: Doc, content: Span, cue: Span, probs: numpy.ndarray, quotes) -> Span:
    """The clause the cue governs, where it agrees with the tagger better than the tagger's own
    run: the tagger often finds a piece of a long content, the parse knows the whole."""
    if _overlaps_quote(content, quotes):
        return content  # the marks already bound it
    clauses = [trim(c) for c in _clauses(doc, cue)]
    candidates = [content] + [
        c for c in clauses if c is not None and c.start < content.end and content.start < c.end
    ]
    return max(candidates, key=lambda c: _clause_score(c, probs))


def _before_dashed_report(doc: Doc, content: Span, cue: Span, cues: SpanIndex[Span], quotes) -> Span:
    """A report stops at a dash that opens another ("to retaliate against Russia -- meddling the
    congressman said is designed to ..."): what follows, up to the next dash, has a verb of saying
    and its subject of its own. A dash inside quotation marks is the speaker's."""
    dashes = [t.i for t in content if t.text in DASHES and not _overlaps_quote(doc[t.i : t.i + 1], quotes)]
    if not dashes:
        return content
    for at, upto in zip(dashes, [*dashes[1:], content.end], strict=True):
        for other in (cues.items[k] for k in cues.starting_in(at + 1, upto)):
            subject = subject_of(other.root)
            speech = other.root.lemma_ in SPEECH_LEMMAS and subject is not None and at < subject.i < upto
            if other.start != cue.start and speech:
                return trim(doc[content.start : at]) or content
    return content


def _with_subject(doc: Doc, content: Span, cue: Span) -> Span:
    """A reported clause keeps its whole subject where the tagger cut it or took it for the speaker
    ("Voters are tired of waiting, said Lund", "The talks collapsed, she said"): the cue has a
    subject of its own."""
    root = content.root
    speaker = subject_of(cue.root)
    for child in root.lefts:
        cut = child.left_edge.i < content.start <= child.right_edge.i + 1
        if child.dep_ in ("nsubj", "nsubjpass") and cut:
            if speaker is not None and child.left_edge.i <= speaker.i <= child.right_edge.i:
                return content
            return trim(doc[child.left_edge.i : content.end]) or content
    return content


def _orphan_cues(doc, probs, cues, sources, quotes, found: list[Attribution], ranker) -> list[Attribution]:
    """Cues the tagger found with no content run: their governed clause, where the tagger leans
    towards it."""
    out = []
    used = {a.cue.start for a in found if a.cue is not None}
    taken = Intervals()
    for a in found:
        taken.add(a.start, a.end)
    for cue in cues.items:
        if cue.start in used:
            continue
        for clause in sorted(_clauses(doc, cue), key=lambda c: -_clause_score(c, probs)):
            clause = trim(clause)
            if clause is None or len(clause) < 3:
                continue
            if float(probs[clause.start : clause.end, CONTENT].mean()) < ORPHAN_MIN:
                break
            if taken.any_overlapping(clause.start_char, clause.end_char):
                break
            source = _source_for(doc, cue, sources, probs, ranker)
            a = Attribution(
                type=_type(doc, clause, cue, quotes),
                fragments=[(clause.start_char, clause.end_char)],
                cue=cue,
                source=source,
                addressee=_addressee(cue),
                score=float(probs[clause.start : clause.end, CONTENT].mean()) * 0.5,
                evidence={"origin=orphan": 1.0},
            )
            out.append(a)
            taken.add(a.start, a.end)
            break
    return out


# Verbs of saying: with these, even a phrase is what was said ("called for a ban").
SPEECH_LEMMAS = set(
    "say tell add ask call note report announce suggest write tweet describe argue claim explain declare "
    "insist "
    "warn urge accuse criticize criticise praise deny confirm acknowledge admit reply respond state mention "
    "comment promise pledge vow recall cite quote question demand propose predict blame condemn attack "
    "defend reject dismiss endorse reveal disclose concede complain boast joke testify allege "
    "according".split()
)


def _keep(doc: Doc, content: Span, probs: numpy.ndarray, quotes) -> bool:
    """Short unquoted runs are tagger noise more often than reported speech."""
    if _overlaps_quote(content, quotes):
        return True
    words = [t for t in content if not (t.is_punct or t.is_space)]
    return len(words) >= MIN_WORDS


def _overlaps_quote(content: Span, quotes: SpanIndex) -> bool:
    return quotes.any_overlapping(content.start_char, content.end_char)


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


def _other_form(a: Attribution, content: Span, quotes) -> bool:
    """A quotation on the far side of a cue whose attribution so far reports in the writer's words
    ("X is reluctant to act, Schiff said. “The other factor …”"): a second statement of the same
    speaker, not a piece of the first."""
    return (
        a.type == "indirect"
        and _overlaps_quote(content, quotes)
        and a.cue is not None
        and not same_sentence(a.cue, content)
    )


def _continues(doc: Doc, content: Span, last: Attribution | None, quotes) -> bool:
    """A quotation opening the paragraph after an attributed quote continues it."""
    if last is None or not _overlaps_quote(content, quotes):
        return False
    last_para = paragraph(doc, doc.char_span(*last.fragments[-1], alignment_mode="expand").start)
    return paragraph(doc, content.start) == last_para + 1


def _assemble(
    doc, probs, contents, cues, sources, quotes, ruled: dict[int, Span], ranker
) -> list[Attribution]:
    by_cue: dict[int, Attribution] = {}
    out: list[Attribution] = []
    last: Attribution | None = None
    for content in contents:
        if not _keep(doc, content, probs, quotes):
            continue
        cue = _nearest_cue(doc, content, cues) or _colon_cue(doc, content, cues, by_cue)
        near = cue is not None and (cue.end == content.start or content.end == cue.start)
        if cue is not None and not (near or same_sentence(cue, content) or _overlaps_quote(content, quotes)):
            cue = None
        frag = (content.start_char, content.end_char)
        p_content = float(probs[content.start : content.end, CONTENT].mean())
        if cue is not None and cue.start in by_cue and not _other_form(by_cue[cue.start], content, quotes):
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
                evidence={"origin=continuation" if follows else "origin=quotation": 1.0},
            )
            out.append(a)
            continue
        content = _before_dashed_report(
            doc, _snap_to_clause(doc, content, cue, probs, quotes), cue, cues, quotes
        )
        if cue.start not in ruled and not _overlaps_quote(content, quotes):
            content = _with_subject(doc, content, cue)
        frag = (content.start_char, content.end_char)
        if cue.start in ruled:
            source, p_source, p_content = ruled[cue.start], RULE_CONFIDENCE, 1.0
        else:
            source = _source_for(doc, cue, sources, probs, ranker)
            p_source = float(probs[source.start : source.end, SOURCE].mean()) if source is not None else 0.3
            subject = subject_of(cue.root)
            if source is not None and subject is not None and source.start <= subject.i < source.end:
                source = _whole_phrase(doc, source, subject)
            source = _without_time(source) if source is not None else None
        a = Attribution(
            type=_type(doc, content, cue, quotes),
            fragments=[frag],
            cue=cue,
            source=source,
            addressee=_addressee(cue),
            score=p_content * p_source,
            evidence={"origin=rule" if cue.start in ruled else "origin=tagger": 1.0},
        )
        by_cue[cue.start] = a
        out.append(a)
        last = a
    return out
