"""The chapter's figures, drawn by code, and the projector style every notebook uses.

Every figure function returns a pyplot-free :class:`matplotlib.figure.Figure` (a notebook
cell ending with the call shows it once), is deterministic, and draws under
:data:`~.style.PROJECTOR_RC` (dpi 120, text of 12 pt and more) whatever the global style:

* :func:`embedding_forward` -- figure 4-4: ``out = W[idx]`` picks rows;
* :func:`embedding_backward` -- figures 4-4/4-5: ``dout`` rows flow back into dW; a repeated
  id adds (``mode="add"``) or loses a row (``mode="assign"``);
* :func:`sigmoid_with_loss_graph` -- figure 4-10: x -> Sigmoid -> y -> Cross Entropy Error
  <- t -> L, with the backward y - t in another colour;
* :func:`negative_sampling_network` -- figures 4-12/4-17: contexts -> Embedding -> h (mean)
  -> EmbeddingDot with the target and the sampled negatives -> Sigmoid with Loss -> loss;
* :func:`context_window` -- a sentence with the target and its context boxed;
* :func:`cbow_vs_skipgram` -- two panels: contexts -> target, target -> contexts.

The text of every figure is in :data:`~.labels.LABELS` (English; one table to translate).
:func:`use_projector_style` sets matplotlib's defaults for the notebooks' own plots and
:func:`legend_outside` puts a legend beside the axes, off the data. :func:`use_korean_font`
(called by ``notebook.setup(language="ko")``) draws Hangul with the NanumGothic that
koreanize-matplotlib bundles, so the Korean notebooks' figures render on a fresh machine.
"""

from .context import cbow_vs_skipgram, context_window
from .embedding import embedding_backward, embedding_forward
from .graphs import negative_sampling_network, sigmoid_with_loss_graph
from .labels import LABELS
from .style import PROJECTOR_RC, is_projector_style, legend_outside, new_figure, to_png, use_projector_style

__all__ = ["use_projector_style", "is_projector_style", "legend_outside", "new_figure", "to_png",
           "PROJECTOR_RC", "LABELS", "embedding_forward", "embedding_backward",
           "sigmoid_with_loss_graph", "negative_sampling_network", "context_window", "cbow_vs_skipgram",
           "use_korean_font", "use_default_font", "korean_font", "korean_family", "bundled_korean_font_files",
           "INSTALLED_KOREAN_FONTS"]


# ------------------------------------------------------------------ fonts: Hangul in figures

# The Korean notebooks draw with NanumGothic (bundled by the dependency koreanize-matplotlib,
# SIL Open Font License 1.1) for Hangul and Latin, then matplotlib's own DejaVu Sans for the
# glyphs NanumGothic lacks -- above all the minus sign U+2212 of every negative tick label,
# which matplotlib takes from the next font of the family list.
#: Fonts with Hangul a machine may have installed, tried when the bundled file is missing.
INSTALLED_KOREAN_FONTS = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic",
                          "AppleGothic", "UnDotum")
#: The files of the bundled family registered with matplotlib (regular and bold).
_BUNDLED_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")


def bundled_korean_font_files() -> list:
    """Paths of NanumGothic (regular, bold) inside koreanize-matplotlib, or [] without it.

    Found with :func:`importlib.util.find_spec`, without importing the package: its import
    runs ``distutils``' ``LooseVersion`` (a DeprecationWarning on Python 3.11, gone with
    distutils on 3.12 unless setuptools stands in) and switches matplotlib's unicode minus
    off, which we keep on.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return [fonts / name for name in _BUNDLED_FILES if (fonts / name).is_file()]


def korean_font() -> str | None:
    """Make a font with Hangul known to matplotlib and return its family name (None if none).

    Registers the bundled NanumGothic once (``font_manager.fontManager.addfont``; no system
    install, no font cache rebuilt); without it, the first of :data:`INSTALLED_KOREAN_FONTS`
    matplotlib already knows. Changes no rc setting: :func:`use_korean_font` does that.
    """
    import dataclasses

    from matplotlib import font_manager

    manager = font_manager.fontManager
    known = {f.fname for f in manager.ttflist}
    # bold first, regular last: NanumGothicBold.ttf declares weight 600, so each bold title
    # would log "findfont: Failed to find font weight bold ... now using 600" (stderr in a
    # notebook); it is registered as 700, and adding the regular face after it clears the
    # font lookup cache
    for path in sorted(bundled_korean_font_files(), key=lambda p: "Bold" not in p.name):
        if str(path) in known:
            continue
        manager.addfont(str(path))
        if "Bold" in path.name:
            manager.ttflist[:] = [dataclasses.replace(f, weight=700) if f.fname == str(path) else f
                                  for f in manager.ttflist]
    names = {f.name for f in manager.ttflist}
    return next((name for name in INSTALLED_KOREAN_FONTS if name in names), None)


def korean_family() -> list[str]:
    """``font.family`` for Hangul: the Korean font first, DejaVu Sans after it for what the
    Korean font lacks (the minus sign); just DejaVu Sans when no Korean font is found."""
    font = korean_font()
    return [font, "DejaVu Sans"] if font else ["DejaVu Sans"]


def use_korean_font() -> str | None:
    """Draw figures with Hangul from now on (``notebook.setup(language="ko")`` calls it).

    Sets ``font.family`` to :func:`korean_family` and keeps ``axes.unicode_minus`` on (the
    minus comes from DejaVu Sans); idempotent. Returns the Korean font's name, or None after
    a warning when there is none (Hangul would then be drawn as empty boxes).
    """
    import warnings

    import matplotlib

    font = korean_font()
    if font is None:
        warnings.warn("no font with Hangul found: install koreanize-matplotlib (a w2vlib "
                      "dependency) or a Korean font such as fonts-nanum", stacklevel=2)
    matplotlib.rcParams["font.family"] = korean_family()
    matplotlib.rcParams["axes.unicode_minus"] = True
    _forget_text_widths()
    return font


def use_default_font() -> None:
    """Back to matplotlib's default ``font.family`` (English notebooks)."""
    import matplotlib

    matplotlib.rcParams["font.family"] = matplotlib.rcParamsDefault["font.family"]
    _forget_text_widths()


def _forget_text_widths() -> None:
    # the diagrams size their boxes with text widths measured in the current font (cached)
    from .draw import text_width

    text_width.cache_clear()
