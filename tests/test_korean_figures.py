"""Figures in Korean: Hangul renders on a fresh machine, and the minus sign still does.

``notebook.setup(language="ko")`` (the first cell of every Korean notebook) must make
matplotlib draw Hangul with the NanumGothic that the dependency koreanize-matplotlib bundles
(as :data:`~w2vlib.study.figures.KOREAN_FONT`, a copy with a minus sign), without any font
installed on the machine. Each test here draws with warnings turned into errors and
matplotlib's log captured: a glyph missing from the font is a ``UserWarning: Glyph 45348
(\\N{HANGUL SYLLABLE NE}) missing from font(s) DejaVu Sans.``; a glyph missing in mathtext
(log-axis ticks such as 10^-3, labels mixing Hangul and $math$) is a logged "Font 'default'
does not have a glyph for '\\u2212'"; a missing weight is a logged "findfont: Failed to
find font weight" -- all would land on a notebook's stderr. ``fresh_machine`` hides every
Korean font the machine may have installed (fonts-nanum, Noto CJK), so only the bundled one
can pass.

Counter-proofs: the same labels drawn with DejaVu Sans (matplotlib's default, no Hangul) must
warn, and the log plot drawn with the unmodified NanumGothic first must log the missing minus,
so the checks above can fail.
"""

from __future__ import annotations

import io
import logging
import re
import warnings

import matplotlib
import pytest

from w2vlib.study import figures, notebook

HANGUL = re.compile("[\uac00-\ud7a3]")
#: Names of fonts with Hangul a machine may have installed (hidden by ``fresh_machine``).
SYSTEM_KOREAN = ("Nanum", "Noto Sans CJK", "Noto Serif CJK", "Noto Sans KR", "Malgun", "AppleGothic",
                 "UnDotum", "Baekmuk", "UnBatang")

CHAPTER_FIGURES = {
    "embedding_forward": lambda: figures.embedding_forward(),
    "embedding_backward_add": lambda: figures.embedding_backward(mode="add"),
    "embedding_backward_assign": lambda: figures.embedding_backward(mode="assign"),
    "sigmoid_with_loss_graph": lambda: figures.sigmoid_with_loss_graph(),
    "sigmoid_with_loss_combined": lambda: figures.sigmoid_with_loss_graph(combined=True),
    "negative_sampling_network": lambda: figures.negative_sampling_network(),
    "context_window": lambda: figures.context_window(),
    "cbow_vs_skipgram": lambda: figures.cbow_vs_skipgram(),
}


@pytest.fixture
def fresh_machine(monkeypatch):
    """matplotlib as on a machine without any Korean font installed; rc and language restored."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    kept = [f for f in manager.ttflist if not any(name in f.name for name in SYSTEM_KOREAN)
            or "koreanize_matplotlib" in f.fname or "w2vlib-fonts" in f.fname]
    monkeypatch.setattr(manager, "ttflist", kept)
    manager._findfont_cached.cache_clear()
    with matplotlib.rc_context():
        yield manager
    manager._findfont_cached.cache_clear()
    from w2vlib.i18n import set_language

    set_language("en")
    figures.use_default_font()


class FontTrouble(logging.Handler):
    """Collects matplotlib's logged warnings ("findfont: ...", mathtext's "does not have a glyph")."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def font_log():
    handler = FontTrouble()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def korean_plot():
    """A plot as the Korean notebooks draw them: Korean title, labels and legend, negative ticks."""
    fig = figures.new_figure(name="korean_plot")
    ax = fig.subplots()
    ax.plot([-3, -1, 0, 2], [-2.0, -0.5, 0.0, 1.0], label="네거티브 샘플링")
    ax.plot([-3, 2], [1.0, -1.0], label="원핫 행렬 곱")
    ax.set_title("에폭마다 손실(loss)이 줄어듭니다", fontweight="bold")
    ax.set_xlabel("어휘 수 V (로그 눈금)")
    ax.set_ylabel("손실 −log σ(x)")
    figures.legend_outside(ax)
    return fig


def korean_log_plot():
    """A log-log plot of times below a second, as notebooks 01, 02 and 05 draw them: every y tick
    is mathtext with a minus ($\\mathdefault{10^{-6}}$), and labels mix Hangul and $math$."""
    fig = figures.new_figure(name="korean_log_plot")
    ax = fig.subplots()
    ax.loglog([1e3, 1e4, 1e5], [1e-6, 1e-4, 1e-2], "o-", label=r"$V=10^6$까지 외삽한 값")
    ax.loglog([1e3, 1e5], [2e-6, 2e-6], "s--", label="Embedding, 순전파")
    ax.set_xlabel("어휘 수 $V$")
    ax.set_ylabel(r"초 ($-\log_{10}$ 눈금)")
    ax.set_title(r"입력층: 시간 $\sigma(-x)$", fontweight="bold")
    figures.legend_outside(ax)
    return fig


def texts_of(fig) -> list[str]:
    found = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    found += [t for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label)]
    found += [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    return [t.get_text() for t in found]


def with_hangul(value):
    """A figure label with a Korean word added (format fields and mathtext left alone)."""
    if not isinstance(value, str) or "$" in value or not value.strip():
        return value
    return value + " 한국어"


# ------------------------------------------------------------------ the Korean setup


def test_setup_in_korean_draws_with_the_bundled_font_and_keeps_the_projector_style(fresh_machine):
    assert figures.bundled_korean_font_files(), "koreanize-matplotlib (a dependency) is missing"
    notebook.setup(language="ko")
    family = matplotlib.rcParams["font.family"]
    assert family[0] == figures.KOREAN_FONT and "DejaVu Sans" in family
    assert matplotlib.rcParams["axes.unicode_minus"] is True       # the true minus sign, U+2212
    assert figures.is_projector_style()
    path = matplotlib.font_manager.findfont(figures.KOREAN_FONT, fallback_to_default=False)
    assert "w2vlib-fonts" in path                                   # made from the bundled file
    notebook.setup(language="en")
    assert matplotlib.rcParams["font.family"] == matplotlib.rcParamsDefault["font.family"]


def test_chapter_figures_and_a_korean_plot_render_without_a_missing_glyph(fresh_machine, font_log,
                                                                         monkeypatch):
    notebook.setup(language="ko")
    # every text of the chapter's figures carries Hangul, as the translated table will
    if isinstance(figures.LABELS, dict):
        for key, value in list(figures.LABELS.items()):
            monkeypatch.setitem(figures.LABELS, key, with_hangul(value))
    drawn_hangul = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # "Glyph ... missing from font(s)" fails
        for name, draw in {**CHAPTER_FIGURES, "korean_plot": korean_plot,
                           "korean_log_plot": korean_log_plot}.items():
            fig = draw()
            assert png(fig)[:8] == b"\x89PNG\r\n\x1a\n", name
            figures.to_png(fig)                        # the notebooks' PNG, cropped
            drawn_hangul += sum(bool(HANGUL.search(t)) for t in texts_of(fig))
    assert drawn_hangul >= 10, "the figures drew almost no Korean: the check proves nothing"
    assert not font_log, font_log


def test_the_minus_sign_renders_in_korean(fresh_machine, font_log):
    notebook.setup(language="ko")
    fig = figures.new_figure(name="minus")
    ax = fig.subplots()
    ax.plot([-5, 5], [-1, 1])
    ax.set_title("σ(−x) = 1 − σ(x)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png(fig)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any(t.startswith("\u2212") for t in ticks), ticks      # drawn as U+2212, not "-"
    assert not font_log, font_log


def test_without_the_korean_font_a_hangul_label_warns(fresh_machine):
    """The same kind of figure, drawn with DejaVu Sans (no Hangul), must warn: the checks above
    would catch a setup that forgot the font."""
    notebook.setup(language="ko")
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match=r"Glyph \d+ .* missing from font"):
            png(korean_plot())


def test_with_the_unmodified_nanumgothic_first_a_log_axis_loses_its_minus(fresh_machine, font_log):
    """Why the Korean font is a copy with a minus sign: mathtext draws a log tick's minus with the
    first font of the family only, and NanumGothic has none (a dummy glyph and a logged warning)."""
    notebook.setup(language="ko")
    from matplotlib import font_manager

    for path in figures.bundled_korean_font_files():
        font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams["font.family"] = ["NanumGothic", "DejaVu Sans"]
    png(korean_log_plot())
    assert any("does not have a glyph for '\\u2212'" in m for m in font_log), font_log


def test_the_korean_font_is_nanumgothic_with_a_minus_sign_renamed_as_the_ofl_asks():
    from fontTools.ttLib import TTFont

    from w2vlib.study.figures import _korean_font_files

    sources = figures.bundled_korean_font_files()
    derived = _korean_font_files()
    assert len(derived) == len(sources) == 2 and all("w2vlib-fonts" in str(p) for p in derived)
    for source, copy in zip(sources, derived, strict=True):
        original, font = TTFont(str(source)), TTFont(str(copy))
        assert 0x2212 not in original.getBestCmap() and 0x2212 in font.getBestCmap()
        assert font.getBestCmap()[0xAC00] == original.getBestCmap()[0xAC00]         # 가 kept
        names = {n.toUnicode() for n in font["name"].names if n.nameID in (1, 4, 6, 16)}
        assert names and not any("nanum" in n.lower() or "나눔" in n for n in names), names
        assert font["name"].getDebugName(1) == figures.KOREAN_FONT
    assert TTFont(str(derived[1]))["OS/2"].usWeightClass == 700                   # bold is bold


def test_the_explorers_pictures_draw_their_korean_terms(fresh_machine):
    """The PNG beside each explorer (for nbviewer and GitHub) keeps its Korean terms now, instead
    of dropping them as it did without a Korean font installed."""
    from w2vlib.study import widgets
    from w2vlib.study.widgets import base

    assert base.korean_font() == figures.KOREAN_FONT                # made from the bundled one
    ex = widgets.cost_explorer(vocab_size=10_000)
    title = ex._snapshot_lines()[0]
    assert "임베딩" in title and base.drawable(title, base.korean_font()) == title
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        picture = ex.snapshot()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base, "korean_font", lambda: None)               # as before: Hangul dropped
        without = ex.snapshot()
    assert picture != without


def test_explorer_plots_use_the_korean_font_in_korean_even_without_setup(fresh_machine):
    from w2vlib.i18n import set_language
    from w2vlib.study.widgets import base

    with base.plot_style():
        assert figures.KOREAN_FONT not in matplotlib.rcParams["font.family"]   # English: unchanged
    set_language("ko")
    with base.plot_style():
        assert matplotlib.rcParams["font.family"][0] == figures.KOREAN_FONT
        fig = base.figure(4, 3)
        fig.subplots().set_title("단어 빈도의 0.75제곱")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            base.to_png(fig)
