"""One call at the top of every notebook: steady timings and figures a projector can show.

>>> from w2vlib.study import notebook
>>> notebook.setup()                     # doctest: +SKIP

What it does, and why each notebook needs it even when ``make lab`` already set
``OPENBLAS_NUM_THREADS=1``:

* **One BLAS thread.** The notebooks time implementations against each other. A
  multi-threaded BLAS on a small laptop, where a browser and a video call compete for
  the cores, turns those timings into noise; and a learner who starts JupyterLab by
  hand (or from an IDE) never gets the environment variable. ``threadpoolctl`` limits
  the thread pools already loaded in this kernel, which an environment variable set
  after start-up cannot do.
* **Figures for a projector** (``w2vlib.study.figures.use_projector_style``): dpi and
  fonts large enough to read from the back of a room, legends off the data.
* **The language** (``language="ko"``): Korean messages, and figures drawn with a font that
  has Hangul (NanumGothic, bundled by koreanize-matplotlib, so a fresh machine needs no
  font installed; the minus sign still comes from DejaVu Sans). ``language="en"`` goes back
  to English and matplotlib's default font.
* **Arrays printed on one line** where they fit (``linewidth=100``).

Calling it twice changes nothing; :func:`blas_threads` tells what it pinned.
"""

from __future__ import annotations

import numpy as np

_LIMITER = None          # kept alive: threadpoolctl undoes its limits when collected


def setup(*, blas_threads: int = 1, projector: bool = True, linewidth: int = 100,
          language: str | None = None) -> None:
    """Pin BLAS to ``blas_threads`` threads, set the figure style and numpy's print width.

    ``language="ko"`` (the Korean notebooks) makes checks, widgets and errors speak Korean
    (:func:`w2vlib.set_language`) and gives figures a font with Hangul; None keeps the
    language as it is (English, or ``W2VLIB_LANG``).
    """
    global _LIMITER
    if language is not None:
        from w2vlib.i18n import get_language, set_language

        set_language(language)
        language = get_language()           # "ko_KR", "korean" -> "ko"
    if not isinstance(blas_threads, int) or isinstance(blas_threads, bool) or blas_threads < 1:
        raise ValueError(f"blas_threads must be a whole number >= 1, got {blas_threads!r}")
    from threadpoolctl import threadpool_limits

    _LIMITER = threadpool_limits(limits=blas_threads, user_api="blas")
    np.set_printoptions(linewidth=linewidth)
    if projector:
        _projector_style()
    if language is not None:
        _font_for(language)


def blas_threads() -> list[int]:
    """The thread count of each BLAS library loaded in this process (after :func:`setup`: all 1)."""
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool.get("user_api") == "blas"]


def _projector_style() -> None:
    from w2vlib.study.figures import use_projector_style

    use_projector_style()


def _font_for(language: str) -> None:
    from w2vlib.study.figures import use_default_font, use_korean_font

    if language == "ko":
        use_korean_font()
    else:
        use_default_font()
