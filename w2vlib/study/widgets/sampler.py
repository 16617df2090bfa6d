"""4.2.6: the sampler explorer -- the distribution negatives are drawn from."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np

from w2vlib.i18n import _

from ...negative_sampling import UnigramSampler
from .base import (
    BLUE,
    GREY,
    ORANGE,
    Explorer,
    esc,
    figure,
    html_table,
    log_ticks,
    plot_style,
    slider_style,
    to_png,
)

__all__ = ["sampler_explorer", "SamplerExplorer", "ratio"]

# ---------------------------------------------------------------------------
# 4.2.6: the distribution negatives are drawn from
# ---------------------------------------------------------------------------

class SamplerExplorer(Explorer):
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
            raise ValueError(_("id_to_word has no word for id {id} "
                               "({n} ids of the corpus are missing)").format(id=missing[0],
                                                                             n=len(missing)))
        if not isinstance(n_words, numbers.Integral) or n_words < 1:
            raise ValueError(_("n_words must be a positive int, got {n_words!r}").format(n_words=n_words))
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
            description=_("power (지수) on the counts"), style=slider_style(),
            layout=widgets.Layout(width="560px"), continuous_update=True)
        self.power.add_class("w2v-ctl-power")
        n_rare = int(self.rare_mask.sum())
        note = _("P(w) = count(w)<sup>power</sup> / Σ<sub>v</sub> count(v)<sup>power</sup>, over the "
                 "{n_words:,} words of this corpus ({n_tokens:,} tokens). power = 1 draws "
                 "negatives as often as the words occur; power = 0 draws every word equally often; "
                 "word2vec uses 0.75 (Mikolov et al. 2013), which takes a little from the most "
                 "frequent words and gives it to the rare ones. “Rare” here means seen fewer than "
                 "{rare_below} times ({n_rare:,} words). Exact probabilities, no random draws.").format(
                     n_words=len(occurring), n_tokens=len(corpus), rare_below=self.rare_below,
                     n_rare=n_rare)
        self._assemble(_("Negative sampling (네거티브 샘플링): which words get drawn?"), [self.power],
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
            return [f'<td class="w2v-word">{esc(self.id_to_word[i])}</td>',
                    f"<td>{self.counts[i]:,}</td>", f"<td>{_pct(p1[i])}</td>",
                    f"<td><b>{_pct(p[i])}</b></td>", f"<td>{ratio(p[i] / p1[i])}</td>"]

        def section(text):
            return [f'<td colspan="5">{text}</td>']

        rows = ([section(_("most frequent"))] + [row(i) for i in self.frequent_ids]
                + ([section(_("least frequent"))] + [row(i) for i in self.rare_ids]
                   if len(self.rare_ids) else []))
        body = html_table([_("word"), _("count"), _("P at power 1"),
                           _("P at power {power:.2f}").format(power=power), _("change")], rows,
                          left=(0,))
        body = body.replace('<tr><td colspan="5">', '<tr class="w2v-section"><td colspan="5">')
        per_1000 = 1000 * rare
        headline = ('<div class="w2v-big">'
                    + _("Share of draws that hit a rare word (count &lt; {rare_below}): "
                        "<b>{share}</b> at power {power:.2f} (about {per_1000:.1f} in 1,000 "
                        "negatives; {share1} at power 1, {share0} at power 0).").format(
                            rare_below=self.rare_below, share=_pct(rare), power=power,
                            per_1000=per_1000, share1=_pct(rare1), share0=_pct(rare0))
                    + '</div>')
        self.result.value = headline + body
        self.plot.value = self._draw(power, p, p1, shown)

    def _draw(self, power: float, p: np.ndarray, p1: np.ndarray, shown: np.ndarray) -> bytes:
        labels = [self.id_to_word[int(i)] for i in shown]
        x = np.arange(len(shown))
        with plot_style():
            fig = figure(7.2, 4.4, left=0.16, bottom=0.26, top=0.83)
            ax = fig.subplots()
            ax.bar(x - 0.2, p1[shown], width=0.4, color=GREY, label=_("power 1 (raw frequency)"))
            ax.bar(x + 0.2, p[shown], width=0.4, color=BLUE, label=_("power {power:.2f}").format(power=power))
            ax.axhline(1 / len(np.flatnonzero(self.counts)), color=ORANGE, ls="--", lw=1.2,
                       label=_("power 0 (uniform)"))
            ax.set_yscale("log")
            lo = min(p1[shown].min(), p[shown].min(), 1 / len(np.flatnonzero(self.counts)))
            hi = max(p1[shown].max(), p[shown].max())
            ax.set_ylim(lo / 3, hi * 3)
            decades = range(int(np.floor(np.log10(lo / 3))), int(np.ceil(np.log10(hi * 3))) + 1)
            log_ticks(ax.yaxis, [10.0 ** e for e in decades], [f"{100 * 10.0 ** e:.10g}%" for e in decades])
            ax.set_xticks(x, labels, rotation=30, ha="right")
            if len(self.rare_ids):
                ax.axvline(len(self.frequent_ids) - 0.5, color="black", lw=0.8)
            ax.set_ylabel(_("probability of a draw"))
            ax.set_title(_("most frequent (left) and least frequent (right) words"))
            fig.legend(loc="upper center", ncols=3, frameon=False, fontsize=12,
                       bbox_to_anchor=(0.5, 1.0))      # above the axes, off the bars
            ax.grid(True, axis="y", alpha=0.3)
            return to_png(fig)

    def __repr__(self) -> str:
        return f"SamplerExplorer(power={self.power.value:.2f})"


def ratio(r: float) -> str:
    """A change factor that reads aloud: "7.00×", "0.40×", "1/550×" (never "0.00×")."""
    if r <= 0 or not np.isfinite(r):
        return f"{r:.2f}×"
    if r < 0.1:
        return f"1/{1 / r:,.0f}×"
    if r >= 100:
        return f"{r:,.0f}×"
    return f"{r:.2f}×"


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


