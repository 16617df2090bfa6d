"""Transfer learning in miniature: word vectors as the features of a small text classifier.

The book's Figure 4-21 (section 4.4.1): a text of any length becomes one fixed-length vector,
and that vector feeds a model trained on a task of its own. Here:

* :func:`load_labelled_texts` reads the small labelled set shipped with the package
  (``w2vlib/data/texts/news_topics.txt``: short news sentences in four topics, written for
  w2vlib, see its README);
* :func:`sentence_vectors` turns each text into the mean of its words' unit vectors;
  :func:`bag_of_words` gives the classic alternative, word counts;
* :func:`split_by_class` makes a seeded, stratified held-out split;
* :class:`SoftmaxClassifier` is a multinomial logistic regression trained by full-batch
  gradient descent -- the simplest "your model" of the figure.

>>> texts = [["stocks", "fell"], ["the", "senate", "voted"]]
>>> X = sentence_vectors(texts, {"stocks": 0, "fell": 1}, np.eye(2))
>>> X.round(3).tolist()
[[0.5, 0.5], [0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .datasets import shipped_file
from .functions import softmax
from .seeding import make_rng

__all__ = ["LabelledTexts", "load_labelled_texts", "sentence_vectors", "bag_of_words",
           "split_by_class", "SoftmaxClassifier"]


class LabelledTexts(NamedTuple):
    """texts: tokenised sentences; labels: (N,) int class ids; classes: names in id order."""

    texts: list[list[str]]
    labels: np.ndarray
    classes: list[str]


def load_labelled_texts(path=None) -> LabelledTexts:
    """Read ``<class>\\t<sentence>`` lines (``#`` starts a comment); classes numbered by first use.

    ``path`` defaults to the shipped ``texts/news_topics.txt``. A line without a tab, or
    with an empty sentence, raises ``ValueError`` naming the line.
    """
    path = Path(path) if path is not None else shipped_file("texts", "news_topics.txt")
    texts, names = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, sentence = line.partition("\t")
        if not tab or not label.strip() or not sentence.split():
            raise ValueError(f"{path.name} line {number}: expected '<class><TAB><sentence>', "
                             f"got {line[:60]!r}")
        names.append(label.strip())
        texts.append(sentence.split())
    classes = list(dict.fromkeys(names))
    labels = np.array([classes.index(n) for n in names], dtype=np.int64)
    return LabelledTexts(texts, labels, classes)


def sentence_vectors(texts: Sequence[Sequence[str]], word_to_id: Mapping[str, int],
                     word_vecs: np.ndarray, normalize: bool = True) -> np.ndarray:
    """(N, H): the mean of each text's word vectors; unknown words are skipped.

    normalize: scale every word vector to unit length first, so a few long (frequent) vectors
    do not dominate the mean. A text with no known word gets the zero vector.
    """
    W = np.asarray(word_vecs, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"word_vecs must be a (V, H) matrix, got shape {W.shape}")
    if normalize:
        W = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)
    out = np.zeros((len(texts), W.shape[1]))
    for n, words in enumerate(texts):
        ids = [word_to_id[w] for w in words if w in word_to_id]
        if ids:
            out[n] = W[ids].mean(axis=0)
    return out


def bag_of_words(texts: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """(N, len(vocabulary)) word counts; words outside ``vocabulary`` are not counted.

    Build ``vocabulary`` from the *training* texts only (``sorted({w for t in train for w in t})``),
    so that held-out texts are judged with what the classifier could have learned.
    """
    index = {w: i for i, w in enumerate(vocabulary)}
    out = np.zeros((len(texts), len(index)))
    for n, words in enumerate(texts):
        for w in words:
            if w in index:
                out[n, index[w]] += 1
    return out


def split_by_class(labels, test_share: float = 0.5, seed=0) -> np.ndarray:
    """A boolean (N,) mask, True for training: ``1 - test_share`` of every class, seeded."""
    labels = np.asarray(labels)
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must lie strictly between 0 and 1, got {test_share!r}")
    rng = make_rng(seed)
    train = np.zeros(len(labels), dtype=bool)
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        n_train = int(round(len(idx) * (1 - test_share)))
        if n_train < 1 or n_train == len(idx):
            raise ValueError(f"class {cls} has {len(idx)} examples: too few to split "
                             f"with test_share={test_share}")
        train[idx[:n_train]] = True
    return train


class SoftmaxClassifier:
    """Multinomial logistic regression: ``p(class | x) = softmax(x W + b)``.

    ``fit(X, y)`` standardises the features with the training mean and spread, then runs
    ``steps`` full-batch gradient-descent steps on the mean cross-entropy plus
    ``l2 / 2 * |W|^2``; the gradient is ``X^T (p - t) / N + l2 W``. X: (N, D), y: (N,) ints.
    """

    def __init__(self, n_classes: int, steps: int = 300, lr: float = 0.5, l2: float = 1e-2):
        if n_classes < 2:
            raise ValueError(f"n_classes must be at least 2, got {n_classes!r}")
        self.n_classes, self.steps, self.lr, self.l2 = n_classes, steps, lr, l2
        self.W = self.b = self.mean = self.scale = None

    def _standard(self, X) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.scale

    def fit(self, X, y) -> SoftmaxClassifier:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or y.shape != (len(X),):
            raise ValueError(f"X must be (N, D) and y (N,), got {X.shape} and {y.shape}")
        if y.min() < 0 or y.max() >= self.n_classes:
            raise ValueError(f"labels must lie in 0..{self.n_classes - 1}, got {y.min()}..{y.max()}")
        self.mean = X.mean(axis=0)
        self.scale = X.std(axis=0) + 1e-8
        Z = self._standard(X)
        T = np.eye(self.n_classes)[y]
        self.W = np.zeros((X.shape[1], self.n_classes))
        self.b = np.zeros(self.n_classes)
        for _ in range(self.steps):
            G = (softmax(Z @ self.W + self.b) - T) / len(Z)
            self.W -= self.lr * (Z.T @ G + self.l2 * self.W)
            self.b -= self.lr * G.sum(axis=0)
        return self

    def predict(self, X) -> np.ndarray:
        """(N,) the most probable class of each row."""
        if self.W is None:
            raise RuntimeError("call fit(X, y) before predict")
        return np.argmax(self._standard(X) @ self.W + self.b, axis=1)

    def accuracy(self, X, y) -> float:
        """Share of rows whose predicted class is ``y``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))
