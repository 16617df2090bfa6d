"""word2vec's learning-rate schedule: a straight line from ``lr0`` down to almost 0.

One function serves both backends: the NumPy trainer calls it once per batch
(:mod:`w2vlib.speed.numpy_kernels`), and the compiled loop
(:mod:`w2vlib.speed.compiled`) jits this very function and calls it once per
centre word -- so the schedule is written once.

(numba's disk cache checks only the file of the compiled functions: after editing
this function, delete ``w2vlib/speed/__pycache__/compiled.*.nb*`` so the loop is
compiled again.)
"""

from __future__ import annotations

__all__ = ["MIN_LR_FACTOR", "learning_rate"]

#: The rate never falls below ``MIN_LR_FACTOR * lr0`` (word2vec: 1e-4).
MIN_LR_FACTOR = 1e-4


def learning_rate(lr0, words_done, total_words, min_factor):
    """``lr0 * max(1 - words_done / total_words, min_factor)``.

    lr0: the starting rate. words_done: corpus words passed before this step,
    counting words dropped by subsampling (``epoch * T + position``).
    total_words: ``epochs * T``. min_factor: the floor, as a share of ``lr0``
    (:data:`MIN_LR_FACTOR`). Plain arithmetic on scalars, so numba can compile it.

    >>> learning_rate(0.05, 0, 1000, MIN_LR_FACTOR)
    0.05
    >>> learning_rate(0.05, 750, 1000, MIN_LR_FACTOR)
    0.0125
    >>> learning_rate(0.05, 1000, 1000, MIN_LR_FACTOR) == 0.05 * MIN_LR_FACTOR
    True
    """
    return lr0 * max(1.0 - words_done / total_words, min_factor)
