"""Speed: word2vec trained on a whole corpus in seconds (one floor below the book's code).

``train_word2vec`` is the one entry point (:mod:`w2vlib.speed.word2vec`);
``backend="numpy"`` runs vectorised minibatches (:mod:`w2vlib.speed.numpy_kernels`),
``backend="numba"`` word2vec's own per-word loop compiled (:mod:`w2vlib.speed.compiled`,
driven by :mod:`w2vlib.speed.threads`; with ``shared_negatives=True`` the kernels of
:mod:`w2vlib.speed.shared`, negatives shared per window). Around them: the settings
(:mod:`w2vlib.speed.config`), the samplers (:mod:`w2vlib.speed.samplers`), the
learning-rate schedule (:mod:`w2vlib.speed.schedule`) and the command line
(``python -m w2vlib.speed``, :mod:`w2vlib.speed.cli`). This package imports only the
top level of :mod:`w2vlib`, never the study tools or the lab.
"""

from .config import Word2VecConfig
from .numpy_kernels import PROFILE_PARTS
from .samplers import AliasSampler, default_batch_size, keep_probabilities
from .word2vec import Word2VecResult, train_word2vec

__all__ = ["AliasSampler", "PROFILE_PARTS", "Word2VecConfig", "Word2VecResult",
           "default_batch_size", "keep_probabilities", "train_word2vec"]
