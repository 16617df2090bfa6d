"""The speed ladder's rungs, settings, results and printed tables (no training here).

:data:`RUNGS` names every rung, slowest first; :class:`RungResult` holds one rung's
measured speed and :class:`QualityResult` its vectors' scores. The ``*_table``
functions turn lists of them into the text :mod:`w2vlib.lab.bench` prints. The
training itself is in :mod:`w2vlib.lab.rungs`, the per-part profile in
:mod:`w2vlib.lab.profiling`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .timing import format_seconds

__all__ = ["RUNGS", "PAIRS", "SLOW_RUNGS", "FULL_RUNGS", "DIM", "WINDOW", "NEGATIVE", "BATCH",
           "LAYER_BEST", "TABLE_EPOCHS", "rung_settings", "RungResult", "QualityResult",
           "project_seconds", "format_rate", "format_epochs", "ladder_table", "quality_table",
           "pair_table", "profile_table"]

#: Every rung, slowest first: key -> label.
RUNGS = {
    "simple": "ch.3 SimpleCBOW, one-hot MatMul + softmax",
    "book": "ch.4 CBOW as the book writes it",
    "layer-dense": "w2vlib CBOW + Trainer, dense Adam",
    "layer": "sparse CBOW + LazyAdam, batch 100",
    "layer-best": "sparse CBOW + LazyAdam, best settings",
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

#: The rungs too slow for a whole epoch: run for a bounded time and projected.
SLOW_RUNGS = ("simple", "book", "layer-dense", "layer", "layer-best")
#: The rungs that train every epoch (and whose vectors are scored).
FULL_RUNGS = ("fast", "fast-sub", *(k for pair in PAIRS.items() for k in pair))

#: The book's settings for chapter 4 (and ours for the layer rungs).
DIM, WINDOW, NEGATIVE, BATCH = 100, 5, 5, 100

#: Our best settings for the sparse layer CBOW: a batch of 300 shares each step's fixed
#: Python overhead among three times as many words, and after equal time reaches as low a
#: loss as batch 100, where batch 1000 stays clearly higher (measured:
#: ``docs/bench/2026-11-26-layer-batch.md``). Adam's step is per parameter, so lr stays the book's.
LAYER_BEST = {"batch_size": 300, "lr": 0.001}

#: The training time the table reports (the book trains CBOW on PTB for 10 epochs).
TABLE_EPOCHS = 10


def rung_settings(key: str) -> tuple[float, int]:
    """(sample, workers) of a fast/numba/gensim rung, read from its key.

    >>> rung_settings("gensim-2-sub"), rung_settings("numba")
    ((0.001, 2), (0.0, 1))
    """
    return (1e-3 if key.endswith("-sub") else 0.0), (2 if "-2" in key else 1)


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
        """Words per second of CPU time (``cpu=True``) or of the wall clock."""
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
        """Whether :meth:`seconds_for` ``(epochs)`` is a projection rather than a measurement."""
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


def format_epochs(n) -> str:
    """``1`` -> ``'1 epoch'``, ``10`` -> ``'10 epochs'``."""
    return f"{n:g} epoch" + ("" if n == 1 else "s")


def _times(ratio: float) -> str:
    if not np.isfinite(ratio) or ratio <= 0:
        return "-"
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    if ratio >= 10:
        return f"{ratio:.0f}x"
    return f"{ratio:.1f}x"


# --------------------------------------------------------------------------- tables

def ladder_table(results: list[RungResult], epochs: int = 10, cpu: bool = False) -> str:
    """The speed table: words/s, time for ``epochs`` epochs (measured where that many
    ran, else projected), speed-up over the rung above, how many times the fastest
    rung is faster, and how it was measured. ``cpu=True``: per second of CPU time."""
    ran = [r for r in results if not r.skipped and r.rate(cpu) > 0]
    fastest = max((r.rate(cpu) for r in ran), default=0.0)
    head = (f"{'#':>2}  {'rung':<42}{'words/s':>10}  {format_epochs(epochs):>18}  "
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
        sample, workers = rung_settings(ours)
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
    """Where one step's time goes, per rung: microseconds per word and share per part.

    profiles: ``{rung key: {"parts": {label: seconds per step}, "words_per_step": n}}``,
    as :func:`w2vlib.lab.profiling.profile_rung` returns them.
    """
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
