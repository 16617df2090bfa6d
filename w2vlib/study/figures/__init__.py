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
koreanize-matplotlib bundles (plus a minus sign), so the Korean notebooks' figures render on
a fresh machine.
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
           "INSTALLED_KOREAN_FONTS", "KOREAN_FONT"]


# ------------------------------------------------------------------ fonts: Hangul in figures

# The Korean notebooks draw Hangul with NanumGothic, bundled by the dependency
# koreanize-matplotlib (SIL Open Font License 1.1), then matplotlib's own DejaVu Sans for the
# glyphs it lacks. One glyph it lacks cannot come from the next font of the list: the minus
# sign U+2212 that mathtext draws in every log-axis tick below 1 ($\mathdefault{10^{-3}}$) and
# in every label mixing Hangul and $math$ -- mathtext takes its "default" text from the first
# font only, and logs "Font 'default' does not have a glyph for '\u2212'" on the notebook's
# stderr. So the first font is a copy of NanumGothic with a minus sign added (a bar as wide
# as its plus sign, at the plus sign's height), written once into matplotlib's cache
# directory. As a Modified Version under the OFL it may not carry the Reserved Font Name
# (NanumGothic), so it is called KOREAN_FONT; its bold face is marked weight 700 (the original
# says 600, and each bold title would log "findfont: Failed to find font weight bold").

#: The family name of the derived font (NanumGothic with a minus sign; see above).
KOREAN_FONT = "W2V Hangul Gothic"
#: Fonts with Hangul a machine may have installed, tried when the bundled file is missing.
INSTALLED_KOREAN_FONTS = (KOREAN_FONT, "NanumGothic", "Noto Sans CJK KR", "Noto Sans KR",
                          "Malgun Gothic", "AppleGothic", "UnDotum")
#: The files of the bundled family registered with matplotlib (regular and bold).
_BUNDLED_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
#: Bump when the derivation changes, so cached copies are made again.
_DERIVED_VERSION = 1


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


def _derive_font(source, target) -> None:
    """Write ``source`` (NanumGothic) to ``target`` with a minus sign, renamed, bold as 700."""
    import os

    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), recalcBBoxes=False, recalcTimestamp=False)   # no glyph unpacked
    for tag in [t for t in font.keys() if t.startswith("TSI")]:
        del font[tag]                                   # hinting sources of the font editor
    cmap = font.getBestCmap()
    glyf, hmtx = font["glyf"], font["hmtx"]
    if 0x2212 not in cmap:
        plus, hyphen = glyf[cmap[ord("+")]], glyf[cmap[ord("-")]]
        middle = (plus.yMin + plus.yMax) / 2
        half = (hyphen.yMax - hyphen.yMin) / 2
        bottom, top = round(middle - half), round(middle + half)
        pen = TTGlyphPen(None)
        pen.moveTo((plus.xMin, bottom))
        pen.lineTo((plus.xMin, top))
        pen.lineTo((plus.xMax, top))
        pen.lineTo((plus.xMax, bottom))
        pen.closePath()
        order = font.getGlyphOrder()
        font.setGlyphOrder([*order, "uni2212"])
        glyf.glyphOrder = font.getGlyphOrder()
        minus = pen.glyph()
        minus.recalcBounds(glyf)                          # not done on save (recalcBBoxes=False)
        glyf["uni2212"] = minus
        hmtx["uni2212"] = (hmtx[cmap[ord("+")]][0], plus.xMin)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[0x2212] = "uni2212"
    bold = font["OS/2"].usWeightClass >= 600
    if bold:
        font["OS/2"].usWeightClass = 700
    name = font["name"]
    name.names = [n for n in name.names if n.nameID not in (1, 3, 4, 6, 16, 17, 18, 20)]
    style = "Bold" if bold else "Regular"
    full = f"{KOREAN_FONT} {style}" if bold else KOREAN_FONT
    postscript = KOREAN_FONT.replace(" ", "") + "-" + style
    for platform in ((3, 1, 0x409), (1, 0, 0)):
        name.setName(KOREAN_FONT, 1, *platform)
        name.setName(f"{postscript};w2vlib-{_DERIVED_VERSION}", 3, *platform)
        name.setName(full, 4, *platform)
        name.setName(postscript, 6, *platform)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)                          # another kernel may be writing too


def _korean_font_files() -> list:
    """The derived fonts (made once, in matplotlib's cache directory); the bundled originals
    when they cannot be made (no fontTools, a read-only cache); [] without koreanize-matplotlib."""
    from pathlib import Path

    import matplotlib

    sources = bundled_korean_font_files()
    try:
        cache = Path(matplotlib.get_cachedir()) / "w2vlib-fonts"
        cache.mkdir(parents=True, exist_ok=True)
        made = []
        for source in sources:
            target = cache / f"W2VHangulGothic-{source.stem}-{source.stat().st_size}-v{_DERIVED_VERSION}.ttf"
            if not target.is_file():
                _derive_font(source, target)
            made.append(target)
        return made
    except Exception:  # any failure: the original font, without the minus sign
        return sources


def korean_font() -> str | None:
    """Make a font with Hangul known to matplotlib and return its family name (None if none).

    Registers :data:`KOREAN_FONT` (NanumGothic from koreanize-matplotlib with a minus sign
    added) once with ``font_manager.fontManager.addfont``: no system install, no font cache
    rebuilt. Without it, the first of :data:`INSTALLED_KOREAN_FONTS` matplotlib already knows.
    Changes no rc setting: :func:`use_korean_font` does that.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    known = {f.fname for f in manager.ttflist}
    for path in _korean_font_files():
        if str(path) not in known:
            manager.addfont(str(path))
    names = {f.name for f in manager.ttflist}
    return next((name for name in INSTALLED_KOREAN_FONTS if name in names), None)


def korean_family() -> list[str]:
    """``font.family`` for Hangul: the Korean font first, DejaVu Sans after it for what the
    Korean font lacks; just DejaVu Sans when no Korean font is found."""
    font = korean_font()
    return [font, "DejaVu Sans"] if font else ["DejaVu Sans"]


def use_korean_font() -> str | None:
    """Draw figures with Hangul from now on (``notebook.setup(language="ko")`` calls it).

    Sets ``font.family`` to :func:`korean_family` and keeps ``axes.unicode_minus`` on (the
    Korean font has the minus sign); idempotent. Returns the Korean font's name, or None after
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
