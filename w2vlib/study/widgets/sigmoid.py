"""4.2.3: the sigmoid explorer -- sigmoid and cross-entropy for one yes/no question."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from w2vlib.i18n import _

from ...functions import sigmoid, softplus
from ...layers import SigmoidWithLoss
from .base import BLUE, ORANGE, Explorer, figure, html_table, labelled, plot_style, slider_style, to_png

__all__ = ["sigmoid_explorer", "SigmoidExplorer"]

# ---------------------------------------------------------------------------
# 4.2.3: sigmoid and cross-entropy for one yes/no question
# ---------------------------------------------------------------------------

class SigmoidExplorer(Explorer):
    """See :func:`sigmoid_explorer`. Attributes: ``score`` (FloatSlider), ``label``
    (ToggleButtons, 1 or 0), ``result``, ``plot``, ``note``; ``values`` holds
    ``score``, ``label``, ``y``, ``loss``, ``gradient`` (floats, rounded to 4 places)."""

    _kind = "sigmoid"

    def __init__(self, score: float = 2.0, label: int = 1, score_range: float = 8.0):
        super().__init__()
        if label not in (0, 1):
            raise ValueError(_("label must be 1 (the true target) or 0 (a negative), got {label!r}").format(
                label=label))
        self.score = widgets.FloatSlider(
            value=score, min=-score_range, max=score_range, step=0.1, readout_format=".1f",
            description=_("score x = h · w"), style=slider_style(),
            layout=widgets.Layout(width="560px"), continuous_update=True)
        self.score.add_class("w2v-ctl-score")
        self.label = widgets.ToggleButtons(
            options=[(_("t = 1  (the true target)"), 1), (_("t = 0  (a negative sample)"), 0)],
            value=label, style={"button_width": "215px"})
        self.label.add_class("w2v-ctl-label")
        note = _("y = σ(x) = 1 / (1 + e<sup>−x</sup>) reads the score as a probability of “yes”. "
                 "The cross-entropy error (교차 엔트로피 오차) is L = −(t log y + (1 − t) log(1 − y)), "
                 "computed from x without overflow. Its gradient with respect to the score is "
                 "simply y − t: the size of the mistake. On the right, the dashed line is the "
                 "tangent, whose slope is that gradient.")
        self._assemble(_("Sigmoid (시그모이드 함수) + cross-entropy: one yes/no question"),
                       [self.score, labelled(_("label"), self.label)], note, plot=True)
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
            verdict = _("Right and sure of it: a tiny gradient, almost nothing to learn.")
        elif err > 0.9:
            verdict = _("Sure of the wrong answer: the gradient is near its largest (±1), a big "
                        "correction.")
        else:
            verdict = _("Unsure: a moderate correction. Big error, big update; small error, small "
                        "update.")
        rows = [("score", _("score"), "x", f"{x:+.1f}"),
                ("y", _("probability of “yes”"), "y = σ(x)", f"{y:.4f}"),
                ("label", _("label"), "t", f"{t}"),
                ("loss", _("loss"), "L", f"{loss:.4f}"),
                ("gradient", _("gradient"), "∂L/∂x = y − t", f"{grad:+.4f}")]
        self.result.value = (html_table(["", "", _("value")],
                                    [[f'<td class="w2v-left">{a}</td>', f'<td class="w2v-left">{b}</td>',
                                      f'<td class="w2v-val-{key}">{c}</td>'] for key, a, b, c in rows],
                                    left=(0, 1))
                             + f'<div class="w2v-big">{verdict}</div>')
        self.plot.value = self._draw(x, t, y, loss, grad)

    def _draw(self, x: float, t: int, y: float, loss: float, grad: float) -> bytes:
        r = float(self.score.max)
        xs = np.linspace(-r, r, 321)
        losses = softplus(xs) - t * xs
        with plot_style():
            fig = figure(7.2, 3.6, left=0.09, bottom=0.15, top=0.9, wspace=0.32)
            ax1, ax2 = fig.subplots(1, 2)
            ax1.plot(xs, sigmoid(xs), color=BLUE, lw=2.5, label="y = σ(x)")
            ax1.axhline(t, color=ORANGE, ls="--", lw=1.5, label=_("label t = {t}").format(t=t))
            ax1.plot([x], [y], "o", color="black", ms=8)
            ax1.set_ylim(-0.05, 1.05)
            ax1.set_xlabel(_("score x"))
            ax1.set_ylabel("y")
            ax1.set_title(f"σ({x:+.1f}) = {y:.4f}")
            ax1.legend(loc="center right" if t == 0 else "lower right")
            ax2.plot(xs, losses, color=ORANGE, lw=2.5, label=_("loss for t = {t}").format(t=t))
            span = np.clip([x - 2.0, x + 2.0], -r, r)     # at the slider's ends: stay on the plot
            ax2.plot(span, loss + grad * (span - x), color="black", ls="--", lw=1.8,
                     label=_("slope y − t = {grad:+.4f}").format(grad=grad))    # as many digits as the table
            ax2.plot([x], [loss], "o", color="black", ms=8)
            ax2.set_xlim(-r, r)
            ax2.set_ylim(-0.3, r + 0.5)
            ax2.set_xlabel(_("score x"))
            ax2.set_ylabel("L")
            ax2.set_title(f"L = {loss:.4f}")
            ax2.legend(loc="best")
            for ax in (ax1, ax2):
                ax.grid(True, alpha=0.3)
            return to_png(fig)

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


