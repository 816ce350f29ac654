"""Inputs to Documents: .txt, .html, .json and .jsonl files, directories of them, and standard input.

`read_inputs` yields a `Document` per record and a `ReadError` per thing it could not read, so
that a caller reports the errors and still processes every good record (CONTRACT.md, "Inputs and
records").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from saywho.facts import text_warnings
from saywho.model import Document, Warning

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl",)
READABLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES
STDIN = "-"
STDIN_ID = "stdin"

RECORD_FIELDS = ("id", "title", "published", "url", "outlet")
# Control bytes that text files do not hold (tab, newlines, form feed and escape excluded).
CONTROL_BYTES = bytes([*range(1, 9), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in CONTROL_BYTES)
# Random bytes are about 10% control bytes, text in any 8-bit encoding next to none.
MAX_CONTROL_SHARE = 0.03


@dataclass
class ReadError:
    """Something that could not be read: `where` names it (a path, path:line or path[index])."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Fields:
    """A record's optional fields, as read, before defaults apply."""

    id: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    warnings: list[Warning] = field(default_factory=list)


class RecordError(ValueError):
    """A record that cannot become a Document."""


def parse_date(value: str) -> str:
    """An ISO 8601 date or date-time as the date alone (`2022-05-20`); ValueError if it is neither."""
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or date-time: {value!r} (expected e.g. 2022-05-20)") from None


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more control bytes than any text holds."""
    if b"\x00" in data:
        return True
    if not data:
        return False
    control = len(data.translate(None, NON_CONTROL_BYTES))
    return control / len(data) > MAX_CONTROL_SHARE


def decode(data: bytes) -> tuple[str, Warning | None]:
    """UTF-8 text exactly as stored (no newline translation, a BOM kept as a character); bytes that
    are not UTF-8 become U+FFFD, with a warning pointing at the first."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        first = text.index("\ufffd")
        message = (
            f"not valid UTF-8 (first bad byte at byte {error.start}): "
            "undecodable bytes were replaced with U+FFFD"
        )
        return text, Warning(code="decoding_replaced", message=message, start=first, end=first + 1)


def replaced_warning(file_warning: Warning, text: str) -> Warning:
    """A file's decoding warning for one of its records, pointing into that record's text."""
    first = text.find("\ufffd")
    span = (first, first + 1) if first >= 0 else (None, None)
    return Warning(file_warning.code, file_warning.message, *span)


def make_document(text: str, path: str | None, fields: Fields, published: str | None) -> Document:
    """A Document with the read warnings and the text's own; `published` is the default date."""
    return Document(
        text=text,
        id=fields.id or STDIN_ID,
        title=fields.title,
        published=fields.published or published,
        outlet=fields.outlet,
        url=fields.url,
        path=path,
        warnings=[*fields.warnings, *text_warnings(text)],
    )


def read_bytes(path: Path) -> bytes:
    """The file's bytes; RecordError if it is binary."""
    data = path.read_bytes()
    if looks_binary(data):
        raise RecordError("unreadable: a binary file, not text")
    return data


def read_text(path: Path, published: str | None) -> Iterator[Document]:
    text, warning = decode(read_bytes(path))
    fields = Fields(id=path.stem, warnings=[warning] if warning else [])
    yield make_document(text, str(path), fields, published)


def read_html(path: Path, published: str | None) -> Iterator[Document]:
    import trafilatura  # slow to import: only when HTML is read

    data = read_bytes(path)
    extracted = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
    fields = Fields(id=path.stem)
    text = ""
    if extracted is not None:
        text = extracted.text or ""
        fields.title = extracted.title or None
        fields.url = extracted.url or None
        fields.outlet = extracted.sitename or None
        try:
            fields.published = parse_date(extracted.date) if extracted.date else None
        except ValueError:
            pass  # a date the page half-gives is no date; --published may still apply
    yield make_document(text, str(path), fields, published)


def record_fields(record: Any) -> tuple[str, Fields]:
    """The text and fields of one JSON record; RecordError if it is not a usable record."""
    if isinstance(record, RecordError):
        raise record
    if not isinstance(record, dict):
        raise RecordError(f"a record must be a JSON object, not {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError('a record needs "text", a string')
    values: dict[str, str | None] = {}
    for name in RECORD_FIELDS:
        value = record.get(name)
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise RecordError(f'"{name}" must be a string')
        values[name] = value or None
    if values["published"]:
        try:
            values["published"] = parse_date(values["published"])
        except ValueError as error:
            raise RecordError(f"published: {error}") from None
    return text, Fields(**values)


def records_documents(
    path: Path, records: Iterable[tuple[str, str, Any]], warning: Warning | None, published: str | None
) -> Iterator[Document | ReadError]:
    """Documents from one file's (where, default id, record) triples; a bad record is a ReadError."""
    for where, default_id, record in records:
        try:
            text, fields = record_fields(record)
        except RecordError as error:
            yield ReadError(where, str(error))
            continue
        fields.id = fields.id or default_id
        if warning is not None:
            fields.warnings.append(replaced_warning(warning, text))
        yield make_document(text, str(path), fields, published)


def read_json(path: Path, published: str | None) -> Iterator[Document | ReadError]:
    """One record object (id: the stem) or an array of them (the N-th: STEM-N)."""
    text, warning = decode(read_bytes(path))
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise RecordError(f"not valid JSON: line {error.lineno} column {error.colno}: {error.msg}") from None
    if isinstance(data, list):
        records = [(f"{path}[{i}]", f"{path.stem}-{i + 1}", record) for i, record in enumerate(data)]
    else:
        records = [(str(path), path.stem, data)]
    yield from records_documents(path, records, warning, published)


def jsonl_records(path: Path, text: str) -> Iterator[tuple[str, str, Any]]:
    """(path:line, STEM-N, record) for the N-th non-blank line; a line that is not JSON stands as
    a RecordError, still counted, so that ids stay put when it is mended."""
    # Split on newlines only: str.splitlines would also cut at U+2028, which JSON strings may hold.
    lines = enumerate(text.removeprefix("\ufeff").split("\n"), 1)
    for n, (number, line) in enumerate(((i, line) for i, line in lines if line.strip()), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            record = RecordError(f"not valid JSON (column {error.colno}: {error.msg}); line skipped")
        yield f"{path}:{number}", f"{path.stem}-{n}", record


def read_jsonl(path: Path, published: str | None) -> Iterator[Document | ReadError]:
    """One record per line; a broken line is named and skipped, the others read."""
    text, warning = decode(read_bytes(path))
    yield from records_documents(path, jsonl_records(path, text), warning, published)


READERS = {
    **dict.fromkeys(HTML_SUFFIXES, read_html),
    **dict.fromkeys(JSON_SUFFIXES, read_json),
    **dict.fromkeys(JSONL_SUFFIXES, read_jsonl),
}


def read_file(path: Path, published: str | None = None) -> Iterator[Document | ReadError]:
    """One file's records, by suffix; any other suffix is read as plain text."""
    reader = READERS.get(path.suffix.lower(), read_text)
    try:
        yield from reader(path, published)
    except RecordError as error:
        yield ReadError(str(path), str(error))
    except OSError as error:
        yield ReadError(str(path), f"unreadable: {error.strerror or error}")


def directory_files(root: Path) -> list[Path]:
    """The readable files under `root`, recursively, sorted; hidden files and folders left out."""
    found = []
    for path in root.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if not hidden and path.suffix.lower() in READABLE_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


def read_stdin(stream: BinaryIO, published: str | None) -> Iterator[Document | ReadError]:
    data = stream.read()
    if looks_binary(data):
        yield ReadError("standard input", "unreadable: binary data, not text")
        return
    text, warning = decode(data)
    yield make_document(text, None, Fields(id=STDIN_ID, warnings=[warning] if warning else []), published)


def read_input(
    name: str,
    published: str | None = None,
    stdin: BinaryIO | None = None,
    fetched: Mapping[str, Sequence[Document | ReadError]] | None = None,
) -> Iterator[Document | ReadError]:
    """The records of one INPUT: a file, a directory, `-` for standard input, or an http(s) URL
    (an article, a feed or a sitemap: fetch.py), taken from `fetched` where it was fetched already."""
    if name.startswith(("http://", "https://")):
        from saywho.fetch import Fetcher, read_url  # fetch.py builds on this module

        yield from fetched[name] if fetched and name in fetched else read_url(name, Fetcher(), published)
        return
    if name == STDIN:
        yield from read_stdin(stdin if stdin is not None else sys.stdin.buffer, published)
        return
    path = Path(name)
    if path.is_dir():
        files = directory_files(path)
        if not files:
            kinds = ", ".join(READABLE_SUFFIXES)
            yield ReadError(name, f"unreadable: a directory with no {kinds} files")
        for file in files:
            yield from read_file(file, published)
    elif path.exists():
        yield from read_file(path, published)
    else:
        yield ReadError(name, "no such file or directory")


def read_inputs(
    names: Iterable[str],
    published: str | None = None,
    stdin: BinaryIO | None = None,
    fetched: Mapping[str, Sequence[Document | ReadError]] | None = None,
) -> Iterator[Document | ReadError]:
    """Every record of every INPUT, in order: a Document each, or a ReadError for what failed.
    `published` (an ISO date) is given to records that carry none; `fetched`: URLs read already."""
    for name in names:
        yield from read_input(name, published, stdin, fetched)
