"""word2vec at full speed: CBOW and skip-gram with negative sampling on a whole corpus.

The layer models of :mod:`w2vlib.models` mirror the book: every step is a
``forward``/``backward`` through objects, and the optimizer touches whole
(V, H) matrices. :func:`train_word2vec` trains the *same* models the way word2vec
(Mikolov et al. 2013) does -- plain SGD with a linearly decaying learning
rate, sparse updates of only the rows a step used, frequent-word subsampling,
a random ("shrunk") window -- with one of two loops::

    from w2vlib.datasets import load_ptb
    from w2vlib.speed import train_word2vec

    corpus, word_to_id, id_to_word = load_ptb("train")
    res = train_word2vec(corpus, model="cbow", epochs=10, subsample=1e-3, seed=0)
    res.word_vecs          # (10000, 100) float32
    res.words_per_sec      # a few hundred thousand on one core
    res.loss_history       # [(words passed, mean loss per example), ...]

``backend="numpy"`` (the default, :mod:`w2vlib.speed.numpy_kernels`) trains a whole
minibatch at a time with no Python loop over words; ``backend="numba"``
(:mod:`w2vlib.speed.compiled`) runs word2vec's per-word loop compiled. This module is
the API around them, as gensim's ``word2vec.py`` is around ``word2vec_inner.pyx``:
settings (:mod:`w2vlib.speed.config`), samplers (:mod:`w2vlib.speed.samplers`), the
schedule (:mod:`w2vlib.speed.schedule`), the epochs, the progress bar and the result.

What "one step" means (the minibatch semantics of the NumPy loop)
-----------------------------------------------------------------
word2vec updates the weights after every (context, target) example. The NumPy loop
processes ``batch_size`` consecutive centre words at once: every example's gradient
is computed from the weights *as they were at the start of the batch*, and then all
of them are added in. That is what the layer model + :class:`~w2vlib.optim.SGD` does
too -- except for scaling: the layer loss is a batch *mean*, so its gradient carries
a ``1/N``; word2vec applies each example's gradient at full strength. One fast step
with learning rate ``lr`` therefore equals one layer step with ``SGD(lr=lr * N)``
(``tests/test_fast.py`` checks this to float64 precision). A larger batch is faster
but its gradients are staler; the default adapts to the corpus
(:func:`~w2vlib.speed.samplers.default_batch_size`).

CBOW's input update is word2vec's: ``h`` is the *mean* of the C context vectors, yet
each of them receives the whole step ``e`` -- so does gensim with its default
``cbow_mean=1``. The true gradient of the mean is ``e / C``, which is what the layer
CBOW computes; ``cbow_update="gradient"`` does that instead, and only then does a
fast step equal a layer step. word2vec's rule is the default because it learns
better vectors on PTB. A negative that happens to equal the target is skipped
(word2vec does the same); the layer sampler instead redraws it. The sigmoid is
exact, finite for every score (word2vec instead clips scores at +-6 with a lookup
table). Skip-gram predicts each context word from the centre word, as in the paper
and the book (word2vec's C code swaps the two roles; over a corpus the pairs are the
same).

Everything else, as in word2vec:

* Initial weights: ``W_in`` uniform in ``[-0.5/dim, 0.5/dim)``, ``W_out`` zero.
* Learning rate ``lr_t = lr * max(1 - progress, 1e-4)``, progress = share of
  all ``epochs * len(corpus)`` corpus words passed so far;
  ``lr=None`` starts at 0.05 for CBOW and 0.025 for skip-gram.
* Subsampling (``subsample=s > 0``): each occurrence of a word is kept with
  :func:`~w2vlib.speed.samplers.keep_probabilities`, redrawn every epoch; dropped
  words are removed *before* windows are formed, so windows reach further.
* Window (``shrink_window=True``, the default): each centre word uses a radius
  drawn uniformly from ``1..window``, so near words weigh more; with ``False``
  every centre uses ``window`` words on each side, as the book does. The corpus is
  one stream (windows cross sentence ends, as in the book); at its two ends a
  window is cut short.
* Negatives: ``negative`` draws per example, with replacement, from
  ``count ** power`` (word2vec: 0.75), with Walker's alias method.

Every choice above that was measured (the scatter-add, the sampler, the batch
size, the learning rate, shrunk windows, the update rule) and the speed and memory
of whole PTB runs are in ``docs/bench/2026-11-26-speed-notes.md``; the speed ladder
against gensim is ``docs/bench/2026-11-26-ptb-cbow.txt``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from . import numpy_kernels
from .config import DEFAULT_LR, MAX_USUAL_NEGATIVE, Word2VecConfig, check_corpus, check_fits_corpus
from .samplers import AliasSampler, default_batch_size, keep_probabilities

# AliasSampler, keep_probabilities, default_batch_size and DEFAULT_LR live in samplers
# and config; they are named here too because callers import them from this module.
__all__ = ["train_word2vec", "Word2VecResult", "check_run", "LOSS_POINTS_PER_EPOCH",
           "THREADED_BLOCKS_PER_EPOCH",
           "AliasSampler", "keep_probabilities", "default_batch_size", "DEFAULT_LR"]

#: Points recorded in ``loss_history`` per epoch (roughly).
LOSS_POINTS_PER_EPOCH = 50

#: With ``backend="numba"`` and ``workers > 1``: blocks per epoch, so as many loss points. Each
#: block ends where the threads wait for one another and starts with a fresh hand-out of
#: chunks; at 50 blocks per epoch that cost 8-12 % of a two-thread CBOW epoch on a 2-core
#: machine (``docs/bench/2026-12-02-loop-tuning.md``), at 10 it is a few per cent.
THREADED_BLOCKS_PER_EPOCH = 10


@dataclass
class Word2VecResult:
    """What :func:`train_word2vec` returns.

    ``W_in``, ``W_out``: (V, dim) float32; ``word_vecs`` is ``W_in``.
    ``seconds``: training time; ``words_trained``: corpus words passed
    (counting words dropped by subsampling, as word2vec and gensim do);
    ``words_per_sec = words_trained / seconds``; ``words_kept``: words that
    actually served as centre words; ``epochs_done``: completed share of the
    epochs, e.g. 2.5 (an int when training ran to the end);
    ``loss_history``: ``(words_trained, mean loss per example)`` points, about
    :data:`LOSS_POINTS_PER_EPOCH` per epoch (:data:`THREADED_BLOCKS_PER_EPOCH` with the
    compiled backend on several threads); ``stopped_early``: True if
    ``time_limit`` or the callback ended training; ``settings``: everything
    needed to repeat the run (JSON-able; see
    :meth:`~w2vlib.speed.config.Word2VecConfig.settings`).
    """

    W_in: np.ndarray
    W_out: np.ndarray
    seconds: float = 0.0
    words_trained: int = 0
    words_kept: int = 0
    epochs_done: float = 0
    loss_history: list[tuple[int, float]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    stopped_early: bool = False

    @property
    def word_vecs(self) -> np.ndarray:
        """``W_in``, (V, dim): the vectors one keeps."""
        return self.W_in

    @property
    def words_per_sec(self) -> float:
        """Corpus words per second of training."""
        return self.words_trained / self.seconds if self.seconds > 0 else 0.0

    def __repr__(self) -> str:
        s = self.settings
        return (f"Word2VecResult(model={s.get('model')!r}, V={self.W_in.shape[0]}, "
                f"dim={self.W_in.shape[1]}, epochs_done={self.epochs_done:g}, "
                f"words_per_sec={self.words_per_sec:,.0f}, seconds={self.seconds:.1f})")


def train_word2vec(corpus, vocab_size: int | None = None, *, model: str = "cbow",
                   dim: int = 100, window: int = 5, negative: int = 5, epochs: int = 10,
                   lr: float | None = None, batch_size: int | None = None,
                   subsample: float = 0.0, power: float = 0.75, seed=0,
                   shrink_window: bool = True, progress: bool = True,
                   time_limit: float | None = None, callback=None,
                   cbow_update: str = "word2vec", backend: str = "numpy",
                   workers: int = 1, profiler=None,
                   shared_negatives: bool = False) -> Word2VecResult:
    """Train CBOW or skip-gram with negative sampling on a whole corpus.

    corpus: (T,) integer word ids (one stream; e.g. ``load_ptb()[0]``).
    vocab_size: V, the rows of the (V, dim) matrices (default: largest id + 1).
    model: ``"cbow"`` or ``"skipgram"``. dim: vector size. window: context words on
    each side (the largest radius when ``shrink_window``). negative: negatives per
    example. epochs: passes over the corpus. lr: starting learning rate (default
    :data:`~w2vlib.speed.config.DEFAULT_LR`), decayed linearly to ``1e-4 * lr``.
    batch_size: centre words per NumPy step (default: chosen from the corpus, see
    :func:`~w2vlib.speed.samplers.default_batch_size`). subsample: word2vec's
    ``sample`` (``1e-3`` is typical; 0 keeps every word). power: exponent of the
    negative-sampling distribution. seed: int, None or ``np.random.Generator`` --
    drives the initial weights, subsampling, window radii and negatives; the same int
    seed gives bit-identical vectors (same NumPy, same machine). shrink_window: draw
    each centre's radius from ``1..window`` (word2vec) rather than always ``window``
    (the book). progress: show a tqdm bar. time_limit: seconds; training stops after
    the batch (numba: the block of about 1/50 epoch, 1/10 on several threads) that
    crosses it. callback:
    called as ``callback(result)`` after every epoch with the result so far (its
    ``W_in``/``W_out`` are the live arrays); returning ``True`` stops training.
    cbow_update: ``"word2vec"`` (default) or ``"gradient"``, see
    :data:`~w2vlib.speed.config.CBOW_UPDATES`. backend: ``"numpy"`` (default) or
    ``"numba"``: word2vec's per-word loop, compiled (``pip install -e '.[fast]'``);
    it updates after every word, so ``batch_size`` does not apply, and its compile
    time is kept out of ``seconds`` (``settings["compile_seconds"]``). workers:
    threads for ``backend="numba"`` (Hogwild!: bit-identical repeats only with 1).
    profiler: None, or an object whose ``part(label)`` is a context manager; the
    NumPy loop runs each stage of a step inside it, with the labels of
    :data:`~w2vlib.speed.numpy_kernels.PROFILE_PARTS` (``lab.bench.PartTimer`` fits).
    shared_negatives: with ``backend="numba"`` only (ValueError otherwise): draw the
    negatives once per window (skip-gram) or per group of consecutive centres (CBOW)
    and update with small matrix products after it, as Ji et al. 2016 (pWord2Vec) do;
    see :mod:`w2vlib.speed.shared`.

    A diverging run (non-finite loss) raises ``FloatingPointError`` naming the
    learning rate (and the batch size). A window as wide as the corpus, or more
    than 20 negatives for a corpus with no more words than that, is refused before
    training (:func:`~w2vlib.speed.config.check_fits_corpus`). See the module
    docstring for the update rule and the minibatch semantics.
    """
    config = Word2VecConfig(model=model, dim=dim, window=window, negative=negative,
                            epochs=epochs, lr=lr, batch_size=batch_size, subsample=subsample,
                            power=power, seed=seed, shrink_window=shrink_window,
                            time_limit=time_limit, cbow_update=cbow_update, backend=backend,
                            workers=workers, shared_negatives=shared_negatives)
    ids, V = check_corpus(corpus, vocab_size)
    _check_hooks(callback, profiler, config.backend)
    counts = np.bincount(ids, minlength=V)
    batch = check_run(config, counts)
    compile_seconds = _prepare_compiled(config) if config.backend == "numba" else None
    rng = config.rng()
    sampler = AliasSampler(counts, config.power)
    keep_p = keep_probabilities(counts, config.subsample)
    W_in = ((rng.random((V, config.dim), dtype=np.float32) - np.float32(0.5))
            / np.float32(config.dim))
    W_out = np.zeros((V, config.dim), dtype=np.float32)
    settings = config.settings(batch=batch, vocab_size=V, corpus_words=len(ids))
    if config.backend == "numba":
        from . import compiled

        settings |= compiled.settings(compile_seconds)
        if config.shared_negatives:
            from . import shared

            settings |= shared.settings(config.model)
    steps = _epoch_driver(W_in, W_out, config, sampler, batch, rng, len(ids), profiler)
    res = Word2VecResult(W_in=W_in, W_out=W_out, settings=settings)
    _Run(res, config, len(ids), progress).train(steps, ids, keep_p, rng, callback)
    return res


def check_run(config: Word2VecConfig, counts) -> int | None:
    """The NumPy batch size of a run (None for the compiled loop), after checking that its
    window and negatives fit the corpus (:func:`~w2vlib.speed.config.check_fits_corpus`)
    and its steps fit in memory (:func:`~w2vlib.speed.numpy_kernels.check_step_memory`).

    counts: (V,) word counts of the corpus. ValueError naming the setting otherwise.
    """
    check_fits_corpus(config, counts)
    if config.backend != "numpy":
        return None
    batch = (config.batch_size if config.batch_size is not None
             else default_batch_size(counts, config.subsample, config.model, config.window))
    numpy_kernels.check_step_memory(config, batch)
    return batch


def _epoch_driver(W_in, W_out, config, sampler, batch, rng, T, profiler):
    """The backend's ``steps(epoch, stream, kept_pos, T)`` (see
    :func:`w2vlib.speed.numpy_kernels.epoch_steps`, :func:`w2vlib.speed.threads.epoch_steps`)."""
    if config.backend == "numba":
        from . import threads

        points = LOSS_POINTS_PER_EPOCH if config.workers == 1 else THREADED_BLOCKS_PER_EPOCH
        block = max(1024, -(-T // points))                     # about 1/50 epoch (1/10)
        return threads.epoch_steps(W_in, W_out, config, sampler, rng, block)
    return numpy_kernels.epoch_steps(W_in, W_out, config, sampler, batch, rng, profiler)


def _check_hooks(callback, profiler, backend: str) -> None:
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    if profiler is None:
        return
    if not callable(getattr(profiler, "part", None)):
        raise TypeError(f"profiler must have a part(label) context manager, got "
                        f"{type(profiler).__name__}")
    if backend != "numpy":
        raise ValueError("profiler applies to backend='numpy' only: the compiled loop runs "
                         "as one call per block")


def _prepare_compiled(config: Word2VecConfig) -> float:
    """Compile (or load) the loop before the clock starts; NumbaMissingError (with the
    install command) if numba is absent. Returns the seconds it took."""
    from . import compiled

    seconds = compiled.prepare(config.model, config.workers)
    if config.shared_negatives:
        from . import shared

        seconds += shared.ensure_compiled(config.model)
    return seconds


class _Run:
    """The epochs of one run: subsampling, the clock, the progress bar, the loss curve,
    ``time_limit`` and the callback. Fills in ``res`` as it goes."""

    def __init__(self, res: Word2VecResult, config: Word2VecConfig, T: int, progress: bool):
        self.res, self.config, self.T = res, config, T
        self.log_every = max(1, T // LOSS_POINTS_PER_EPOCH)
        self.loss_acc, self.n_acc, self.next_log = 0.0, 0, self.log_every
        self.done = 0                            # corpus words passed, over all epochs
        self.bar = tqdm(total=config.epochs * T, disable=not progress, unit="word",
                        unit_scale=True, dynamic_ncols=True, mininterval=0.5, desc=config.model)
        self.start = time.perf_counter()

    def train(self, steps, ids, keep_p, rng, callback) -> None:
        """Run every epoch of ``steps`` (an epoch driver) unless stopped early."""
        res, T, stop = self.res, self.T, False
        try:
            for epoch in range(self.config.epochs):
                if self.config.subsample > 0:
                    kept_pos = np.flatnonzero(rng.random(T) < keep_p[ids])
                    stream = ids[kept_pos]
                else:
                    kept_pos, stream = None, ids
                stop = self.epoch(epoch, steps(epoch, stream, kept_pos, T))
                self.check_weights(epoch)
                if not stop and self.done < (epoch + 1) * T:   # subsampling left (almost) nothing
                    self.bar.update((epoch + 1) * T - self.done)
                    self.done = (epoch + 1) * T
                res.words_trained = int(self.done)
                res.epochs_done = self.done / T if stop else epoch + 1
                res.seconds = time.perf_counter() - self.start
                if res.loss_history:
                    self.bar.set_postfix(epoch=epoch + 1, loss=f"{res.loss_history[-1][1]:.3f}",
                                         refresh=False)
                if stop or (callback is not None and callback(res) is True):
                    stop = True
                    break
        finally:
            self.bar.close()
        res.seconds = time.perf_counter() - self.start
        res.words_trained = int(self.done)
        res.stopped_early = stop

    def epoch(self, epoch: int, steps) -> bool:
        """Consume one epoch's steps; True if ``time_limit`` stopped it."""
        base, limit = epoch * self.T, self.config.time_limit
        for raw_after, loss, n_ex, n_centres, lr_t in steps:
            self.res.words_kept += n_centres
            step_words = raw_after - (self.done - base)
            self.done = base + raw_after
            self.bar.update(step_words)
            if not math.isfinite(loss):
                batch = self.res.settings["batch_size"]
                raise FloatingPointError(
                    f"training diverged (loss {loss}) in epoch {epoch + 1} at learning "
                    f"rate {lr_t:.4g}: lower lr (now {self.config.lr:g})"
                    + (f" or batch_size (now {batch})" if self.config.backend == "numpy" else "")
                    + self._negative_hint())
            self.loss_acc += loss
            self.n_acc += n_ex
            if self.done >= self.next_log and self.n_acc:
                self.res.loss_history.append((int(self.done), self.loss_acc / self.n_acc))
                self.loss_acc, self.n_acc = 0.0, 0
                self.next_log = self.done + self.log_every
            if limit is not None and time.perf_counter() - self.start > limit:
                return True
        return False

    def _negative_hint(self) -> str:
        """For a divergence with unusually many negatives: say that they are the likely cause."""
        k = self.config.negative
        return (f" or negative (now {k}: word2vec uses 5 to {MAX_USUAL_NEGATIVE})"
                if k > MAX_USUAL_NEGATIVE else "")

    def check_weights(self, epoch: int) -> None:
        """The compiled loop measures the loss on a sample of words: check the weights too."""
        res = self.res
        if self.config.backend == "numba" and not (np.isfinite(res.W_in).all()
                                                   and np.isfinite(res.W_out).all()):
            raise FloatingPointError(
                f"training diverged (non-finite weights) in epoch {epoch + 1}: lower lr "
                f"(now {self.config.lr:g})" + self._negative_hint())
