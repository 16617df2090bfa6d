"""Speed: word2vec trained on a whole corpus in seconds (one floor below the book's code).

``train_word2vec`` is the one entry point; ``backend="numpy"`` runs vectorised
minibatches, ``backend="numba"`` word2vec's own per-word loop compiled
(:mod:`w2vlib.speed.compiled`). This package imports only the top level of
:mod:`w2vlib`, never the study tools or the lab.
"""

from .word2vec import AliasSampler, Word2VecResult, keep_probabilities, train_word2vec

__all__ = ["AliasSampler", "Word2VecResult", "keep_probabilities", "train_word2vec"]
