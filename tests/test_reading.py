"""Reading inputs into Documents: every input kind, the id rules, and each kind of bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from saywho import analyse_documents
from saywho.facts import is_english
from saywho.model import Document
from saywho.reading import ReadError, parse_date, read_input, read_inputs

INPUTS = Path(__file__).parent / "fixtures" / "inputs"
SEED = Path(__file__).parent / "fixtures" / "seed" / "belarus_volunteers.txt"

ENGLISH = (
    '"We see a window of opportunity," Vadim Prokopiev told CNN on Monday. He said that the men who '
    "had joined the group were training in a camp near the border, and that more would come.\n"
)
FRENCH = (
    "Le président a déclaré mardi que le gouvernement allait présenter un nouveau projet de loi sur les "
    "retraites. « Nous voulons une réforme juste », a-t-il dit devant les députés, qui ont longuement "
    "applaudi avant de quitter la salle pour voter.\n"
)


def read(*names: str | Path, published: str | None = None) -> list[Document | ReadError]:
    return list(read_inputs([str(n) for n in names], published))


def documents(items: list[Document | ReadError]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items: list[Document | ReadError]) -> list[ReadError]:
    return [i for i in items if isinstance(i, ReadError)]


def codes(document: Document) -> list[str]:
    return [w.code for w in document.warnings]


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-20", "2022-05-20"),
        (" 2022-05-20 ", "2022-05-20"),
        ("2022-05-20T08:30:00", "2022-05-20"),
        ("2022-05-20T23:30:00Z", "2022-05-20"),
        ("2022-05-20T08:30:00+03:00", "2022-05-20"),
        ("2022-05-20 08:30", "2022-05-20"),
        ("20220520", "2022-05-20"),
    ],
)
def test_parse_date_keeps_only_the_date(value: str, expected: str) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2022-13-01", "2022-02-30", "20/05/2022", "2022-05", ""])
def test_parse_date_refuses_what_is_not_an_iso_date(value: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_date(value)


# --- text files and standard input ------------------------------------------------------------


def test_txt_is_read_exactly_with_carriage_returns(tmp_path: Path) -> None:
    raw = "First line.\r\nSecond “line”.\r\n\r\nLast.\n"
    path = tmp_path / "story.txt"
    path.write_bytes(raw.encode("utf-8"))
    [doc] = read(path)
    assert doc.text == raw  # \r kept: offsets index the file's own characters
    assert doc.id == "story"
    assert doc.path == str(path)
    assert doc.published is None
    assert doc.warnings == []


def test_path_is_kept_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(ENGLISH, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    [doc] = read("news/a.txt")
    assert doc.path == "news/a.txt"


def test_published_default_applies_to_records_without_one(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    [doc] = read(path, published="2022-05-20")
    assert doc.published == "2022-05-20"


def test_a_file_with_another_suffix_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "article"
    path.write_text(ENGLISH, encoding="utf-8")
    [doc] = read(path)
    assert (doc.id, doc.text) == ("article", ENGLISH)


def test_stdin_is_read_as_text() -> None:
    raw = "He said “yes”.\r\nShe said no.\n"
    [doc] = list(read_input("-", "2022-01-02", stdin=io.BytesIO(raw.encode("utf-8"))))
    assert doc.text == raw
    assert (doc.id, doc.path, doc.published) == ("stdin", None, "2022-01-02")


def test_binary_stdin_is_unreadable() -> None:
    [error] = list(read_input("-", stdin=io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")))
    assert isinstance(error, ReadError)
    assert "standard input" in str(error) and "binary" in str(error)


# --- HTML ---------------------------------------------------------------------------------------


def test_html_gives_main_text_title_and_date() -> None:
    [doc] = read(INPUTS / "page.html")
    assert doc.id == "page"
    assert "We see a window of opportunity" in doc.text
    assert "more than two hundred people" in doc.text
    assert "Subscribe" not in doc.text and "Sport" not in doc.text  # boilerplate left out
    assert doc.title == "Volunteers train near the border"
    assert doc.published == "2022-05-20"
    assert doc.outlet == "Example News"
    assert doc.url == "https://news.example.com/volunteers"


def test_html_date_wins_over_the_default() -> None:
    [doc] = read(INPUTS / "page.html", published="2000-01-01")
    assert doc.published == "2022-05-20"


def test_html_without_a_date_takes_the_default(tmp_path: Path) -> None:
    path = tmp_path / "plain.htm"
    path.write_text(f"<html><body><article><p>{ENGLISH}</p><p>{ENGLISH}</p></article></body></html>")
    [doc] = read(path, published="2022-05-20")
    assert "window of opportunity" in doc.text
    assert doc.published == "2022-05-20"


# --- JSON and JSONL -----------------------------------------------------------------------------


def test_json_object_is_one_record_with_its_fields(tmp_path: Path) -> None:
    record = {
        "id": "cnn-1",
        "text": ENGLISH,
        "title": "Volunteers",
        "published": "2022-05-20T10:00:00Z",
        "url": "https://cnn.example/1",
        "outlet": "CNN",
        "ignored": [1, 2],
    }
    [doc] = read(write_json(tmp_path / "one.json", record))
    assert (doc.id, doc.text, doc.title, doc.url, doc.outlet) == (
        "cnn-1",
        ENGLISH,
        "Volunteers",
        "https://cnn.example/1",
        "CNN",
    )
    assert doc.published == "2022-05-20"
    assert doc.path == str(tmp_path / "one.json")


def test_json_object_without_id_takes_the_stem(tmp_path: Path) -> None:
    [doc] = read(write_json(tmp_path / "one.json", {"text": ENGLISH}), published="2022-05-20")
    assert (doc.id, doc.published) == ("one", "2022-05-20")


def test_json_array_numbers_records_without_ids(tmp_path: Path) -> None:
    records = [{"text": "A."}, {"id": "named", "text": "B."}, {"id": 7, "text": "C."}, {"text": "D."}]
    docs = read(write_json(tmp_path / "batch.json", records))
    assert [d.id for d in docs] == ["batch-1", "named", "7", "batch-4"]
    assert [d.text for d in docs] == ["A.", "B.", "C.", "D."]


def test_json_record_errors_name_the_record_and_spare_the_others(tmp_path: Path) -> None:
    records = [
        {"text": "Good."},
        {"title": "no text"},
        {"text": "Bad date.", "published": "last Tuesday"},
        {"text": 3},
        "not an object",
        {"text": "Also good.", "published": "2021-03-04"},
    ]
    items = read(write_json(tmp_path / "batch.json", records))
    assert [(d.id, d.published) for d in documents(items)] == [("batch-1", None), ("batch-6", "2021-03-04")]
    wheres = [e.where for e in errors(items)]
    assert wheres == [f"{tmp_path / 'batch.json'}[{i}]" for i in (1, 2, 3, 4)]
    assert "published" in errors(items)[1].message and "last Tuesday" in errors(items)[1].message
    assert all("\n" not in str(e) for e in errors(items))


def test_invalid_json_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"text": "unterminated', encoding="utf-8")
    [error] = read(path)
    assert isinstance(error, ReadError)
    assert error.where == str(path) and "not valid JSON" in error.message


def test_jsonl_skips_and_names_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "One."}),
        '{"text": "broken',
        "",
        json.dumps({"id": "x", "text": "Three."}),
        json.dumps({"text": "Four."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    # Records are numbered by their place in the file, the broken one included.
    assert [(d.id, d.text) for d in documents(items)] == [
        ("feed-1", "One."),
        ("x", "Three."),
        ("feed-4", "Four."),
    ]
    [error] = errors(items)
    assert error.where == f"{path}:2"
    assert "skipped" in error.message


def test_jsonl_text_may_hold_line_separators(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    text = "First\u2028second\u2029third\r\nfourth."
    path.write_text(json.dumps({"text": text}, ensure_ascii=False) + "\r\n", encoding="utf-8")
    [doc] = read(path)
    assert doc.text == text


# --- directories --------------------------------------------------------------------------------


def test_directory_is_read_recursively_sorted_and_filtered(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b" / "deep" / "z.txt").write_text("Z.", encoding="utf-8")
    (root / "b" / "a.TXT").write_text("A.", encoding="utf-8")
    (root / "a.txt").write_text("first.", encoding="utf-8")
    write_json(root / "c.jsonl", {"text": "C."})
    write_json(root / "d.json", [{"text": "D1."}, {"text": "D2."}])
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    (root / ".git" / "hidden.txt").write_text("hidden", encoding="utf-8")
    (root / "page.html").write_text(f"<html><body><p>{ENGLISH}</p></body></html>", encoding="utf-8")
    items = read(root)
    assert errors(items) == []
    assert [(d.id, d.path) for d in items] == [
        ("a", str(root / "a.txt")),
        ("a", str(root / "b" / "a.TXT")),
        ("z", str(root / "b" / "deep" / "z.txt")),
        ("c-1", str(root / "c.jsonl")),
        ("d-1", str(root / "d.json")),
        ("d-2", str(root / "d.json")),
        ("page", str(root / "page.html")),
    ]


@pytest.mark.parametrize("contents", [[], ["notes.md", "image.png"]])
def test_directory_of_nothing_readable_is_an_error(tmp_path: Path, contents: list[str]) -> None:
    for name in contents:
        (tmp_path / name).write_text("x", encoding="utf-8")
    [error] = read(tmp_path)
    assert isinstance(error, ReadError)
    assert error.where == str(tmp_path) and "no .txt" in error.message


# --- bad inputs -----------------------------------------------------------------------------------


def test_missing_file_is_named_and_the_rest_still_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    items = read(tmp_path / "missing.txt", good)
    [error] = errors(items)
    assert error.where == str(tmp_path / "missing.txt")
    assert "no such file" in error.message
    assert [d.id for d in documents(items)] == ["good"]


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),  # NUL bytes
        bytes([0x01, 0x02, 0x80, 0x1F, 0x90, 0x05, 0xC3, 0x07]) * 200,  # control bytes, no NUL
    ],
)
def test_binary_file_is_unreadable(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "archive.txt"
    path.write_bytes(data)
    [error] = read(path)
    assert isinstance(error, ReadError)
    assert error.where == str(path) and "binary" in error.message


def test_binary_json_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"\x00\x01\x02" * 50)
    [error] = read(path)
    assert isinstance(error, ReadError) and "binary" in error.message


def test_non_utf8_text_is_read_with_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("The café owner said the crêpes were sold out.\r\n".encode("latin-1"))
    [doc] = read(path)
    assert doc.text == "The caf\ufffd owner said the cr\ufffdpes were sold out.\r\n"
    [warning] = doc.warnings
    assert warning.code == "decoding_replaced"
    assert doc.text[warning.start : warning.end] == "\ufffd"
    assert warning.start == doc.text.index("\ufffd")


def test_non_utf8_json_records_carry_the_warning(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes('{"text": "Caf\xe9 talk."}\n{"text": "Plain."}\n'.encode("latin-1"))
    docs = read(path)
    assert [d.text for d in docs] == ["Caf\ufffd talk.", "Plain."]
    assert all(codes(d) == ["decoding_replaced"] for d in docs)
    assert (docs[0].warnings[0].start, docs[1].warnings[0].start) == (3, None)


@pytest.mark.parametrize("text", ["", "  \r\n\t\n"])
def test_empty_article_is_read_with_a_warning(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(text.encode("utf-8"))
    [doc] = read(path)
    assert doc.text == text
    assert codes(doc) == ["empty_text"]


def test_empty_json_text_is_read_with_a_warning(tmp_path: Path) -> None:
    [doc] = read(write_json(tmp_path / "r.json", {"id": "e", "text": ""}))
    assert (doc.id, codes(doc)) == ("e", ["empty_text"])


def test_huge_article_is_read_normally(tmp_path: Path) -> None:
    text = "The minister said the talks would continue on Monday.\n" * 100_000  # about 5.5 MB
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = read(path)
    assert len(doc.text) == len(text) > 5_000_000
    assert doc.warnings == []


# --- language ------------------------------------------------------------------------------------


def test_english_heuristic() -> None:
    assert is_english(ENGLISH * 3)
    assert not is_english(FRENCH * 3)
    assert is_english("Bonjour tout le monde.")  # too short to judge: given the benefit of the doubt
    if SEED.exists():
        assert is_english(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        FRENCH,
        "Der Bundeskanzler sagte am Dienstag, die Regierung werde noch in dieser Woche einen neuen "
        "Gesetzentwurf vorlegen. „Wir wollen eine gerechte Reform“, sagte er vor den Abgeordneten, die "
        "lange applaudierten, bevor sie den Saal verließen.",
        "Президент заявил во вторник, что правительство на этой неделе представит новый законопроект о "
        "пенсиях. «Мы хотим справедливой реформы», сказал он депутатам, которые долго аплодировали.",
    ],
)
def test_article_not_in_english_is_read_with_a_warning(tmp_path: Path, text: str) -> None:
    path = tmp_path / "foreign.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = read(path)
    assert doc.text == text
    assert codes(doc) == ["not_english"]


# --- long texts through the analysis --------------------------------------------------------------


def test_analysis_of_a_text_over_a_million_characters() -> None:
    # Cheap to parse: few, long tokens between two real sentences, one past the millionth character;
    # a "the" before each keeps it English enough for the language check.
    sentence = '"We will go on," Vadim Prokopiev told reporters in Warsaw on Monday.\n'
    filler = ("the Lorem" + "ipsum" * 400 + " ") * 10 + "\n"
    text = sentence + filler * (1_000_000 // len(filler) + 1) + sentence
    assert len(text) > 1_000_000
    [analysis] = analyse_documents([Document(text=text, published="2022-05-20")])
    assert analysis.document.text == text
    for quote in analysis.quotes:
        assert quote.content.text == text[quote.content.start : quote.content.end]
    mentions = [(s, e) for entity in analysis.entities for s, e in entity.mentions]
    assert all(0 <= s < e <= len(text) for s, e in mentions)
    # The last sentence was analysed, at its true offsets.
    assert any(s > 1_000_000 and text[s:e] in sentence for s, e in mentions)
