"""The scorer, on small gold/prediction pairs worked out by hand, and against the reference scorer."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from saywho.evaluation import (
    DocumentScore,
    evaluate,
    is_attributed,
    prf,
    read_gold_dir,
    same_speaker,
    score_document,
    summarise,
)

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "tests" / "fixtures" / "seed"
SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), None)
REFERENCE = SHARED / "tools" / "score_quotes.py" if SHARED else None
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev" if SHARED else None

LETTERS = "abcdefghij" * 10  # no edge characters: spans are compared untrimmed


def gold_quote(start: int, end: int, speaker: str | None = "Anna Berg", **extra) -> dict:
    return {"type": "direct", "start": start, "end": end, "speaker": speaker, **extra}


def pred_quote(start: int, end: int, name: str | None = "Anna Berg", mention=None, fragments=None) -> dict:
    content = {"start": start, "end": end, "fragments": fragments or [[start, end]]}
    return {"type": "direct", "content": content, "speaker": {"name": name, "mention": mention}}


def score(golds: list[dict], preds: list[dict], text: str = LETTERS, **gold_extra) -> DocumentScore:
    return score_document({"quotes": golds, **gold_extra}, {"quotes": preds}, text)


# --- overlap and matching --------------------------------------------------------------------------


def test_half_of_the_gold_span_is_enough_and_one_character_less_is_not():
    gold = [gold_quote(0, 20)]
    assert score(gold, [pred_quote(10, 20)]).match == 1  # 10 of 20
    missed = score(gold, [pred_quote(11, 20)])  # 9 of 20
    assert (missed.match, missed.pred, missed.gold) == (0, 1, 1)
    assert missed.misses == [LETTERS[0:20]]
    assert missed.spurious == [LETTERS[11:20]]


def test_half_of_a_longer_prediction_is_enough_and_one_character_more_is_not():
    gold = [gold_quote(0, 20)]
    assert score(gold, [pred_quote(0, 40)]).match == 1  # 20 of 40
    assert score(gold, [pred_quote(0, 41)]).match == 0  # 20 of 41


def test_a_match_is_strict_only_when_the_trimmed_spans_are_identical():
    text = "She said: “We see a window of opportunity,” and left."
    start, end = text.index("“"), text.index("”") + 1
    words = text.index("We"), text.index(",")
    exact = score([gold_quote(start, end)], [pred_quote(*words)], text)
    assert (exact.match, exact.strict) == (1, 1)  # quote marks and the comma are trimmed away
    shorter = score([gold_quote(start, end)], [pred_quote(words[0] + 3, words[1])], text)
    assert (shorter.match, shorter.strict) == (1, 0)


def test_one_to_one_the_largest_overlap_first():
    gold = [gold_quote(0, 20)]
    result = score(gold, [pred_quote(4, 16), pred_quote(0, 18)])
    assert (result.match, result.pred) == (1, 2)
    assert result.spurious == [LETTERS[4:16]]  # the 18-character overlap took the gold quote

    # Two gold quotes, two predictions: the pair (G1, P1) goes first, then (G2, P2) is still free.
    both = score([gold_quote(0, 20), gold_quote(4, 24)], [pred_quote(0, 20), pred_quote(0, 16)])
    assert (both.match, both.misses, both.spurious) == (2, [], [])


FRAGMENTED = "“Taxes will rise next year,” Anna Berg said. “Nobody likes it.”"


def fragmented_gold() -> dict:
    first = (FRAGMENTED.index("“"), FRAGMENTED.index("”") + 1)
    second = (FRAGMENTED.rindex("“"), len(FRAGMENTED))
    return gold_quote(first[0], second[1], fragments=[list(first), list(second)])


def test_fragments_count_only_the_quoted_words():
    # Trimmed, the fragments are "Taxes will rise next year" (25) and "Nobody likes it" (15): 40.
    gold = [fragmented_gold()]
    frags = gold[0]["fragments"]
    both = score(gold, [pred_quote(frags[0][0], frags[1][1], fragments=frags)], FRAGMENTED)
    assert (both.match, both.strict) == (1, 1)
    # One span over both and the attribution between (60 characters): 40 shared, match, not strict.
    whole = score(gold, [pred_quote(frags[0][0], frags[1][1])], FRAGMENTED)
    assert (whole.match, whole.strict) == (1, 0)
    first = FRAGMENTED.index("Taxes"), FRAGMENTED.index(",")
    assert score(gold, [pred_quote(*first)], FRAGMENTED).match == 1  # 25 of 40
    second = FRAGMENTED.index("Nobody"), FRAGMENTED.rindex(".")
    assert score(gold, [pred_quote(*second)], FRAGMENTED).match == 0  # 15 of 40


def test_a_prediction_given_only_as_text_is_found_in_the_article():
    gold = [fragmented_gold()]
    result = score(
        gold, [{"content": {"text": "Taxes will rise next year"}, "speaker": "Anna Berg"}], FRAGMENTED
    )
    assert (result.match, result.attributed) == (1, 1)


def test_optional_quotes_neither_count_nor_penalise():
    golds = {"quotes": [gold_quote(0, 20)], "optional_quotes": [gold_quote(40, 60)]}
    preds = {"quotes": [pred_quote(0, 20), pred_quote(40, 60), pred_quote(80, 100)]}
    result = score_document(golds, preds, LETTERS)
    assert (result.gold, result.pred, result.match) == (1, 2, 1)
    assert result.spurious == [LETTERS[80:100]]
    assert prf(result.match, result.gold, result.pred) == (0.5, 1.0, 0.6667)
    unpredicted = score_document(golds, {"quotes": [pred_quote(0, 20)]}, LETTERS)
    assert (unpredicted.gold, unpredicted.pred, unpredicted.misses) == (1, 1, [])


def test_a_gold_quote_of_nothing_but_punctuation_is_not_counted():
    text = "“...” she said."
    result = score([gold_quote(0, 5)], [], text)
    assert (result.gold, result.misses) == (0, [])


# --- speakers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "pred", "same"),
    [
        ("Hillary Clinton", "Clinton", True),
        ("Hillary Clinton", "Bill Clinton", False),
        ("Hillary Clinton", "Hillary Clinton’s", True),
        ("Hillary Clinton", "hillary clinton", True),
        ("The Post", "Post", True),
        ("Sen. Bernie Sanders", "Bernie Sanders", True),
        ("Bank of England", "of", False),
        ("Al Gore", "Al", False),  # two letters name nobody
        ("he", "He", True),
        ("Hillary Clinton", "she", False),
        ("Hillary Clinton", None, False),
    ],
)
def test_same_speaker(gold, pred, same):
    assert same_speaker(gold, pred) is same


PROKOPIEV = "We see a window of opportunity, Prokopiev told CNN."
MENTION = {"text": "Prokopiev", "start": PROKOPIEV.index("Prokopiev"), "end": PROKOPIEV.index(" told")}
GOLD_PROKOPIEV = gold_quote(
    0, 31, "Vadim Prokopiev", speaker_start=MENTION["start"], speaker_end=MENTION["end"]
)


@pytest.mark.parametrize(
    ("name", "mention", "unresolved", "resolved"),
    [
        ("Vadim Prokopiev", MENTION, True, True),
        ("Prokopiev", None, True, True),
        ("Pohonya", MENTION, True, False),  # the mention is right, the name is not
        (None, MENTION, True, False),  # a mention alone names nobody when names are gold
        ("Pohonya", None, False, False),
    ],
)
def test_attribution_by_mention_or_by_resolved_name(name, mention, unresolved, resolved):
    pred = pred_quote(0, 31, name, mention)
    assert is_attributed(GOLD_PROKOPIEV, pred) is unresolved
    assert is_attributed(GOLD_PROKOPIEV, pred, resolved=True) is resolved


def test_a_mention_overlapping_less_than_half_is_not_the_speaker():
    wide = {"text": "", "start": MENTION["start"] - 10, "end": MENTION["end"]}  # 9 of 19 characters
    assert not is_attributed(GOLD_PROKOPIEV, pred_quote(0, 31, None, wide))


def test_a_quote_without_a_gold_speaker_wants_none_predicted():
    gold = gold_quote(0, 20, speaker=None)
    assert is_attributed(gold, pred_quote(0, 20, None))
    assert not is_attributed(gold, pred_quote(0, 20, "Anna Berg"))


def test_wrong_speakers_are_listed_with_both_names():
    result = score(
        [GOLD_PROKOPIEV], [pred_quote(0, 31, "Pohonya", MENTION)], PROKOPIEV, speakers_resolved=True
    )
    assert (result.match, result.attributed) == (1, 0)
    assert result.wrong_speaker == [
        {"content": "We see a window of opportunity", "gold": "Vadim Prokopiev", "pred": "Pohonya"}
    ]


# --- totals ----------------------------------------------------------------------------------------


def test_prf():
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(1, 3, 2) == (0.5, 0.3333, 0.4)
    assert prf(2, 3, 3) == (0.6667, 0.6667, 0.6667)


def test_summarise_adds_documents_up():
    scores = {
        "a": DocumentScore(gold=3, pred=2, match=2, strict=1, attributed=1, by_type={"direct": [2, 3]}),
        "b": DocumentScore(gold=1, pred=2, by_type={"indirect": [0, 1]}, misses=["x"]),
    }
    out = summarise(scores)
    assert out == {
        "documents": 2,
        "gold": 4,
        "pred": 4,
        "match": 2,
        "strict": 1,
        "attributed": 1,
        "extraction_p": 0.5,
        "extraction_r": 0.5,
        "extraction_f1": 0.5,
        "strict_p": 0.25,
        "strict_r": 0.25,
        "strict_f1": 0.25,
        "attribution_p": 0.25,
        "attribution_r": 0.25,
        "attribution_f1": 0.25,
        "recall_by_type": {"direct": 0.6667, "indirect": 0.0},
    }
    assert list(out) == list(summarise(scores, detail=True))[:-1]
    detail = summarise(scores, detail=True)["detail"]
    assert detail["b"] == {"misses": ["x"], "wrong_speaker": [], "spurious": []}


# --- a directory of gold files ---------------------------------------------------------------------


def test_read_gold_dir_needs_text_beside_gold(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_gold_dir(tmp_path)
    (tmp_path / "a.gold.json").write_text('{"quotes": []}', encoding="utf-8")
    (tmp_path / "b.gold.json").write_text('{"quotes": []}', encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"One line.\r\nAnother.\r\n")
    [doc] = read_gold_dir(tmp_path)
    assert (doc.name, doc.text) == ("b", "One line.\r\nAnother.\r\n")  # line endings kept


def test_evaluate_scores_what_analyse_finds():
    import saywho

    [seed] = read_gold_dir(SEED_DIR)
    analysis = saywho.analyse(seed.text, published=seed.gold["published"])
    expected = summarise({seed.name: score_document(seed.gold, analysis.to_dict(), seed.text)}, detail=True)
    result = evaluate(SEED_DIR, detail=True)
    assert result == expected
    assert (result["documents"], result["gold"]) == (1, 16)


# --- the reference scorer --------------------------------------------------------------------------


def perturbed_predictions(gold: dict, text: str, rng: random.Random) -> dict:
    """Predictions near the gold: moved edges, lost quotes, wrong or missing speakers, extras."""
    preds = []
    for q in gold["quotes"] + gold.get("optional_quotes", []):
        if rng.random() < 0.15:
            continue
        copies = 2 if rng.random() < 0.1 else 1
        for _ in range(copies):
            start = max(0, q["start"] + rng.choice([0, 0, 0, -3, 2, 5, -12, 20]))
            end = min(len(text), max(start + 1, q["end"] + rng.choice([0, 0, 0, 1, -4, 9, -25])))
            fragments = q.get("fragments") if rng.random() < 0.5 else None
            name = q.get("speaker")
            roll = rng.random()
            if name and roll < 0.2:
                name = name.split()[-1]
            elif roll < 0.35:
                name = rng.choice(["Bill Clinton", "he", "Trump", None, "officials"])
            mention = None
            if "speaker_start" in q and rng.random() < 0.6:
                s, e = (
                    q["speaker_start"] + rng.choice([0, 0, -6, 3]),
                    q["speaker_end"] + rng.choice([0, 0, 4, -8]),
                )
                mention = {"text": text[max(0, s) : max(0, e)], "start": s, "end": e}
            pred = pred_quote(start, end, name, mention, fragments)
            if rng.random() < 0.05:
                pred["content"] = {"text": text[start:end]}
            preds.append(pred)
    for _ in range(rng.randint(0, 3)):
        start = rng.randrange(max(1, len(text) - 50))
        preds.append(pred_quote(start, start + rng.randint(5, 50), rng.choice(["Anna Berg", None])))
    rng.shuffle(preds)
    return {"quotes": preds}


def reference_figures(gold_dir: Path, pred_dir: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(REFERENCE), "--dir", str(gold_dir), str(pred_dir), "--detail"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.skipif(REFERENCE is None or not REFERENCE.exists(), reason="shared/tools/score_quotes.py absent")
@pytest.mark.parametrize("source", ["seed", "polnear-dev"])
def test_figures_equal_the_reference_scorers(tmp_path, source):
    gold_dir = SEED_DIR if source == "seed" else POLNEAR_DEV
    if not gold_dir.is_dir():
        pytest.skip(f"{gold_dir} absent")
    rng = random.Random(20)
    scores = {}
    rounds = 30 if source == "seed" else 1
    for n in range(rounds):
        pred_dir = tmp_path / f"round{n}"
        pred_dir.mkdir()
        for doc in read_gold_dir(gold_dir):
            prediction = perturbed_predictions(doc.gold, doc.text, rng)
            (pred_dir / f"{doc.name}.json").write_text(json.dumps(prediction), encoding="utf-8")
            scores[doc.name] = score_document(doc.gold, prediction, doc.text)
        assert summarise(scores, detail=True) == reference_figures(gold_dir, pred_dir)


@pytest.mark.skipif(REFERENCE is None or not REFERENCE.exists(), reason="shared/tools/score_quotes.py absent")
def test_evaluate_equals_the_reference_on_saywhos_own_output(tmp_path):
    import saywho

    [seed] = read_gold_dir(SEED_DIR)
    analysis = saywho.analyse(seed.text, published=seed.gold["published"])
    (tmp_path / f"{seed.name}.json").write_text(json.dumps(analysis.to_dict()), encoding="utf-8")
    assert evaluate(SEED_DIR, detail=True) == reference_figures(SEED_DIR, tmp_path)
