"""The statistical part: a small CNN that gives each token a probability of being part of a
SOURCE, a CUE or the CONTENT of an attribution, trained on PolNeAR train (training/train.py).

It reads the parse (tags, dependencies, the head's lemma) besides the words, and sees the whole
document at once: sentence boundaries do not stop it, as quotes cross them.
"""

from __future__ import annotations

from pathlib import Path

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, NORM, SHAPE, SUFFIX, TAG
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.tokens import Doc
from thinc.api import HashEmbed, Maxout, Model, Softmax, chain, concatenate, with_array

from saywho.shipped import MODELS_DIR

ROLES = ("O", "SOURCE", "CUE", "CONTENT")
FILE = "roles.bin"  # the tagger's weights in a models folder (attribution/learned.py)
MODEL_PATH = MODELS_DIR / FILE  # the package's own copy: tests that need the tagger skip without it
# Sized to cost a fraction of the parse it reads: narrow per-feature vectors, two maxout pieces.
WIDTH, DEPTH, ROWS, FEATURE_WIDTH, PIECES = 64, 4, 5000, 32, 2
N_FEATURES = 11
WINDOW = 2  # words either side each layer sees: eight in all through four layers
MARGIN = WINDOW * DEPTH  # how far a token's features reach in the output
PIECE_TOKENS = 10_000  # the tagger's rows are computed this many at a time (predict)
_MIX = numpy.uint64(0x9E3779B97F4A7C15)


def _pair(a: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
    """One hash for a pair of hashes (uint64 arithmetic wraps, as a hash should)."""
    with numpy.errstate(over="ignore"):
        return a * _MIX + b


_CLAUSAL = {"ccomp", "xcomp", "parataxis", "advcl", "csubj", "conj", "relcl", "acl", "pcomp", "ROOT"}


def _governor(doc: Doc, heads: numpy.ndarray, dep: numpy.ndarray, lemma: numpy.ndarray) -> numpy.ndarray:
    """Per token: how its clause attaches and to which word ("ccomp" of "say"), so that every
    word of a reported clause knows it is reported, however far the cue is."""
    clausal = {doc.vocab.strings[d] for d in _CLAUSAL}
    root = numpy.full(len(doc), -1, dtype=numpy.int64)
    for i in range(len(doc)):
        path = []
        j = i
        while root[j] < 0 and int(dep[j]) not in clausal and heads[j] != j:
            path.append(j)
            j = heads[j]
        r = root[j] if root[j] >= 0 else j
        root[j] = r
        root[path] = r
    return _pair(dep[root], lemma[heads[root]])


def features(doc: Doc, quoted: numpy.ndarray | None = None) -> numpy.ndarray:
    """One row of hashed features per token. `quoted` marks tokens inside quotation marks (1) and
    the marks themselves (2)."""
    arr = doc.to_array([NORM, SUFFIX, SHAPE, TAG, DEP, LEMMA, HEAD]).astype(numpy.uint64)
    n = len(doc)
    heads = numpy.arange(n) + doc.to_array([HEAD]).astype(numpy.int64).ravel()
    norm, suffix, shape, tag, dep, lemma = (arr[:, i] for i in range(6))
    head_lemma = lemma[heads]
    head_dep = dep[heads]
    grand_lemma = lemma[heads[heads]]
    q = numpy.zeros(n, dtype=numpy.uint64) if quoted is None else quoted.astype(numpy.uint64)
    cols = [
        norm,
        suffix,
        shape,
        tag,
        dep,
        _pair(dep, head_lemma),
        _pair(head_dep, grand_lemma),
        lemma,
        _pair(q, tag),
        _pair(dep, _pair(head_dep, tag)),
        _governor(doc, heads, dep, lemma),
    ]
    return numpy.ascontiguousarray(numpy.stack(cols, axis=1))


def build_model() -> Model:
    embed = concatenate(*[HashEmbed(FEATURE_WIDTH, ROWS, column=i, seed=i + 7) for i in range(N_FEATURES)])
    return chain(
        with_array(
            chain(embed, Maxout(WIDTH, FEATURE_WIDTH * N_FEATURES, nP=PIECES, dropout=0.2, normalize=True))
        ),
        MaxoutWindowEncoder(width=WIDTH, window_size=WINDOW, maxout_pieces=PIECES, depth=DEPTH),
        with_array(Softmax(len(ROLES), WIDTH)),
    )


def from_bytes(data: bytes) -> Model:
    """A tagger from the bytes `Model.to_bytes` gave (training/train.py)."""
    model = build_model()
    model.initialize(X=[numpy.zeros((1, N_FEATURES), dtype=numpy.uint64)])
    return model.from_bytes(data)


def read_model(path: Path) -> Model:
    """A tagger from its file (a models folder's FILE, or a fold tagger of training/train.py)."""
    return from_bytes(path.read_bytes())


def predict(doc: Doc, quoted: numpy.ndarray | None, model: Model | None) -> numpy.ndarray | None:
    """Role probabilities, one row per token (columns as ROLES), or None without a model (the
    component's tagger; training gives each article one that did not learn from it)."""
    if model is None or len(doc) == 0:
        return None
    return _predict_in_pieces(model, features(doc, quoted))


def _predict_in_pieces(model: Model, rows: numpy.ndarray, size: int = PIECE_TOKENS) -> numpy.ndarray:
    """The model's output for a long document, computed PIECE_TOKENS rows at a time (its working
    arrays grow with the rows it is given: 1.4 GB for 100,000 tokens at once). Each piece is given
    the MARGIN rows either side that reach its own through the encoder's windows, so every row
    comes out as it would from the whole document at once."""
    n = len(rows)
    if n <= size:
        return model.predict([rows])[0]
    out = []
    for start in range(0, n, size):
        lo, hi = max(0, start - MARGIN), min(n, start + size + MARGIN)
        probs = model.predict([rows[lo:hi]])[0]
        out.append(probs[start - lo : start - lo + min(size, n - start)])
    return numpy.concatenate(out)


def quote_state(doc: Doc, spans: list[tuple[int, int, int, int]]) -> numpy.ndarray:
    """Per token: 1 inside a quotation, 2 a quotation mark, 0 elsewhere (spans from facts.quotations)."""
    state = numpy.zeros(len(doc), dtype=numpy.uint64)
    if not spans:
        return state
    starts = doc.to_array([IDX]).ravel()
    for open_s, s, e, close_e in spans:
        lo, hi = numpy.searchsorted(starts, [open_s, close_e])
        state[lo:hi] = 2
        lo, hi = numpy.searchsorted(starts, [s, e])
        state[lo:hi] = 1
    return state
