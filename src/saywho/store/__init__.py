"""The corpus store: one SQLite file of analysed articles, their quotes, and the corpus-wide
speakers and statements derived from them (CONTRACT.md; see schema.py for the tables).

    conn = connect("saywho.db")                    # schema.py
    ingest(conn, ["corpus/"], workers=2)            # ingest.py
    rows, total = search_quotes(conn, "window")     # search.py
"""

from saywho.store.schema import DEFAULT_DB, StoreError, connect, store_errors

__all__ = ["DEFAULT_DB", "StoreError", "connect", "store_errors"]
