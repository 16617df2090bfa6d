"""The speed ladder: ``python -m w2vlib.lab.bench`` (a benchmark, not a test).

Trains CBOW (dim 100, window 5, 5 negatives) on the Penn Treebank with every
implementation the series builds, in one run on one machine, and prints
words per second, the time 10 epochs take (projected where a rung is too slow
to run them), and each rung's speed relative to the one above it and to the
fastest:

====================  ==================================================================
rung                  what it is
====================  ==================================================================
``simple``            chapter 3's :class:`~w2vlib.models.SimpleCBOW`: one-hot contexts
                      times ``W_in`` (a MatMul), softmax over all 10,000 words; batch
                      100, dense Adam.
``book``              chapter 4's CBOW as the book writes it (:mod:`w2vlib.lab.book_style`):
                      per-row sampler, one layer per context word / negative, full-matrix
                      Embedding backward, duplicate-gradient summing, dense Adam; batch 100.
``layer``             w2vlib's :class:`~w2vlib.models.CBOW` with :class:`~w2vlib.trainer.Trainer`
                      and :class:`~w2vlib.optim.Adam`, batch 100 -- the book's settings.
``layer-best``        the same model and Trainer with our best settings (see ``LAYER_BEST``).
``fast``              :func:`w2vlib.speed.word2vec.train_word2vec` (vectorised SGD, sparse updates),
                      ``subsample=0``; ``fast-sub``: ``subsample=1e-3``.
``numba``             ``train_word2vec(backend="numba")``: word2vec's per-word loop compiled
                      (:mod:`w2vlib.speed.compiled`), one thread, ``subsample=0``; ``numba-sub``:
                      ``1e-3``; ``numba-2``, ``numba-2-sub``: two Hogwild threads. Only
                      when numba is installed; compile/load time is not counted.
``gensim``            gensim's ``Word2Vec(sg=0, workers=1, sample=0)`` (compiled C loops);
                      ``gensim-sub``: ``sample=1e-3``; ``gensim-2``, ``gensim-2-sub``:
                      ``workers=2``. Only when gensim is installed (``make bench``); run in
                      a subprocess with ``PYTHONHASHSEED=0``.
====================  ==================================================================

Each compiled rung runs right before the gensim rung with the same settings
(:data:`PAIRS`), and the report ends with their ratios.

The slow rungs run for a bounded number of seconds (``--seconds``) and are
projected to ``--epochs`` epochs; the fast trainer and gensim run all epochs,
and their vectors are scored at equal settings: analogy accuracy (Google set,
3CosAdd with unit vectors, top-1 and top-5) and the Spearman correlation with
WordSim353 (when a copy is found, see :func:`w2vlib.evaluate.find_similarity_file`).

Run as ``python -m w2vlib.lab.bench``, the process sets ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 *before* NumPy is imported,
so every rung (and gensim's subprocess, ``workers=1``) uses one core.
Words per second count corpus words passed (targets for the layer rungs), the
way word2vec and gensim count them, subsampled words included.

Every rung's time is taken twice: on the wall clock, and as this process's
CPU time (``time.process_time``; for gensim, its subprocess's). On an idle
machine the two agree; on a shared one, time-slicing inflates the wall clock
of whichever rung ran during a busy moment, and the CPU-time table is the
fairer comparison (the report prints both, and the load average).

Options: ``--quick`` (a couple of minutes), ``--rungs simple,book,...``,
``--epochs N``, ``--seconds S``, ``--no-quality``, ``--no-profile``,
``--json out.json``. Timings on a shared machine wobble by 20 % or more: read
the ratios, measured side by side in one run.
"""

from __future__ import annotations

import os
import sys

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
if __name__ == "__main__":
    # Must happen before NumPy is imported: BLAS reads these once, at load time.
    _THREADS_FORCED = "numpy" not in sys.modules
    for _var in THREAD_VARS:
        os.environ[_var] = "1"
else:
    _THREADS_FORCED = False

import argparse  # noqa: E402
import contextlib  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from . import book_style  # noqa: E402
from ..corpus import convert_one_hot, create_contexts_target  # noqa: E402
from .timing import format_seconds  # noqa: E402

__all__ = ["RUNGS", "PAIRS", "RungResult", "QualityResult", "PartTimer", "OneHotInput",
           "project_seconds", "format_rate", "ladder_table", "quality_table", "pair_table",
           "profile_table", "machine_info",
           "measure_rung", "profile_rung", "evaluate_quality", "run", "main"]

#: Every rung, slowest first: key -> label.
RUNGS = {
    "simple": "ch.3 SimpleCBOW, one-hot MatMul + softmax",
    "book": "ch.4 CBOW as the book writes it",
    "layer": "w2vlib CBOW + Trainer, batch 100, Adam",
    "layer-best": "w2vlib CBOW + Trainer, best settings",
    "fast": "fast trainer, sample=0",
    "fast-sub": "fast trainer, sample=1e-3",
    "numba": "compiled loop (numba), 1 thread, sample=0",
    "gensim": "gensim workers=1, sample=0",
    "numba-sub": "compiled loop, 1 thread, sample=1e-3",
    "gensim-sub": "gensim workers=1, sample=1e-3",
    "numba-2": "compiled loop, 2 threads, sample=0",
    "gensim-2": "gensim workers=2, sample=0",
    "numba-2-sub": "compiled loop, 2 threads, sample=1e-3",
    "gensim-2-sub": "gensim workers=2, sample=1e-3",
}

#: Each compiled rung and the gensim rung it is compared with (same settings),
#: run back to back so both see the same machine load.
PAIRS = {"numba": "gensim", "numba-sub": "gensim-sub", "numba-2": "gensim-2",
         "numba-2-sub": "gensim-2-sub"}


def _rung_settings(key: str) -> tuple[float, int]:
    """(sample, workers) of a fast/numba/gensim rung, read from its key."""
    return (1e-3 if key.endswith("-sub") else 0.0), (2 if "-2" in key else 1)

#: The book's settings for chapter 4 (and ours for the layer rungs).
DIM, WINDOW, NEGATIVE, BATCH = 100, 5, 5, 100

#: Our best settings for the layer CBOW (Adam with sparse updates): a batch of
#: 300 shares each step's fixed Python overhead among three times as many
#: words. Measured with the Trainer on PTB (2-core machine, one thread):
#: batch 100 / 300 / 1000 gave about 46k / 60k / 60k words per CPU-second, and
#: after equal time batch 300 had as low a loss as batch 100 while batch 1000's
#: was clearly higher. Adam's step is per parameter, so lr stays the book's.
LAYER_BEST = {"batch_size": 300, "lr": 0.001}

#: The training time the table reports (the book trains CBOW on PTB for 10 epochs).
TABLE_EPOCHS = 10

SLOW_RUNGS = ("simple", "book", "layer", "layer-best")
FULL_RUNGS = ("fast", "fast-sub", *(k for pair in PAIRS.items() for k in pair))


# --------------------------------------------------------------------------- results

@dataclass
class RungResult:
    """One rung's speed. ``words``/``seconds``: what was measured; ``epoch_words``:
    corpus words in one epoch; ``projected``: True when ``seconds_for_epochs`` is
    extrapolated from a partial run. ``skipped``: why the rung did not run."""

    key: str
    label: str
    words: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    epoch_words: int = 0
    epochs: int = 10
    projected: bool = True
    detail: str = ""
    skipped: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def words_per_sec(self) -> float:
        """Words per second of wall-clock time."""
        return self.words / self.seconds if self.seconds > 0 and self.words > 0 else 0.0

    @property
    def words_per_cpu_sec(self) -> float:
        """Words per second of this process's CPU time (0 if not measured)."""
        return self.words / self.cpu_seconds if self.cpu_seconds > 0 and self.words > 0 else 0.0

    def rate(self, cpu: bool = False) -> float:
        return self.words_per_cpu_sec if cpu else self.words_per_sec

    @property
    def seconds_for_epochs(self) -> float:
        """Seconds for ``self.epochs`` epochs: measured, or projected."""
        return self.seconds_for(self.epochs)

    def seconds_for(self, epochs: int, cpu: bool = False) -> float:
        """Seconds for ``epochs`` epochs: the measured time if that many ran, else projected."""
        if not self.projected and epochs == self.epochs:
            return self.cpu_seconds if cpu else self.seconds
        return project_seconds(self.rate(cpu), self.epoch_words, epochs)

    def is_projected(self, epochs: int) -> bool:
        return self.projected or epochs != self.epochs


@dataclass
class QualityResult:
    """Analogy accuracy (over covered questions) and similarity correlation of one rung's vectors."""

    key: str
    label: str
    epochs: float
    top1: float
    top5: float
    covered: int
    spearman: float | None = None
    pairs_used: int = 0
    pairs_total: int = 0


def project_seconds(words_per_sec: float, epoch_words: int, epochs: int) -> float:
    """Seconds ``epochs`` passes over ``epoch_words`` words take at ``words_per_sec``.

    >>> project_seconds(1000.0, 929_589, 10)
    9295.89
    """
    if words_per_sec <= 0:
        return float("inf")
    return epochs * epoch_words / words_per_sec


def format_rate(words_per_sec: float) -> str:
    """``1_234_567`` -> ``'1.23 M'``, ``73_068`` -> ``'73.1 k'``, ``640.4`` -> ``'640'``."""
    if words_per_sec >= 1e6:
        return f"{words_per_sec / 1e6:.2f} M"
    if words_per_sec >= 1e4:
        return f"{words_per_sec / 1e3:.1f} k"
    if words_per_sec >= 1e3:
        return f"{words_per_sec / 1e3:.2f} k"
    return f"{words_per_sec:.0f}"


def _times(ratio: float) -> str:
    if not np.isfinite(ratio) or ratio <= 0:
        return "-"
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    if ratio >= 10:
        return f"{ratio:.0f}x"
    return f"{ratio:.1f}x"


def _epochs(n) -> str:
    return f"{n:g} epoch" + ("" if n == 1 else "s")


def ladder_table(results: list[RungResult], epochs: int = 10, cpu: bool = False) -> str:
    """The speed table: words/s, time for ``epochs`` epochs (measured where that many
    ran, else projected), speed-up over the rung above, how many times the fastest
    rung is faster, and how it was measured. ``cpu=True``: per second of CPU time."""
    ran = [r for r in results if not r.skipped and r.rate(cpu) > 0]
    fastest = max((r.rate(cpu) for r in ran), default=0.0)
    head = (f"{'#':>2}  {'rung':<42}{'words/s':>10}  {_epochs(epochs):>18}  "
            f"{'vs above':>8}  {'fastest is':>10}  measured")
    lines = [head, "-" * len(head)]
    previous = None
    for i, r in enumerate(results, start=1):
        if r.skipped:
            lines.append(f"{i:>2}  {r.label:<42}{'-':>10}  {'-':>18}  {'-':>8}  {'-':>10}  "
                         f"skipped: {r.skipped}")
            continue
        wps = r.rate(cpu)
        if not wps:
            lines.append(f"{i:>2}  {r.label:<42}{'-':>10}  {'-':>18}  {'-':>8}  {'-':>10}  "
                         f"not measured")
            continue
        t = (format_seconds(r.seconds_for(epochs, cpu))
             + (" (proj.)" if r.is_projected(epochs) else ""))
        above = _times(wps / previous) if previous else "-"
        slower = _times(fastest / wps) if wps else "-"
        lines.append(f"{i:>2}  {r.label:<42}{format_rate(wps):>10}  {t:>18}  {above:>8}  "
                     f"{slower:>10}  {r.detail}")
        previous = wps
    return "\n".join(lines)


def quality_table(rows: list[QualityResult]) -> str:
    """Analogy top-1/top-5 and WordSim353 Spearman per rung."""
    width = max([34] + [len(q.label) + 2 for q in rows])
    head = f"{'rung':<{width}}{'epochs':>7}{'analogy top-1':>15}{'top-5':>8}{'WordSim353':>12}  pairs"
    lines = [head, "-" * len(head)]
    for q in rows:
        rho = "n/a" if q.spearman is None or not np.isfinite(q.spearman) else f"{q.spearman:.3f}"
        pairs = f"{q.pairs_used} of {q.pairs_total}" if q.pairs_total else "-"
        lines.append(f"{q.label:<{width}}{q.epochs:>7g}{100 * q.top1:>14.1f}%{100 * q.top5:>7.1f}%"
                     f"{rho:>12}  {pairs}")
    return "\n".join(lines)


def pair_table(results: list[RungResult], qualities: list[QualityResult] = ()) -> str:
    """The compiled loop against gensim at equal settings (see :data:`PAIRS`): words/s of
    each, their ratio on the wall clock and in CPU time, and both rungs' quality.
    Empty when no pair ran."""
    by_key = {r.key: r for r in results if not r.skipped and r.words_per_sec > 0}
    qual = {q.key: q for q in qualities}
    head = (f"{'setting':<24}{'compiled':>10}{'gensim':>10}{'ratio':>7}{'CPU ratio':>10}"
            f"{'top-1 ours/gensim':>19}{'WS353 ours/gensim':>19}")
    lines = [head, "-" * len(head)]
    for ours, theirs in PAIRS.items():
        a, b = by_key.get(ours), by_key.get(theirs)
        if a is None or b is None:
            continue
        sample, workers = _rung_settings(ours)
        cpu = (f"{a.words_per_cpu_sec / b.words_per_cpu_sec:.2f}x"
               if a.words_per_cpu_sec and b.words_per_cpu_sec else "-")
        qa, qb = qual.get(ours), qual.get(theirs)
        top1 = f"{100 * qa.top1:.1f}% / {100 * qb.top1:.1f}%" if qa and qb else "-"
        rho = ("-" if not (qa and qb) or qa.spearman is None or qb.spearman is None
               else f"{qa.spearman:.3f} / {qb.spearman:.3f}")
        lines.append(f"{f'{workers} thread(s), sample={sample:g}':<24}"
                     f"{format_rate(a.words_per_sec):>10}{format_rate(b.words_per_sec):>10}"
                     f"{a.words_per_sec / b.words_per_sec:>6.2f}x{cpu:>10}{top1:>19}{rho:>19}")
    return "\n".join(lines) if len(lines) > 2 else ""


def profile_table(profiles: dict[str, dict]) -> str:
    """Where one step's time goes, per rung: microseconds per word and share per part."""
    lines = []
    for key, prof in profiles.items():
        parts = prof["parts"]
        total = sum(parts.values())
        per_word = 1e6 * total / prof["words_per_step"]
        lines.append(f"{RUNGS.get(key, key)}: {1e3 * total:.1f} ms per step of "
                     f"{prof['words_per_step']:,} words = {per_word:,.1f} us/word")
        for part, sec in sorted(parts.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {part:<38}{100 * sec / total:5.1f}%")
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_summary() -> str:
    try:
        from threadpoolctl import threadpool_info

        libs = [f"{d.get('internal_api')} {d.get('version')} ({d.get('architecture', '?')}, "
                f"{d.get('num_threads')} thread{'s' if d.get('num_threads') != 1 else ''})"
                for d in threadpool_info() if d.get("user_api") == "blas"]
        if libs:
            return "; ".join(libs)
    except Exception:  # threadpoolctl missing or failing: fall back to numpy's build info
        pass
    try:
        with contextlib.redirect_stdout(None):
            cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')} (threads from OPENBLAS_NUM_THREADS)"
    except Exception:
        return "unknown"


def _loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def machine_info() -> dict:
    """CPU model, cores, Python, NumPy, BLAS, thread settings and the load average now."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    info = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas_summary(),
        "platform": platform.platform(),
        "threads_forced": _THREADS_FORCED,
        "thread_env": {v: os.environ.get(v) for v in THREAD_VARS},
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "loadavg": _loadavg(),
    }
    try:
        from importlib.metadata import version

        info["gensim"] = version("gensim")
    except Exception:
        info["gensim"] = None
    return info


def _machine_lines(info: dict) -> list[str]:
    lines = [f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
             f"{info['platform']}",
             f"         Python {info['python']}, NumPy {info['numpy']}, BLAS: {info['blas']}"
             + (f", gensim {info['gensim']}" if info.get("gensim") else "")]
    if info["threads_forced"]:
        lines.append("threads: OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1, set by "
                     "this process before NumPy was imported (single thread)")
    else:
        lines.append("threads: not forced (imported as a module); environment: "
                     + ", ".join(f"{k}={v}" for k, v in info["thread_env"].items()))
    if info.get("openblas_coretype"):
        lines.append(f"note: OPENBLAS_CORETYPE={info['openblas_coretype']} is set in this "
                     f"environment (it pins OpenBLAS's kernels; left as is)")
    return lines


# --------------------------------------------------------------------------- profiling

class PartTimer:
    """Exclusive wall time per label, for nested instrumented calls.

    ``with timer.part("forward"): ...`` adds the time spent inside to
    "forward", *minus* the time of parts opened inside it, so the totals add
    up to the wall time with nothing counted twice. ``wrap(obj, "name",
    label)`` makes every call of ``obj.name`` a part (undo with :meth:`restore`).
    ``clock`` is injectable for tests.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.clock = clock
        self.totals: dict[str, float] = {}
        self._stack: list[list] = []
        self._patched: list[tuple[object, str, object, bool]] = []

    @contextlib.contextmanager
    def part(self, label: str):
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


class OneHotInput:
    """Feeds word ids to :class:`~w2vlib.models.SimpleCBOW` as chapter 3 does: one-hot.

    ``forward(contexts: (N, C) ids, target: (N,))`` builds the ``(N, C, V)``
    one-hot block per batch (the whole PTB in one-hot form would take
    929,579 x 10 x 10,000 entries -- 93 GB even at one byte each) and calls
    the model.
    """

    def __init__(self, model, vocab_size: int):
        self.model = model
        self.vocab_size = vocab_size
        self.params, self.grads = model.params, model.grads

    def one_hot(self, ids: np.ndarray) -> np.ndarray:
        return convert_one_hot(ids, self.vocab_size)

    def forward(self, contexts, target) -> float:
        return self.model.forward(self.one_hot(contexts), target)

    def backward(self, dout=1.0) -> None:
        return self.model.backward(dout)

    @property
    def word_vecs(self) -> np.ndarray:
        return self.model.word_vecs


def _build(key: str, corpus: np.ndarray, vocab_size: int, seed: int):
    """(model, optimizer, batch_size, trainer kind) for a slow rung."""
    from ..models import CBOW, SimpleCBOW
    from ..optim import Adam

    if key == "simple":
        return OneHotInput(SimpleCBOW(vocab_size, DIM, seed=seed), vocab_size), \
            book_style.Adam(), BATCH, "book"
    if key == "book":
        return book_style.CBOW(vocab_size, DIM, WINDOW, corpus, sample_size=NEGATIVE, seed=seed), \
            book_style.Adam(), BATCH, "book"
    if key == "layer":
        return CBOW(vocab_size, DIM, WINDOW, corpus, sample_size=NEGATIVE, seed=seed), \
            Adam(), BATCH, "trainer"
    if key == "layer-best":
        return CBOW(vocab_size, DIM, WINDOW, corpus, sample_size=NEGATIVE, seed=seed), \
            Adam(lr=LAYER_BEST["lr"]), LAYER_BEST["batch_size"], "trainer"
    raise ValueError(f"{key!r} is not a layer rung")


def _run_steps(kind: str, model, optimizer, x, t, batch_size: int, seed: int,
               seconds: float | None = None, max_steps: int | None = None) -> tuple[int, float]:
    """Train for a bounded time or number of steps; returns (steps, seconds).

    With ``max_steps``, exactly that many steps run, on random rows of (x, t)
    (one short epoch, so shuffling the whole corpus is not part of the cost).
    """
    if max_steps is not None:
        pick = np.random.default_rng(seed).integers(0, len(x), size=max_steps * batch_size)
        x, t = x[pick], t[pick]
    if kind == "book":
        r = book_style.fit(model, optimizer, x, t, max_epoch=1 if max_steps else 10**6,
                           batch_size=batch_size, seed=seed, time_limit=seconds)
        return r["steps"], r["seconds"]
    from ..trainer import Trainer

    trainer = Trainer(model, optimizer)
    if max_steps is not None:
        trainer.fit(x, t, max_epoch=1, batch_size=batch_size, seed=seed, progress=False,
                    eval_interval=max_steps, time_limit=seconds)
    else:
        trainer.fit(x, t, max_epoch=10**6, batch_size=batch_size, seed=seed, progress=False,
                    time_limit=seconds, eval_interval=50)
    return trainer.words_seen // batch_size, trainer.elapsed


def measure_rung(key: str, corpus: np.ndarray, vocab_size: int, *, seconds: float = 20.0,
                 max_steps: int | None = None, epochs: int = 10, seed: int = 0,
                 contexts: tuple[np.ndarray, np.ndarray] | None = None) -> RungResult:
    """Words per second of a slow rung, from a run bounded by ``seconds`` (and ``max_steps``).

    One warm-up step first (allocations, first-touch of the optimizer's state)
    is not counted; the result is projected to ``epochs`` epochs.
    """
    x, t = contexts if contexts is not None else create_contexts_target(corpus, WINDOW)
    model, optimizer, batch, kind = _build(key, corpus, vocab_size, seed)
    _run_steps(kind, model, optimizer, x, t, batch, seed, max_steps=1)       # warm-up
    cpu0 = time.process_time()
    steps, sec = _run_steps(kind, model, optimizer, x, t, batch, seed + 1, seconds=seconds,
                            max_steps=max_steps)
    cpu = time.process_time() - cpu0
    return RungResult(key, RUNGS[key], words=steps * batch, seconds=sec, cpu_seconds=cpu,
                      epoch_words=len(corpus),
                      epochs=epochs, projected=True,
                      detail=f"{steps:,} steps of {batch} in {sec:.1f} s",
                      extra={"batch_size": batch, "steps": steps})


def profile_rung(key: str, corpus: np.ndarray, vocab_size: int, *, steps: int = 10, seed: int = 0,
                 contexts: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """Where a step's time goes: ``{"parts": {label: seconds per step}, "words_per_step": n}``.

    Parts: "one-hot input", "sampler", "forward", "Embedding backward (zero + scatter)",
    "backward (other)", "grad sum (shared weights)", "optimizer (Adam)" for the
    layer rungs; for the fast trainer "sampler", "gather + scores", "scatter-add
    update", "other". Instrumentation adds a little overhead of its own.
    """
    if key.startswith("fast"):
        return _profile_fast(key, corpus, vocab_size, steps=steps, seed=seed)
    x, t = contexts if contexts is not None else create_contexts_target(corpus, WINDOW)
    model, optimizer, batch, kind = _build(key, corpus, vocab_size, seed)
    _run_steps(kind, model, optimizer, x, t, batch, seed, max_steps=1)       # warm-up
    timer = PartTimer()
    from .. import trainer as trainer_mod

    try:
        timer.wrap(model, "forward", "forward")
        timer.wrap(model, "backward", "backward (other)")
        timer.wrap(optimizer, "update", "optimizer (Adam)")
        if key == "simple":
            timer.wrap(model, "one_hot", "one-hot input")
            timer.wrap(book_style, "remove_duplicate", "grad sum (shared weights)")
        elif key == "book":
            timer.wrap(model.ns_loss.sampler, "get_negative_sample", "sampler")
            for layer in model.in_layers + [d.embed for d in model.ns_loss.embed_dot_layers]:
                timer.wrap(layer, "backward", "Embedding backward (zero + scatter)")
            timer.wrap(book_style, "remove_duplicate", "grad sum (shared weights)")
        else:
            ns = model.ns_loss
            if hasattr(ns, "sampler"):
                timer.wrap(ns.sampler, "get_negative_sample", "sampler")
            embeds = [getattr(model, "in_layer", None),
                      getattr(getattr(ns, "embed_dot", None), "embed", None)]
            for layer in embeds:
                if layer is not None and hasattr(layer, "backward"):
                    timer.wrap(layer, "backward", "Embedding backward (zero + scatter)")
            for name in ("unique_params", "_unique_with_rows"):
                if hasattr(trainer_mod, name):
                    timer.wrap(trainer_mod, name, "grad sum (shared weights)")
        start = time.perf_counter()
        done, _ = _run_steps(kind, model, optimizer, x, t, batch, seed + 1, max_steps=steps)
        wall = time.perf_counter() - start
    finally:
        timer.restore()
    parts = {k: v / done for k, v in timer.totals.items()}
    other = wall / done - sum(parts.values())          # the loop itself, shuffling, bookkeeping
    if other > 0:
        parts["loop (other)"] = other
    return {"parts": parts, "words_per_step": batch}


def _profile_fast(key: str, corpus: np.ndarray, vocab_size: int, steps: int, seed: int) -> dict:
    from ..speed import word2vec as fast

    sub = 1e-3 if key == "fast-sub" else 0.0
    batch = None
    if hasattr(fast, "default_batch_size"):     # the batch the full corpus would get
        batch = int(fast.default_batch_size(np.bincount(corpus, minlength=vocab_size), sub))
    steps = max(steps, 300)         # amortise the set-up (weights, tables) left in "other"
    timer = PartTimer()
    patches = [(fast, "keep_probabilities", "setup"),
               (getattr(fast, "AliasSampler", None), "__init__", "setup"),
               (fast, "_scatter_add", "scatter-add update"),
               (fast, "_ns_update", "gather + scores (output side)"),
               (fast, "_cbow_span_step", "gather + sums (input side)"),
               (getattr(fast, "AliasSampler", None), "draw", "sampler")]
    try:
        for obj, name, label in patches:
            if obj is not None and hasattr(obj, name):
                timer.wrap(obj, name, label)
        with timer.part("other (subsampling, loop)"):
            res = fast.train_word2vec(corpus[: steps * (batch or 1000)], vocab_size, model="cbow",
                                      dim=DIM, window=WINDOW, negative=NEGATIVE, epochs=1,
                                      subsample=sub, seed=seed, progress=False, batch_size=batch)
    finally:
        timer.restore()
    batch = int(res.settings.get("batch_size", batch or 1000))
    n_steps = max(1, int(np.ceil(res.words_kept / batch)))
    return {"parts": {k: v / n_steps for k, v in timer.totals.items() if k != "setup"},
            "words_per_step": int(round(res.words_trained / n_steps))}


# --------------------------------------------------------------------------- full runs

def evaluate_quality(key: str, word_vecs: np.ndarray, word_to_id: dict, epochs: float,
                     similarity_pairs=None) -> QualityResult:
    """Analogy accuracy (3CosAdd, unit vectors) and WordSim353 Spearman of ``word_vecs``."""
    from ..evaluate import evaluate_analogies, evaluate_similarity

    s = evaluate_analogies(word_vecs, word_to_id).summary()["total"]
    q = QualityResult(key, RUNGS.get(key, key), epochs, s["top1"], s["top5"], s["covered"])
    if similarity_pairs:
        r = evaluate_similarity(word_vecs, word_to_id, similarity_pairs)
        q.spearman, q.pairs_used, q.pairs_total = r.spearman, r.used, r.total
    return q


def run_fast(key: str, corpus: np.ndarray, vocab_size: int, epochs: int, seed: int = 0):
    """Train the fast trainer (``fast*`` keys: NumPy backend; ``numba*``: the compiled
    loop, compiled or loaded from cache *before* the clock starts) for all ``epochs``;
    returns (RungResult, word_vecs)."""
    from ..speed.word2vec import train_word2vec

    sub, workers = _rung_settings(key)
    backend = "numba" if key.startswith("numba") else "numpy"
    compile_seconds = 0.0
    if backend == "numba":
        from ..speed.compiled import prepare

        compile_seconds = prepare("cbow", workers)     # compile/load now: the clocks skip it
    cpu0 = time.process_time()
    res = train_word2vec(corpus, vocab_size, model="cbow", dim=DIM, window=WINDOW,
                         negative=NEGATIVE, epochs=epochs, subsample=sub, seed=seed,
                         progress=False, backend=backend, workers=workers)
    s = res.settings
    cpu = time.process_time() - cpu0
    if backend == "numba":
        detail = (f"{_epochs(epochs)} run (lr {s.get('lr')}; compile/load "
                  f"{compile_seconds:.1f} s, not counted)")
    else:
        detail = f"{_epochs(epochs)} run (batch {s.get('batch_size')}, lr {s.get('lr')})"
    r = RungResult(key, RUNGS[key], words=res.words_trained, seconds=res.seconds, cpu_seconds=cpu,
                   epoch_words=len(corpus), epochs=epochs, projected=False, detail=detail,
                   extra={"settings": s})
    return r, res.word_vecs


_GENSIM_SCRIPT = r"""
import json, sys, time
import numpy as np
from gensim.models import Word2Vec
from gensim.models.word2vec_inner import FAST_VERSION
from w2vlib.datasets import load_ptb
from w2vlib.io import save_vectors

args = json.loads(sys.argv[1])
corpus, word_to_id, id_to_word = load_ptb("train")
words = [id_to_word[i] for i in corpus.tolist()]
# the same token stream as the other rungs (<eos> included, windows cross line ends),
# in pieces of 10,000 words, gensim's limit per "sentence"
chunks = [words[i:i + 10000] for i in range(0, len(words), 10000)]
model = Word2Vec(vector_size=args["dim"], window=args["window"], negative=args["negative"],
                 sg=0, hs=0, min_count=1, workers=args["workers"], sample=args["sample"],
                 seed=args["seed"])
t0 = time.perf_counter()
model.build_vocab(chunks)
t1, c1 = time.perf_counter(), time.process_time()
model.train(chunks, total_examples=model.corpus_count, epochs=args["epochs"])
t2, c2 = time.perf_counter(), time.process_time()
vecs = np.stack([model.wv[id_to_word[i]] for i in range(len(id_to_word))])
save_vectors(args["out"], vecs, id_to_word, meta={"gensim": True})
print(json.dumps({"vocab_seconds": t1 - t0, "train_seconds": t2 - t1, "train_cpu_seconds": c2 - c1,
                  "words": len(words),
                  "fast_version": int(FAST_VERSION), "alpha": model.alpha,
                  "min_alpha": model.min_alpha}))
"""


def _numba_unready(key: str) -> str:
    """Why this machine cannot run the compiled rung ``key`` ("" when it can)."""
    from ..speed.compiled import INSTALL_HINT, max_workers, numba_available

    if not numba_available():
        return f"numba not installed ({INSTALL_HINT})"
    workers = _rung_settings(key)[1]
    if workers > max_workers():
        return f"needs {workers} threads, this machine allows {max_workers()}"
    return ""


def gensim_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("gensim") is not None


def run_gensim(key: str, corpus_len: int, epochs: int, seed: int = 0, timeout: float = 1800):
    """gensim Word2Vec CBOW in a subprocess (PYTHONHASHSEED=0, one BLAS thread; workers
    and sample from the key: ``gensim-2-sub`` = 2 workers, sample 1e-3).

    Returns (RungResult, word_vecs in PTB id order).
    """
    from ..io import load_vectors

    sample, workers = _rung_settings(key)
    env = dict(os.environ, PYTHONHASHSEED="0", **{v: "1" for v in THREAD_VARS})
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gensim.npz"
        args = {"dim": DIM, "window": WINDOW, "negative": NEGATIVE, "sample": sample,
                "epochs": epochs, "seed": seed, "out": str(out), "workers": workers}
        proc = subprocess.run([sys.executable, "-c", _GENSIM_SCRIPT, json.dumps(args)], env=env,
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"gensim subprocess failed: {tail}")
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        vecs = load_vectors(out).word_vecs
    r = RungResult(key, RUNGS[key], words=info["words"] * epochs, seconds=info["train_seconds"],
                   cpu_seconds=info.get("train_cpu_seconds", 0.0),
                   epoch_words=corpus_len, epochs=epochs, projected=False,
                   detail=(f"{_epochs(epochs)} run (alpha {info['alpha']}, "
                           f"+{info['vocab_seconds']:.1f} s vocab)"),
                   extra=info)
    if info.get("fast_version", 0) < 0:
        r.detail += " [gensim's C extension missing: pure-Python speed]"
    return r, vecs


def run(rungs=tuple(RUNGS), *, epochs: int = 10, seconds: float = 20.0, quality: bool = True,
        profile: bool = True, profile_steps: int = 10, seed: int = 0, corpus=None,
        word_to_id=None, log=print) -> dict:
    """Run the ladder; returns ``{"machine", "settings", "rungs", "quality", "profile"}``.

    ``corpus``/``word_to_id`` default to PTB train. ``log`` receives progress lines.
    """
    from ..evaluate import find_similarity_file, load_word_pairs

    if corpus is None:
        from ..datasets import load_ptb

        corpus, word_to_id, _ = load_ptb("train")
    vocab_size = len(word_to_id)
    info = machine_info()
    sim_path = find_similarity_file("wordsim353")
    pairs = load_word_pairs(sim_path) if (quality and sim_path is not None) else None
    contexts = create_contexts_target(corpus, WINDOW) if any(k in SLOW_RUNGS for k in rungs) else None
    results: list[RungResult] = []
    qualities: list[QualityResult] = []
    profiles: dict[str, dict] = {}
    for key in rungs:
        if key not in RUNGS:
            raise ValueError(f"unknown rung {key!r}; choose from {', '.join(RUNGS)}")
        label = RUNGS[key]
        try:
            if key in SLOW_RUNGS:
                log(f"[{key}] {label}: training for up to {seconds:g} s ...")
                r = measure_rung(key, corpus, vocab_size, seconds=seconds, epochs=epochs,
                                 seed=seed, contexts=contexts)
                vecs = None
            elif key.startswith(("fast", "numba")):
                why = _numba_unready(key) if key.startswith("numba") else ""
                if why:
                    results.append(RungResult(key, label, skipped=why))
                    continue
                log(f"[{key}] {label}: {epochs} epochs ...")
                r, vecs = run_fast(key, corpus, vocab_size, epochs, seed=seed)
            else:
                if not gensim_available():
                    results.append(RungResult(key, label, skipped="gensim not installed "
                                              "(`make bench` installs it)"))
                    continue
                log(f"[{key}] {label}: {epochs} epochs in a subprocess ...")
                r, vecs = run_gensim(key, len(corpus), epochs, seed=seed)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            results.append(RungResult(key, label, skipped=str(e)))
            continue
        log(f"[{key}] {format_rate(r.words_per_sec)} words/s")
        results.append(r)
        if quality and vecs is not None:
            qualities.append(evaluate_quality(key, vecs, word_to_id, epochs, pairs))
        if profile and (key in SLOW_RUNGS or key.startswith("fast")):
            profiles[key] = profile_rung(key, corpus, vocab_size, steps=profile_steps, seed=seed,
                                         contexts=contexts)
    info["loadavg_end"] = _loadavg()
    return {
        "machine": info,
        "settings": {"corpus_words": int(len(corpus)), "vocab_size": vocab_size, "dim": DIM,
                     "window": WINDOW, "negative": NEGATIVE, "epochs": epochs,
                     "seconds_per_slow_rung": seconds, "seed": seed, "layer_best": LAYER_BEST,
                     "similarity_file": str(sim_path) if sim_path else None},
        "rungs": results,
        "quality": qualities,
        "profile": profiles,
    }


def report(out: dict) -> str:
    """The printed report of :func:`run`'s result."""
    s, info = out["settings"], out["machine"]
    lines = [f"w2vlib speed ladder: CBOW on PTB train ({s['corpus_words']:,} words, vocabulary "
             f"{s['vocab_size']:,}), dim {s['dim']}, window {s['window']}, {s['negative']} negatives",
             *_machine_lines(info),
             f"load average: {info['loadavg']} at start, {info.get('loadavg_end')} at end "
             f"({info['usable_cores']} cores; above that, other work shared the CPU)",
             "", "wall-clock time:", ladder_table(out["rungs"], TABLE_EPOCHS)]
    loads = [x for x in (info.get("loadavg"), info.get("loadavg_end")) if x is not None]
    if any(r.cpu_seconds > 0 for r in out["rungs"]):
        shared = loads and max(loads) > (info.get("usable_cores") or 1)
        lines += ["", "CPU time of this process (" + (
                  "the machine was shared: these figures are closer to what an idle machine "
                  "gives" if shared else "close to the wall clock on an idle machine") + "):",
                  ladder_table(out["rungs"], TABLE_EPOCHS, cpu=True)]
    if out["quality"]:
        sim = (f"WordSim353 from {s['similarity_file']}" if s["similarity_file"]
               else "WordSim353: skipped (no copy found; `pip install gensim` carries one)")
        lines += ["", "quality at equal settings (Google analogies, 3CosAdd with unit vectors, "
                  "accuracy over covered questions; " + sim + ")", quality_table(out["quality"])]
    pairs = pair_table(out["rungs"], out["quality"])
    if pairs:
        lines += ["", "the compiled loop against gensim, same settings, run back to back "
                  "(ratio > 1: ours is faster; CPU time counts every thread)", pairs]
    if out["profile"]:
        lines += ["", "where one step's time goes (instrumented run; shares of the step)",
                  profile_table(out["profile"])]
    return "\n".join(lines)


def to_json(out: dict) -> dict:
    """``run``'s result as JSON-able dicts (words/s and projected times included)."""
    rungs = []
    for r in out["rungs"]:
        d = asdict(r)
        d["words_per_sec"] = r.words_per_sec
        d["words_per_cpu_sec"] = r.words_per_cpu_sec
        d["seconds_for_epochs"] = r.seconds_for_epochs if not r.skipped else None
        rungs.append(d)
    return {"machine": out["machine"], "settings": out["settings"], "rungs": rungs,
            "quality": [asdict(q) for q in out["quality"]], "profile": out["profile"]}


def main(argv: list[str] | None = None) -> int:
    """``python -m w2vlib.lab.bench``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m w2vlib.lab.bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a couple of minutes: 4 s per slow rung, 2 epochs for the full rungs")
    parser.add_argument("--rungs", help="comma-separated subset of: " + ", ".join(RUNGS))
    parser.add_argument("--epochs", type=int, help="epochs for the full rungs and the projection "
                        "(default 10; --quick: 2)")
    parser.add_argument("--seconds", type=float, help="time budget of each slow rung "
                        "(default 20; --quick: 4)")
    parser.add_argument("--no-quality", action="store_true", help="skip the quality evaluation")
    parser.add_argument("--no-profile", action="store_true", help="skip the per-part profile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    rungs = tuple(RUNGS)
    if args.rungs:
        rungs = tuple(k.strip() for k in args.rungs.split(",") if k.strip())
        bad = [k for k in rungs if k not in RUNGS]
        if bad:
            parser.error(f"unknown rung(s) {', '.join(bad)}; choose from {', '.join(RUNGS)}")
    epochs = args.epochs if args.epochs is not None else (2 if args.quick else 10)
    seconds = args.seconds if args.seconds is not None else (4.0 if args.quick else 20.0)
    if epochs < 1 or seconds <= 0:
        parser.error("--epochs must be >= 1 and --seconds > 0")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        out = run(rungs, epochs=epochs, seconds=seconds, quality=not args.no_quality,
                  profile=not args.no_profile, profile_steps=4 if args.quick else 10,
                  seed=args.seed, log=log)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:   # a data problem (no PTB, no network): one line, no traceback
        from ..datasets import DatasetError

        if isinstance(e, DatasetError):
            print(f"error: {e}", file=sys.stderr)
            return 1
        raise
    print(report(out))
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(out), indent=2, default=float))
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
