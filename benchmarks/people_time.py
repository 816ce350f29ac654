"""Who spoke and when: how many quotes get a resolved named speaker and a resolved time.

Usage: python benchmarks/people_time.py [--dev DIR] [--out FILE] [--sample N --seed S [--timed]]

First the founding article (tests/fixtures/seed, published 2022-05-20) against the issue's targets:
four people with full name, title and gender, the metonyms Moscow, the Kremlin and Minsk, and four
times. Then every PolNeAR dev article (`../shared/data/polnear/dev`, each with its gold `published`)
is analysed and its quotes counted:

  quotes          every quote saywho finds
  attributed      a speaker found (a mention, or a name carried over from an earlier quote)
  named speaker   speaker.name set and its entity a named one (PERSON, ORG, GPE, LOC, NORP; not an
                  unnamed GROUP such as "prospective volunteer fighters")
  time found      a time expression governed by the attribution (time not null)
  resolved time   time.value not null

The counts are printed and written to benchmarks/results/people_time.json. `--sample 50 --seed 1`
also prints 50 attributed quotes drawn at random (the same ones for the same seed and analysis), each
with its sentence in the article, the words before it, speaker mention -> resolved name and time text
-> value, for a person to judge; `--timed` draws them from the quotes with a time. Without the
PolNeAR texts the script says so after the founding article and stops.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEV_CANDIDATES = (ROOT.parent / "shared" / "data" / "polnear" / "dev", Path("/work/shared/data/polnear/dev"))
FOUNDING = ROOT / "tests" / "fixtures" / "seed" / "belarus_volunteers.txt"
NAMED_TYPES = frozenset(("PERSON", "ORG", "GPE", "LOC", "NORP"))

# The targets for the founding article.
PEOPLE = {  # full name -> gender
    "Vladimir Putin": "male",
    "Alexander Lukashenko": "male",
    "Vadim Prokopiev": "male",
    "Svetlana Tikhanovskaya": "female",
}
METONYMS = {"Moscow": "Russia", "Kremlin": "Russia", "Minsk": "Belarus"}
TIMES = {"on Monday": "2022-05-16", "on Wednesday": "2022-05-18", "in March": "2022-03"}
TIMES["Earlier this week"] = "2022-W20"

BOUNDARY = re.compile(r"(?<=[.!?])[\"”’]?\s+|\n")
CONTEXT_LIMIT = 700
BEFORE_CHARS = 240


def dev_dir(given: Path | None) -> Path | None:
    for candidate in (given,) if given else DEV_CANDIDATES:
        if candidate.is_dir() and any(candidate.glob("*.gold.json")):
            return candidate
    return None


# --- the founding article ------------------------------------------------------------------------


def founding_targets(analysis: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Each target of the issue: (what, met, what was found)."""
    entities = {e["id"]: e for e in analysis["entities"]}
    results = []
    for name, gender in PEOPLE.items():
        entity = next((e for e in entities.values() if e["name"] == name), None)
        if entity is None:
            results.append((f"{name}: entity", False, "no entity of that name"))
            continue
        found = f"{entity['type']}, {entity['gender']}, titles {entity['titles']}"
        met = entity["type"] == "PERSON" and entity["gender"] == gender and bool(entity["titles"])
        results.append((f"{name}: PERSON, {gender}, a title", met, found))
    for form, state in METONYMS.items():
        entity = next((e for e in entities.values() if form in e["aliases"]), None)
        target = entities.get(entity["refers_to"]) if entity and entity["refers_to"] else None
        found = f"{entity['name']} -> {target['name'] if target else None}" if entity else "no entity"
        results.append((f"{form} refers to {state}", bool(target and target["name"] == state), found))
    times = {q["time"]["text"]: q["time"]["value"] for q in analysis["quotes"] if q["time"]}
    for text, value in TIMES.items():
        results.append((f'"{text}" -> {value}', times.get(text) == value, f"{times.get(text, 'not found')}"))
    return results


def check_founding() -> None:
    from saywho import analyse

    if not FOUNDING.exists():
        print(f"founding article: {FOUNDING} absent, not checked")
        return
    with open(FOUNDING, encoding="utf-8", newline="") as handle:
        analysis = analyse(handle.read(), published="2022-05-20").to_dict()
    results = founding_targets(analysis)
    print(f"founding article ({FOUNDING.name}, published 2022-05-20): {sum(r[1] for r in results)} of "
          f"{len(results)} targets met")  # fmt: skip
    for what, met, found in results:
        print(f"  {'ok  ' if met else 'MISS'} {what:<52} {found}")
    print()


# --- PolNeAR dev ---------------------------------------------------------------------------------


def analyse_dev(directory: Path) -> list[dict[str, Any]]:
    from saywho import analyse_documents
    from saywho.evaluation import read_gold_dir
    from saywho.model import Document

    golds = read_gold_dir(directory)
    documents = [
        Document(text=g.text, id=g.name, published=g.gold.get("published"), path=f"{g.name}.txt")
        for g in golds
    ]
    return [analysis.to_dict() for analysis in analyse_documents(documents)]


def is_attributed(quote: dict[str, Any]) -> bool:
    speaker = quote["speaker"]
    return bool(speaker["mention"] or speaker["name"] or speaker["entity"])


def named_entity(quote: dict[str, Any], entities: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The quote's speaker entity when it is named (see the module's notes), else None."""
    entity = entities.get(quote["speaker"]["entity"] or "")
    if quote["speaker"]["name"] and entity and entity["type"] in NAMED_TYPES:
        return entity
    return None


def count(analyses: list[dict[str, Any]]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    precision: Counter[str] = Counter()
    for analysis in analyses:
        entities = {e["id"]: e for e in analysis["entities"]}
        for quote in analysis["quotes"]:
            counts["quotes"] += 1
            if not is_attributed(quote):
                continue
            counts["attributed"] += 1
            entity = named_entity(quote, entities)
            if entity is not None:
                counts["named_speaker"] += 1
                by_type[entity["type"]] += 1
            elif quote["speaker"]["entity"] in entities:
                by_type[entities[quote["speaker"]["entity"]]["type"]] += 1
            if quote["time"]:
                counts["time_found"] += 1
                precision[_precision(quote["time"]["value"])] += 1
                if quote["time"]["value"]:
                    counts["resolved_time"] += 1
    attributed = counts["attributed"] or 1
    return {
        "articles": len(analyses),
        **{
            key: counts[key]
            for key in ("quotes", "attributed", "named_speaker", "time_found", "resolved_time")
        },
        "named_speaker_share": round(counts["named_speaker"] / attributed, 3),
        "resolved_time_share": round(counts["resolved_time"] / attributed, 3),
        "speaker_entity_types": dict(by_type.most_common()),
        "time_precisions": dict(precision.most_common()),
    }


def _precision(value: str | None) -> str:
    if value is None:
        return "unresolved"
    if "-W" in value:
        return "week"
    return {4: "year", 7: "month", 10: "day"}.get(len(value), "other")


# --- the sample ----------------------------------------------------------------------------------


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of the sentence holding `start` to the end of the one holding `end`."""
    left = max((m.end() for m in BOUNDARY.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in BOUNDARY.finditer(text, end)), len(text))
    if right - left > CONTEXT_LIMIT:
        left, right = max(left, start - CONTEXT_LIMIT // 2), min(right, end + CONTEXT_LIMIT // 2)
    return left, right


def one_line(text: str) -> str:
    return " ".join(text.split())


def listing(analysis: dict[str, Any], quote: dict[str, Any]) -> list[str]:
    text = analysis["document"]["text"]
    speaker, time = quote["speaker"], quote["time"]
    spans = [(quote["content"]["start"], quote["content"]["end"])]
    spans += [(part["start"], part["end"]) for part in (speaker["mention"], quote["cue"], time) if part]
    left, right = sentence_bounds(text, min(s for s, _ in spans), max(e for _, e in spans))
    entities = {e["id"]: e for e in analysis["entities"]}
    entity = entities.get(speaker["entity"] or "")
    mention = f'"{speaker["mention"]["text"]}"' if speaker["mention"] else "(no mention: carried over)"
    if entity:
        about = [entity["type"]] + ([f"titles: {'; '.join(entity['titles'])}"] if entity["titles"] else [])
        resolved = f"{speaker['name'] or '(no name)'} [{', '.join(about)}]"
    else:
        resolved = speaker["name"] or "(no name)"
    lines = [
        f"{analysis['document']['id']} · published {analysis['document']['published']} · {quote['id']} "
        f"{quote['type']} · cue {quote['cue']['text'] if quote['cue'] else None!r}",
        f"  before:  …{one_line(text[max(0, left - BEFORE_CHARS) : left])}",
        f"  context: {one_line(text[left:right])}",
        f"  quote:   {one_line(quote['content']['text'])}",
        f"  speaker: {mention} -> {resolved}",
    ]
    if time:
        lines.append(f'  time:    "{time["text"]}" -> {time["value"]}')
    return lines


def sample(
    analyses: list[dict[str, Any]], size: int, seed: int, timed: bool = False
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """`size` attributed quotes (with `timed`, only those with a time) drawn at random, in the
    order drawn."""
    pool = [(a, q) for a in analyses for q in a["quotes"] if is_attributed(q) and (q["time"] or not timed)]
    return random.Random(seed).sample(pool, min(size, len(pool)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dev", type=Path, help="folder of PolNeAR dev texts and gold (default: ../shared/...)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "people_time.json")
    parser.add_argument("--sample", type=int, default=0, metavar="N", help="list N random attributed quotes")
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="the sample's random seed (default 1)"
    )
    parser.add_argument("--timed", action="store_true", help="draw the sample from quotes with a time")
    args = parser.parse_args(argv)

    check_founding()
    directory = dev_dir(args.dev)
    if directory is None:
        where = args.dev or " or ".join(str(c) for c in DEV_CANDIDATES)
        print(f"PolNeAR dev texts and gold not found ({where}): skipped")
        return 0
    analyses = analyse_dev(directory)
    figures = count(analyses)
    attributed = figures["attributed"]
    print(f"PolNeAR dev ({directory}): {figures['articles']} articles, {figures['quotes']} quotes, "
          f"{attributed} attributed")  # fmt: skip
    print(
        f"  named speaker: {figures['named_speaker']} of {attributed} ({figures['named_speaker_share']:.1%})"
    )
    print(f"  time found:    {figures['time_found']} of {attributed}")
    print(
        f"  resolved time: {figures['resolved_time']} of {attributed} ({figures['resolved_time_share']:.1%})"
    )
    print(f"  speaker entity types: {figures['speaker_entity_types']}")
    print(f"  time precisions: {figures['time_precisions']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.sample:
        drawn = sample(analyses, args.sample, args.seed, args.timed)
        which = "attributed quotes with a time" if args.timed else "attributed quotes"
        print(f"\nA sample of {len(drawn)} {which} (--seed {args.seed}):")
        for number, (analysis, quote) in enumerate(drawn, 1):
            print(f"\n[{number}] " + "\n".join(listing(analysis, quote)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
