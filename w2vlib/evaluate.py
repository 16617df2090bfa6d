"""Judging word vectors: cosine similarity, nearest neighbours and analogies.

Section 4.3 of the chapter judges the trained CBOW by the words nearest to
"you", "year", "car" and "toyota", and by analogies such as
``king : man = queen : ?``.  Both questions are answered here by cosine
similarity between rows of a word matrix ``W`` of shape ``(V, H)``.

Two scorings of an analogy are offered, because they give different answers:

* ``normalize=True`` (the default, "3CosAdd" of Levy & Goldberg 2014 and the
  scoring of Mikolov et al. 2013's evaluation): every word vector is scaled to
  unit length before ``b - a + c`` is formed and compared.
* ``normalize=False`` (the book's scoring): the query ``b - a + c`` is built from
  raw vectors and compared by a dot product with the raw word vectors, which
  favours words with long vectors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .corpus import word_id

__all__ = ["cos_similarity", "normalize_rows", "most_similar", "analogy"]


def cos_similarity(x: np.ndarray, y: np.ndarray, eps: float = 1e-8) -> float:
    """Cosine of the angle between two vectors ``x: (H,)`` and ``y: (H,)``.

    ``eps`` keeps a zero vector from dividing by zero (its similarity is 0).

    >>> round(cos_similarity(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 4)
    0.7071
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"cos_similarity needs two vectors of one shape (H,), got {x.shape} and {y.shape}")
    return float(x @ y / ((np.linalg.norm(x) + eps) * (np.linalg.norm(y) + eps)))


def normalize_rows(W: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """``W: (V, H)`` with every row scaled to unit length (zero rows stay zero)."""
    W = np.asarray(W)
    if W.ndim != 2:
        raise ValueError(f"a word matrix must have shape (V, H), got {W.shape}")
    W = W.astype(np.float32, copy=False) if W.dtype != np.float64 else W
    return W / (np.linalg.norm(W, axis=1, keepdims=True) + eps)


def _check_matrix(word_matrix: np.ndarray, word_to_id: Mapping[str, int]) -> np.ndarray:
    word_matrix = np.asarray(word_matrix)
    if word_matrix.ndim != 2:
        raise ValueError(f"word_matrix must have shape (V, H), got {word_matrix.shape}")
    if len(word_to_id) > word_matrix.shape[0]:
        raise ValueError(f"the vocabulary has {len(word_to_id)} words but word_matrix only "
                         f"{word_matrix.shape[0]} rows")
    return word_matrix


def _top(scores: np.ndarray, exclude: Sequence[int], top: int,
         id_to_word: Mapping[int, str]) -> list[tuple[str, float]]:
    if not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a positive int, got {top!r}")
    scores = scores.astype(np.float64, copy=True)
    scores[list(exclude)] = -np.inf
    top = min(top, int(np.isfinite(scores).sum()))
    best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(len(scores))
    best = best[np.argsort(-scores[best], kind="stable")][:top]
    return [(id_to_word[int(i)], float(scores[i])) for i in best]


def most_similar(query: str, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                 word_matrix: np.ndarray, top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` words nearest to ``query`` by cosine similarity, best first.

    word_matrix: (V, H). Returns ``[(word, similarity), ...]``; the query itself
    is left out.  An unknown query raises :class:`~w2vlib.corpus.UnknownWordError`
    naming it and the closest words that are known.
    """
    word_matrix = _check_matrix(word_matrix, word_to_id)
    qid = word_id(query, word_to_id)
    unit = normalize_rows(word_matrix)
    scores = unit @ unit[qid]
    return _top(scores, [qid], top, id_to_word)


def analogy(a: str, b: str, c: str, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
            word_matrix: np.ndarray, top: int = 5, normalize: bool = True) -> list[tuple[str, float]]:
    """Answer ``a : b = c : ?`` with the words nearest to ``b - a + c``.

    For ``king : man = queen : ?`` a good answer is "woman".  The three question
    words are never answers.  ``normalize=True`` scores by cosine with unit word
    vectors (3CosAdd); ``normalize=False`` reproduces the book's raw dot-product
    scoring.  Returns ``[(word, score), ...]`` best first.
    """
    word_matrix = _check_matrix(word_matrix, word_to_id)
    ids = [word_id(w, word_to_id) for w in (a, b, c)]
    if normalize:
        unit = normalize_rows(word_matrix)
        query = unit[ids[1]] - unit[ids[0]] + unit[ids[2]]
        query = query / (np.linalg.norm(query) + 1e-8)
        scores = unit @ query
    else:
        W = word_matrix
        query = W[ids[1]] - W[ids[0]] + W[ids[2]]
        query = query / (np.linalg.norm(query) + 1e-8)
        scores = W @ query
    return _top(scores, ids, top, id_to_word)
