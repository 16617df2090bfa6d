"""The explorers in a real JupyterLab: run series notebooks in Chromium, drive the widgets, read them.

Two notebooks of the series, each opened from a scratch copy of ``notebooks/``
(see ``lab_root`` in conftest.py), with every output cleared first and then
run **up to its last explorer cell** (Run → Run All Above Selected Cell, with
the cell after it selected), so a stale saved state cannot pass and the slow
benchmark cells further down are not waited for:

* ``07_analogy_evaluation`` -- the neighbours and analogy explorers on the
  shipped PTB vectors ``w2vlib/data/vectors/ptb_cbow.npz``: type a word, move the
  top-n slider (keyboard and mouse), type a capitalised word, change an analogy
  and its scoring. Expected words are computed here with
  ``w2vlib.evaluate`` on the same file, and a few are also spelled out
  (toyota -> honda), so a wrong file or a silent fallback is caught;
* ``04_sigmoid_cross_entropy`` -- the sigmoid explorer: slider by keyboard and
  by mouse drag, label toggle, numbers and verdict.

Screenshots go to ``artifacts/browser/``. Run with ``make test-browser`` (or
``pytest tests/browser``); see conftest.py for skipping and CI.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]

NB_ANALOGY = "07_analogy_evaluation.ipynb"
NB_SIGMOID = "04_sigmoid_cross_entropy.ipynb"


# ------------------------------------------------------------------ helpers


def menu(page, top: str, item: str) -> None:
    """Click a menu-bar entry, then one of its items (by their visible labels)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def wait_for_idle_kernel(page, timeout: float = 120.0) -> None:
    """Wait until the status bar says the notebook's kernel is connected and idle.

    (The toolbar's execution indicator says "idle" before any kernel is connected,
    so it cannot be trusted for this.) A "Select Kernel" dialog, which JupyterLab
    may show on a busy machine, is answered with the default, Python 3.
    """
    idle = page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3.*\| Idle"))
    dialog = page.locator(".jp-Dialog")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dialog.count():
            if "Select Kernel" in dialog.inner_text():
                print("note: JupyterLab asked for a kernel; choosing the default")
                dialog.get_by_role("button", name="Select").click()
            else:
                raise AssertionError(f"unexpected dialog: {dialog.inner_text()!r}")
        elif idle.count():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the kernel was not idle after {timeout} s")


def notebook_cells(name: str) -> list[dict]:
    return json.loads((REPO / "notebooks" / name).read_text(encoding="utf-8"))["cells"]


def last_cell_calling(cells: list[dict], call: str) -> int:
    """Index of the last code cell whose source contains ``call`` (e.g. ``"analogy_explorer("``)."""
    hits = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and call in "".join(c["source"])]
    assert hits, f"no code cell calls {call!r}: did the notebook lose its explorer?"
    return hits[-1]


def run_up_to(page, server, notebook: str, last: int):
    """Open ``notebook``, clear all outputs, run cells 0..``last``; return its panel when done.

    Each notebook opens in a workspace of its own, so no tab of an earlier test is restored
    beside it. Selecting cell ``last + 1`` and choosing "Run All Above Selected Cell" runs
    exactly the cells up to ``last``; the next code cell must stay unrun (checked).
    """
    from playwright.sync_api import expect

    n_cells = len(notebook_cells(notebook))
    assert last + 1 < n_cells, "the explorer cell must not be the notebook's last cell"
    server.start_kernel_for(notebook)
    workspace = "w" + re.sub(r"\W", "", notebook.split("_")[0])
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{notebook}"))
    expect(page.locator(".jp-NotebookPanel")).to_have_count(1, timeout=120_000)
    panel = page.locator(".jp-NotebookPanel")
    cells = panel.locator(".jp-Notebook .jp-Cell")
    expect(cells).to_have_count(n_cells, timeout=120_000)
    wait_for_idle_kernel(page)

    menu(page, "Edit", "Clear Outputs of All Cells")
    expect(panel.locator(".jp-OutputArea-output")).to_have_count(0)
    after = cells.nth(last + 1)
    after.locator(".jp-InputPrompt").first.click()
    expect(after).to_have_class(re.compile(r"\bjp-mod-active\b"))
    menu(page, "Run", "Run All Above Selected Cell")
    expect(cells.nth(last).locator(".jp-InputArea-prompt")).to_have_text(
        re.compile(r"\[\d+\]"), timeout=180_000)
    wait_for_idle_kernel(page)
    # cells up to `last` ran (each code prompt shows a number); the rest did not
    # (a code cell whose source is folded -- metadata jupyter.source_hidden -- shows no prompt)
    prompts = [(i, cells.nth(i).locator(".jp-InputArea-prompt")) for i in range(n_cells)
               if "jp-CodeCell" in (cells.nth(i).get_attribute("class") or "")
               and cells.nth(i).locator(".jp-InputArea-prompt").count()]
    for i, prompt in prompts:
        if i <= last:
            expect(prompt).to_have_text(re.compile(r"\[\d+\]"))
    first_unrun = next(p for i, p in prompts if i > last)
    expect(first_unrun).not_to_have_text(re.compile(r"\d"))
    return panel


def no_errors_shown(panel) -> None:
    from playwright.sync_api import expect

    expect(panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    expect(panel.locator(".jp-Notebook")).not_to_contain_text("Error displaying widget")
    expect(panel.locator(".jp-Notebook")).not_to_contain_text("Traceback")


def drag_handle_to_left_end(page, control) -> None:
    """Drag a slider's handle with the mouse beyond the left end of its track."""
    track = control.locator(".noUi-target").bounding_box()
    knob = control.locator(".noUi-handle").bounding_box()
    y = knob["y"] + knob["height"] / 2
    page.mouse.move(knob["x"] + knob["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] - 50, y, steps=8)
    page.mouse.up()


# ------------------------------------------------------------------ notebook 07


@pytest.fixture(scope="module")
def ptb_vectors():
    """The committed vectors the notebook loads, and the answers expected from them."""
    from w2vlib.datasets import shipped_file
    from w2vlib.io import load_vectors

    # package data, w2vlib/data/vectors/ptb_cbow.npz (shipped_file says so if it is missing)
    wv = load_vectors(shipped_file("vectors", "ptb_cbow.npz"))
    return wv.word_vecs, wv.word_to_id, wv.id_to_word


def neighbours(vectors, word: str, top: int) -> list[str]:
    from w2vlib.evaluate import most_similar

    word_vecs, w2i, i2w = vectors
    return [w for w, _ in most_similar(word, w2i, i2w, word_vecs, top=top)]


def answers(vectors, a: str, b: str, c: str, normalize: bool = True) -> list[str]:
    from w2vlib.evaluate import analogy

    word_vecs, w2i, i2w = vectors
    return [w for w, _ in analogy(a, b, c, w2i, i2w, word_vecs, top=5, normalize=normalize)]


def test_neighbours_and_analogies_on_ptb_vectors(lab_server, lab_page, artifacts, ptb_vectors):
    from playwright.sync_api import expect

    page = lab_page
    started = time.monotonic()
    # spelled out as well as computed, so the test fails if both came from the wrong vectors
    assert neighbours(ptb_vectors, "toyota", 5)[:2] == ["honda", "lexus"]
    assert neighbours(ptb_vectors, "year", 5)[:2] == ["month", "week"]

    last = last_cell_calling(notebook_cells(NB_ANALOGY), "analogy_explorer(")
    panel = run_up_to(page, lab_server, NB_ANALOGY, last)
    explorer = panel.locator(".w2v-neighbours")
    expect(explorer).to_be_visible()
    expect(panel.locator(".w2v-analogy .w2v-result")).not_to_be_empty()
    page.wait_for_timeout(300)
    explorer.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "00_lab_07_after_run.png"))

    result = explorer.locator(".w2v-result")
    words = explorer.locator(".w2v-result td.w2v-word")

    # --- as the notebook left it: year, top 5
    expect(result).to_contain_text("Nearest to year")
    expect(words).to_have_text(neighbours(ptb_vectors, "year", 5))
    explorer.screenshot(path=str(artifacts / "01_neighbours_year.png"))

    # --- type a word
    box = explorer.locator(".w2v-ctl-query input")
    box.fill("toyota")
    box.press("Enter")
    expect(result).to_contain_text("Nearest to toyota")
    expect(words).to_have_text(neighbours(ptb_vectors, "toyota", 5))
    expect(words.first).to_have_text("honda")
    score = float(explorer.locator("td.w2v-val-score").first.inner_text())
    assert 0.5 < score < 1.0
    explorer.screenshot(path=str(artifacts / "02_neighbours_toyota.png"))

    # --- the top-n slider: keyboard to the maximum (20), then the mouse to the minimum (1)
    top = explorer.locator(".w2v-ctl-top")
    handle = top.locator(".noUi-handle")
    handle.focus()
    handle.press("End")
    expect(top.locator(".widget-readout")).to_have_text("20")
    expect(words).to_have_text(neighbours(ptb_vectors, "toyota", 20))
    page.wait_for_timeout(200)
    explorer.screenshot(path=str(artifacts / "03_neighbours_top20.png"))
    drag_handle_to_left_end(page, top)
    expect(top.locator(".widget-readout")).to_have_text("1")
    expect(words).to_have_text(["honda"])

    # --- bad input: a friendly message with the close match, no table, no traceback
    box.fill("Toyota")
    box.press("Enter")
    expect(explorer.locator(".w2v-msg")).to_contain_text("The vocabulary is lower-case: try toyota")
    expect(words).to_have_count(0)
    explorer.screenshot(path=str(artifacts / "04_neighbours_bad_input.png"))

    # --- the analogy explorer: as left by the notebook, then a new c, then the book's scoring
    ana = panel.locator(".w2v-analogy")
    ana.scroll_into_view_if_needed()
    answers_shown = ana.locator("td.w2v-word")
    expect(ana.locator(".w2v-result")).to_contain_text("father : mother = man : ?")
    expect(answers_shown).to_have_text(answers(ptb_vectors, "father", "mother", "man"))
    expect(answers_shown.first).to_have_text("woman")
    c_box = ana.locator(".w2v-ctl-c input")
    c_box.fill("he")
    c_box.press("Enter")
    expect(ana.locator(".w2v-result")).to_contain_text("father : mother = he : ?")
    expect(answers_shown).to_have_text(answers(ptb_vectors, "father", "mother", "he"))
    expect(answers_shown.first).to_have_text("she")
    ana.locator(".w2v-ctl-scoring button", has_text="the book").click()
    expect(ana.locator(".w2v-result th", has_text="dot product")).to_have_count(1)
    expect(answers_shown).to_have_text(answers(ptb_vectors, "father", "mother", "he", normalize=False))
    page.wait_for_timeout(200)
    ana.screenshot(path=str(artifacts / "05_analogy.png"))

    no_errors_shown(panel)
    print(f"notebook 07 in the browser: {time.monotonic() - started:.1f} s")


# ------------------------------------------------------------------ notebook 04


def test_sigmoid_slider_and_label_in_notebook_04(lab_server, lab_page, artifacts):
    from playwright.sync_api import expect

    page = lab_page
    started = time.monotonic()
    last = last_cell_calling(notebook_cells(NB_SIGMOID), "sigmoid_explorer(")
    panel = run_up_to(page, lab_server, NB_SIGMOID, last)
    sigmoid = panel.locator(".w2v-sigmoid")
    expect(sigmoid).to_be_visible()
    sigmoid.scroll_into_view_if_needed()

    def shows(**values):
        for key, text in values.items():
            expect(sigmoid.locator(f".w2v-val-{key}")).to_have_text(text)

    # as the notebook left it: a true target with score -4, badly wrong
    shows(score="-4.0", label="1", y="0.0180", gradient="-0.9820")
    sigmoid.screenshot(path=str(artifacts / "06_sigmoid_start.png"))

    # keyboard on the handle: End = the maximum, +8.0
    handle = sigmoid.locator(".w2v-ctl-score .noUi-handle")
    handle.focus()
    handle.press("End")
    shows(score="+8.0", y="0.9997", loss="0.0003")
    expect(sigmoid.locator(".w2v-result")).to_contain_text("Right and sure of it")

    # the mouse to the far left, then flip the label both ways
    drag_handle_to_left_end(page, sigmoid.locator(".w2v-ctl-score"))
    shows(score="-8.0")
    sigmoid.locator(".w2v-ctl-label button", has_text="t = 0").click()
    shows(label="0", loss="0.0003", gradient="+0.0003")
    sigmoid.locator(".w2v-ctl-label button", has_text="t = 1").click()
    shows(label="1", loss="8.0003", gradient="-0.9997")
    expect(sigmoid.locator(".w2v-result")).to_contain_text("Sure of the wrong answer")
    page.wait_for_timeout(300)                                  # let the plot settle
    sigmoid.screenshot(path=str(artifacts / "07_sigmoid_moved.png"))

    no_errors_shown(panel)
    print(f"notebook 04 in the browser: {time.monotonic() - started:.1f} s")
