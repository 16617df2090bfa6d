"""Interactive explorers for a study group's projector (ipywidgets).

Five small explorers, each returned by a function and each an
``ipywidgets.VBox`` whose controls and output are also plain attributes, so a
notebook cell, a test or a study-group lead can drive it:

* :func:`cost_explorer` -- ``vocab`` (vocabulary size, 1k .. 10M) -> memory and
  work of the one-hot MatMul vs the Embedding layer (section 4.1);
* :func:`sigmoid_explorer` -- ``score`` and ``label`` (t = 1 / t = 0) -> y =
  sigmoid(x), the cross-entropy loss and its gradient y - t (section 4.2.3);
* :func:`sampler_explorer` -- ``power`` (0 .. 1) -> the negative-sampling
  distribution over the most and least frequent words (section 4.2.6);
* :func:`neighbours_explorer` -- ``query`` (a word) and ``top`` -> the nearest
  words by cosine similarity (section 4.3);
* :func:`analogy_explorer` -- ``a``, ``b``, ``c``, ``top``, ``scoring`` -> the
  answers to a : b = c : ? (section 4.3).

Each has ``title``, ``result`` (HTML), ``note`` (HTML) and, where it draws,
``plot``; its CSS classes (``w2v-explorer``, ``w2v-<kind>``, ``w2v-ctl-<control>``)
let a browser test find it.

Every explorer writes its answer into ``result.value`` (an HTML widget) and,
where it draws, a PNG into ``plot.value`` (an Image widget, rendered with
matplotlib's Agg backend, no pyplot). Nothing is printed: a notebook that shows
an explorer stores no stdout, so strict nbval stays green, and a test reads the
same text the projector shows. The word explorers also keep their last answer
as ``results`` (``[(word, score), ...]``, empty when the input was bad).

Bad input (an empty box, an unknown or mixed-case word, two words in one box,
the same word twice in an analogy) is answered with a friendly message and
close matches from :class:`~w2vlib.corpus.UnknownWordError`, never with a
traceback. Any other error inside an update is shown in the widget too and
kept as ``error`` (``None`` after a good update).

>>> ex = sigmoid_explorer(score=0.0)
>>> ex.values["y"], ex.values["gradient"]
(0.5, -0.5)
"""

from __future__ import annotations

import html
import io
import numbers
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from ..corpus import UnknownWordError, word_id
from ..evaluate import check_word_matrix, analogy, most_similar
from ..functions import sigmoid, softplus
from ..layers import SigmoidWithLoss
from ..negative_sampling import UnigramSampler
from ..lab.timing import best_time, format_bytes, format_seconds

__all__ = [
    "cost_explorer",
    "sigmoid_explorer",
    "sampler_explorer",
    "neighbours_explorer",
    "analogy_explorer",
    "input_layer_cost",
    "measure_macs_per_second",
    "VOCAB_SIZES",
    "DEFAULT_MACS_PER_SECOND",
    "CostExplorer",
    "SigmoidExplorer",
    "SamplerExplorer",
    "NeighboursExplorer",
    "AnalogyExplorer",
]

# ---------------------------------------------------------------------------
# Shared look: large type for a projector, scoped to the explorers only
# ---------------------------------------------------------------------------

#: Scoped CSS. The ``--jp-widgets-*`` variables are the ones ipywidgets 8 sizes
#: its controls with; redefining them on ``.w2v-explorer`` enlarges only the
#: explorers' sliders, boxes and buttons. Colours are translucent, so the
#: explorers read on JupyterLab's light and dark themes alike.
_CSS = """<style>
.w2v-explorer { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px;
  --jp-widgets-inline-label-width: 190px; --jp-widgets-slider-handle-size: 20px;
  --jp-widgets-slider-track-thickness: 6px;
  font-size: 16px; padding: 4px 0 8px 12px; border-left: 4px solid #4c78a8; }
.w2v-explorer .widget-readout { font-size: 17px; font-weight: 600; min-width: 110px; }
.w2v-explorer .w2v-title { font-size: 21px; font-weight: 700; margin: 2px 0; }
.w2v-explorer .w2v-note { font-size: 14px; opacity: 0.85; line-height: 1.4; }
.w2v-explorer table.w2v { border-collapse: collapse; font-size: 17px;
  font-variant-numeric: tabular-nums; margin: 4px 0; }
.w2v-explorer table.w2v th { font-weight: 600; padding: 3px 12px; text-align: right;
  border-bottom: 1px solid rgba(127, 127, 127, 0.6); }
.w2v-explorer table.w2v td { padding: 3px 12px; text-align: right; }
.w2v-explorer table.w2v .w2v-left { text-align: left; }
.w2v-explorer table.w2v td.w2v-word { text-align: left; font-weight: 600; }
.w2v-explorer table.w2v tr.w2v-section td { text-align: left; font-style: italic; opacity: 0.8; }
.w2v-explorer .w2v-bar { height: 14px; background: #4c78a8; border-radius: 2px; }
.w2v-explorer .w2v-msg { padding: 8px 12px; margin: 4px 0; border-radius: 4px; line-height: 1.5;
  background: rgba(255, 165, 0, 0.16); border-left: 4px solid #f0a020; }
.w2v-explorer .w2v-hint { padding: 8px 12px; margin: 4px 0; border-radius: 4px;
  background: rgba(76, 120, 168, 0.12); }
.w2v-explorer .w2v-big { font-size: 19px; margin: 4px 0; }
</style>"""

_BLUE, _ORANGE, _GREY = "#4c78a8", "#f58518", "#9d9d9d"


def _esc(x) -> str:
    return html.escape(str(x), quote=True)


def _msg(text: str) -> str:
    """A friendly warning box; ``text`` is already HTML."""
    return f'<div class="w2v-msg">{text}</div>'


def _hint(text: str) -> str:
    """A neutral hint box (nothing is wrong, something is missing)."""
    return f'<div class="w2v-hint">{text}</div>'


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = ()) -> str:
    """An HTML table; cells are already HTML; columns in ``left`` are left-aligned."""
    def cls(j):
        return ' class="w2v-left"' if j in left else ""

    head = "".join(f"<th{cls(j)}>{h}</th>" for j, h in enumerate(header))
    body = "".join("<tr>" + "".join(cells) + "</tr>" for cells in rows)
    return f'<table class="w2v"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _figure(width: float, height: float, **margins):
    """A pyplot-free Figure (no global state, nothing shown by accident).

    Fixed margins instead of a constrained or tight layout: those lay the ticks
    out several times, which made one redraw take seconds on a busy machine.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=90)
    fig.subplots_adjust(**{"left": 0.08, "right": 0.98, "bottom": 0.17, "top": 0.89,
                           "wspace": 0.3, **margins})
    return fig


def _log_ticks(axis, values, labels) -> None:
    """Fixed ticks with readable labels and no minor ticks on a log axis."""
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    axis.set_major_locator(FixedLocator(list(values)))
    axis.set_major_formatter(FixedFormatter(list(labels)))
    axis.set_minor_locator(NullLocator())


def _plot_style():
    import matplotlib

    return matplotlib.rc_context({"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12,
                                  "legend.fontsize": 11})


def _slider_style() -> dict:
    return {"description_width": "initial"}


def _labelled(text: str, control: widgets.Widget) -> widgets.HBox:
    """``control`` with a label on its left (ToggleButtons put their description above)."""
    return widgets.HBox([widgets.HTML(f'<div style="padding: 6px 10px 0 0">{_esc(text)}</div>'),
                         control])


class _Explorer(widgets.VBox):
    """A titled column: controls, a result (HTML), an optional plot (Image), a note.

    Subclasses build their controls, call :meth:`_assemble`, and implement
    :meth:`_update`, which sets ``result.value`` (and ``plot.value``).
    """

    _kind = "explorer"

    def _assemble(self, title: str, controls: Sequence[widgets.Widget], note: str,
                  plot: bool) -> None:
        self.title = widgets.HTML(_CSS + f'<div class="w2v-title">{title}</div>')
        self.result = widgets.HTML()
        self.result.add_class("w2v-result")
        self.plot = widgets.Image(format="png") if plot else None
        if self.plot is not None:
            self.plot.add_class("w2v-plot")
        self.note = widgets.HTML(f'<div class="w2v-note">{note}</div>')
        self.error: Exception | None = None
        children = [self.title, *controls, self.result]
        if self.plot is not None:
            children.append(self.plot)
        children.append(self.note)
        self.children = tuple(children)
        self.add_class("w2v-explorer")
        self.add_class(f"w2v-{self._kind}")
        for control in controls:
            self._watch(control)

    def _watch(self, widget: widgets.Widget) -> None:
        if isinstance(widget, widgets.Box):
            for child in widget.children:
                self._watch(child)
        elif widget.has_trait("value"):
            widget.observe(self._refresh, names="value")

    def _refresh(self, change=None) -> None:
        try:
            self._update()
            self.error = None
        except Exception as e:  # last resort: a projector shows a message, never a traceback
            self.error = e
            self.result.value = _msg(f"Something unexpected went wrong: "
                                     f"<b>{_esc(type(e).__name__)}</b>: {_esc(e)}")

    def _update(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:  # the text fallback stored in a notebook; keep it short and stable
        return f"{type(self).__name__}()"


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


def input_layer_cost(vocab_size: int, hidden_size: int = 100, batch_size: int = 100,
                     context_size: int = 2) -> dict[str, int]:
    """Memory and arithmetic of CBOW's input layer for one batch, by counting.

    ``R = batch_size * context_size`` context words go through ``W_in: (V, H)``.

    * one-hot MatMul: the input is an ``(R, V)`` float32 one-hot matrix; the
      forward pass ``x @ W_in`` costs ``R*V*H`` multiply-adds and the backward
      ``dW = x.T @ dout`` as many again.
    * Embedding: the input is ``R`` int64 ids; the forward pass copies ``R*H``
      numbers (``W_in[ids]``) and the backward adds ``R*H`` numbers into rows.

    Both need ``W_in`` itself (``4*V*H`` bytes in float32). Returns a dict of
    ints: ``weights_bytes``, ``onehot_input_bytes``, ``embedding_input_bytes``,
    ``matmul_ops`` and ``embedding_ops`` (forward + backward).

    >>> c = input_layer_cost(1_000_000)
    >>> c["onehot_input_bytes"], c["embedding_input_bytes"], c["matmul_ops"] // c["embedding_ops"]
    (800000000, 1600, 1000000)
    """
    for name, value in (("vocab_size", vocab_size), ("hidden_size", hidden_size),
                        ("batch_size", batch_size), ("context_size", context_size)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    V, H, R = int(vocab_size), int(hidden_size), int(batch_size) * int(context_size)
    return {
        "weights_bytes": 4 * V * H,
        "onehot_input_bytes": 4 * R * V,
        "embedding_input_bytes": 8 * R,
        "matmul_ops": 2 * R * V * H,
        "embedding_ops": 2 * R * H,
    }


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


def _sci(n: float) -> str:
    """A count that reads aloud: '20,000' or '2.0 × 10<sup>10</sup>'."""
    if n < 1e6:
        return f"{n:,.0f}"
    e = int(np.floor(np.log10(n)))
    return f"{n / 10 ** e:.1f} × 10<sup>{e}</sup>"


class CostExplorer(_Explorer):
    """See :func:`cost_explorer`. Attributes: ``vocab`` (SelectionSlider), ``result``,
    ``plot``, ``note``; ``values`` holds the last figures (see :func:`input_layer_cost`)."""

    _kind = "cost"

    def __init__(self, vocab_size: int = 1_000_000, hidden_size: int = 100, batch_size: int = 100,
                 context_size: int = 2, macs_per_second: float = DEFAULT_MACS_PER_SECOND,
                 corpus_words: int = 929_589):
        super().__init__()
        if not (isinstance(macs_per_second, numbers.Real) and macs_per_second > 0):
            raise ValueError(f"macs_per_second must be a positive number, got {macs_per_second!r}")
        input_layer_cost(vocab_size, hidden_size, batch_size, context_size)   # validates
        self.hidden_size, self.batch_size, self.context_size = hidden_size, batch_size, context_size
        self.macs_per_second = float(macs_per_second)
        self.corpus_words = int(corpus_words)
        sizes = sorted(set(VOCAB_SIZES) | {int(vocab_size)})
        self.vocab = widgets.SelectionSlider(
            options=[(f"{v:,}", v) for v in sizes], value=int(vocab_size),
            description="vocabulary size V", style=_slider_style(),
            layout=widgets.Layout(width="640px"), continuous_update=True)
        self.vocab.add_class("w2v-ctl-vocab")
        R = batch_size * context_size
        note = (f"Counted, not timed: a batch of {batch_size} targets × {context_size} context words "
                f"= {R} rows, hidden size H = {hidden_size}, float32 weights. The one-hot MatMul "
                f"does R·V·H multiply-adds forward and as many for dW; the Embedding copies R·H "
                f"numbers forward and adds R·H back. Times assume "
                f"{_sci(self.macs_per_second)} operations per second (one CPU core; measure yours "
                f"with <code>w2vlib.study.widgets.measure_macs_per_second()</code>) and ignore the few µs "
                f"every NumPy call costs. Epoch = {self.corpus_words:,} target words (PTB train).")
        self._assemble("One-hot MatMul vs Embedding (임베딩 계층): what V costs", [self.vocab],
                       note, plot=True)
        self._refresh()

    def _update(self) -> None:
        V = int(self.vocab.value)
        c = input_layer_cost(V, self.hidden_size, self.batch_size, self.context_size)
        rate = self.macs_per_second
        t_mm, t_emb = c["matmul_ops"] / rate, c["embedding_ops"] / rate
        batches = -(-self.corpus_words // self.batch_size)
        self.values = dict(c, vocab_size=V, matmul_seconds=t_mm, embedding_seconds=t_emb,
                           matmul_epoch_seconds=t_mm * batches, embedding_epoch_seconds=t_emb * batches)
        rows = [
            ["input of one batch", format_bytes(c["onehot_input_bytes"]),
             format_bytes(c["embedding_input_bytes"])],
            ["work per batch (fwd + bwd)", _sci(c["matmul_ops"]) + " mult-adds",
             _sci(c["embedding_ops"]) + " copies/adds"],
            ["≈ time per batch", format_seconds(t_mm), format_seconds(t_emb)],
            ["≈ time per epoch", format_seconds(t_mm * batches), format_seconds(t_emb * batches)],
            ["W<sub>in</sub> itself (both)", format_bytes(c["weights_bytes"]), ""],
        ]
        table = _table(["V = " + f"{V:,}", "one-hot × W<sub>in</sub> (MatMul)",
                        "W<sub>in</sub>[ids] (Embedding)"],
                       [[f'<td class="w2v-left">{r[0]}</td>'] + [f"<td>{x}</td>" for x in r[1:]]
                        for r in rows], left=(0,))
        headline = (f'<div class="w2v-big">The Embedding does <b>{V:,}×</b> less arithmetic '
                    f'(the ratio is V itself) and its input is <b>{V // 2:,}×</b> smaller.</div>')
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
        with _plot_style():
            fig = _figure(9, 3.4, left=0.09, wspace=0.32)
            ax1, ax2 = fig.subplots(1, 2)
            for ax, key_mm, key_emb, scale, ticks, ylabel, title in (
                    (ax1, "matmul_ops", "embedding_ops", 1 / rate, seconds, "time per batch",
                     "time per batch (estimated)"),
                    (ax2, "onehot_input_bytes", "embedding_input_bytes", 1, kib, "memory per batch",
                     "memory of the input")):
                mm = np.array([c[key_mm] for c in costs]) * scale
                emb = np.array([c[key_emb] for c in costs]) * scale
                ax.loglog(vs, mm, color=_ORANGE, lw=2.5, label="one-hot MatMul")
                ax.loglog(vs, emb, color=_BLUE, lw=2.5, label="Embedding")
                ax.plot([V, V], [now[key_mm] * scale, now[key_emb] * scale], "o", color="black",
                        ms=7)
                ax.axvline(V, color=_GREY, ls=":", lw=1)
                # widen the range to the nearest labelled tick on each side
                lo = min([v for v, _ in ticks if v <= emb.min()] or [emb.min()]) / 2
                hi = max([v for v, _ in ticks if v >= mm.max()] or [mm.max()]) * 2
                inside = [(v, t) for v, t in ticks if lo <= v <= hi]
                ax.set_ylim(lo, hi)
                _log_ticks(ax.yaxis, [v for v, _ in inside], [t for _, t in inside])
                _log_ticks(ax.xaxis, [1e3, 1e4, 1e5, 1e6, 1e7], ["1k", "10k", "100k", "1M", "10M"])
                ax.set_xlabel("vocabulary size V")
                ax.set_ylabel(ylabel)
                ax.set_title(title)
                ax.grid(True, alpha=0.3)
            ax2.axhline(16 * 2 ** 30, color="dimgray", ls="--", lw=1.2)
            ax2.text(1.2e3, 16 * 2 ** 30 / 5, "16 GiB: a laptop's RAM", color="dimgray", fontsize=10)
            ax1.legend(loc="upper left")
            return _png(fig)

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


# ---------------------------------------------------------------------------
# 4.2.3: sigmoid and cross-entropy for one yes/no question
# ---------------------------------------------------------------------------

class SigmoidExplorer(_Explorer):
    """See :func:`sigmoid_explorer`. Attributes: ``score`` (FloatSlider), ``label``
    (ToggleButtons, 1 or 0), ``result``, ``plot``, ``note``; ``values`` holds
    ``score``, ``label``, ``y``, ``loss``, ``gradient`` (floats, rounded to 4 places)."""

    _kind = "sigmoid"

    def __init__(self, score: float = 2.0, label: int = 1, score_range: float = 8.0):
        super().__init__()
        if label not in (0, 1):
            raise ValueError(f"label must be 1 (the true target) or 0 (a negative), got {label!r}")
        self.score = widgets.FloatSlider(
            value=score, min=-score_range, max=score_range, step=0.1, readout_format=".1f",
            description="score x = h · w", style=_slider_style(),
            layout=widgets.Layout(width="640px"), continuous_update=True)
        self.score.add_class("w2v-ctl-score")
        self.label = widgets.ToggleButtons(
            options=[("t = 1  (the true target)", 1), ("t = 0  (a negative sample)", 0)],
            value=label, style={"button_width": "230px"})
        self.label.add_class("w2v-ctl-label")
        note = ("y = σ(x) = 1 / (1 + e<sup>−x</sup>) reads the score as a probability of “yes”. "
                "The cross-entropy error (교차 엔트로피 오차) is L = −(t log y + (1 − t) log(1 − y)), "
                "computed from x without overflow. Its gradient with respect to the score is "
                "simply y − t: the size of the mistake. On the right, the dashed line is the "
                "tangent, whose slope is that gradient.")
        self._assemble("Sigmoid (시그모이드 함수) + cross-entropy: one yes/no question",
                       [self.score, _labelled("label", self.label)], note, plot=True)
        self._layer = SigmoidWithLoss()
        self._refresh()

    def _update(self) -> None:
        x, t = float(self.score.value), int(self.label.value)
        loss = self._layer.forward(np.array([x]), np.array([t]))
        grad = float(self._layer.backward()[0])
        y = float(self._layer.y[0])
        self.values = {"score": round(x, 4), "label": t, "y": round(y, 4), "loss": round(loss, 4),
                       "gradient": round(grad, 4)}
        err = abs(grad)
        if err < 0.1:
            verdict = "Right and sure of it: a tiny gradient, almost nothing to learn."
        elif err > 0.9:
            verdict = "Sure of the wrong answer: the gradient is near its largest (±1), a big correction."
        else:
            verdict = "Unsure: a moderate correction. Big error, big update; small error, small update."
        rows = [("score", "score", "x", f"{x:+.1f}"),
                ("y", "probability of “yes”", "y = σ(x)", f"{y:.4f}"),
                ("label", "label", "t", f"{t}"),
                ("loss", "loss", "L", f"{loss:.4f}"),
                ("gradient", "gradient", "∂L/∂x = y − t", f"{grad:+.4f}")]
        self.result.value = (_table(["", "", "value"],
                                    [[f'<td class="w2v-left">{a}</td>', f'<td class="w2v-left">{b}</td>',
                                      f'<td class="w2v-val-{key}">{c}</td>'] for key, a, b, c in rows],
                                    left=(0, 1))
                             + f'<div class="w2v-big">{verdict}</div>')
        self.plot.value = self._draw(x, t, y, loss, grad)

    def _draw(self, x: float, t: int, y: float, loss: float, grad: float) -> bytes:
        r = float(self.score.max)
        xs = np.linspace(-r, r, 321)
        losses = softplus(xs) - t * xs
        with _plot_style():
            fig = _figure(9, 3.2)
            ax1, ax2 = fig.subplots(1, 2)
            ax1.plot(xs, sigmoid(xs), color=_BLUE, lw=2.5, label="y = σ(x)")
            ax1.axhline(t, color=_ORANGE, ls="--", lw=1.5, label=f"label t = {t}")
            ax1.plot([x], [y], "o", color="black", ms=8)
            ax1.set_ylim(-0.05, 1.05)
            ax1.set_xlabel("score x")
            ax1.set_ylabel("y")
            ax1.set_title(f"σ({x:+.1f}) = {y:.4f}")
            ax1.legend(loc="center right" if t == 0 else "lower right")
            ax2.plot(xs, losses, color=_ORANGE, lw=2.5, label=f"loss for t = {t}")
            span = np.clip([x - 2.0, x + 2.0], -r, r)     # at the slider's ends: stay on the plot
            ax2.plot(span, loss + grad * (span - x), color="black", ls="--", lw=1.8,
                     label=f"slope y − t = {grad:+.4f}")    # as many digits as the table
            ax2.plot([x], [loss], "o", color="black", ms=8)
            ax2.set_xlim(-r, r)
            ax2.set_ylim(-0.3, r + 0.5)
            ax2.set_xlabel("score x")
            ax2.set_ylabel("L")
            ax2.set_title(f"L = {loss:.4f}")
            ax2.legend(loc="best")
            for ax in (ax1, ax2):
                ax.grid(True, alpha=0.3)
            return _png(fig)

    def __repr__(self) -> str:
        return f"SigmoidExplorer(score={self.score.value:+.1f}, label={self.label.value})"


def sigmoid_explorer(score: float = 2.0, label: int = 1, score_range: float = 8.0) -> SigmoidExplorer:
    """Score slider and label toggle -> y = sigmoid(x), the loss and its gradient y - t.

    The numbers come from :class:`~w2vlib.layers.SigmoidWithLoss`, the layer
    negative sampling trains with. Drive it with ``ex.score.value = -3`` and
    ``ex.label.value = 0``; read ``ex.result.value`` or ``ex.values``.

    >>> ex = sigmoid_explorer(score=0.0, label=0)
    >>> ex.values["loss"], ex.values["gradient"]
    (0.6931, 0.5)
    """
    return SigmoidExplorer(score, label, score_range)


# ---------------------------------------------------------------------------
# 4.2.6: the distribution negatives are drawn from
# ---------------------------------------------------------------------------

class SamplerExplorer(_Explorer):
    """See :func:`sampler_explorer`. Attributes: ``power`` (FloatSlider), ``result``,
    ``plot``, ``note``; ``values`` holds ``power``, ``rare_share`` (probability that
    one draw is a rare word), ``top_share``, ``rarest_share`` and ``p`` (word ids ->
    probability for the words shown)."""

    _kind = "sampler"

    def __init__(self, corpus, id_to_word: Mapping[int, str], power: float = 0.75, n_words: int = 5,
                 rare_below: int = 10):
        super().__init__()
        corpus = np.asarray(corpus)
        self._base = UnigramSampler(corpus, power=1.0, sample_size=1, seed=0)   # validates corpus
        counts = self._base.counts
        occurring = np.flatnonzero(counts)
        missing = [int(i) for i in occurring if int(i) not in id_to_word]
        if missing:
            raise ValueError(f"id_to_word has no word for id {missing[0]} "
                             f"({len(missing)} ids of the corpus are missing)")
        if not isinstance(n_words, numbers.Integral) or n_words < 1:
            raise ValueError(f"n_words must be a positive int, got {n_words!r}")
        self.corpus, self.id_to_word, self.rare_below = corpus, id_to_word, int(rare_below)
        self.counts = counts
        by_count = occurring[np.argsort(-counts[occurring], kind="stable")]
        n = min(int(n_words), len(occurring) // 2) or 1
        self.frequent_ids = by_count[:n]
        self.rare_ids = by_count[::-1][:n][::-1] if len(occurring) > n else by_count[:0]
        self.rare_mask = (counts > 0) & (counts < self.rare_below)
        self._uniform = self._p(0.0)
        self.power = widgets.FloatSlider(
            value=power, min=0.0, max=1.0, step=0.05, readout_format=".2f",
            description="power (지수) on the counts", style=_slider_style(),
            layout=widgets.Layout(width="640px"), continuous_update=True)
        self.power.add_class("w2v-ctl-power")
        n_rare = int(self.rare_mask.sum())
        note = (f"P(w) = count(w)<sup>power</sup> / Σ<sub>v</sub> count(v)<sup>power</sup>, over the "
                f"{len(occurring):,} words of this corpus ({len(corpus):,} tokens). power = 1 draws "
                f"negatives as often as the words occur; power = 0 draws every word equally often; "
                f"word2vec uses 0.75 (Mikolov et al. 2013), which takes a little from the most "
                f"frequent words and gives it to the rare ones. “Rare” here means seen fewer than "
                f"{self.rare_below} times ({n_rare:,} words). Exact probabilities, no random draws.")
        self._assemble("Negative sampling (네거티브 샘플링): which words get drawn?", [self.power],
                       note, plot=True)
        self._refresh()

    def _p(self, power: float) -> np.ndarray:
        return UnigramSampler(self.corpus, power=float(power), sample_size=1, seed=0).word_p

    def _update(self) -> None:
        power = float(self.power.value)
        p = self._p(power)
        p1, p0 = self._base.word_p, self._uniform
        rare, rare1, rare0 = (float(q[self.rare_mask].sum()) for q in (p, p1, p0))
        shown = np.concatenate([self.frequent_ids, self.rare_ids])
        self.values = {"power": round(power, 4), "rare_share": rare,
                       "top_share": float(p[self.frequent_ids[0]]),
                       "rarest_share": float(p[self.rare_ids[-1]]) if len(self.rare_ids) else None,
                       "p": {int(i): float(p[i]) for i in shown}}

        def row(i):
            i = int(i)
            return [f'<td class="w2v-word">{_esc(self.id_to_word[i])}</td>',
                    f"<td>{self.counts[i]:,}</td>", f"<td>{_pct(p1[i])}</td>",
                    f"<td><b>{_pct(p[i])}</b></td>", f"<td>{p[i] / p1[i]:.2f}×</td>"]

        def section(text):
            return [f'<td colspan="5">{text}</td>']

        rows = ([section("most frequent")] + [row(i) for i in self.frequent_ids]
                + ([section("least frequent")] + [row(i) for i in self.rare_ids]
                   if len(self.rare_ids) else []))
        body = _table(["word", "count", "P at power 1", f"P at power {power:.2f}", "change"], rows,
                      left=(0,))
        body = body.replace('<tr><td colspan="5">', '<tr class="w2v-section"><td colspan="5">')
        per_1000 = 1000 * rare
        headline = (f'<div class="w2v-big">Share of draws that hit a rare word (count &lt; '
                    f'{self.rare_below}): <b>{_pct(rare)}</b> at power {power:.2f} '
                    f'(about {per_1000:.1f} in 1,000 negatives; {_pct(rare1)} at power 1, '
                    f'{_pct(rare0)} at power 0).</div>')
        self.result.value = headline + body
        self.plot.value = self._draw(power, p, p1, shown)

    def _draw(self, power: float, p: np.ndarray, p1: np.ndarray, shown: np.ndarray) -> bytes:
        labels = [self.id_to_word[int(i)] for i in shown]
        x = np.arange(len(shown))
        with _plot_style():
            fig = _figure(9, 3.6, left=0.1, bottom=0.27)
            ax = fig.subplots()
            ax.bar(x - 0.2, p1[shown], width=0.4, color=_GREY, label="power 1 (raw frequency)")
            ax.bar(x + 0.2, p[shown], width=0.4, color=_BLUE, label=f"power {power:.2f}")
            ax.axhline(1 / len(np.flatnonzero(self.counts)), color=_ORANGE, ls="--", lw=1.2,
                       label="power 0 (uniform)")
            ax.set_yscale("log")
            lo = min(p1[shown].min(), p[shown].min(), 1 / len(np.flatnonzero(self.counts)))
            hi = max(p1[shown].max(), p[shown].max())
            ax.set_ylim(lo / 3, hi * 3)
            decades = range(int(np.floor(np.log10(lo / 3))), int(np.ceil(np.log10(hi * 3))) + 1)
            _log_ticks(ax.yaxis, [10.0 ** e for e in decades], [f"{100 * 10.0 ** e:.10g}%" for e in decades])
            ax.set_xticks(x, labels, rotation=30, ha="right")
            if len(self.rare_ids):
                ax.axvline(len(self.frequent_ids) - 0.5, color="black", lw=0.8)
            ax.set_ylabel("probability of one draw")
            ax.set_title("sampling probability: most frequent (left) and least frequent (right) words")
            ax.legend(loc="upper right")
            ax.grid(True, axis="y", alpha=0.3)
            return _png(fig)

    def __repr__(self) -> str:
        return f"SamplerExplorer(power={self.power.value:.2f})"


def _pct(q: float) -> str:
    """A probability as a percentage with enough digits to be non-zero."""
    pct = 100 * q
    if pct == 0:
        return "0%"
    if pct >= 1:
        return f"{pct:.1f}%"
    digits = min(6, int(-np.floor(np.log10(pct))) + 1)
    return f"{pct:.{digits}f}%"


def sampler_explorer(corpus, id_to_word: Mapping[int, str], power: float = 0.75, n_words: int = 5,
                     rare_below: int = 10) -> SamplerExplorer:
    """Power slider (0..1) -> the negative-sampling distribution, frequent and rare words.

    corpus: (T,) word ids. Shows, for the ``n_words`` most and least frequent
    words, their count and their probability of being drawn at power 1 and at
    the chosen power (table and bar plot), and the share of all draws that go
    to words seen fewer than ``rare_below`` times. Probabilities are exact
    (those of :class:`~w2vlib.negative_sampling.UnigramSampler`), so the
    explorer is deterministic. Drive it with ``ex.power.value = 0.5``.
    """
    return SamplerExplorer(corpus, id_to_word, power, n_words, rare_below)


# ---------------------------------------------------------------------------
# 4.3: nearest neighbours and analogies, with friendly messages for bad input
# ---------------------------------------------------------------------------

def _check_vectors(word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str]) -> np.ndarray:
    W = check_word_matrix(word_vecs, word_to_id, name="word_vecs")
    if len(word_to_id) == 0:
        raise ValueError("the vocabulary is empty")
    return W


def _suggest(words: Sequence[str]) -> str:
    return ", ".join(f"<b>{_esc(w)}</b>" for w in words)


def _read_word(text: str, word_to_id: Mapping[str, int], box: str = "") -> tuple[str | None, str, str]:
    """Check one box. Returns ``(word, message, note)``: ``word`` is None when the input
    is unusable and ``message`` (HTML) says why; ``note`` (HTML) mentions harmless fixes."""
    where = f"{box}: " if box else ""
    raw = text if isinstance(text, str) else str(text)
    word = raw.strip()
    if not word:
        return None, f"{where}the box is empty: type a word.", ""
    parts = word.split()
    if len(parts) > 1:
        known = [w for w in parts if w in word_to_id]
        msg = f"{where}type one word; “{_esc(word)}” has {len(parts)}."
        if known:
            msg += f" Known on their own: {_suggest(known)}."
        return None, msg if where else msg[0].upper() + msg[1:], ""
    note = f"{where}ignored the spaces around “{_esc(word)}”" if word != raw else ""
    try:
        word_id(word, word_to_id)
    except UnknownWordError as e:
        msg = f"{where}“{_esc(word)}” is not in the vocabulary."
        lower = word.lower()
        if lower != word and lower in word_to_id:
            msg += f" The vocabulary is lower-case: try <b>{_esc(lower)}</b>."
            others = [s for s in e.suggestions if s != lower]
            if others:
                msg += f" Other close matches: {_suggest(others)}."
            return None, msg, note
        close = e.suggestions
        if not close and lower != word:          # "Kng": match its lower-case spelling instead
            try:
                word_id(lower, word_to_id)
            except UnknownWordError as e_lower:
                close = e_lower.suggestions
        if close:
            msg += f" Close matches: {_suggest(close)}."
        else:
            msg += " No word in the vocabulary is spelled like it."
        return None, msg, note
    return word, "", note


def _results_table(results: Sequence[tuple[str, float]], score_name: str) -> str:
    rows = []
    for rank, (w, s) in enumerate(results, start=1):
        width = int(round(220 * max(0.0, min(1.0, s))))
        rows.append([f"<td>{rank}</td>", f'<td class="w2v-word">{_esc(w)}</td>',
                     f'<td class="w2v-val-score">{s:.4f}</td>',
                     f'<td class="w2v-left"><div class="w2v-bar" style="width:{width}px"></div></td>'])
    return _table(["#", "word", score_name, ""], rows, left=(1, 3))


def _text_box(value: str, description: str, placeholder: str, width: str = "420px") -> widgets.Text:
    return widgets.Text(value=value, description=description, placeholder=placeholder,
                        continuous_update=False, style={"description_width": "initial"},
                        layout=widgets.Layout(width=width))


class NeighboursExplorer(_Explorer):
    """See :func:`neighbours_explorer`. Attributes: ``query`` (Text), ``top``
    (IntSlider), ``result``, ``note``; ``results`` is the last answer
    (``[(word, cosine), ...]``, empty after bad input)."""

    _kind = "neighbours"

    def __init__(self, word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                 query: str = "", top: int = 5, max_top: int = 20):
        super().__init__()
        self.word_vecs = _check_vectors(word_vecs, word_to_id, id_to_word)
        self.word_to_id, self.id_to_word = word_to_id, id_to_word
        self.results: list[tuple[str, float]] = []
        max_top = max(1, min(int(max_top), len(word_to_id) - 1))
        self.query = _text_box(query, "word", "type a word, then press Enter")
        self.query.add_class("w2v-ctl-query")
        self.top = widgets.IntSlider(value=max(1, min(int(top), max_top)), min=1, max=max_top,
                                     description="how many neighbours", style=_slider_style(),
                                     layout=widgets.Layout(width="520px"), continuous_update=True)
        self.top.add_class("w2v-ctl-top")
        note = (f"Cosine similarity (코사인 유사도) between word vectors: 1 means the same direction, "
                f"0 unrelated. {len(word_to_id):,} words, {self.word_vecs.shape[1]} dimensions; "
                f"computed by <code>w2vlib.evaluate.most_similar</code>.")
        self._assemble("Nearest neighbours: which words have similar vectors?",
                       [self.query, self.top], note, plot=False)
        self._refresh()

    def _update(self) -> None:
        self.results = []
        word, message, note = _read_word(self.query.value, self.word_to_id)
        note_html = f'<div class="w2v-note">({note})</div>' if note else ""
        if word is None:
            if not self.query.value.strip():
                self.result.value = _hint("Type a word into the box and press Enter.")
            else:
                self.result.value = _msg(message) + note_html
            return
        self.results = most_similar(word, self.word_to_id, self.id_to_word, self.word_vecs,
                                    top=int(self.top.value))
        self.result.value = (f'<div class="w2v-big">Nearest to <b>{_esc(word)}</b>:</div>'
                             + _results_table(self.results, "cosine") + note_html)

    def __repr__(self) -> str:
        return f"NeighboursExplorer(query={self.query.value!r}, top={self.top.value})"


def neighbours_explorer(word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                        query: str = "", top: int = 5, max_top: int = 20) -> NeighboursExplorer:
    """A word box and a top-n slider -> the nearest words with their cosine similarity.

    word_vecs: (V, H). Uses :func:`w2vlib.evaluate.most_similar`. An empty box,
    an unknown or mixed-case word ("Toyota") or two words in the box give a
    message with close matches instead of an error; spaces around a word are
    ignored (and said so). Drive it with ``ex.query.value = "car"``,
    ``ex.top.value = 10``; read ``ex.result.value`` or ``ex.results``.
    """
    return NeighboursExplorer(word_vecs, word_to_id, id_to_word, query, top, max_top)


class AnalogyExplorer(_Explorer):
    """See :func:`analogy_explorer`. Attributes: ``a``, ``b``, ``c`` (Text), ``top``
    (IntSlider), ``scoring`` (ToggleButtons: True = cosine of unit vectors, False =
    the book's raw dot product), ``result``, ``note``; ``results`` is the last
    answer (``[(word, score), ...]``, empty after bad input)."""

    _kind = "analogy"

    def __init__(self, word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                 a: str = "", b: str = "", c: str = "", top: int = 5, normalize: bool = True):
        super().__init__()
        self.word_vecs = _check_vectors(word_vecs, word_to_id, id_to_word)
        self.word_to_id, self.id_to_word = word_to_id, id_to_word
        self.results: list[tuple[str, float]] = []
        self.a = _text_box(a, "a", "e.g. king", width="200px")
        self.b = _text_box(b, ": b", "e.g. man", width="200px")
        self.c = _text_box(c, "= c", "e.g. queen", width="200px")
        for box, name in ((self.a, "a"), (self.b, "b"), (self.c, "c")):
            box.add_class(f"w2v-ctl-{name}")
        question = widgets.HBox([self.a, self.b, self.c, widgets.HTML('<div class="w2v-big">: ?</div>')])
        max_top = max(1, min(10, len(word_to_id) - 3))
        self.top = widgets.IntSlider(value=max(1, min(int(top), max_top)), min=1, max=max_top,
                                     description="how many answers", style=_slider_style(),
                                     layout=widgets.Layout(width="520px"), continuous_update=True)
        self.top.add_class("w2v-ctl-top")
        self.scoring = widgets.ToggleButtons(
            options=[("cosine, unit vectors", True), ("the book: raw dot product", False)],
            value=bool(normalize), style={"button_width": "230px"})
        self.scoring.add_class("w2v-ctl-scoring")
        note = ("The analogy problem (유추 문제) a : b = c : ? is answered by the words nearest to "
                "b − a + c; the three question words are never answers. “Cosine” scales every "
                "vector to length 1 first (3CosAdd, as in Mikolov et al. 2013); “the book” "
                "compares raw vectors by a dot product, which favours words with long vectors. "
                "Computed by <code>w2vlib.evaluate.analogy</code>.")
        self._assemble("Analogies (유추 문제): a : b = c : ?",
                       [question, self.top, _labelled("scoring", self.scoring)], note, plot=False)
        self._refresh()

    def _update(self) -> None:
        self.results = []
        boxes = (("a", self.a.value), ("b", self.b.value), ("c", self.c.value))
        if not any(v.strip() for _, v in boxes):
            self.result.value = _hint("Fill in a, b and c (each box takes one word; Enter to ask).")
            return
        words, messages, notes = {}, [], []
        for name, value in boxes:
            word, message, note = _read_word(value, self.word_to_id, box=name)
            words[name] = word
            if message:
                messages.append(message)
            if note:
                notes.append(note)
        note_html = "".join(f'<div class="w2v-note">({n})</div>' for n in notes)
        if messages:
            self.result.value = _msg("<br>".join(messages)) + note_html
            return
        a, b, c = words["a"], words["b"], words["c"]
        if a == b:
            self.result.value = _msg(
                f"a and b are both <b>{_esc(a)}</b>: then b − a is zero and the question has no "
                f"relation left to carry over. Pick two different words for a and b "
                f"(e.g. king : man).") + note_html
            return
        if c in (a, b):
            same = "a" if c == a else "b"
            self.result.value = _msg(
                f"c and {same} are both <b>{_esc(c)}</b>: a, b and c should be three different "
                f"words (the question words are never answers).") + note_html
            return
        self.results = analogy(a, b, c, self.word_to_id, self.id_to_word, self.word_vecs,
                               top=int(self.top.value), normalize=bool(self.scoring.value))
        score = "cosine" if self.scoring.value else "dot product"
        self.result.value = (f'<div class="w2v-big"><b>{_esc(a)}</b> : <b>{_esc(b)}</b> = '
                             f'<b>{_esc(c)}</b> : ?</div>' + _results_table(self.results, score)
                             + note_html)

    def __repr__(self) -> str:
        return (f"AnalogyExplorer({self.a.value!r} : {self.b.value!r} = {self.c.value!r} : ?, "
                f"top={self.top.value})")


def analogy_explorer(word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                     a: str = "", b: str = "", c: str = "", top: int = 5,
                     normalize: bool = True) -> AnalogyExplorer:
    """Three word boxes a : b = c : ? -> the best answers with their scores.

    word_vecs: (V, H). Uses :func:`w2vlib.evaluate.analogy` (``normalize`` picks
    the scoring; a toggle switches it live). Bad input in any box (empty,
    unknown, mixed case, two words) and a repeated word (king : king =
    queen : ?) give a message instead of an error. Drive it with
    ``ex.a.value = "king"`` etc.; read ``ex.result.value`` or ``ex.results``.
    """
    return AnalogyExplorer(word_vecs, word_to_id, id_to_word, a, b, c, top, normalize)
