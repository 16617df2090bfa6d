"""Text to word ids, and word ids to the (contexts, target) pairs CBOW learns from.

The vocabulary is two plain dicts, as in the book: ``word_to_id`` and
``id_to_word``.  Ids are given in order of first appearance.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np

from .i18n import N_, _

__all__ = [
    "UnknownWordError",
    "close_matches",
    "foreign_word_note",
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
    vocabulary does have (:func:`close_matches`: ``suggestions``). A word in
    another script (Hangul, ...) gets a ``note`` instead: the vocabulary is
    English.
    """

    def __init__(self, word: str, suggestions: Iterable[str] = (), note: str = ""):
        self.word = word
        self.suggestions = list(suggestions)
        self.note = note
        super().__init__(word)

    def __str__(self) -> str:
        # in the language in use when the message is read; the note when it was made
        msg = _("{word!r} is not in the vocabulary").format(word=self.word)
        if self.suggestions:
            msg += _("; close matches: {words}").format(
                words=", ".join(repr(s) for s in self.suggestions))
        if self.note:
            msg += f"; {self.note}"
        return msg


# The messages of close matches (one place, for the translation layer).
_ENGLISH_ONLY = N_("the vocabulary is English only (lower-case English words): type an English "
                   "word")
_HANGUL = (N_("the vocabulary is English only, as the Penn Treebank is (lower-case English "
              "words): type the word in English"))
_FOR_EXAMPLE = N_(", e.g. {words}")
#: A few words a Korean study group tries first, and their English entries.
KOREAN_HINTS = {"왕": "king", "여왕": "queen", "남자": "man", "여자": "woman", "회사": "company",
                "주식": "stock", "시장": "market", "돈": "money", "월요일": "monday",
                "일본": "japan", "미국": "america", "한국": "korea", "대통령": "president",
                "자동차": "car", "컴퓨터": "computer"}
#: Similarity (difflib's ratio) a suggestion needs, and how far below the best one it may be.
MATCH_CUTOFF, MATCH_SPREAD, FOREIGN_PREFIX_CUTOFF = 0.8, 0.08, 0.9


def _script(word: str) -> str:
    """"latin" if every letter of ``word`` is Latin (or it has none), "hangul" if any letter
    is Hangul, else "other"."""
    names = [unicodedata.name(ch, "") for ch in word if ch.isalpha()]
    if any(n.startswith("HANGUL") for n in names):
        return "hangul"
    if all(n.startswith("LATIN") for n in names):
        return "latin"
    return "other"


def foreign_word_note(word: str, vocab: Iterable[str] = ()) -> str:
    """"" for a word in the Latin script; otherwise a note that the vocabulary is English,
    naming the English word for a few common Korean ones when ``vocab`` has it."""
    script = _script(word)
    if script == "latin":
        return ""
    if script == "other":
        return _(_ENGLISH_ONLY)
    vocab = vocab if isinstance(vocab, (set, frozenset, Mapping)) else set(vocab)
    english = KOREAN_HINTS.get(word.strip())
    words = [english] if english and english in vocab else ["king", "company", "stock"]
    words = [w for w in words if w in vocab] if vocab else words
    return _(_HANGUL) + (_(_FOR_EXAMPLE).format(words=", ".join(repr(w) for w in words))
                         if words else "")


def close_matches(word: str, vocab: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` words of ``vocab`` spelled like ``word``, best first; [] rather than noise.

    The same word in another case wins outright (``"King"`` -> ``["king"]``). Otherwise the
    lower-cased word is compared with every entry (difflib's ratio): an entry needs a ratio of
    at least :data:`MATCH_CUTOFF`, within :data:`MATCH_SPREAD` of the best, and the word's
    first letter unless its ratio reaches :data:`FOREIGN_PREFIX_CUTOFF`; a longer common
    prefix ranks first. A word in another script gets none (see :func:`foreign_word_note`).

    >>> close_matches("presidnt", ["president", "presidents", "resident", "present"])
    ['president', 'presidents']
    >>> close_matches("Toyota", ["root", "foot", "toyota"])
    ['toyota']
    """
    if _script(word) != "latin":
        return []
    lowered = word.lower()
    if not isinstance(vocab, (set, frozenset, Mapping)):
        vocab = list(vocab)
    if lowered != word and lowered in vocab:
        return [lowered]
    scored = []
    for w, ratio in ((w, difflib.SequenceMatcher(None, lowered, w).ratio())
                     for w in difflib.get_close_matches(lowered, vocab, n=50, cutoff=MATCH_CUTOFF)):
        prefix = len(os.path.commonprefix([lowered, w]))
        if prefix or ratio >= FOREIGN_PREFIX_CUTOFF:
            scored.append((min(prefix, 3), ratio, w))
    if not scored:
        return []
    best = max(r for _, r, _ in scored)
    scored = [t for t in scored if t[1] >= best - MATCH_SPREAD]
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    return [w for _, _, w in scored[:n]]


def word_id(word: str, word_to_id: Mapping[str, int]) -> int:
    """The id of ``word``, or an :class:`UnknownWordError` naming it.

    >>> word_id("say", {"you": 0, "say": 1})
    1
    """
    if not isinstance(word, str):
        raise TypeError(_("a word must be a str, not {type} ({word!r})").format(
                            type=type(word).__name__, word=word))
    try:
        return word_to_id[word]
    except KeyError:
        raise UnknownWordError(word, close_matches(word, word_to_id),
                               foreign_word_note(word, word_to_id)) from None


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
        raise TypeError(_("preprocess() takes a str, not {type}").format(type=type(text).__name__))
    words = _TOKEN.findall(text.lower())
    if not words:
        raise ValueError(_("preprocess() was given no words"))
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
        raise TypeError(_("corpus must be a 1-D array of integer word ids, got shape "
                          "{corpus_shape} and dtype {dtype}").format(
                            corpus_shape=corpus.shape, dtype=corpus.dtype))
    if not isinstance(window_size, (int, np.integer)) or window_size < 1:
        raise ValueError(_("window_size must be a positive int, got {window_size!r}").format(
                             window_size=window_size))
    T = len(corpus)
    if T <= 2 * window_size:
        raise ValueError(_("a corpus of {T} words has no target with {window_size} "
                           "context words on each side").format(T=T, window_size=window_size))
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
        raise TypeError(_("word ids must be integers, got dtype {dtype}").format(dtype=ids.dtype))
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(_("word ids must lie in [0, {vocab_size}), got range "
                           "[{min}, {max}]").format(vocab_size=vocab_size, min=ids.min(), max=ids.max()))
    one_hot = np.zeros(ids.shape + (vocab_size,), dtype=np.int32)
    np.put_along_axis(one_hot, ids[..., None], 1, axis=-1)
    return one_hot
