"""Text to word ids, and word ids to the (contexts, target) pairs CBOW learns from.

The vocabulary is two plain dicts, as in the book: ``word_to_id`` and
``id_to_word``.  Ids are given in order of first appearance.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

import numpy as np

__all__ = [
    "UnknownWordError",
    "build_vocab",
    "preprocess",
    "word_id",
    "create_contexts_target",
    "convert_one_hot",
]


class UnknownWordError(KeyError):
    """A word that is not in the vocabulary.

    A ``KeyError`` subclass, so ``except KeyError`` still catches it; the
    message names the word and, where there are any, the closest words the
    vocabulary does have.
    """

    def __init__(self, word: str, suggestions: Iterable[str] = ()):
        self.word = word
        self.suggestions = list(suggestions)
        super().__init__(word)

    def __str__(self) -> str:
        msg = f"{self.word!r} is not in the vocabulary"
        if self.suggestions:
            msg += "; close matches: " + ", ".join(repr(s) for s in self.suggestions)
        return msg


def _close_matches(word: str, vocab: Iterable[str], n: int = 5) -> list[str]:
    vocab = list(vocab)
    found = difflib.get_close_matches(word, vocab, n=n, cutoff=0.6)
    lowered = word.lower()
    if lowered != word and lowered in vocab and lowered not in found:
        found.insert(0, lowered)
    return found[:n]


def word_id(word: str, word_to_id: Mapping[str, int]) -> int:
    """The id of ``word``, or an :class:`UnknownWordError` naming it.

    >>> word_id("say", {"you": 0, "say": 1})
    1
    """
    if not isinstance(word, str):
        raise TypeError(f"a word must be a str, not {type(word).__name__} ({word!r})")
    try:
        return word_to_id[word]
    except KeyError:
        raise UnknownWordError(word, _close_matches(word, word_to_id)) from None


def build_vocab(words: Iterable[str]) -> tuple[dict[str, int], dict[int, str]]:
    """Give each new word the next id, in order of first appearance."""
    word_to_id: dict[str, int] = {}
    for w in words:
        if w not in word_to_id:
            word_to_id[w] = len(word_to_id)
    id_to_word = {i: w for w, i in word_to_id.items()}
    return word_to_id, id_to_word


_TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")


def preprocess(text: str) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Lower-case and tokenise ``text``; return ``(corpus, word_to_id, id_to_word)``.

    Punctuation becomes its own token, so ``"hello."`` gives ``hello`` and ``.``.

    >>> corpus, w2i, i2w = preprocess("You say goodbye and I say hello.")
    >>> corpus.tolist()
    [0, 1, 2, 3, 4, 1, 5, 6]
    >>> i2w[6]
    '.'
    """
    if not isinstance(text, str):
        raise TypeError(f"preprocess() takes a str, not {type(text).__name__}")
    words = _TOKEN.findall(text.lower())
    if not words:
        raise ValueError("preprocess() was given no words")
    word_to_id, id_to_word = build_vocab(words)
    corpus = np.array([word_to_id[w] for w in words], dtype=np.int64)
    return corpus, word_to_id, id_to_word


def create_contexts_target(corpus: np.ndarray, window_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """All (contexts, target) pairs of a corpus, vectorised.

    corpus: (T,) word ids. Returns ``contexts`` of shape ``(T - 2*window_size,
    2*window_size)`` (left words then right words, nearest last/first as in the
    book) and ``target`` of shape ``(T - 2*window_size,)``.

    >>> c, t = create_contexts_target(np.array([0, 1, 2, 3, 4]), window_size=1)
    >>> c.tolist(), t.tolist()
    ([[0, 2], [1, 3], [2, 4]], [1, 2, 3])
    """
    corpus = np.asarray(corpus)
    if corpus.ndim != 1 or not np.issubdtype(corpus.dtype, np.integer):
        raise TypeError(f"corpus must be a 1-D array of integer word ids, got shape "
                        f"{corpus.shape} and dtype {corpus.dtype}")
    if not isinstance(window_size, (int, np.integer)) or window_size < 1:
        raise ValueError(f"window_size must be a positive int, got {window_size!r}")
    T = len(corpus)
    if T <= 2 * window_size:
        raise ValueError(f"a corpus of {T} words has no target with {window_size} "
                         f"context words on each side")
    target = corpus[window_size:T - window_size]
    offsets = [o for o in range(-window_size, window_size + 1) if o != 0]
    positions = np.arange(window_size, T - window_size)
    contexts = corpus[positions[:, None] + np.array(offsets)[None, :]]
    return contexts, target


def convert_one_hot(ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """One-hot encode an integer array of any shape: ``(...)`` -> ``(..., vocab_size)``.

    >>> convert_one_hot(np.array([1, 0]), 3).tolist()
    [[0, 1, 0], [1, 0, 0]]
    """
    ids = np.asarray(ids)
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"word ids must be integers, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"word ids must lie in [0, {vocab_size}), got range "
                         f"[{ids.min()}, {ids.max()}]")
    one_hot = np.zeros(ids.shape + (vocab_size,), dtype=np.int32)
    np.put_along_axis(one_hot, ids[..., None], 1, axis=-1)
    return one_hot
