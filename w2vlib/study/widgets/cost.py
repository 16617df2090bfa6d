"""4.1: the cost explorer -- what the one-hot MatMul costs, and what the Embedding saves.

The counts are :func:`w2vlib.study.cost.input_layer_cost` (the one cost model, forward and
backward apart in :class:`~w2vlib.study.cost.InputLayerCost`); times divide them by a rate
of multiply-adds per second.
"""

from __future__ import annotations

import numbers
import re

import ipywidgets as widgets
import numpy as np

from w2vlib.i18n import _

from ...lab.timing import best_time, format_bytes, format_seconds
from ..cost import input_layer_cost
from .base import (
    BLUE,
    GREY,
    ORANGE,
    Explorer,
    esc,
    figure,
    html_table,
    log_ticks,
    message_box,
    plot_style,
    slider_style,
    to_png,
)

__all__ = ["cost_explorer", "CostExplorer", "input_layer_cost", "measure_macs_per_second",
           "parse_count", "VOCAB_SIZES", "DEFAULT_MACS_PER_SECOND"]

# ---------------------------------------------------------------------------
# 4.1: what the one-hot MatMul costs, and what the Embedding saves
# ---------------------------------------------------------------------------

#: The vocabulary sizes the cost explorer's slider offers: 1-2-5 steps from a
#: thousand to ten million (log scale, round numbers).
VOCAB_SIZES = tuple(m * 10 ** e for e in range(3, 7) for m in (1, 2, 5)) + (10_000_000,)

#: Multiply-adds per second assumed by :func:`cost_explorer` unless told
#: otherwise: a deliberately round, modest figure for one CPU core running a
#: float32 matrix product. Pass :func:`measure_macs_per_second` for your own.
DEFAULT_MACS_PER_SECOND = 1e10


def measure_macs_per_second(rows: int = 200, vocab_size: int = 5_000, hidden_size: int = 100,
                            seed: int = 0) -> float:
    """Multiply-adds per second of a float32 one-hot ``(rows, V) @ (V, H)`` here.

    A small calibration (about a tenth of a second) for :func:`cost_explorer`'s
    ``macs_per_second``. Machine-dependent: never assert its value.
    """
    rng = np.random.default_rng(seed)
    x = np.zeros((rows, vocab_size), dtype=np.float32)
    x[np.arange(rows), rng.integers(0, vocab_size, size=rows)] = 1
    W = rng.standard_normal((vocab_size, hidden_size)).astype(np.float32)
    seconds = best_time(lambda: x @ W, repeat=3, min_time=0.02)
    return rows * vocab_size * hidden_size / seconds


_SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_count(text: str) -> int:
    """A whole number as people type it: "1000000", "1,000,000", "1 000 000", "1e6", "1M",
    "10k", "2.5m". Raises ValueError (with what it could not read) otherwise.

    >>> parse_count("1,000,000"), parse_count("2.5M"), parse_count(" 1e4 ")
    (1000000, 2500000, 10000)
    """
    raw = str(text).strip()
    cleaned = re.sub(r"[,_\s]", "", raw).lower()
    scale = 1
    if cleaned[-1:] in _SUFFIXES:
        cleaned, scale = cleaned[:-1], _SUFFIXES[cleaned[-1]]
    try:
        value = float(cleaned) * scale
    except ValueError:
        raise ValueError(_("could not read “{raw}” as a number").format(raw=raw)) from None
    if not np.isfinite(value) or value != int(value):
        raise ValueError(_("“{raw}” is not a whole number").format(raw=raw))
    return int(value)


def _sci(n: float) -> str:
    """A count that reads aloud: '20,000' or '2.0 × 10<sup>10</sup>'."""
    if n < 1e6:
        return f"{n:,.0f}"
    e = int(np.floor(np.log10(n)))
    return f"{n / 10 ** e:.1f} × 10<sup>{e}</sup>"


class CostExplorer(Explorer):
    """See :func:`cost_explorer`. Attributes: ``vocab`` (SelectionSlider), ``result``,
    ``plot``, ``note``; ``values`` holds the last figures (see :func:`input_layer_cost`)."""

    _kind = "cost"

    def __init__(self, vocab_size: int = 1_000_000, hidden_size: int = 100, batch_size: int = 100,
                 context_size: int = 2, macs_per_second: float = DEFAULT_MACS_PER_SECOND,
                 corpus_words: int = 929_589):
        super().__init__()
        if not (isinstance(macs_per_second, numbers.Real) and macs_per_second > 0):
            raise ValueError(_("macs_per_second must be a positive number, got {value!r}").format(
                value=macs_per_second))
        input_layer_cost(vocab_size, hidden_size, batch_size, context_size)   # validates
        self.hidden_size, self.batch_size, self.context_size = hidden_size, batch_size, context_size
        self.macs_per_second = float(macs_per_second)
        self.corpus_words = int(corpus_words)
        sizes = sorted(set(VOCAB_SIZES) | {int(vocab_size)})
        self.vocab = widgets.SelectionSlider(
            options=[(f"{v:,}", v) for v in sizes], value=int(vocab_size),
            description=_("vocabulary size V"), style=slider_style(), readout=False,
            layout=widgets.Layout(width="400px"), continuous_update=True)
        self.vocab.add_class("w2v-ctl-vocab")
        # the slider's own readout is editable but cannot parse "1000000" (it blanked on
        # Enter); this box can, and takes any size in the slider's range
        self.vocab_box = widgets.Text(value=f"{int(vocab_size):,}", continuous_update=False,
                                      layout=widgets.Layout(width="130px"))
        self.vocab_box.add_class("w2v-ctl-vocab-box")
        self.vocab_box._w2v_unwatched = True
        self.vocab_box.observe(self._typed, names="value")
        self.vocab_msg = widgets.HTML()
        self.vocab_msg.add_class("w2v-vocab-msg")
        self.vocab_msg._w2v_unwatched = True
        self._syncing = False
        R = batch_size * context_size
        note = _("Counted, not timed: a batch of {batch_size} targets × {context_size} context words "
                 "= {R} rows, hidden size H = {hidden_size}, float32 weights. The one-hot MatMul "
                 "does R·V·H multiply-adds forward and as many for dW; the Embedding copies R·H "
                 "numbers forward and adds R·H back. Times assume "
                 "{rate} operations per second (one CPU core; measure yours "
                 "with <code>w2vlib.study.widgets.measure_macs_per_second()</code>) and ignore the few µs "
                 "every NumPy call costs. Epoch = {corpus_words:,} target words (PTB train).").format(
                     batch_size=batch_size, context_size=context_size, R=R, hidden_size=hidden_size,
                     rate=_sci(self.macs_per_second), corpus_words=self.corpus_words)
        self._assemble(_("One-hot MatMul vs Embedding (임베딩 계층): what V costs"),
                       [widgets.HBox([self.vocab, self.vocab_box]), self.vocab_msg], note, plot=True)
        self._refresh()

    def _typed(self, change) -> None:
        """The box: a typed size moves the slider (a size between its stops becomes a stop)."""
        if self._syncing:
            return
        lo, hi = min(VOCAB_SIZES), max(VOCAB_SIZES)
        try:
            V = parse_count(self.vocab_box.value)
            if not lo <= V <= hi:
                raise ValueError(_("{V:,} is outside the slider's range").format(V=V))
        except ValueError as e:
            self.vocab_msg.value = message_box(
                _("{error}: type a vocabulary size from {lo:,} to {hi:,}, e.g. 1000000, "
                  "1,000,000 or 1e6.").format(error=esc(e), lo=lo, hi=hi))
            return
        self.vocab_msg.value = ""
        if V not in self._stops():
            self._syncing = True
            try:
                sizes = sorted(set(self._stops()) | {V})
                self.vocab.options = [(f"{v:,}", v) for v in sizes]
            finally:
                self._syncing = False
        if self.vocab.value == V:
            self._show_size(V)            # e.g. "1e6" typed while at 1,000,000: spell it out
        else:
            self.vocab.value = V          # -> _refresh

    def _stops(self) -> list[int]:
        return [v for _, v in self.vocab.options]

    def _show_size(self, V: int) -> None:
        self._syncing = True
        try:
            self.vocab_box.value = f"{V:,}"
        finally:
            self._syncing = False

    def _refresh(self, change=None) -> None:
        if not self._syncing:
            super()._refresh(change)

    def _update(self) -> None:
        V = int(self.vocab.value)
        self._show_size(V)
        self.vocab_msg.value = ""
        c = input_layer_cost(V, self.hidden_size, self.batch_size, self.context_size)
        rate = self.macs_per_second
        t_mm, t_emb = c["matmul_ops"] / rate, c["embedding_ops"] / rate
        batches = -(-self.corpus_words // self.batch_size)
        self.values = dict(c, vocab_size=V, matmul_seconds=t_mm, embedding_seconds=t_emb,
                           matmul_epoch_seconds=t_mm * batches, embedding_epoch_seconds=t_emb * batches)
        rows = [
            [_("input of one batch"), format_bytes(c["onehot_input_bytes"]),
             format_bytes(c["embedding_input_bytes"])],
            [_("work per batch (fwd + bwd)"), _("{n} mult-adds").format(n=_sci(c["matmul_ops"])),
             _("{n} copies/adds").format(n=_sci(c["embedding_ops"]))],
            [_("≈ time per batch"), format_seconds(t_mm), format_seconds(t_emb)],
            [_("≈ time per epoch"), format_seconds(t_mm * batches), format_seconds(t_emb * batches)],
            [_("W<sub>in</sub> itself (both)"), format_bytes(c["weights_bytes"]), ""],
        ]
        table = html_table(["V = " + f"{V:,}", _("one-hot × W<sub>in</sub> (MatMul)"),
                        _("W<sub>in</sub>[ids] (Embedding)")],
                       [[f'<td class="w2v-left">{r[0]}</td>'] + [f"<td>{x}</td>" for x in r[1:]]
                        for r in rows], left=(0,))
        headline = ('<div class="w2v-big">'
                    + _("The Embedding does <b>{V:,}×</b> less arithmetic (the ratio is V itself) "
                        "and its input is <b>{half:,}×</b> smaller.").format(V=V, half=V // 2)
                    + '</div>')
        self.result.value = headline + table
        self.plot.value = self._draw(V)

    def _draw(self, V: int) -> bytes:
        vs = np.logspace(3, 7, 41)
        costs = [input_layer_cost(int(v), self.hidden_size, self.batch_size, self.context_size)
                 for v in vs]
        now = input_layer_cost(V, self.hidden_size, self.batch_size, self.context_size)
        rate = self.macs_per_second
        seconds = [(1e-6, "1 µs"), (1e-3, "1 ms"), (1.0, "1 s"), (60.0, "1 min"), (3600.0, "1 h")]
        kib = [(2.0 ** (10 * k), f"1 {u}") for k, u in enumerate(("B", "KiB", "MiB", "GiB", "TiB"))]
        with plot_style():
            fig = figure(7.2, 3.6, left=0.12, right=0.98, bottom=0.15, top=0.9, wspace=0.55)
            ax1, ax2 = fig.subplots(1, 2)
            for ax, key_mm, key_emb, scale, ticks, ylabel, title in (
                    (ax1, "matmul_ops", "embedding_ops", 1 / rate, seconds, _("time per batch"),
                     _("time per batch (estimated)")),
                    (ax2, "onehot_input_bytes", "embedding_input_bytes", 1, kib, _("memory per batch"),
                     _("memory of the input"))):
                mm = np.array([c[key_mm] for c in costs]) * scale
                emb = np.array([c[key_emb] for c in costs]) * scale
                ax.loglog(vs, mm, color=ORANGE, lw=2.5, label=_("one-hot MatMul"))
                ax.loglog(vs, emb, color=BLUE, lw=2.5, label="Embedding")
                ax.plot([V, V], [now[key_mm] * scale, now[key_emb] * scale], "o", color="black",
                        ms=7)
                ax.axvline(V, color=GREY, ls=":", lw=1)
                # widen the range to the nearest labelled tick on each side
                lo = min([v for v, _ in ticks if v <= emb.min()] or [emb.min()]) / 2
                hi = max([v for v, _ in ticks if v >= mm.max()] or [mm.max()]) * 2
                inside = [(v, t) for v, t in ticks if lo <= v <= hi]
                ax.set_ylim(lo, hi)
                log_ticks(ax.yaxis, [v for v, _ in inside], [t for _, t in inside])
                log_ticks(ax.xaxis, [1e3, 1e4, 1e5, 1e6, 1e7], ["1k", "10k", "100k", "1M", "10M"])
                ax.set_xlabel(_("vocabulary size V"))
                ax.set_ylabel(ylabel)
                ax.set_title(title)
                ax.grid(True, alpha=0.3)
            ax2.axhline(16 * 2 ** 30, color="dimgray", ls="--", lw=1.2)
            ax2.text(1.2e3, 16 * 2 ** 30 / 5, _("16 GiB: a laptop's RAM"), color="dimgray", fontsize=12)
            ax1.legend(loc="upper left")
            return to_png(fig)

    def __repr__(self) -> str:
        return f"CostExplorer(V={self.vocab.value:,})"


def cost_explorer(vocab_size: int = 1_000_000, hidden_size: int = 100, batch_size: int = 100,
                  context_size: int = 2, macs_per_second: float = DEFAULT_MACS_PER_SECOND,
                  corpus_words: int = 929_589) -> CostExplorer:
    """Vocabulary-size slider -> memory and time of one-hot MatMul vs Embedding.

    The figures come from :func:`input_layer_cost` (arithmetic, deterministic);
    times divide the operation count by ``macs_per_second`` (default 1e10,
    stated in the explorer; pass :func:`measure_macs_per_second` for this
    machine). Drive it with ``ex.vocab.value = 10_000`` (a value from
    :data:`VOCAB_SIZES` or the ``vocab_size`` it was made with); read
    ``ex.result.value`` or ``ex.values``.
    """
    return CostExplorer(vocab_size, hidden_size, batch_size, context_size, macs_per_second,
                        corpus_words)


