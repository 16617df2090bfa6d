"""The Korean edition in a real JupyterLab, started as ``make lab-ko`` starts it.

``make lab-ko`` points ``JUPYTER_CONFIG_DIR`` at ``.jupyter-ko/`` for the JupyterLab it starts:
its ``jupyter_server_config.py`` turns ``LabApp.custom_css`` on (``custom/custom.css``:
``word-break: keep-all``) and sets the application settings directory whose
``overrides.json`` makes ``ko_KR`` (the language pack) the default locale. Here the server
gets a scratch copy of that same directory as its ``JUPYTER_CONFIG_DIR`` (so nothing the
server writes lands in the repository) and a scratch copy of ``notebooks/ko/``; then, in
Chromium:

* the menu bar shows Korean labels (편집, 실행), not English;
* ``02_matmul_vs_embedding`` runs top to bottom (실행 → 모든 셀 실행) after its outputs are
  cleared, with no error output and every code cell numbered (a Hangul glyph missing from the
  figures' font would be a warning on stderr), and its plot is shown;
* the cost explorer reads a typed size: 1000000, Enter, and the readout changes;
* one rendered Korean paragraph never breaks inside a word at several narrow widths: each
  character's box is measured with ``Range.getClientRects`` and a line may change only at a
  space. The counter-proof: the same paragraph with ``word-break: normal`` (what JupyterLab
  does without ``.jupyter-ko``'s CSS) breaks inside a word at one of those widths.

Until ``notebooks/ko/02_matmul_vs_embedding.ipynb`` exists, a Korean stand-in is written into
the scratch directory (never into ``notebooks/``). Screenshots: ``artifacts/browser/30_*``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import LabServer, browser_tab

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
KO_CONFIG = REPO / ".jupyter-ko"
KO_NOTEBOOKS = REPO / "notebooks" / "ko"
NB = "02_matmul_vs_embedding.ipynb"
VIEWPORT = {"width": 1400, "height": 1200}
#: Widths (px) the Korean paragraph is laid out at for the line-break check.
NARROW_WIDTHS = (180, 220, 260, 300, 340, 380, 420)
HANGUL = re.compile("[\uac00-\ud7a3]")

# ------------------------------------------------------------------ the page's JavaScript

#: Every place where a line changes inside ``el`` between two characters with no whitespace
#: between them, as [text before, text after] (a few characters each). Characters are
#: measured one by one (Range.getClientRects); text inside MathJax output is skipped.
BREAKS_INSIDE_WORDS_JS = r"""
(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest('mjx-container, .MathJax')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const chars = [];                 // {ch, top, bottom} in reading order; spaces as {space: true}
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) { chars.push({space: true}); continue; }
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (!rects.length) continue;
      const r = rects[rects.length - 1];
      chars.push({ch: text[i], top: r.top, bottom: r.bottom});
    }
  }
  const breaks = [];
  let prev = null, spaced = false, lines = 1;
  const context = (k, step) => {
    let s = '';
    for (let j = k; j >= 0 && j < chars.length && s.length < 6; j += step)
      s = step < 0 ? (chars[j].space ? ' ' : chars[j].ch) + s : s + (chars[j].space ? ' ' : chars[j].ch);
    return s;
  };
  chars.forEach((c, k) => {
    if (c.space) { spaced = true; return; }
    if (prev !== null) {
      const p = chars[prev];
      if (c.top >= p.bottom - 2) {                 // c starts a new line
        lines += 1;
        if (!spaced) breaks.push([context(prev, -1), context(k, 1)]);
      }
    }
    prev = k;
    spaced = false;
  });
  return {breaks, lines};
}
"""

#: The first rendered markdown paragraph with plenty of Hangul and nothing but text in it (no
#: math, code or links, no hyphen or slash, which allow a break without a space); it gets
#: ``data-w2v-probe`` so the test can find it again.
FIND_PARAGRAPH_JS = r"""
() => {
  const ps = [...document.querySelectorAll('.jp-NotebookPanel .jp-RenderedMarkdown p')];
  const hangul = (s) => (s.match(/[\uac00-\ud7a3]/g) || []).length;
  const p = ps.find((p) => p.children.length === 0 && hangul(p.textContent) >= 60
                           && !/[-\/\u2010-\u2015]/.test(p.textContent));
  if (!p) return null;
  p.setAttribute('data-w2v-probe', '1');
  return p.textContent;
}
"""

# ------------------------------------------------------------------ fixtures


def korean_stand_in(root: Path) -> None:
    """A Korean copy of notebook 02 for the scratch directory (used only while
    notebooks/ko/02 does not exist yet): the English cells, Korean language set up, and one
    Korean paragraph of our own before the cost explorer."""
    nb = json.loads((REPO / "notebooks" / NB).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and "notebook.setup(" in src:
            cell["source"] = src.replace("notebook.setup()", 'notebook.setup(language="ko")')
    paragraph = ("어휘 수가 커질수록 원핫 벡터와 가중치 행렬의 곱은 점점 더 많은 계산을 요구하지만, "
                 "Embedding 계층은 필요한 행만 골라 오므로 계산량이 어휘 수와 상관없이 일정합니다. "
                 "아래의 비용 탐색기에서 어휘 수를 바꾸어 가며 두 방식의 입력 크기와 곱셈 횟수를 "
                 "비교해 보고, 네거티브 샘플링이 출력 쪽에서 같은 일을 하는 이유도 함께 생각해 봅시다.")
    at = next(i for i, c in enumerate(nb["cells"])
              if c["cell_type"] == "code" and "cost_explorer(" in "".join(c["source"]))
    nb["cells"].insert(at, {"cell_type": "markdown", "id": "ko-stand-in", "metadata": {},
                            "source": [paragraph]})
    (root / NB).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def ko_lab_server(chromium_path, artifacts, tmp_path_factory):
    """JupyterLab as ``make lab-ko`` starts it, on scratch copies of .jupyter-ko/ and notebooks/ko/."""
    root = tmp_path_factory.mktemp("lab-ko") / "ko"
    root.mkdir()
    for nb in sorted(KO_NOTEBOOKS.glob("*.ipynb")):
        (root / nb.name).write_bytes(nb.read_bytes())
    if not (root / NB).exists():
        print(f"note: notebooks/ko/{NB} does not exist yet; using a Korean stand-in")
        korean_stand_in(root)
    scratch = tmp_path_factory.mktemp("lab-ko-state")
    # LabServer sets JUPYTER_CONFIG_DIR to scratch/config: make that make lab-ko's directory
    shutil.copytree(KO_CONFIG, scratch / "config", ignore=shutil.ignore_patterns("migrated"))
    real_popen = subprocess.Popen

    def popen_as_make_lab_ko(cmd, *args, env=None, **kwargs):
        # LabServer sets MPLBACKEND=Agg, under which plt.show() shows nothing; make lab-ko sets
        # no backend, so the kernel draws inline -- and a missing Hangul glyph would show
        env = {k: v for k, v in (os.environ if env is None else env).items() if k != "MPLBACKEND"}
        return real_popen(cmd, *args, env=env, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        # the learner's own config directory of .jupyter-ko/jupyter_server_config.py: empty here
        (scratch / "own").mkdir()
        mp.setenv("W2VLIB_JUPYTER_CONFIG_DIR", str(scratch / "own"))
        mp.setattr(subprocess, "Popen", popen_as_make_lab_ko)
        server = LabServer(root, scratch)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
        (artifacts / "jupyterlab-ko.log").write_bytes(server.log_path.read_bytes())


@pytest.fixture
def ko_page(chromium_browser, artifacts):
    with browser_tab(chromium_browser, artifacts, VIEWPORT, "97_korean_last_state.png") as page:
        yield page


# ------------------------------------------------------------------ helpers


def menu_ko(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def wait_for_idle_kernel_ko(page, timeout: float = 180.0) -> None:
    """The status bar says the kernel is connected and idle (대기); a 커널 선택 dialog gets 선택."""
    idle = page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3.*\| (대기|Idle)"))
    dialog = page.locator(".jp-Dialog")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dialog.count():
            text = dialog.inner_text()
            if "커널 선택" in text or "Select Kernel" in text:
                dialog.get_by_role("button", name=re.compile("^(선택|Select)$")).click()
            else:
                raise AssertionError(f"unexpected dialog: {text!r}")
        elif idle.count():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the kernel was not idle after {timeout} s")


def breaks_at_widths(probe, word_break: str | None) -> dict[int, dict]:
    """Lay ``probe`` out at each of NARROW_WIDTHS (optionally forcing ``word-break``), measure."""
    found = {}
    for width in NARROW_WIDTHS:
        probe.evaluate("(el, [w, wb]) => { el.style.width = w + 'px'; el.style.maxWidth = w + 'px';"
                       " el.style.wordBreak = wb || ''; }", [width, word_break])
        found[width] = probe.evaluate(BREAKS_INSIDE_WORDS_JS)
    probe.evaluate("el => { el.style.width = ''; el.style.maxWidth = ''; el.style.wordBreak = ''; }")
    return found


# ------------------------------------------------------------------ the test


def test_korean_lab_menus_run_explorer_and_no_word_broken(ko_lab_server, ko_page, artifacts):
    from playwright.sync_api import expect

    page, server, started = ko_page, ko_lab_server, time.monotonic()
    n_cells = len(json.loads((server.root / NB).read_text(encoding="utf-8"))["cells"])
    server.start_kernel_for(NB)
    page.goto(server.url(f"lab/workspaces/ko02/tree/{NB}"))
    panel = page.locator(".jp-NotebookPanel")
    expect(panel).to_have_count(1, timeout=120_000)
    cells = panel.locator(".jp-Notebook .jp-Cell")
    expect(cells).to_have_count(n_cells, timeout=120_000)
    wait_for_idle_kernel_ko(page)

    # --- the interface in Korean: the language pack is the default locale
    bar = page.locator(".lm-MenuBar-itemLabel")
    expect(bar.filter(has_text=re.compile("^편집$"))).to_have_count(1)
    expect(bar.filter(has_text=re.compile("^실행$"))).to_have_count(1)
    expect(bar.filter(has_text=re.compile("^(Edit|Run)$"))).to_have_count(0)
    bar.filter(has_text=re.compile("^실행$")).click()
    expect(page.locator(".lm-Menu-itemLabel", has_text=re.compile("^모든 셀 실행$"))).to_be_visible()
    page.screenshot(path=str(artifacts / "30_ko_menu_run.png"))
    page.keyboard.press("Escape")

    # --- clear every output, then run all cells
    menu_ko(page, "편집", "모든 셀의 출력 지우기")
    expect(panel.locator(".jp-OutputArea-output")).to_have_count(0)
    menu_ko(page, "실행", "모든 셀 실행")
    code_cells = panel.locator(".jp-Notebook .jp-CodeCell")
    prompts = code_cells.locator(".jp-InputArea-prompt")
    expect(code_cells.last.locator(".jp-InputArea-prompt")).to_have_text(re.compile(r"\[\d+\]"),
                                                                          timeout=600_000)
    wait_for_idle_kernel_ko(page)
    for i in range(prompts.count()):
        expect(prompts.nth(i)).to_have_text(re.compile(r"\[\d+\]"))
    expect(panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    expect(panel.locator(".jp-Notebook")).not_to_contain_text("Traceback")
    expect(panel.locator(".jp-Notebook")).not_to_contain_text("Error displaying widget")
    page.screenshot(path=str(artifacts / "30_ko_after_run_all.png"))
    # the notebook's own plot with Korean labels (a missing glyph would have been a stderr
    # warning, counted above): drawn, and kept as a picture
    nb_cells = json.loads((server.root / NB).read_text(encoding="utf-8"))["cells"]
    plot_at = next(i for i, c in enumerate(nb_cells)
                   if c["cell_type"] == "code" and "plt.subplots" in "".join(c["source"]))
    image = cells.nth(plot_at).locator(".jp-OutputArea-output img").first
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.naturalWidth") > 300
    image.screenshot(path=str(artifacts / "30_ko_figure.png"))

    # --- the cost explorer: type a size, press Enter, the readout changes
    cost = panel.locator(".w2v-cost")
    expect(cost).to_have_count(1)
    cost.scroll_into_view_if_needed()
    result = cost.locator(".w2v-result")
    expect(result).not_to_be_empty()
    before = result.inner_text()
    size = cost.locator(".w2v-ctl-vocab-box input")
    size.fill("1000000")
    size.press("Enter")
    expect(size).to_have_value("1,000,000")
    expect(result).to_contain_text("1,000,000")
    assert result.inner_text() != before, "the readout did not change"
    page.wait_for_timeout(300)
    cost.screenshot(path=str(artifacts / "30_ko_cost_typed_1000000.png"))

    # --- one Korean paragraph: breaks only at spaces (keep-all), inside words without it
    text = page.evaluate(FIND_PARAGRAPH_JS)
    assert text, "no plain Korean paragraph of 60+ syllables in the rendered notebook"
    probe = panel.locator("[data-w2v-probe]")
    probe.scroll_into_view_if_needed()
    assert probe.evaluate("el => getComputedStyle(el).wordBreak") == "keep-all", \
        "custom.css is not applied: .jupyter-ko/custom/custom.css sets word-break: keep-all"
    kept = breaks_at_widths(probe, None)
    assert all(m["lines"] >= 3 for m in kept.values()), kept          # the widths do wrap it
    inside = {w: m["breaks"] for w, m in kept.items() if m["breaks"]}
    assert not inside, f"a line broke inside a word with keep-all: {inside}"
    probe.evaluate(f"el => {{ el.style.width = '{NARROW_WIDTHS[1]}px'; }}")
    probe.screenshot(path=str(artifacts / "30_ko_paragraph_keep_all.png"))

    # the counter-proof: without keep-all the same paragraph breaks inside a word somewhere
    normal = breaks_at_widths(probe, "normal")
    broken = {w: m["breaks"] for w, m in normal.items() if m["breaks"]}
    assert broken, ("with word-break: normal no word broke either, so the check above proves "
                    f"nothing: {normal}")
    width = next(iter(broken))
    probe.evaluate(f"el => {{ el.style.width = '{width}px'; el.style.wordBreak = 'normal'; }}")
    probe.screenshot(path=str(artifacts / "30_ko_paragraph_word_break_normal.png"))
    probe.evaluate("el => { el.style.width = ''; el.style.wordBreak = ''; }")
    print(f"keep-all: lines {[m['lines'] for m in kept.values()]}, no break inside a word; "
          f"word-break normal breaks inside words at {sorted(broken)} px, e.g. {broken[width][0]}")
    print(f"Korean JupyterLab in the browser: {time.monotonic() - started:.1f} s")


def test_make_lab_ko_uses_the_korean_config_and_make_lab_does_not():
    """The Makefile starts lab-ko the way the fixture above does, and leaves `make lab` alone."""
    def recipe(target: str) -> str:
        out = subprocess.run(["make", "-n", "-s", target], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
        return out.replace("\\\n", " ")

    ko = [line for line in recipe("lab-ko").splitlines() if "jupyter lab" in line]
    assert ko and f"JUPYTER_CONFIG_DIR={KO_CONFIG}" in ko[-1], ko
    # the repository as root (the Korean notebooks link to ../GLOSSARY.md, ../../README.ko.md),
    # opening on notebooks/ko/
    assert "--ServerApp.root_dir=." in ko[-1] and "--LabApp.default_url=/lab/tree/notebooks/ko" in ko[-1]
    lab = [line for line in recipe("lab").splitlines() if "jupyter lab" in line]
    assert lab and ".jupyter-ko" not in lab[-1] and "JUPYTER_CONFIG_DIR" not in lab[-1], lab
    overrides = json.loads((KO_CONFIG / "lab" / "settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "ko_KR"
