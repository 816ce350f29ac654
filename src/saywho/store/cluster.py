"""Statement linking on a Dask distributed cluster: the bulk of a relink, or of a large ingest.

Scoring the candidate pairs of quotes is nearly all of link_statements's work, and it is not cut
by person: a quote whose speaker is unsure (none, a pronoun, a group) may be one statement with the
quotes of any person its article names (statements.may_pair), so one person's quotes are no
independent part. The pairs are sharded instead: each worker gets every class of quotes, builds
their wordings, embeddings and index, and scores the pairs (c, d) whose c is its shard
(statements._candidates); this process sorts the scored pairs as link_statements does and groups
them, comparing only the classes of scored pairs again. The statements are link_statements's.
"""

from __future__ import annotations

from collections.abc import Sequence

from saywho.statements import (
    QuoteRecord,
    Statement,
    _candidates,
    _Comparer,
    best_first,
    grouped_statements,
    link_statements,
    ordered_classes,
)

MIN_QUOTES = 2000  # fewer are linked in this process: a cluster's trip costs more


def score_shard(
    first: list[QuoteRecord], classes: list[list[int]], shard: int, shards: int
) -> list[tuple[float, int, int]]:
    """A worker's task: the scored pairs of one shard (`first`: a quote of each class)."""
    return _candidates(classes, _Comparer(first), shard, shards)


def link_statements_on(quotes: Sequence[QuoteRecord], scheduler: str) -> list[Statement]:
    """link_statements(quotes), its pairs scored on the Dask cluster at `scheduler` (tcp://host:8786),
    one shard a worker."""
    if len(quotes) < MIN_QUOTES:
        return link_statements(quotes)
    from distributed import Client

    order, classes = ordered_classes(quotes)
    first = [quotes[order[c[0]]] for c in classes]
    with Client(scheduler, set_as_default=False) as client:
        workers = sorted(client.scheduler_info()["workers"])
        shared = client.scatter([first, classes], broadcast=True)  # two objects, on every worker
        futures = [
            client.submit(score_shard, *shared, k, len(workers), workers=[w], pure=False)
            for k, w in enumerate(workers)
        ]
        scored = best_first(classes, [s for part in client.gather(futures) for s in part])
    # Grouping asks again about the classes of scored pairs alone: compare only those here.
    involved = sorted({c for _, c, _ in scored} | {d for _, _, d in scored})
    index = {c: k for k, c in enumerate(involved)}
    comparer = _Comparer([first[c] for c in involved])
    return grouped_statements(
        quotes,
        order,
        classes,
        scored,
        lambda c, d: comparer.linkable(index[c], index[d])[0],
        lambda c: len(comparer.wordings[index[c]].terms),
    )
