"""Gold files -> precision, recall and F1 of quote extraction and speaker attribution.

The figures follow the definitions of the project's reference scorer (shared/tools/score_quotes.py):

- Spans are compared after trimming quote marks, white space and edge punctuation.
- A prediction matches a gold quote when their fragments share at least half of the longer one's
  characters; matching is one-to-one, the largest overlaps first.
- "strict" counts a match only when the trimmed fragments are identical.
- A matched quote is attributed when the predicted speaker mention overlaps the gold one by half
  of the longer, or the names agree (`same_speaker`); where the gold says "speakers_resolved",
  only the predicted name counts. A gold quote with no speaker wants no predicted speaker.
- Optional gold quotes neither count nor penalise: a prediction matching one is not counted.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saywho.model import Analysis, Document

Span = tuple[int, int]

# Characters ignored at either end of a span: quote marks, spaces, punctuation, dashes.
EDGE_CHARS = frozenset(" \t\n\"'“”‘’«»„,.;:!?—–-")
# Words that cannot by themselves name a speaker.
WEAK_WORDS = frozenset(
    {"the", "a", "an", "of", "and", "he", "she", "it", "they", "we", "i", "you", "his", "her", "their"}
)
ARTICLES = ("the", "a", "an")
SNIPPET_CHARS = 80


@dataclass
class DocumentScore:
    """The counts for one document, and what went wrong in it."""

    gold: int = 0
    pred: int = 0
    match: int = 0
    strict: int = 0
    attributed: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [found, gold]
    misses: list[str] = field(default_factory=list)
    wrong_speaker: list[dict[str, Any]] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def detail(self) -> dict[str, list]:
        return {"misses": self.misses, "wrong_speaker": self.wrong_speaker, "spurious": self.spurious}


# --- spans -----------------------------------------------------------------------------------------


def trim(text: str, start: int, end: int) -> Span:
    """The span without the edge characters at either end."""
    while start < end and text[start] in EDGE_CHARS:
        start += 1
    while end > start and text[end - 1] in EDGE_CHARS:
        end -= 1
    return start, end


def trimmed_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[Span]:
    return [(s, e) for s, e in (trim(text, s, e) for s, e in spans) if e > s]


def gold_fragments(quote: Mapping[str, Any], text: str) -> list[Span]:
    """A gold quote's trimmed fragments, in the gold's order."""
    return trimmed_spans(text, quote.get("fragments") or [(quote["start"], quote["end"])])


def predicted_fragments(quote: Mapping[str, Any], text: str) -> list[Span]:
    """A predicted quote's trimmed fragments, sorted; from `content.fragments`, else its start and
    end, else wherever its text first occurs."""
    content = quote.get("content") or {}
    fragments = content.get("fragments")
    if (
        isinstance(fragments, list)
        and fragments
        and all(isinstance(f, list) and len(f) == 2 for f in fragments)
    ):
        return sorted(trimmed_spans(text, ((int(s), int(e)) for s, e in fragments)))
    start, end = content.get("start"), content.get("end")
    if not (isinstance(start, int) and isinstance(end, int)):
        words = content.get("text") or quote.get("text") or ""
        start = text.find(words) if words else -1
        if start < 0:
            return []
        end = start + len(words)
    return trimmed_spans(text, [(start, end)])


def _length(spans: Iterable[Span]) -> int:
    return sum(e - s for s, e in spans)


def shared_chars(a: Iterable[Span], b: Iterable[Span]) -> int:
    b = list(b)
    return sum(max(0, min(ae, be) - max(as_, bs)) for as_, ae in a for bs, be in b)


def half_overlap(a: list[Span], b: list[Span]) -> bool:
    """Whether the spans share at least half of the longer side's characters."""
    common = shared_chars(a, b)
    return common > 0 and common >= 0.5 * max(_length(a), _length(b))


def _snippet(text: str, spans: list[Span]) -> str:
    return text[spans[0][0] : spans[-1][1]][:SNIPPET_CHARS]


# --- speakers --------------------------------------------------------------------------------------


def name_words(name: str | None) -> list[str]:
    """A name's words, case-folded, without possessive 's or articles."""
    folded = unicodedata.normalize("NFKC", name or "").casefold().replace("’", "'")
    folded = re.sub(r"'s\b", "", folded)
    return [w for w in re.findall(r"[\w-]+", folded) if w not in ARTICLES]


def same_speaker(gold: str | None, pred: str | None) -> bool:
    """The same name, or the shorter one's words a run of the longer's with a real word (three or
    more letters, not a pronoun) among them: "Clinton" is "Hillary Clinton", "Bill Clinton" is not."""
    g, p = name_words(gold), name_words(pred)
    if not g or not p:
        return False
    if g == p:
        return True
    short, long_ = (g, p) if len(g) <= len(p) else (p, g)
    if not any(len(w) >= 3 and w not in WEAK_WORDS for w in short):
        return False
    n = len(short)
    return any(long_[i : i + n] == short for i in range(len(long_) - n + 1))


def predicted_speaker(quote: Mapping[str, Any]) -> str | None:
    """The predicted speaker's name, else its mention's text."""
    speaker = quote.get("speaker") or {}
    if isinstance(speaker, str):
        return speaker
    if speaker.get("name"):
        return speaker["name"]
    mention = speaker.get("mention") or {}
    return mention.get("text") if isinstance(mention, dict) else mention


def _predicted_name(quote: Mapping[str, Any]) -> str | None:
    speaker = quote.get("speaker")
    return speaker.get("name") if isinstance(speaker, dict) else speaker


def _predicted_mention(quote: Mapping[str, Any]) -> Span | None:
    speaker = quote.get("speaker")
    mention = speaker.get("mention") if isinstance(speaker, dict) else None
    if (
        isinstance(mention, dict)
        and isinstance(mention.get("start"), int)
        and isinstance(mention.get("end"), int)
    ):
        return mention["start"], mention["end"]
    return None


def is_attributed(
    gold_quote: Mapping[str, Any], pred_quote: Mapping[str, Any], resolved: bool = False
) -> bool:
    """Whether the prediction gives the gold quote's speaker (see the module's notes)."""
    if gold_quote.get("speaker") is None:
        return not predicted_speaker(pred_quote)
    if resolved:
        return same_speaker(gold_quote["speaker"], _predicted_name(pred_quote))
    mention = _predicted_mention(pred_quote)
    if mention and "speaker_start" in gold_quote:
        gold_mention = (gold_quote["speaker_start"], gold_quote["speaker_end"])
        if half_overlap([mention], [gold_mention]):
            return True
    return same_speaker(gold_quote["speaker"], predicted_speaker(pred_quote))


# --- one document, many documents ------------------------------------------------------------------


def match_spans(golds: list[list[Span]], preds: list[list[Span]]) -> dict[int, int]:
    """One-to-one pairs gold index -> prediction index, the largest overlaps taken first (ties: the
    later gold, then the later prediction, as the reference scorer orders them)."""
    candidates = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if half_overlap(g, p):
                candidates.append((shared_chars(g, p), gi, pi))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, gi, pi in sorted(candidates, reverse=True):
        if gi not in pairs and pi not in taken:
            pairs[gi] = pi
            taken.add(pi)
    return pairs


def score_document(gold: Mapping[str, Any], prediction: Mapping[str, Any], text: str) -> DocumentScore:
    """Score one document's predicted quotes (the contract's JSON form) against its gold."""
    golds = [(gold_fragments(q, text), q, False) for q in gold["quotes"]]
    golds += [(gold_fragments(q, text), q, True) for q in gold.get("optional_quotes", [])]
    golds = [g for g in golds if g[0]]
    preds = [
        (f, q) for f, q in ((predicted_fragments(q, text), q) for q in prediction.get("quotes", [])) if f
    ]
    pairs = match_spans([g[0] for g in golds], [p[0] for p in preds])
    resolved = gold.get("speakers_resolved", False)

    score = DocumentScore(pred=len(preds))
    for gi, (fragments, gold_quote, optional) in enumerate(golds):
        if optional:
            score.pred -= gi in pairs  # a prediction of an optional quote is neither right nor wrong
            continue
        score.gold += 1
        score.by_type.setdefault(gold_quote.get("type", "?"), [0, 0])[1] += 1
        if gi not in pairs:
            score.misses.append(_snippet(text, fragments))
    for gi, pi in pairs.items():  # in the order matched, as the reference lists wrong speakers
        fragments, gold_quote, optional = golds[gi]
        if optional:
            continue
        pred_fragments, pred_quote = preds[pi]
        score.match += 1
        score.by_type[gold_quote.get("type", "?")][0] += 1
        score.strict += fragments == pred_fragments
        if is_attributed(gold_quote, pred_quote, resolved):
            score.attributed += 1
        else:
            score.wrong_speaker.append(
                {
                    "content": _snippet(text, fragments),
                    "gold": gold_quote.get("speaker"),
                    "pred": predicted_speaker(pred_quote),
                }
            )
    matched = set(pairs.values())
    score.spurious = [_snippet(text, f) for pi, (f, _) in enumerate(preds) if pi not in matched]
    return score


def right_predictions(gold: Mapping[str, Any], prediction: Mapping[str, Any], text: str) -> list[bool]:
    """For each predicted quote, in order: does it match a gold quote and name its speaker? (What a
    quote's `confidence` estimates; optional gold quotes count as right.)"""
    golds = [(gold_fragments(q, text), q) for q in gold["quotes"] + gold.get("optional_quotes", [])]
    golds = [g for g in golds if g[0]]
    quotes = prediction.get("quotes", [])
    fragments = [predicted_fragments(q, text) for q in quotes]
    kept = [i for i, f in enumerate(fragments) if f]
    pairs = match_spans([g[0] for g in golds], [fragments[i] for i in kept])
    resolved = gold.get("speakers_resolved", False)
    right = [False] * len(quotes)
    for gi, pi in pairs.items():
        right[kept[pi]] = is_attributed(golds[gi][1], quotes[kept[pi]], resolved)
    return right


def prf(hits: int, gold: int, pred: int) -> tuple[float, float, float]:
    """Precision, recall and F1, rounded to four places (F1 from the unrounded two)."""
    p = hits / pred if pred else 0.0
    r = hits / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def summarise(scores: Mapping[str, DocumentScore], detail: bool = False) -> dict[str, Any]:
    """The totals over documents (name -> score), in the reference scorer's JSON form."""
    out: dict[str, Any] = {"documents": len(scores)}
    for key in ("gold", "pred", "match", "strict", "attributed"):
        out[key] = sum(getattr(s, key) for s in scores.values())
    for prefix, hits in (("extraction", "match"), ("strict", "strict"), ("attribution", "attributed")):
        p, r, f = prf(out[hits], out["gold"], out["pred"])
        out.update({f"{prefix}_p": p, f"{prefix}_r": r, f"{prefix}_f1": f})
    by_type: dict[str, list[int]] = {}
    for s in scores.values():
        for kind, (found, total) in s.by_type.items():
            counts = by_type.setdefault(kind, [0, 0])
            counts[0] += found
            counts[1] += total
    out["recall_by_type"] = {k: round(f / n, 4) if n else 0.0 for k, (f, n) in sorted(by_type.items())}
    if detail:
        out["detail"] = {name: s.detail() for name, s in scores.items()}
    return out


# --- a directory of gold files ---------------------------------------------------------------------


@dataclass
class GoldDocument:
    name: str
    gold: dict[str, Any]
    text: str


def read_gold_dir(gold_dir: Path) -> list[GoldDocument]:
    """Every NAME.gold.json with a NAME.txt beside it, in name order; the text read as it is."""
    found = []
    for gold_path in sorted(Path(gold_dir).glob("*.gold.json")):
        name = gold_path.name[: -len(".gold.json")]
        text_path = gold_path.with_name(f"{name}.txt")
        if not text_path.is_file():
            continue
        with open(text_path, encoding="utf-8", newline="") as f:  # offsets index the file's own characters
            text = f.read()
        found.append(GoldDocument(name, json.loads(gold_path.read_text(encoding="utf-8")), text))
    if not found:
        raise FileNotFoundError(f"{gold_dir}: no NAME.txt beside a NAME.gold.json")
    return found


def with_progress(analyses: Iterator[Analysis], total: int) -> Iterator[Analysis]:
    """The analyses, with a progress bar on standard error when that is a terminal."""
    if total < 2 or not sys.stderr.isatty():
        yield from analyses
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("analysing", total=total)
        for analysis in analyses:
            yield analysis
            progress.advance(task)


def evaluate(gold_dir: Path, detail: bool = False) -> dict[str, Any]:
    """Analyse every NAME.txt beside a NAME.gold.json (with the gold's `published`) in one batched
    run and score the predictions: the object `score_quotes.py --dir` prints for them."""
    from saywho import analyse_documents

    golds = read_gold_dir(Path(gold_dir))
    documents = [
        Document(
            text=g.text,
            id=g.name,
            title=g.gold.get("title"),
            published=g.gold.get("published"),
            path=f"{g.name}.txt",
        )
        for g in golds
    ]
    scores = {}
    for g, analysis in zip(golds, with_progress(analyse_documents(documents), len(golds)), strict=True):
        scores[g.name] = score_document(g.gold, analysis.to_dict(), g.text)
    return summarise(scores, detail)
