"""Word similarity: do the vectors rank word pairs the way people do?

The third judge of word vectors, beside the neighbours and analogies of
:mod:`w2vlib.evaluate`: the Spearman rank correlation (computed here, no SciPy)
between the cosine similarities of word pairs and human ratings of the same
pairs, such as WordSim353 (Finkelstein et al. 2002) or SimLex-999 (Hill et al.
2015). The rating files are not shipped (no licence we could confirm; see
``data/README.md``): :func:`find_similarity_file` says where they are looked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .evaluate import _text_lines, check_word_matrix, normalize_rows
from .i18n import _

__all__ = ["rankdata", "spearman", "load_word_pairs", "find_similarity_file",
           "similarity_missing_message", "evaluate_similarity", "SimilarityReport",
           "SIMILARITY_FILES"]

#: File names of the human-rated word-pair sets this module knows by name.
#: None is shipped with w2vlib (their licences do not clearly allow it); they
#: are looked for in ``<data dir>/similarity/`` and in the copy that gensim
#: (``pip install gensim``, or ``make bench``) carries in ``gensim/test/test_data/``.
SIMILARITY_FILES = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}


def rankdata(a) -> np.ndarray:
    """Ranks 1..n of the values in ``a: (n,)``; tied values share the average of their ranks.

    >>> rankdata([10, 20, 20, 5]).tolist()
    [2.0, 3.5, 3.5, 1.0]
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(_("rankdata needs a 1-D array, got shape {a_shape}").format(a_shape=a.shape))
    order = np.argsort(a, kind="stable")
    sorted_a = a[order]
    # Start of each run of equal values in the sorted array.
    starts = np.flatnonzero(np.r_[True, sorted_a[1:] != sorted_a[:-1]])
    ends = np.r_[starts[1:], len(a)]                     # one past the end of each run
    average = (starts + 1 + ends) / 2.0                  # mean of ranks starts+1 .. ends
    ranks = np.empty(len(a), dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def spearman(x, y) -> float:
    """Spearman's rank correlation of two equally long sequences (ties get average ranks).

    It is the Pearson correlation of the ranks: 1 when y grows whenever x does,
    -1 when it always falls, near 0 when the orders are unrelated. NaN when
    either sequence is constant (no order to compare).

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40])
    1.0
    >>> spearman([1, 2, 3], [3, 2, 1])
    -1.0
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(_("spearman needs two 1-D sequences of one length, got shapes "
                           "{x_shape} and {y_shape}").format(x_shape=x.shape, y_shape=y.shape))
    if len(x) < 2:
        raise ValueError(_("spearman needs at least 2 pairs, got {n_x}").format(n_x=len(x)))
    rx = rankdata(x) - (len(x) + 1) / 2
    ry = rankdata(y) - (len(y) + 1) / 2
    denom = np.sqrt((rx @ rx) * (ry @ ry))
    return float(rx @ ry / denom) if denom > 0 else float("nan")


def load_word_pairs(path, lowercase: bool = True) -> list[tuple[str, str, float]]:
    """Read a word-pair similarity file into ``[(word1, word2, human_score), ...]``.

    One pair per line, fields separated by tabs, commas or spaces: two words,
    then the score (further columns are ignored). Lines starting with ``#`` and
    blank lines are skipped, and so is a header line (one whose score is not a
    number) before the first pair. This reads WordSim353 and SimLex-999 in
    the form gensim ships them, and the original ``combined.csv``/``.tab``.
    """
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(_("no word-pair file at {path!r}").format(path=str(path)))
    pairs: list[tuple[str, str, float]] = []
    for lineno, line in enumerate(_text_lines(path), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        sep = "\t" if "\t" in line else ("," if "," in line else None)
        fields = [x.strip() for x in line.split(sep)]
        if len(fields) < 3:
            raise ValueError(_("{path!r} line {lineno}: expected two words and a score, "
                               "got {line!r}").format(path=str(path), lineno=lineno, line=line))
        try:
            score = float(fields[2])
        except ValueError:
            if not pairs:           # a header such as "Word 1,Word 2,Human (mean)"
                continue
            raise ValueError(_("{path!r} line {lineno}: the score {score!r} is not "
                               "a number").format(path=str(path), lineno=lineno,
                                                  score=fields[2])) from None
        if not np.isfinite(score):
            raise ValueError(_("{path!r} line {lineno}: the score {score!r} is not a "
                               "finite number").format(path=str(path), lineno=lineno, score=fields[2]))
        w1, w2 = (fields[0].lower(), fields[1].lower()) if lowercase else (fields[0], fields[1])
        pairs.append((w1, w2, score))
    if not pairs:
        raise ValueError(_("{path!r} holds no word pairs").format(path=str(path)))
    return pairs


def _gensim_test_data():
    """gensim's ``test/test_data`` folder, found without importing gensim; None if absent."""
    import importlib.util
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("gensim")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "test" / "test_data"
    return folder if folder.is_dir() else None


def find_similarity_file(name: str = "wordsim353"):
    """Where the similarity set ``name`` (a key of :data:`SIMILARITY_FILES`) can be read; None if nowhere.

    Looks in ``<data dir>/similarity/`` first (put your own copy there), then
    in gensim's installed test data. Returns a ``Path`` or ``None``.
    """
    from .datasets import data_dir

    if name not in SIMILARITY_FILES:
        raise ValueError(_("unknown similarity set {name!r}; known: {known}").format(
            name=name, known=", ".join(repr(k) for k in SIMILARITY_FILES)))
    filename = SIMILARITY_FILES[name]
    candidates = [data_dir() / "similarity" / filename]
    gensim_data = _gensim_test_data()
    if gensim_data is not None:
        candidates.append(gensim_data / filename)
    for c in candidates:
        if c.is_file():
            return c
    return None


def similarity_missing_message(name: str = "wordsim353") -> str:
    """How to get the similarity set ``name`` when :func:`find_similarity_file` finds none."""
    from .datasets import data_dir

    filename = SIMILARITY_FILES.get(name, name)
    return _("no {filename} found. It is not shipped with w2vlib; gensim carries a copy: "
             "`pip install gensim` (or `make bench`), or put the file at "
             "{path}, or pass --similarity PATH").format(
                 filename=filename, path=data_dir() / "similarity" / filename)


class SimilarityReport:
    """How well cosine similarities of word vectors rank word pairs like human raters.

    ``spearman``: rank correlation over the pairs whose two words are both in
    the vocabulary; ``used``/``total``: how many pairs that was;
    ``unknown``: the sorted words that made the other pairs unusable.
    """

    def __init__(self, name: str, spearman: float, used: int, total: int, unknown: list[str]):
        self.name, self.spearman, self.used, self.total = name, spearman, used, total
        self.unknown = unknown

    def __str__(self) -> str:
        rho = _("n/a") if not np.isfinite(self.spearman) else f"{self.spearman:.3f}"
        return _("{name}: Spearman {rho} on {used:,} of {total:,} pairs "
                 "({skipped:,} skipped: a word not in the vocabulary)").format(
                     name=self.name, rho=rho, used=self.used, total=self.total,
                     skipped=self.total - self.used)

    __repr__ = __str__


def evaluate_similarity(word_vecs: np.ndarray, word_to_id: Mapping[str, int],
                        pairs: Sequence[tuple[str, str, float]],
                        name: str = "similarity") -> SimilarityReport:
    """Spearman correlation between human scores and cosine similarities of ``word_vecs: (V, H)``.

    Pairs with a word outside ``word_to_id`` are skipped and counted. Needs at
    least two usable pairs (else the correlation is NaN).
    """
    W = check_word_matrix(word_vecs, word_to_id)
    unit = normalize_rows(W)
    unknown = sorted({w for a, b, _ in pairs for w in (a, b) if w not in word_to_id})
    known = [(word_to_id[a], word_to_id[b], s) for a, b, s in pairs
             if a in word_to_id and b in word_to_id]
    if len(known) < 2:
        return SimilarityReport(name, float("nan"), len(known), len(pairs), unknown)
    ids = np.array([(a, b) for a, b, _ in known], dtype=np.int64)
    human = np.array([s for _, _, s in known], dtype=np.float64)
    cos = np.sum(unit[ids[:, 0]].astype(np.float64) * unit[ids[:, 1]], axis=1)
    return SimilarityReport(name, spearman(human, cos), len(known), len(pairs), unknown)
