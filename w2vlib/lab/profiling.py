"""Where one training step's time goes, rung by rung of the speed ladder.

:class:`PartTimer` keeps exclusive wall time per label. The trainers declare their
parts and time them with it themselves -- :class:`w2vlib.trainer.Trainer` (``profiler=``,
labels :attr:`~w2vlib.trainer.Trainer.PROFILE_PARTS`) and
:func:`w2vlib.speed.train_word2vec` (``profiler=``, labels
:data:`w2vlib.speed.numpy_kernels.PROFILE_PARTS`) -- so a part renamed there is a
part renamed here, never a row silently lost. The finer parts (the sampler, the
Embedding backward) come from wrapping public methods of the objects a rung builds;
the book-style rungs, which have no Trainer, are timed the same way.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Mapping

import numpy as np

from ..corpus import create_contexts_target
from . import book_style
from .ladder import DIM, NEGATIVE, WINDOW, rung_settings
from .rungs import build_rung, run_steps

__all__ = ["PartTimer", "TRAINER_LABELS", "EMBEDDING_BACKWARD", "LOOP_OTHER", "FAST_OTHER",
           "embedding_layers", "profile_rung", "profile_fast"]

#: The Trainer's part labels -> the rows of the profile (where the two differ).
TRAINER_LABELS = {"backward": "backward (other)", "optimizer": "optimizer (Adam)"}
#: The row of the Embedding layers' backward (zeroing + scatter-add), inside "backward".
EMBEDDING_BACKWARD = "Embedding backward (zero + scatter)"
#: The row of a layer rung's step outside every timed part (the loop, shuffling, slicing).
LOOP_OTHER = "loop (other)"
#: The row of the fast trainer's time outside its declared parts (subsampling, the loop,
#: the set-up, amortised over at least 300 steps).
FAST_OTHER = "other (subsampling, loop)"


class PartTimer:
    """Exclusive wall time per label, for nested instrumented calls.

    ``with timer.part("forward"): ...`` adds the time spent inside to
    "forward", *minus* the time of parts opened inside it, so the totals add
    up to the wall time with nothing counted twice. ``labels`` renames parts as
    they are recorded (``{"optimizer": "optimizer (Adam)"}``). ``wrap(obj, "name",
    label)`` makes every call of ``obj.name`` a part (undo with :meth:`restore`).
    ``clock`` is injectable for tests.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter,
                 labels: Mapping[str, str] | None = None):
        self.clock = clock
        self.labels = dict(labels or {})
        self.totals: dict[str, float] = {}
        self._stack: list[list] = []
        self._patched: list[tuple[object, str, object, bool]] = []

    @contextlib.contextmanager
    def part(self, label: str):
        """Time the ``with`` block as ``label`` (renamed by ``labels``), exclusive of nested parts."""
        label = self.labels.get(label, label)
        now = self.clock()
        if self._stack:
            parent = self._stack[-1]
            self.totals[parent[0]] = self.totals.get(parent[0], 0.0) + now - parent[1]
        self._stack.append([label, now])
        try:
            yield
        finally:
            now = self.clock()
            lab, t0 = self._stack.pop()
            self.totals[lab] = self.totals.get(lab, 0.0) + now - t0
            if self._stack:
                self._stack[-1][1] = now

    def wrap(self, obj, name: str, label: str) -> None:
        """Make every call of ``obj.name`` a part called ``label`` (until :meth:`restore`)."""
        had_own = name in getattr(obj, "__dict__", {})
        original = getattr(obj, name)

        @functools.wraps(original)          # keeps the signature visible to inspect
        def timed(*args, **kwargs):
            with self.part(label):
                return original(*args, **kwargs)

        setattr(obj, name, timed)
        self._patched.append((obj, name, original, had_own))

    def restore(self) -> None:
        """Undo every :meth:`wrap`, newest first."""
        while self._patched:
            obj, name, original, had_own = self._patched.pop()
            if had_own:
                setattr(obj, name, original)
            else:
                delattr(obj, name)


def embedding_layers(model, depth: int = 4) -> list:
    """Every Embedding layer inside ``model`` (w2vlib's, the sparse ones, the book's), once.

    Walks the attributes of w2vlib objects (and the lists holding them) ``depth`` levels
    down; a layer counts when its class name ends in "Embedding".
    """
    found: list = []
    seen: set[int] = set()

    def visit(obj, level):
        if id(obj) in seen or level > depth:
            return
        seen.add(id(obj))
        if isinstance(obj, (list, tuple)):
            for item in obj:
                visit(item, level + 1)
            return
        if not type(obj).__module__.startswith("w2vlib") or not hasattr(obj, "__dict__"):
            return
        if type(obj).__name__.endswith("Embedding"):
            found.append(obj)
            return
        for value in vars(obj).values():
            visit(value, level + 1)

    visit(model, 0)
    return found


def _wrap_book_rung(timer: PartTimer, key: str, model, optimizer) -> None:
    """Time the book-style loop's calls: it has no profiler hook of its own."""
    timer.wrap(model, "forward", "forward")
    timer.wrap(model, "backward", "backward (other)")
    timer.wrap(optimizer, "update", "optimizer (Adam)")
    timer.wrap(book_style, "remove_duplicate", "grad sum (shared weights)")
    if key == "simple":
        timer.wrap(model, "one_hot", "one-hot input")
    else:
        timer.wrap(model.ns_loss.sampler, "get_negative_sample", "sampler")


def profile_rung(key: str, corpus: np.ndarray, vocab_size: int, *, steps: int = 10, seed: int = 0,
                 contexts: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """Where a step's time goes: ``{"parts": {label: seconds per step}, "words_per_step": n}``.

    Parts of the layer rungs: "one-hot input" (chapter 3), "sampler", "forward",
    "Embedding backward (zero + scatter)", "backward (other)", "grad sum (shared weights)",
    "optimizer (Adam)", "loop (other)"; of the fast trainer (see :func:`profile_fast`) its
    declared parts and "other (subsampling, loop)". Instrumentation adds a little overhead
    of its own.
    """
    if key.startswith("fast"):
        return profile_fast(key, corpus, vocab_size, steps=steps, seed=seed)
    x, t = contexts if contexts is not None else create_contexts_target(corpus, WINDOW)
    rung = build_rung(key, corpus, vocab_size, seed)
    run_steps(rung, x, t, seed, max_steps=1)                                   # warm-up
    timer = PartTimer(labels=TRAINER_LABELS)
    try:
        if rung.trainer is None:
            _wrap_book_rung(timer, key, rung.model, rung.optimizer)
        else:
            timer.wrap(rung.model.ns_loss.sampler, "get_negative_sample", "sampler")
        layers = embedding_layers(rung.model)
        if key != "simple" and not layers:
            raise RuntimeError(f"rung {key!r}: found no Embedding layer to time")
        for layer in layers:
            timer.wrap(layer, "backward", EMBEDDING_BACKWARD)
        start = time.perf_counter()
        done, _ = run_steps(rung, x, t, seed + 1, max_steps=steps,
                            profiler=None if rung.trainer is None else timer)
        wall = time.perf_counter() - start
    finally:
        timer.restore()
    parts = {k: v / done for k, v in timer.totals.items()}
    other = wall / done - sum(parts.values())          # the loop itself, shuffling, bookkeeping
    if other > 0:
        parts[LOOP_OTHER] = other
    return {"parts": parts, "words_per_step": rung.batch_size}


def _timed_fast_run(corpus, vocab_size: int, sub: float, seed: int, batch: int):
    """One profiled epoch of the fast trainer on ``corpus``: (its PartTimer, steps, words)."""
    from ..speed import train_word2vec

    timer = PartTimer()
    with timer.part(FAST_OTHER):
        res = train_word2vec(corpus, vocab_size, model="cbow", dim=DIM, window=WINDOW,
                             negative=NEGATIVE, epochs=1, subsample=sub, seed=seed,
                             progress=False, batch_size=batch, profiler=timer)
    return timer, max(1, int(np.ceil(res.words_kept / batch))), res.words_trained


def profile_fast(key: str, corpus: np.ndarray, vocab_size: int, steps: int = 300,
                 seed: int = 0) -> dict:
    """The fast trainer's step (``fast`` / ``fast-sub``), timed by its own profiler hook.

    Trains one epoch on the first ``max(steps, 300)`` batches of ``corpus`` with the batch
    the whole corpus would get; parts: every label of
    :data:`w2vlib.speed.numpy_kernels.PROFILE_PARTS`, and "other (subsampling, loop)": the
    time outside them per step. The set-up (weights, sampler tables) is not part of a step:
    a second run of a single batch measures it, and it is taken out of "other".
    """
    from ..speed.samplers import default_batch_size

    sub = rung_settings(key)[0]
    batch = int(default_batch_size(np.bincount(corpus, minlength=vocab_size), sub))
    steps = max(steps, 300)
    timer, n_steps, words = _timed_fast_run(corpus[: steps * batch], vocab_size, sub, seed, batch)
    setup, n_setup, _ = _timed_fast_run(corpus[:batch], vocab_size, sub, seed, batch)
    parts = {k: v / n_steps for k, v in timer.totals.items() if k != FAST_OTHER}
    other = timer.totals[FAST_OTHER] - setup.totals[FAST_OTHER]   # the set-up cancels
    parts[FAST_OTHER] = max(0.0, other / max(1, n_steps - n_setup))
    return {"parts": parts, "words_per_step": int(round(words / n_steps))}
