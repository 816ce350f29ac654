"""Statement linking on a Dask distributed cluster: the bulk of a relink, or of a large ingest.

The quotes are cut into the parts link_statements links apart (statements.statement_blocks:
connected components of the pairs it may score, found through the blocking keys: shared index
keys, copies, one named person), the parts packed into tasks of about TASK_QUOTES quotes, and each
task linked on a worker: the statements are those of link_statements over all the quotes, as in
this process. Finding the parts is a count of shared keys per class of quotes, in this process;
the comparing (wordings, embeddings, the best-first grouping) is the workers'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from saywho.statements import QuoteRecord, Statement, link_statements, statement_blocks

TASK_QUOTES = 5000  # quotes per task: enough to amortise the trip, small enough to spread
MIN_QUOTES = 2000  # fewer are linked in this process: a cluster's trip costs more


def pack(blocks: Sequence[Sequence[int]], size: int = TASK_QUOTES) -> list[list[int]]:
    """Blocks packed into tasks of about `size` quotes, largest first (a block is never cut)."""
    tasks: list[list[int]] = []
    current: list[int] = []
    for block in sorted(blocks, key=len, reverse=True):
        if current and len(current) + len(block) > size:
            tasks.append(current)
            current = []
        current += block
    if current:
        tasks.append(current)
    return tasks


def link_task(quotes: list[QuoteRecord]) -> list[Statement]:
    """A worker's task: link_statements over one task's quotes."""
    return link_statements(quotes)


def link_statements_on(quotes: Sequence[QuoteRecord], scheduler: str) -> list[Statement]:
    """link_statements(quotes), computed on the Dask cluster at `scheduler` (tcp://host:8786)."""
    if len(quotes) < MIN_QUOTES:
        return link_statements(quotes)
    from distributed import Client

    tasks = pack(statement_blocks(quotes))
    with Client(scheduler, set_as_default=False) as client:
        futures = [client.submit(link_task, [quotes[i] for i in task], pure=False) for task in tasks]
        results = client.gather(futures)
    statements = [
        replace(s, members=[task[i] for i in s.members])
        for task, linked in zip(tasks, results, strict=True)
        for s in linked
    ]
    return sorted(statements, key=lambda s: min((q.article, q.start) for q in s.quotes))
