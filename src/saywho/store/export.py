"""`saywho export`: quotes, speakers or statements as flat rows (pandas-friendly) in JSON Lines,
CSV or Parquet, streamed from the store and written atomically (the file is whole or not there)."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from saywho.quote_fields import EXPORT_COLUMNS, flat_quote
from saywho.store.listing import iter_statements, list_speakers
from saywho.store.rows import QUOTE_SELECT, quote_dict

WHATS = ("quotes", "speakers", "statements")
FORMATS = ("jsonl", "csv", "parquet")
PARQUET_BATCH = 50_000  # rows per Parquet row group: bounded memory however big the store

# Each export's columns and their types (str, int, float, bool, a list of str, a list of spans).
COLUMNS: dict[str, dict[str, str]] = {
    "quotes": EXPORT_COLUMNS,
    "speakers": {
        "id": "int",
        "name": "str",
        "type": "str",
        "aliases": "strs",
        "titles": "strs",
        "quotes": "int",
        "articles": "int",
    },
    "statements": {
        "statement_id": "int",
        "speaker_id": "int",
        "speaker_name": "str",
        "wording_differs": "bool",
        "flags": "strs",
        "position": "int",
        "article_id": "str",
        "outlet": "str",
        "url": "str",
        "path": "str",
        "type": "str",
        "text": "str",
        "start": "int",
        "end": "int",
    },
}


def quote_rows(conn: sqlite3.Connection, min_confidence: float | None = None) -> Iterator[dict[str, Any]]:
    """Every quote (or those whose confidence is at least `min_confidence`), article by article."""
    where, params = ("WHERE q.confidence >= ?", [min_confidence]) if min_confidence is not None else ("", [])
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    cursor.execute(
        f"SELECT {QUOTE_SELECT} FROM quotes q JOIN articles a ON a.id = q.article_id"
        f" {where} ORDER BY a.id, q.position",
        params,
    )
    for row in cursor:
        yield flat_quote(quote_dict(row))


def statement_rows(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """One row per report of a statement, with the statement's own fields repeated."""
    for statement in iter_statements(conn):
        for position, quote in enumerate(statement["quotes"]):
            yield {
                "statement_id": statement["id"],
                "speaker_id": statement["speaker"]["id"],
                "speaker_name": statement["speaker"]["name"],
                "wording_differs": "wording_differs" in statement["flags"],
                "flags": statement["flags"],
                "position": position,
                "article_id": quote["article"],
                "outlet": quote["outlet"],
                "url": quote["url"],
                "path": quote["path"],
                "type": quote["type"],
                "text": quote["content"]["text"],
                "start": quote["content"]["start"],
                "end": quote["content"]["end"],
            }


def rows(
    conn: sqlite3.Connection, what: str, min_confidence: float | None = None
) -> Iterator[dict[str, Any]]:
    if min_confidence is not None and what != "quotes":
        raise ValueError(f"min_confidence keeps quotes: it cannot filter {what}")
    if what == "quotes":
        return quote_rows(conn, min_confidence)
    if what == "speakers":
        return iter(list_speakers(conn))
    if what == "statements":
        return statement_rows(conn)
    raise ValueError(f"cannot export {what!r}: one of {', '.join(WHATS)}")


NOT_FILES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def output_target(output: Path) -> Path:
    """The file an export to `output` writes: `output`, or the file a symlink there points to (the
    link is kept). ValueError, saying why, when that is not a regular file to replace (a directory,
    FIFO, device or socket: renaming a new file over it would replace the node itself) or its folder
    is missing."""
    target = Path(os.path.realpath(output))
    try:
        mode = output.stat().st_mode  # the kernel's answer: /dev/stdout's pipe has no real path
    except FileNotFoundError:
        mode = None  # a new file, or a symlink to one
    except OSError as error:  # a loop of symlinks, a folder that cannot be searched
        raise ValueError(f"{output}: {error.strerror or error}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in NOT_FILES if test(mode)), "not a regular file")
        shown = f"{output} (-> {target})" if output.is_symlink() else f"{output}"
        raise ValueError(f"{shown}: {kind}; an export writes a regular file")
    if not target.parent.is_dir():
        raise ValueError(f"{output}: no folder {target.parent}")
    return target


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed over it once written (taking the permissions of the
    file it replaces); removed if anything fails."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            pass  # a new file: the umask's permissions
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_csv_rows(records: Iterable[dict[str, Any]], out: TextIO, columns: Sequence[str]) -> int:
    """A header, then a line per record: lists as JSON text, booleans as true/false, None as empty."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([csv_cell(record[name]) for name in columns])
        count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], path: Path, columns: Sequence[str]) -> int:
    with open(path, "w", encoding="utf-8", newline="") as out:
        return write_csv_rows(records, out, columns)


def arrow_schema(columns: dict[str, str]) -> Any:
    import pyarrow as pa

    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "strs": pa.list_(pa.string()),
        "spans": pa.list_(pa.list_(pa.int64())),
    }
    return pa.schema([(name, types[kind]) for name, kind in columns.items()])


def write_parquet(records: Iterable[dict[str, Any]], path: Path, columns: dict[str, str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    count = 0
    iterator = iter(records)
    with pq.ParquetWriter(path, schema) as writer:
        while batch := list(islice(iterator, PARQUET_BATCH)):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


def export(
    conn: sqlite3.Connection, what: str, output_format: str, output: Path, min_confidence: float | None = None
) -> int:
    """Write every row of `what` to `output` (through a symlink, to its file) in `output_format`,
    whole or not at all; the number of rows. `min_confidence`: only the quotes whose confidence is
    at least that (quotes only). ValueError for an output that is not a regular file."""
    if output_format not in FORMATS:
        raise ValueError(f"cannot write {output_format!r}: one of {', '.join(FORMATS)}")
    target = output_target(Path(output))
    records = rows(conn, what, min_confidence)
    columns = COLUMNS[what]
    with atomic_path(target) as temporary:
        if output_format == "jsonl":
            return write_jsonl(records, temporary)
        if output_format == "csv":
            return write_csv(records, temporary, list(columns))
        return write_parquet(records, temporary, columns)
