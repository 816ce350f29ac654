"""The `saywho` command line: extract's outputs and exit statuses, --out-dir, the table view, eval."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import saywho.evaluation
from saywho import cli
from saywho.attribution import Attribution, roles
from saywho.cli import main, render_table
from saywho.model import Analysis, Content, Cue, Document, Entity, Mention, Quote, Speaker, Time, Warning

SEED_DIR = Path(__file__).parent / "fixtures" / "seed"
ENGLISH = (
    '"We see a window of opportunity," Vadim Prokopiev told CNN on Monday. He said that the men who '
    "had joined the group were training in a camp near the border.\r\n"
)
OTHER = "The minister said on Tuesday that the talks would go on for as long as they were needed.\n"


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "first.txt", tmp_path / "second.txt"]
    paths[0].write_bytes(ENGLISH.encode("utf-8"))
    paths[1].write_bytes(OTHER.encode("utf-8"))
    return paths


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def fake_extract(doc, models) -> list[Attribution]:
    """A stand-in extractor: the first sentence, said by the first token, cued by the second."""
    first = next(iter(doc.sents))
    return [
        Attribution(
            type="direct",
            fragments=[(first.start_char, first.end_char)],
            source=doc[0:1],
            cue=doc[1:2],
            score=0.8,
        )
    ]


def failing_on(name: str):
    """A replacement for Analysis.to_dict that fails for the document with this id."""
    original = Analysis.to_dict

    def to_dict(self: Analysis) -> dict:
        if self.document.id == name:
            raise RuntimeError("boom")
        return original(self)

    return to_dict


# --- extract: outputs -----------------------------------------------------------------------------


def test_one_record_gives_one_json_object(capsys, articles: list[Path]) -> None:
    status, out, err = run(capsys, "extract", articles[0], "--published", "2022-05-20T10:00:00Z")
    assert status == 0, err
    result = json.loads(out)
    assert set(result) == {"document", "quotes", "entities", "warnings"}
    assert result["document"]["id"] == "first"
    assert result["document"]["text"] == ENGLISH  # \r\n kept: offsets index the file's characters
    assert result["document"]["published"] == "2022-05-20"
    assert result["document"]["path"] == str(articles[0])
    for quote in result["quotes"]:
        content = quote["content"]
        assert ENGLISH[content["start"] : content["end"]] == content["text"]


def test_several_records_give_an_array_in_order(capsys, articles: list[Path]) -> None:
    status, out, _ = run(capsys, "extract", articles[1], articles[0])
    assert status == 0
    result = json.loads(out)
    assert isinstance(result, list)
    assert [r["document"]["id"] for r in result] == ["second", "first"]


def test_jsonl_gives_one_object_per_line(capsys, articles: list[Path], tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": OTHER, "outlet": "CNN"}) + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "extract", *articles, feed, "--format", "jsonl")
    assert status == 0
    lines = out.splitlines()
    assert [json.loads(line)["document"]["id"] for line in lines] == ["first", "second", "feed-1"]
    assert json.loads(lines[2])["document"]["outlet"] == "CNN"


def test_stdin_input(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ENGLISH.encode("utf-8"))))
    status, out, _ = run(capsys, "extract", "-", "--published", "2022-05-20")
    assert status == 0
    document = json.loads(out)["document"]
    assert (document["id"], document["text"], document["published"]) == ("stdin", ENGLISH, "2022-05-20")


def test_quotes_found_reach_the_json(capsys, monkeypatch: pytest.MonkeyPatch, articles: list[Path]) -> None:
    monkeypatch.setattr("saywho.attribution.extract.extract", fake_extract)
    status, out, _ = run(capsys, "extract", articles[1])
    assert status == 0
    [quote] = json.loads(out)["quotes"]
    assert quote["type"] == "direct"
    assert quote["content"]["text"] == OTHER[quote["content"]["start"] : quote["content"]["end"]]
    assert quote["content"]["text"].startswith("The minister said")


def test_table_format_end_to_end(capsys, monkeypatch: pytest.MonkeyPatch, articles: list[Path]) -> None:
    monkeypatch.setattr("saywho.attribution.extract.extract", fake_extract)
    status, out, _ = run(capsys, "extract", articles[1], "--format", "table")
    assert status == 0
    assert "second" in out
    assert "minister" in out and "direct" in out


def test_warnings_are_in_the_output_and_the_status_is_0(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("The café owner said the crêpes were sold out.".encode("latin-1"))
    status, out, err = run(capsys, "extract", empty, latin)
    assert status == 0, err
    codes = [[w["code"] for w in r["warnings"]] for r in json.loads(out)]
    assert codes[0] == ["empty_text"]
    assert "decoding_replaced" in codes[1]


def test_no_quotes_are_invented_for_an_article_not_in_english(
    capsys, monkeypatch, articles, tmp_path
) -> None:
    monkeypatch.setattr("saywho.attribution.extract.extract", fake_extract)
    french = tmp_path / "french.txt"
    french.write_text(
        "Le président a déclaré mardi que le gouvernement allait présenter un nouveau projet de loi sur les "
        "retraites. « Nous voulons une réforme juste », a-t-il dit devant les députés, qui ont longuement "
        "applaudi avant de quitter la salle pour voter.",
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "extract", articles[1], french)
    assert status == 0
    english, foreign = json.loads(out)
    assert len(english["quotes"]) == 1  # the stand-in extractor does find a quote in each text
    assert foreign["quotes"] == []
    assert [w["code"] for w in foreign["warnings"]] == ["not_english"]


# --- extract: exit statuses -----------------------------------------------------------------------


def test_missing_input_is_named_and_the_good_ones_done(capsys, articles: list[Path], tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    status, out, err = run(capsys, "extract", missing, articles[0])
    assert status == 2
    assert err.splitlines() == [f"saywho: {missing}: no such file or directory"]
    assert json.loads(out)["document"]["id"] == "first"


@pytest.mark.parametrize("kind", ["binary", "empty_dir", "broken_jsonl_line"])
def test_unreadable_inputs_give_status_2(capsys, tmp_path: Path, articles: list[Path], kind: str) -> None:
    if kind == "binary":
        bad = tmp_path / "photo.txt"
        bad.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" * 20)
    elif kind == "empty_dir":
        bad = tmp_path / "nothing"
        bad.mkdir()
    else:
        bad = tmp_path / "feed.jsonl"
        bad.write_text('{"text": "Good."}\n{"text": \n', encoding="utf-8")
    status, out, err = run(capsys, "extract", bad, articles[0], "--format", "jsonl")
    assert status == 2
    [line] = err.splitlines()
    assert line.startswith(f"saywho: {bad}")
    ids = [json.loads(line)["document"]["id"] for line in out.splitlines()]
    assert ids[-1] == "first"
    if kind == "broken_jsonl_line":
        assert line.startswith(f"saywho: {bad}:2:")
        assert ids == ["feed-1", "first"]


def test_malformed_published_is_bad_usage(capsys, articles: list[Path]) -> None:
    status, out, err = run(capsys, "extract", articles[0], "--published", "20/05/2022")
    assert status == 2
    assert out == ""
    assert "--published" in err and "'20/05/2022'" in err and "2022-05-20" in err


@pytest.mark.parametrize("argv", [[], ["extract"], ["extract", "x.txt", "--format", "xml"], ["frobnicate"]])
def test_bad_usage_gives_status_2(capsys, argv: list[str]) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == "" and "usage:" in err


def test_help(capsys) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "extract" in out and "eval" in out
    status, out, _ = run(capsys, "extract", "--help")
    assert status == 0
    assert "--out-dir" in out and "--published" in out and "jsonl" in out


def test_a_failure_leaves_no_half_written_json(
    capsys, monkeypatch: pytest.MonkeyPatch, articles: list[Path]
) -> None:
    monkeypatch.setattr(Analysis, "to_dict", failing_on("second"))
    for output_format in ("json", "jsonl"):
        status, out, err = run(capsys, "extract", *articles, "--format", output_format)
        assert status == 1
        assert out == ""  # the first record's JSON was ready, but nothing is printed
        assert err.strip() == "saywho extract: failed: RuntimeError: boom"


# --- extract --out-dir ------------------------------------------------------------------------------


def test_out_dir_writes_one_file_per_record(capsys, articles: list[Path], tmp_path: Path) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"id": "a/../b", "text": OTHER}, {"text": ENGLISH}]), encoding="utf-8")
    out_dir = tmp_path / "out" / "nested"
    status, out, err = run(capsys, "extract", articles[0], records, "--out-dir", out_dir)
    assert status == 0, err
    assert out == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["a_.._b.json", "first.json", "records-2.json"]
    first = json.loads((out_dir / "first.json").read_text(encoding="utf-8"))
    assert first["document"]["text"] == ENGLISH
    assert json.loads((out_dir / "a_.._b.json").read_text(encoding="utf-8"))["document"]["id"] == "a/../b"
    assert "wrote 3 files" in err


def test_out_dir_files_are_whole_or_absent(
    capsys, monkeypatch: pytest.MonkeyPatch, articles: list[Path], tmp_path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "second.json").write_text('{"old": true}', encoding="utf-8")
    real_replace = cli.os.replace

    def replace_failing_for_second(source, target) -> None:
        if Path(target).name == "second.json":
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(cli.os, "replace", replace_failing_for_second)
    status, _, err = run(capsys, "extract", *articles, "--out-dir", out_dir)
    assert status == 1
    assert "No space left on device" in err
    assert json.loads((out_dir / "first.json").read_text(encoding="utf-8"))["document"]["id"] == "first"
    assert (out_dir / "second.json").read_text(encoding="utf-8") == '{"old": true}'  # untouched
    assert sorted(p.name for p in out_dir.iterdir()) == ["first.json", "second.json"]  # no temporary left


def test_out_dir_failure_while_serialising_leaves_no_file(
    capsys, monkeypatch, articles: list[Path], tmp_path
) -> None:
    monkeypatch.setattr(Analysis, "to_dict", failing_on("second"))
    out_dir = tmp_path / "out"
    status, _, _ = run(capsys, "extract", *articles, "--out-dir", out_dir)
    assert status == 1
    assert [p.name for p in out_dir.iterdir()] == ["first.json"]


def test_out_dir_names_a_repeated_id(capsys, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text(OTHER, encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text(ENGLISH, encoding="utf-8")
    out_dir = tmp_path / "out"
    status, _, err = run(capsys, "extract", tmp_path / "a", tmp_path / "b", "--out-dir", out_dir)
    assert status == 0
    assert "repeated" in err and str(tmp_path / "b" / "same.txt") in err
    assert json.loads((out_dir / "same.json").read_text(encoding="utf-8"))["document"]["text"] == ENGLISH


def test_out_dir_that_is_a_file_is_bad_usage(capsys, articles: list[Path]) -> None:
    status, _, err = run(capsys, "extract", articles[0], "--out-dir", articles[1])
    assert status == 2
    assert "not a directory" in err
    assert articles[1].read_text(encoding="utf-8") == OTHER


# --- the table view -------------------------------------------------------------------------------


def table_analysis() -> Analysis:
    text = (
        '"We see a [bold]window[/bold] of opportunity," he told CNN on Monday. '
        '"We will go back," Prokopiev said in May.'
    )
    quote = Quote(
        id="q1",
        type="direct",
        content=Content("We see a [bold]window[/bold] of opportunity,", 1, 45, [[1, 45]]),
        speaker=Speaker(name="Vadim Prokopiev", entity="e1", kind="person", mention=Mention("he", 47, 49)),
        cue=Cue("told", "tell", 50, 54),
        addressee=Mention("CNN", 55, 58),
        time=Time("on Monday", 59, 68, "2022-05-16"),
        confidence=0.9,
        flags=["pronoun_gender_mismatch"],
    )
    unresolved = Quote(
        id="q2",
        type="direct",
        content=Content("We will go back,", 71, 87, [[71, 87]]),
        speaker=Speaker("Vadim Prokopiev", "e1", "person", Mention("Prokopiev", 89, 98)),
        cue=Cue("said", "say", 99, 103),
        time=Time("in May", 104, 110, None),
        confidence=0.42,
    )
    unattributed = Quote(id="q3", type="according_to", content=Content("No name here.", 0, 13, [[0, 13]]))
    titles = ["dissident and restaurateur", "Dissident and restaurateur", "exiled businessman"]
    prokopiev = Entity("e1", "Vadim Prokopiev", "PERSON", ["Vadim Prokopiev", "Prokopiev"], titles, "male")
    document = Document(text=text, id="belarus", title="Volunteers", published="2022-05-20", path="b.txt")
    warning = Warning(code="garbled_punctuation", message="punctuation debris")
    return Analysis(
        document=document, quotes=[quote, unresolved, unattributed], entities=[prokopiev], warnings=[warning]
    )


def rendered_table(analyses: list[Analysis], width: int) -> str:
    console = Console(file=io.StringIO(), width=width)
    render_table(analyses, console)
    return console.file.getvalue()


def table_rows(shown: str) -> list[list[str]]:
    """The first table's rows below its header, each a list of cells, a cell's wrapped lines
    joined by spaces."""
    rows: list[list[str]] = []
    lines = shown.split("┩", 1)[1].splitlines()[1:]
    for line in lines:
        if line.startswith("└"):
            break
        if line.startswith("├"):
            rows.append([])
            continue
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if not rows or not rows[-1]:
            rows[-1:] = [cells]
        else:
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=True)]
    return rows


def test_table_shows_speaker_title_addressee_time_cue_quote_type_flags_and_low_confidence() -> None:
    shown = rendered_table([table_analysis(), Analysis(document=Document(text="", id="blank"))], 200)
    assert "belarus" in shown and "Volunteers" in shown and "2022-05-20" in shown
    header = shown.split("┡")[0].splitlines()[-1]
    headers = [cell.strip() for cell in header.split("┃")[1:-1]]
    assert headers == ["speaker / to", "when", "cue / type", "quote / flags"]
    first, second, third = table_rows(shown)
    # speaker: the resolved name, the words that named them when not (a part of) the name, the
    # entity's titles each once, to whom; when: as written = resolved; the cue above the type; a
    # quote under 0.5 marked in words.
    assert first == [
        "Vadim Prokopiev (he) dissident and restaurateur exiled businessman to CNN",
        "on Monday = 2022-05-16",
        "told direct",
        "We see a [bold]window[/bold] of opportunity, flags: pronoun_gender_mismatch",  # not markup
    ]
    assert second == [
        "Vadim Prokopiev dissident and restaurateur exiled businessman",
        "in May = (unresolved)",
        "said direct",
        "We will go back, low confidence 0.42",
    ]
    assert third == ["unknown speaker", "", "— according_to", "No name here."]
    assert "garbled_punctuation" in shown
    assert "blank" in shown and "no quotes found" in shown


def test_table_dims_a_low_confidence_quote_on_a_terminal() -> None:
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system="standard")
    render_table([table_analysis()], console)
    lines = console.file.getvalue().splitlines()
    sure = next(line for line in lines if "We see a" in line)
    unsure = next(line for line in lines if "We will go back," in line)
    dim = "\x1b[2m"
    assert (
        dim in unsure.split("We will go back,")[0] and dim not in sure.split("We see a")[0].split("│", 2)[2]
    )


@pytest.mark.parametrize("width", [100, 80])
def test_table_wraps_to_the_terminal_width(width: int) -> None:
    shown = rendered_table([table_analysis()], width)
    assert max(len(line) for line in shown.splitlines()) <= width
    wide = table_rows(rendered_table([table_analysis()], 200))
    assert table_rows(shown) == wide  # cells wrap at spaces: nothing cut, no word broken
    speaker, when, cue, quote = (len(cell) for cell in shown.splitlines()[1].split("┳"))
    assert quote > max(speaker, when, cue)  # the quote keeps the most room


@pytest.mark.skipif(not roles.MODEL_PATH.exists(), reason="extraction's role model is not in this checkout")
def test_table_of_a_real_extraction(capsys, monkeypatch: pytest.MonkeyPatch, articles: list[Path]) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    status, out, err = run(capsys, "extract", articles[0], "--published", "2022-05-20", "--format", "table")
    assert status == 0, err
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "Vadim Prokopiev" in out and "told" in out and "direct" in out
    assert "on Monday" in out and "= 2022-05-16" in out
    assert "We see a window of opportunity," in out


# --- eval -----------------------------------------------------------------------------------------


def test_eval_prints_the_evaluation_as_its_last_line(
    capsys, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    calls = []

    def evaluate(gold_dir: Path, detail: bool = False) -> dict:
        calls.append((gold_dir, detail))
        return {"precision": 0.5, "recall": 0.25, "misses": ["“quoted”"] if detail else None}

    monkeypatch.setattr(saywho.evaluation, "evaluate", evaluate)
    status, out, _ = run(capsys, "eval", tmp_path)
    assert status == 0
    assert json.loads(out.splitlines()[-1]) == {"precision": 0.5, "recall": 0.25, "misses": None}
    status, out, _ = run(capsys, "eval", tmp_path, "--detail")
    assert status == 0
    assert out == json.dumps(evaluate(tmp_path, True), ensure_ascii=False, indent=1) + "\n"
    assert calls[:2] == [(tmp_path, False), (tmp_path, True)]


def test_eval_of_a_missing_directory_is_bad_usage(capsys, tmp_path: Path) -> None:
    status, out, err = run(capsys, "eval", tmp_path / "nowhere")
    assert status == 2
    assert out == "" and "not a directory" in err


@pytest.mark.skipif(not (SEED_DIR / "belarus_volunteers.gold.json").exists(), reason="no seed fixture")
def test_eval_on_the_seed_matches_evaluate(capsys) -> None:
    status, out, _ = run(capsys, "eval", SEED_DIR)
    assert status == 0
    assert json.loads(out.splitlines()[-1]) == saywho.evaluation.evaluate(SEED_DIR)


# --- as a program ---------------------------------------------------------------------------------


def test_command_runs_as_a_program(articles: list[Path], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "saywho.cli", "extract", str(articles[0]), str(tmp_path / "gone.txt")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 2
    assert json.loads(done.stdout)["document"]["id"] == "first"
    assert done.stderr.strip() == f"saywho: {tmp_path / 'gone.txt'}: no such file or directory"


SLOW_EXTRACT = """
import sys, time
import saywho
from saywho.model import Analysis

def slow(documents):
    for document in documents:
        time.sleep(0.1)
        yield Analysis(document, [], [])

saywho.analyse_documents = slow  # a stand-in analysis: a tenth of a second an article
from saywho.cli import main
sys.exit(main(["extract", {corpus!r}, "--out-dir", {out!r}]))
"""


def test_ctrl_c_ends_extract_with_one_line_and_status_130_and_whole_files(tmp_path: Path) -> None:
    import os
    import signal
    import time

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for n in range(50):
        (corpus / f"a{n:02d}.txt").write_text(f"Story {n}.\n", encoding="utf-8")
    script = SLOW_EXTRACT.format(corpus=str(corpus), out=str(out))
    process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60

    def finished_files() -> list[Path]:  # not the hidden temporary a file is written to first
        return [p for p in out.iterdir() if not p.name.startswith(".")] if out.is_dir() else []

    while not finished_files() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the whole foreground group
    _, err = process.communicate(timeout=60)
    err = err.decode()
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines() == ["saywho: interrupted"]
    written = sorted(out.iterdir())
    assert 0 < len(written) < 50 and all(p.suffix == ".json" for p in written)  # no temporary left
    assert all(json.loads(p.read_text(encoding="utf-8"))["quotes"] == [] for p in written)


def test_table_shows_the_fragments_of_an_interrupted_quote_without_the_attribution() -> None:
    text = '"We see a window," he said. "We will go back."'
    quote = Quote(
        id="q1",
        type="direct",
        content=Content(text[1:45], 1, 45, [[1, 17], [29, 45]]),
        speaker=Speaker(name="Vadim Prokopiev", kind="person", mention=Mention("he", 18, 20)),
    )
    shown = rendered_table([Analysis(document=Document(text=text, id="t"), quotes=[quote])], 200)
    assert "We see a window, … We will go back." in shown
    assert "he said" not in shown.split("┡")[1]
