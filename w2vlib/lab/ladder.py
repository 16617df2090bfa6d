"""The speed ladder's rungs, settings, results and printed tables (no training here).

:data:`RUNGS` names every rung, slowest first; :class:`RungResult` holds one rung's
measured speed and :class:`QualityResult` its vectors' scores. The ``*_table``
functions turn lists of them into the text :mod:`w2vlib.lab.bench` prints (the fair
comparison's ratio tables and goal lines: :mod:`w2vlib.lab.verdicts`). The
training itself is in :mod:`w2vlib.lab.rungs`, the per-part profile in
:mod:`w2vlib.lab.profiling`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .timing import format_seconds

__all__ = ["RUNGS", "PAIRS", "GROUPS", "SHARED", "SEEDED", "SEEDED_GROUPS", "TOOLS",
           "TOOL_NAMES", "TOOL_DEFAULTS", "EQUAL_LR", "SLOW_RUNGS", "FULL_RUNGS", "DIM",
           "WINDOW", "NEGATIVE", "BATCH", "LAYER_BEST", "TABLE_EPOCHS", "rung_spec",
           "rung_settings", "group_of", "RungResult", "QualityResult", "Spread",
           "project_seconds", "format_rate", "format_epochs", "ladder_table", "quality_table",
           "quality_spreads", "pair_table", "profile_table"]

#: The starting learning rate every compiled tool gets in the equal-settings rows (gensim's
#: default and word2vec.c's for skip-gram). Our loop's own default is higher for CBOW
#: (:data:`w2vlib.speed.config.DEFAULT_LR`); comparing at different rates is not fair.
EQUAL_LR = 0.025

#: The compiled tools of the fair table, ours first.
TOOLS = ("numba", "gensim", "fasttext")
TOOL_NAMES = {"numba": "w2vlib compiled", "gensim": "gensim", "fasttext": "fastText"}

#: Each tool's own defaults where they differ from the equal settings (dim 100, window 5,
#: 5 negatives, 10 epochs and min count 1 stay the same for all: PTB's vocabulary is
#: already cut to 10,000 words; fastText's subword n-grams stay off, they are another model).
TOOL_DEFAULTS = {"numba": {"lr": {"cbow": 0.05, "skipgram": 0.025}, "sample": 0.0},
                 "gensim": {"lr": {"cbow": 0.025, "skipgram": 0.025}, "sample": 1e-3},
                 "fasttext": {"lr": {"cbow": 0.05, "skipgram": 0.05}, "sample": 1e-4}}

#: The settings of the fair table, in the order they run: name -> (our key, gensim's,
#: fastText's). Within a setting the three run back to back, ours first.
GROUPS = {
    "CBOW, 1 thread, sample 0": ("numba", "gensim", "fasttext"),
    "CBOW, 1 thread, sample 1e-3": ("numba-sub", "gensim-sub", "fasttext-sub"),
    "CBOW, 2 threads, sample 0": ("numba-2", "gensim-2", "fasttext-2"),
    "CBOW, 2 threads, sample 1e-3": ("numba-2-sub", "gensim-2-sub", "fasttext-2-sub"),
    "skip-gram, 1 thread, sample 1e-3": ("numba-sg-sub", "gensim-sg-sub", "fasttext-sg-sub"),
    "skip-gram, 2 threads, sample 1e-3": ("numba-sg-2-sub", "gensim-sg-2-sub",
                                          "fasttext-sg-2-sub"),
    "CBOW, 1 thread, each tool's defaults": ("numba-def", "gensim-def", "fasttext-def"),
}

#: The shared-negatives rungs (``train_word2vec(..., shared_negatives=True)``) and the
#: per-word rung each is compared with.
SHARED = {"numba-shared-sub": "numba-sub", "numba-sg-shared-sub": "numba-sg-sub"}

#: The settings whose quality is scored over ``--seeds`` seeds (one thread: repeatable).
SEEDED_GROUPS = ("CBOW, 1 thread, sample 0", "CBOW, 1 thread, sample 1e-3",
                 "skip-gram, 1 thread, sample 1e-3")

_LABELS = {"numba": "compiled loop", "gensim": "gensim", "fasttext": "fastText"}


def _label(key: str) -> str:
    spec = rung_spec(key)
    tool = spec["tool"]
    name = _LABELS[tool] + (" shared negs" if spec["shared"] else "")
    model = "SG" if spec["model"] == "skipgram" else "CBOW"
    if tool == "numba":
        threads = f"{spec['workers']} thread" + ("s" if spec["workers"] > 1 else "")
    else:
        threads = ("workers=" if tool == "gensim" else "thread=") + str(spec["workers"])
    if spec["defaults"]:
        return f"{name} {model}, {threads}, own defaults"
    return f"{name} {model}, {threads}, sample={spec['sample']:g}"


#: Every rung, slowest first: key -> label.
RUNGS = {
    "simple": "ch.3 SimpleCBOW, one-hot MatMul + softmax",
    "book": "ch.4 CBOW as the book writes it",
    "layer-dense": "w2vlib CBOW + Trainer, dense Adam",
    "layer": "sparse CBOW + LazyAdam, batch 100",
    "layer-best": "sparse CBOW + LazyAdam, best settings",
    "fast": "fast trainer, sample=0",
    "fast-sub": "fast trainer, sample=1e-3",
}

#: Each compiled rung and the gensim rung it is compared with (same settings),
#: run back to back so both see the same machine load.
PAIRS = {ours: gensim for ours, gensim, _ in GROUPS.values()}

#: The rungs too slow for a whole epoch: run for a bounded time and projected.
SLOW_RUNGS = ("simple", "book", "layer-dense", "layer", "layer-best")

#: The book's settings for chapter 4 (and ours for the layer rungs).
DIM, WINDOW, NEGATIVE, BATCH = 100, 5, 5, 100

#: Our best settings for the sparse layer CBOW: a batch of 300 shares each step's fixed
#: Python overhead among three times as many words, and after equal time reaches as low a
#: loss as batch 100, where batch 1000 stays clearly higher (measured:
#: ``docs/bench/2026-11-26-layer-batch.md``). Adam's step is per parameter, so lr stays the book's.
LAYER_BEST = {"batch_size": 300, "lr": 0.001}

#: The training time the table reports (the book trains CBOW on PTB for 10 epochs).
TABLE_EPOCHS = 10


def rung_spec(key: str) -> dict:
    """What a fast/numba/gensim/fastText rung trains, read from its key: ``tool``,
    ``model`` (``-sg``: skip-gram), ``workers`` (``-2``), ``sample`` (``-sub``: 1e-3),
    ``lr`` (None for the NumPy trainer: its own default), ``defaults`` (``-def``: the
    tool's own lr and sample, :data:`TOOL_DEFAULTS`) and ``shared`` (``-shared``).

    >>> s = rung_spec("fasttext-sg-2-sub")
    >>> s["tool"], s["model"], s["workers"], s["sample"], s["lr"]
    ('fasttext', 'skipgram', 2, 0.001, 0.025)
    >>> rung_spec("gensim-def")["sample"], rung_spec("numba-def")["lr"]
    (0.001, 0.05)
    """
    parts = key.split("-")
    tool = parts[0]
    model = "skipgram" if "sg" in parts else "cbow"
    spec = {"tool": tool, "model": model, "workers": 2 if "2" in parts else 1,
            "sample": 1e-3 if "sub" in parts else 0.0,
            "lr": None if tool == "fast" else EQUAL_LR,
            "defaults": "def" in parts, "shared": "shared" in parts}
    if spec["defaults"]:
        d = TOOL_DEFAULTS[tool]
        spec["sample"], spec["lr"] = d["sample"], d["lr"][model]
    return spec


def rung_settings(key: str) -> tuple[float, int]:
    """(sample, workers) of a fast/numba/gensim/fastText rung, read from its key.

    >>> rung_settings("gensim-2-sub"), rung_settings("numba")
    ((0.001, 2), (0.0, 1))
    """
    spec = rung_spec(key)
    return spec["sample"], spec["workers"]


def group_of(key: str) -> str | None:
    """The :data:`GROUPS` setting a rung belongs to (a shared-negatives rung: its
    per-word rung's), or None."""
    key = SHARED.get(key, key)
    return next((name for name, keys in GROUPS.items() if key in keys), None)


for _keys in GROUPS.values():
    for _k in _keys:
        RUNGS[_k] = _label(_k)
    for _s, _base in SHARED.items():
        if _base == _keys[0]:
            RUNGS[_s] = _label(_s)
del _keys, _k, _s, _base

#: The rungs that train every epoch (and whose vectors are scored).
FULL_RUNGS = tuple(k for k in RUNGS if k not in SLOW_RUNGS)
#: The rungs scored over several seeds.
SEEDED = tuple(k for k in RUNGS if group_of(k) in SEEDED_GROUPS)


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
    seed: int = 0


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


@dataclass
class Spread:
    """One score over seeds: mean, min, max, standard deviation and how many seeds."""

    mean: float
    lo: float
    hi: float
    sd: float
    n: int

    @classmethod
    def of(cls, values) -> Spread | None:
        v = np.array([x for x in values if x is not None and np.isfinite(x)], dtype=float)
        if not len(v):
            return None
        return cls(float(v.mean()), float(v.min()), float(v.max()),
                   float(v.std(ddof=1)) if len(v) > 1 else 0.0, len(v))

    def format(self, scale: float = 1.0, digits: int = 1, unit: str = "") -> str:
        """``'4.1% [3.8-4.5]'`` (mean [min-max]); one seed: the value alone."""
        m = f"{scale * self.mean:.{digits}f}{unit}"
        if self.n < 2:
            return m
        return f"{m} [{scale * self.lo:.{digits}f}-{scale * self.hi:.{digits}f}]"


def quality_spreads(rows: list[QualityResult]) -> dict[str, dict]:
    """Per rung key: ``{"label", "epochs", "seeds", "top1", "top5", "spearman"}``, the
    scores as :class:`Spread` over the seeds scored (``spearman`` None without pairs)."""
    out: dict[str, dict] = {}
    for q in rows:
        d = out.setdefault(q.key, {"label": q.label, "epochs": q.epochs, "rows": []})
        d["rows"].append(q)
    for d in out.values():
        rows_ = d.pop("rows")
        d["seeds"] = len(rows_)
        d["top1"] = Spread.of(q.top1 for q in rows_)
        d["top5"] = Spread.of(q.top5 for q in rows_)
        d["spearman"] = Spread.of(q.spearman for q in rows_)
        d["pairs"] = (f"{rows_[0].pairs_used} of {rows_[0].pairs_total}"
                      if rows_[0].pairs_total else "-")
    return out


def quality_table(rows: list[QualityResult]) -> str:
    """Analogy top-1/top-5 and WordSim353 Spearman per rung; over several seeds, the
    mean and [min-max]."""
    spreads = quality_spreads(rows)
    width = max([34] + [len(d["label"]) + 2 for d in spreads.values()])
    head = (f"{'rung':<{width}}{'epochs':>7}{'seeds':>6}{'analogy top-1':>22}{'top-5':>22}"
            f"{'WordSim353':>22}  pairs")
    lines = [head, "-" * len(head)]
    for d in spreads.values():
        rho = d["spearman"].format(digits=3) if d["spearman"] else "n/a"
        lines.append(f"{d['label']:<{width}}{d['epochs']:>7g}{d['seeds']:>6}"
                     f"{d['top1'].format(100, 1, '%'):>22}{d['top5'].format(100, 1, '%'):>22}"
                     f"{rho:>22}  {d['pairs']}")
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
