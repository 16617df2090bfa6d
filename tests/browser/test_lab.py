"""The explorers in a real JupyterLab: run a notebook in Chromium, drive the widgets, read them.

The test writes a small scratch notebook (toy vectors with planted neighbours,
no data needed) into a scratch copy of ``notebooks/``, opens it in JupyterLab,
clears every output, runs all cells, then types into the neighbours explorer
and moves the sigmoid slider, checking each time that the shown words and
numbers change to the expected ones. Screenshots go to ``artifacts/browser/``.

Run with ``make test-browser`` (or ``pytest tests/browser``); see conftest.py.

To test a series notebook instead, set :data:`NOTEBOOK` to its file name (it
must display a neighbours explorer made with ``query="king"`` on vectors where
"toyota"'s nearest word is "honda", and a sigmoid explorer) and drop
:func:`write_smoke_notebook`.
"""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.browser

#: The notebook the test opens (written by the test into the scratch root).
NOTEBOOK = "w2vlib_widgets_smoke.ipynb"

SETUP = '''\
import numpy as np
from w2vlib import widgets

# toy word vectors with planted structure: toyota ~ honda, king - man + woman = queen
axes = ["royal", "person", "male", "female", "vehicle", "brand", "japan", "time"]
a = dict(zip(axes, np.eye(len(axes))))
planted = {
    "king": a["royal"] + a["male"], "queen": a["royal"] + a["female"],
    "prince": a["royal"] + a["male"] + 0.3 * a["time"],
    "man": a["person"] + a["male"], "woman": a["person"] + a["female"],
    "car": a["vehicle"], "truck": a["vehicle"] + 0.5 * a["time"],
    "toyota": a["vehicle"] + a["brand"] + a["japan"], "honda": a["vehicle"] + a["brand"] + a["japan"],
    "ford": a["vehicle"] + a["brand"], "year": a["time"], "month": a["time"] + 0.3 * a["person"],
}
words = list(planted)
word_to_id = {w: i for i, w in enumerate(words)}
id_to_word = dict(enumerate(words))
rng = np.random.default_rng(0)
word_vecs = np.stack([planted[w] for w in words]) + 0.02 * rng.standard_normal((len(words), len(axes)))

# a Zipf-like toy corpus for the sampler: 300 words, counts from 20,000 down to 1
counts = np.maximum(1, (20_000 / np.arange(1, 301) ** 1.6).astype(int))
corpus = np.repeat(np.arange(300), counts)
corpus_words = {i: f"word{i + 1}" for i in range(300)}
print("word_vecs:", word_vecs.shape, " corpus:", corpus.shape)'''

CELLS = [
    ("markdown", "# w2vlib explorers: browser smoke test\nWritten by `tests/browser/test_lab.py`."),
    ("code", SETUP),
    ("code", 'widgets.neighbours_explorer(word_vecs, word_to_id, id_to_word, query="king")'),
    ("code", "widgets.sigmoid_explorer(score=0.0, label=1)"),
    ("code", 'widgets.analogy_explorer(word_vecs, word_to_id, id_to_word, "king", "man", "queen")'),
    ("code", "widgets.cost_explorer()"),
    ("code", "widgets.sampler_explorer(corpus, corpus_words)"),
]


def write_smoke_notebook(path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "markdown" else
                nbformat.v4.new_code_cell(src) for kind, src in CELLS]
    nbformat.write(nb, str(path))


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


def test_explorers_run_and_respond_in_jupyterlab(lab_server, lab_root, lab_page, artifacts):
    from playwright.sync_api import expect

    page = lab_page
    started = time.monotonic()
    write_smoke_notebook(lab_root / NOTEBOOK)
    lab_server.start_kernel_for(NOTEBOOK)
    page.goto(lab_server.url(f"lab/tree/{NOTEBOOK}"))

    expect(page.locator(".jp-Notebook .jp-Cell")).to_have_count(len(CELLS), timeout=120_000)
    wait_for_idle_kernel(page)

    menu(page, "Edit", "Clear Outputs of All Cells")
    expect(page.locator(".jp-OutputArea-output")).to_have_count(0)
    menu(page, "Run", "Run All Cells")
    # the run started: the first code cell is queued, running or done
    expect(page.locator(".jp-CodeCell .jp-InputArea-prompt").first).to_have_text(
        re.compile(r"\[(\*|\d+)\]"), timeout=30_000)

    # --- every explorer rendered (a stale saved state cannot pass: outputs were cleared)
    neighbours = page.locator(".w2v-neighbours")
    expect(neighbours).to_be_visible(timeout=180_000)
    for kind in ("sigmoid", "analogy", "cost", "sampler"):
        expect(page.locator(f".w2v-{kind} .w2v-result")).not_to_be_empty(timeout=120_000)
    wait_for_idle_kernel(page)
    page.wait_for_timeout(500)                                  # let the images settle
    page.screenshot(path=str(artifacts / "00_lab_after_run_all.png"))

    first_word = neighbours.locator(".w2v-result td.w2v-word").first
    expect(neighbours.locator(".w2v-result")).to_contain_text("Nearest to king")
    expect(first_word).not_to_have_text("honda")
    neighbours.screenshot(path=str(artifacts / "01_neighbours_king.png"))

    # --- type a word into the neighbours box
    box = neighbours.locator(".w2v-ctl-query input")
    box.fill("toyota")
    box.press("Enter")
    expect(neighbours.locator(".w2v-result")).to_contain_text("Nearest to toyota")
    expect(first_word).to_have_text("honda")
    score = neighbours.locator(".w2v-result td.w2v-val-score").first
    assert float(score.inner_text()) > 0.99
    neighbours.screenshot(path=str(artifacts / "02_neighbours_toyota.png"))

    # --- bad input: a friendly message with the close match, no traceback
    box.fill("Toyota")
    box.press("Enter")
    expect(neighbours.locator(".w2v-msg")).to_contain_text("The vocabulary is lower-case: try toyota")
    expect(neighbours.locator("td.w2v-word")).to_have_count(0)
    neighbours.screenshot(path=str(artifacts / "03_neighbours_bad_input.png"))

    # --- move the sigmoid slider (keyboard on the handle: End = the maximum, +8.0)
    sigmoid = page.locator(".w2v-sigmoid")
    expect(sigmoid.locator(".w2v-val-y")).to_have_text("0.5000")
    expect(sigmoid.locator(".w2v-val-gradient")).to_have_text("-0.5000")
    handle = sigmoid.locator(".w2v-ctl-score .noUi-handle")
    handle.focus()
    handle.press("End")
    expect(sigmoid.locator(".w2v-val-score")).to_have_text("+8.0")
    expect(sigmoid.locator(".w2v-val-y")).to_have_text("0.9997")
    expect(sigmoid.locator(".w2v-val-loss")).to_have_text("0.0003")
    expect(sigmoid.locator(".w2v-result")).to_contain_text("Right and sure of it")

    # ... then drag it with the mouse to the far left, and flip the label
    track = sigmoid.locator(".w2v-ctl-score .noUi-target").bounding_box()
    knob = handle.bounding_box()
    page.mouse.move(knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] - 50, knob["y"] + knob["height"] / 2, steps=8)
    page.mouse.up()
    expect(sigmoid.locator(".w2v-val-score")).to_have_text("-8.0")
    sigmoid.locator(".w2v-ctl-label button", has_text="t = 0").click()
    expect(sigmoid.locator(".w2v-val-label")).to_have_text("0")
    expect(sigmoid.locator(".w2v-val-loss")).to_have_text("0.0003")
    expect(sigmoid.locator(".w2v-val-gradient")).to_have_text("+0.0003")
    sigmoid.locator(".w2v-ctl-label button", has_text="t = 1").click()
    expect(sigmoid.locator(".w2v-val-loss")).to_have_text("8.0003")
    expect(sigmoid.locator(".w2v-val-gradient")).to_have_text("-0.9997")
    expect(sigmoid.locator(".w2v-result")).to_contain_text("Sure of the wrong answer")
    page.wait_for_timeout(300)
    sigmoid.screenshot(path=str(artifacts / "04_sigmoid.png"))

    # --- the other explorers, for the record
    for n, kind in enumerate(("analogy", "cost", "sampler"), start=5):
        explorer = page.locator(f".w2v-{kind}")
        explorer.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        explorer.screenshot(path=str(artifacts / f"0{n}_{kind}.png"))
    expect(page.locator(".w2v-analogy td.w2v-word").first).to_have_text("woman")

    # --- nothing went wrong anywhere in the notebook
    expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    expect(page.locator(".jp-Notebook")).not_to_contain_text("Error displaying widget")
    expect(page.locator(".jp-Notebook")).not_to_contain_text("Traceback")

    print(f"browser test: {time.monotonic() - started:.1f} s from opening the notebook")
