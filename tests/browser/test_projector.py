"""Projector mode in a real JupyterLab at 1920 x 1080: explorers fit the screen, figures are
sharp, the cost explorer reads a typed size, and a notebook runs as a RISE slideshow.

* a scratch notebook (written into the scratch copy of ``notebooks/``) shows one of the
  chapter's figures and four explorers at their tallest settings (the sampler on PTB, twenty
  neighbours); each explorer's rendered height must fit a 1080-pixel screen with room for the
  browser (<= 700 px), the figure must be drawn at projector dpi, and typing 1000000 into the
  cost explorer's size box and pressing Enter must move it (the old readout blanked);
* ``03_embedding_backward_bug`` opened as slides (RISE's "Render as Reveal Slideshow",
  command ``RISE:preview``), advanced three slides with the arrow key.

Screenshots go to ``artifacts/browser/`` (10_* explorers and the figure, 20_* slides).
"""

from __future__ import annotations

import json
import re
import time

import pytest

from .conftest import browser_tab
from .test_lab import menu, no_errors_shown, wait_for_idle_kernel

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1920, "height": 1080}
#: Tallest an explorer may be: 1080 px minus the browser's and JupyterLab's bars, with room.
MAX_EXPLORER_HEIGHT = 700
SCRATCH = "zz_projector_check.ipynb"
SLIDES = "03_embedding_backward_bug.ipynb"

CELLS = [
    "from w2vlib.study.figures import negative_sampling_network\nnegative_sampling_network()",
    "from w2vlib import datasets\nfrom w2vlib.study.widgets import sampler_explorer\n"
    "corpus, _, id_to_word = datasets.load_ptb('train', download=False)\n"
    "sampler_explorer(corpus, id_to_word, power=0.75)",
    "from w2vlib.datasets import shipped_file\nfrom w2vlib.io import load_vectors\n"
    "from w2vlib.study.widgets import neighbours_explorer\n"
    "wv = load_vectors(shipped_file('vectors', 'ptb_cbow.npz'))\n"
    "neighbours_explorer(wv.word_vecs, wv.word_to_id, wv.id_to_word, query='year', top=20)",
    "from w2vlib.study.widgets import cost_explorer\ncost_explorer(vocab_size=10_000)",
    "from w2vlib.study.widgets import sigmoid_explorer\nsigmoid_explorer(score=-4.0)",
    "'done'",
]


def write_scratch_notebook(root) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
              "outputs": [], "source": src} for i, src in enumerate(CELLS)]
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}}}
    (root / SCRATCH).write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture
def screen(chromium_browser, artifacts):
    """A 1920 x 1080 tab; its last state is saved as ``98_projector_last_state.png``."""
    with browser_tab(chromium_browser, artifacts, VIEWPORT, "98_projector_last_state.png") as page:
        yield page


def open_notebook(page, server, notebook: str, n_cells: int):
    from playwright.sync_api import expect

    server.start_kernel_for(notebook)
    workspace = "p" + re.sub(r"\W", "", notebook.split("_")[0] + notebook.split("_")[1])
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{notebook}"))
    panel = page.locator(".jp-NotebookPanel")
    expect(panel).to_have_count(1, timeout=120_000)
    expect(panel.locator(".jp-Notebook .jp-Cell")).to_have_count(n_cells, timeout=120_000)
    wait_for_idle_kernel(page)
    return panel


def test_explorers_fit_a_1080p_screen_and_figures_are_sharp(lab_server, lab_root, screen,
                                                           artifacts):
    from playwright.sync_api import expect

    page, started = screen, time.monotonic()
    write_scratch_notebook(lab_root)
    panel = open_notebook(page, lab_server, SCRATCH, len(CELLS))
    cells = panel.locator(".jp-Notebook .jp-Cell")
    menu(page, "Run", "Run All Cells")
    expect(cells.last.locator(".jp-InputArea-prompt")).to_have_text(re.compile(r"\[\d+\]"),
                                                                     timeout=180_000)
    wait_for_idle_kernel(page)
    no_errors_shown(panel)

    heights = {}
    for kind in ("sampler", "neighbours", "cost", "sigmoid"):
        explorer = panel.locator(f".w2v-{kind}")
        expect(explorer).to_be_visible()
        expect(explorer.locator(".w2v-result")).not_to_be_empty()
        explorer.scroll_into_view_if_needed()
        page.wait_for_timeout(300)                      # let the plot image load
        box = explorer.bounding_box()
        heights[kind] = round(box["height"])
        explorer.screenshot(path=str(artifacts / f"10_explorer_{kind}.png"))
        assert box["x"] + box["width"] <= VIEWPORT["width"] + 1, f"{kind} is wider than the screen"
    print(f"explorer heights at 1920 x 1080: {heights}")
    assert all(h <= MAX_EXPLORER_HEIGHT for h in heights.values()), heights
    assert panel.locator(".w2v-neighbours td.w2v-word").count() == 20

    # the figure: drawn at projector dpi (120), shown without being squeezed to a thumbnail
    image = cells.nth(0).locator(".jp-OutputArea-output img")
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    natural, shown = image.evaluate("img => [img.naturalWidth, img.getBoundingClientRect().width]")
    assert natural >= 1200, f"the figure is {natural} px wide: not drawn at projector dpi"
    assert shown >= 1000, f"the figure is squeezed to {shown:.0f} px"
    image.screenshot(path=str(artifacts / "11_figure_negative_sampling.png"))

    # notebook 02's bug: type a size into the box and press Enter
    cost = panel.locator(".w2v-cost")
    cost.scroll_into_view_if_needed()
    size = cost.locator(".w2v-ctl-vocab-box input")
    size.fill("1000000")
    size.press("Enter")
    expect(size).to_have_value("1,000,000")
    expect(cost.locator(".w2v-result")).to_contain_text("V = 1,000,000")
    expect(cost.locator(".w2v-result")).to_contain_text("1,000,000× less arithmetic")
    size.fill("a lot")
    size.press("Enter")
    expect(cost.locator(".w2v-vocab-msg")).to_contain_text("could not read “a lot” as a number")
    expect(cost.locator(".w2v-result")).to_contain_text("V = 1,000,000")
    page.wait_for_timeout(300)
    cost.screenshot(path=str(artifacts / "12_cost_typed_1000000.png"))
    no_errors_shown(panel)
    print(f"projector checks in the browser: {time.monotonic() - started:.1f} s")


def present_slide_title(frame) -> str:
    return frame.evaluate("() => { const s = document.querySelector("
                          "'.reveal .slides section.present'); "
                          "return s ? s.innerText.trim().split('\\n')[0] : '' }")


def test_a_notebook_runs_as_a_slideshow(lab_server, screen, artifacts):
    """RISE (jupyterlab-rise): View > Render as Reveal Slideshow (command RISE:preview, Alt+R)
    opens the notebook as slides beside it; the arrow key advances them."""
    from playwright.sync_api import expect

    page, started = screen, time.monotonic()
    cells = json.loads((lab_server.root / SLIDES).read_text(encoding="utf-8"))["cells"]
    open_notebook(page, lab_server, SLIDES, len(cells))
    menu(page, "View", "Render as Reveal Slideshow")
    slides = page.frame_locator("iframe[src*='/rise/']")
    expect(slides.locator(".reveal .slides section.present").first).to_be_visible(timeout=120_000)
    frame = next(f for f in page.frames if "/rise/" in f.url)
    n_slides = frame.evaluate("() => document.querySelectorAll('.reveal .slides > section').length")
    assert n_slides >= 4, f"only {n_slides} slides"
    page.wait_for_timeout(1000)
    titles = [present_slide_title(frame)]
    page.screenshot(path=str(artifacts / "20_slides_0.png"))
    for i in range(1, 4):
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + 15
        while present_slide_title(frame) == titles[-1] and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        titles.append(present_slide_title(frame))
        page.wait_for_timeout(700)                      # the transition
        page.screenshot(path=str(artifacts / f"20_slides_{i}.png"))
    print(f"slides: {titles}")
    assert len(set(titles)) == 4, f"the slides did not advance: {titles}"
    assert all(titles), titles
    print(f"slide mode in the browser: {time.monotonic() - started:.1f} s")
