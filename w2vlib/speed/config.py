"""The settings of a :func:`~w2vlib.speed.train_word2vec` run, checked in one place.

:class:`Word2VecConfig` holds every choice that shapes the vectors (model, sizes,
learning rate, subsampling, backend...). Building one validates and normalises
them -- ``Word2VecConfig(model="skip-gram")`` has ``model == "skipgram"`` and the
default learning rate filled in -- and :meth:`Word2VecConfig.settings` turns it,
plus the facts of the run, into the JSON-able ``Word2VecResult.settings``.

The ``check_*`` helpers are public because other code validates the same way
(for instance :mod:`w2vlib.lab.paper_table` checks its grid's models with
:func:`check_model`).
"""

from __future__ import annotations

import difflib
import math
import numbers
import platform
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..seeding import check_seed
from .schedule import MIN_LR_FACTOR

__all__ = ["Word2VecConfig", "MODELS", "BACKENDS", "DEFAULT_LR", "CBOW_UPDATES", "check_model",
           "check_backend", "check_shared_negatives", "check_corpus", "check_number",
           "positive_int", "check_fits_corpus", "MAX_USUAL_NEGATIVE"]

#: The two architectures.
MODELS = ("cbow", "skipgram")

#: Starting learning rate when ``lr=None`` (word2vec's defaults). CBOW at 0.05 beats
#: gensim's 0.025 on PTB (analogy top-1 4.96 % against 4.07 %).
DEFAULT_LR = {"cbow": 0.05, "skipgram": 0.025}

#: How CBOW updates the context rows: "word2vec" adds the hidden vector's
#: step ``e`` to each of the C rows (word2vec and gensim do this); "gradient"
#: adds ``e / C``, the true gradient of the mean (what the layer CBOW does).
CBOW_UPDATES = ("word2vec", "gradient")

#: The training loops :func:`~w2vlib.speed.train_word2vec` can run: ``"numpy"``
#: (vectorised minibatches, :mod:`w2vlib.speed.numpy_kernels`) and ``"numba"``
#: (word2vec's per-word loop compiled, :mod:`w2vlib.speed.compiled`; needs the
#: ``fast`` extra).
BACKENDS = ("numpy", "numba")

#: The top of the paper's advice for ``negative`` (5 to 20 on small corpora, 2 to 5 on
#: large ones). More negatives than the corpus has words is refused only above it,
#: so a toy corpus of 3 words may still use the default 5.
MAX_USUAL_NEGATIVE = 20


# --------------------------------------------------------------------------- checks

def positive_int(name: str, value) -> int:
    """``value`` as an int, or ValueError unless it is a whole number >= 1 (not a bool).

    >>> positive_int("dim", 100)
    100
    """
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return int(value)


def check_number(name: str, value, *, allow_none: bool = False, minimum: float = 0.0,
                 strict: bool = True) -> float | None:
    """``value`` as a float; ValueError unless it is finite and ``> minimum``
    (``>=`` when not ``strict``). None passes through when ``allow_none``."""
    if value is None and allow_none:
        return None
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or not math.isfinite(value) or (value <= minimum if strict else value < minimum)):
        rel = ">" if strict else ">="
        raise ValueError(f"{name} must be a finite number {rel} {minimum:g}, got {value!r}")
    return float(value)


def check_model(model) -> str:
    """The model's canonical name; "skip-gram", "SG", "skip_gram" all mean "skipgram".

    ValueError for anything else, with the closest names as a hint.

    >>> check_model("Skip-Gram"), check_model("cbow")
    ('skipgram', 'cbow')
    """
    if not isinstance(model, str):
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    name = model.lower().replace("-", "").replace("_", "")
    if name in ("sg", "skipgram"):
        return "skipgram"
    if name == "cbow":
        return "cbow"
    close = difflib.get_close_matches(model.lower(), MODELS + ("skip-gram",), n=2, cutoff=0.4)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown model {model!r}: choose 'cbow' or 'skipgram'{hint}")


def check_backend(backend, workers, batch_size) -> tuple[str, int]:
    """``(backend, workers)`` checked against each other and against ``batch_size``."""
    if backend not in BACKENDS:
        close = difflib.get_close_matches(str(backend).lower(), BACKENDS, n=1, cutoff=0.4)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown backend {backend!r}: choose one of {BACKENDS}{hint}")
    workers = positive_int("workers", workers)
    if backend == "numpy" and workers != 1:
        raise ValueError(f"workers={workers} needs backend='numba' (the NumPy trainer runs on "
                         "one thread)")
    if backend == "numba" and batch_size is not None:
        raise ValueError("batch_size applies to backend='numpy' only: the compiled loop "
                         "updates the weights after every word")
    return backend, workers


def check_shared_negatives(shared_negatives, backend) -> bool:
    """``shared_negatives`` as a bool; ValueError unless it is a bool, and unless the
    backend is ``"numba"`` (the shared-negatives kernels, :mod:`w2vlib.speed.shared`,
    exist only compiled: the NumPy trainer's minibatches draw their own negatives)."""
    if not isinstance(shared_negatives, (bool, np.bool_)):
        raise ValueError(f"shared_negatives must be True or False, got {shared_negatives!r}")
    if shared_negatives and backend != "numba":
        raise ValueError(f"shared_negatives=True needs backend='numba' (got backend="
                         f"{backend!r}): the shared-negatives kernels are compiled loops; "
                         "the NumPy trainer draws negatives per example")
    return bool(shared_negatives)


def check_corpus(corpus, vocab_size) -> tuple[np.ndarray, int]:
    """``(ids, V)``: the corpus as a (T,) intp array of ids in ``[0, V)``, T >= 2.

    vocab_size: V, or None for the largest id + 1. TypeError for non-integer ids,
    ValueError for the rest (shape, negative ids, an id >= vocab_size).
    """
    arr = np.asarray(corpus)
    if arr.ndim != 1:
        raise ValueError(f"corpus must be a 1-D array of word ids, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"corpus must hold integer word ids, got dtype {arr.dtype}")
    if arr.size < 2:
        raise ValueError(f"corpus needs at least 2 words, got {arr.size}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(f"word ids must be >= 0, got {lo}")
    if vocab_size is None:
        vocab_size = hi + 1
    else:
        vocab_size = positive_int("vocab_size", vocab_size)
        if hi >= vocab_size:
            raise ValueError(f"corpus has word id {hi} but vocab_size is {vocab_size}")
    return arr.astype(np.intp, copy=False), vocab_size


def check_fits_corpus(config, counts) -> None:
    """ValueError if ``config``'s window or negative cannot fit the corpus.

    counts: (V,) word counts of the corpus. ``window`` must be smaller than the
    corpus (a wider one reaches nothing more, yet costs memory in proportion to it);
    ``negative`` above :data:`MAX_USUAL_NEGATIVE` must be smaller than the number of
    words that occur (each example would ask about more words than there are).
    """
    T = int(np.sum(counts))
    if config.window >= T:
        raise ValueError(f"window={config.window} is not smaller than the corpus ({T:,} "
                         "words): a context cannot reach beyond it; word2vec uses 5 to 10 "
                         "(the default is 5)")
    words = int(np.count_nonzero(counts))
    if config.negative > MAX_USUAL_NEGATIVE and config.negative >= words:
        raise ValueError(f"negative={config.negative} asks about more negatives per example "
                         f"than the corpus has words ({words:,}); word2vec uses 5 to "
                         f"{MAX_USUAL_NEGATIVE} (2 to 5 on large corpora)")


# --------------------------------------------------------------------------- the settings

@dataclass(frozen=True)
class Word2VecConfig:
    """Everything that shapes a run's vectors, checked and normalised on creation.

    The fields are :func:`~w2vlib.speed.train_word2vec`'s keyword arguments of the
    same names (see it for their meaning). After creation ``model`` is canonical
    ("skipgram"), ``lr`` is a float (``DEFAULT_LR[model]`` when given as None) and
    every number has its Python type; bad values raise ValueError or TypeError
    naming the argument.

    >>> c = Word2VecConfig(model="sg", dim=50)
    >>> c.model, c.lr, c.mean_grad
    ('skipgram', 0.025, False)
    >>> Word2VecConfig(window=0)
    Traceback (most recent call last):
    ...
    ValueError: window must be an int >= 1, got 0
    """

    model: str = "cbow"
    dim: int = 100
    window: int = 5
    negative: int = 5
    epochs: int = 10
    lr: float | None = None
    batch_size: int | None = None
    subsample: float = 0.0
    power: float = 0.75
    seed: Any = 0                      # int, None or np.random.Generator
    shrink_window: bool = True
    time_limit: float | None = None
    cbow_update: str = "word2vec"
    backend: str = "numpy"
    workers: int = 1
    shared_negatives: bool = False

    def __post_init__(self):
        model = check_model(self.model)
        checked = {
            "model": model,
            "dim": positive_int("dim", self.dim),
            "window": positive_int("window", self.window),
            "negative": positive_int("negative", self.negative),
            "epochs": positive_int("epochs", self.epochs),
            "lr": check_number("lr", DEFAULT_LR[model] if self.lr is None else self.lr),
            "batch_size": (None if self.batch_size is None
                           else positive_int("batch_size", self.batch_size)),
        }
        checked["backend"], checked["workers"] = check_backend(self.backend, self.workers,
                                                               checked["batch_size"])
        checked |= {
            "subsample": check_number("subsample", self.subsample, strict=False),
            "power": check_number("power", self.power, strict=False),
            "time_limit": check_number("time_limit", self.time_limit, allow_none=True),
            "shrink_window": bool(self.shrink_window),
        }
        checked["shared_negatives"] = check_shared_negatives(self.shared_negatives,
                                                             checked["backend"])
        check_seed(self.seed)
        if self.cbow_update not in CBOW_UPDATES:
            raise ValueError(f"cbow_update must be one of {CBOW_UPDATES}, "
                             f"got {self.cbow_update!r}")
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    @property
    def mean_grad(self) -> bool:
        """CBOW adds ``e / C`` (the true gradient of the mean) rather than ``e``."""
        return self.model == "cbow" and self.cbow_update == "gradient"

    @property
    def seed_int(self) -> int | None:
        """The seed if it is an int (repeatable from the settings), else None."""
        return int(self.seed) if isinstance(self.seed, numbers.Integral) else None

    def rng(self) -> np.random.Generator:
        """The generator the run draws from: ``seed`` itself if it is one."""
        if isinstance(self.seed, np.random.Generator):
            return self.seed
        return np.random.default_rng(self.seed)

    def settings(self, *, batch: int | None, vocab_size: int, corpus_words: int) -> dict:
        """``Word2VecResult.settings``: this config plus the facts of the run, JSON-able.

        batch: the batch size used (None for the compiled loop); vocab_size,
        corpus_words: V and T.
        """
        numpy_backend = self.backend == "numpy"
        return {
            "model": self.model, "dim": self.dim, "window": self.window,
            "negative": self.negative, "epochs": self.epochs, "lr": self.lr,
            "min_lr_factor": MIN_LR_FACTOR, "batch_size": batch, "subsample": self.subsample,
            "power": self.power, "shrink_window": self.shrink_window, "seed": self.seed_int,
            "vocab_size": vocab_size, "corpus_words": corpus_words, "dtype": "float32",
            "init": "W_in ~ U[-0.5/dim, 0.5/dim), W_out = 0",
            "negative_sampler": "alias method, with replacement; negative == target skipped",
            "sigmoid": "exact: g = lr (t - 1/2) - (lr/2) tanh(s/2), no clipping",
            "cbow_update": self.cbow_update if self.model == "cbow" else None,
            "batch_size_auto": self.batch_size is None if numpy_backend else None,
            "backend": self.backend, "workers": self.workers,
            "shared_negatives": self.shared_negatives,
            "numpy": np.__version__, "python": platform.python_version(),
            "platform": f"{sys.platform}-{platform.machine()}",
        }
