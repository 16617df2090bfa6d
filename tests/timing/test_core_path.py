"""The one-meeting path: only the [핵심] (core) sections of every notebook, run in a fresh kernel.

A presenter skips the [심화] (deep-dive) sections live, so a core cell must never need a
deep-dive cell to have run first, and the whole core path must fit an evening: the cells
themselves (without talk) finish in 10 minutes in all on a 2-core laptop. This runs each
notebook's set-up cells (before its first section) and its core sections; the summary,
discussion, exercises and solutions are left out.
"""

import re
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BUDGET_S = 600
SECTION = re.compile(r"^## (.*)$", re.M)


def core_cells(nb):
    """Set-up cells, then the cells of every section whose heading ends with [핵심]."""
    keep, state = [], "setup"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = SECTION.search(cell.source)
            if heading:
                title = heading.group(1).rstrip()
                state = "core" if title.endswith("[핵심]") else "skip"
        if state in ("setup", "core"):
            keep.append(cell)
    return keep


def test_core_cells_are_chosen_by_their_section_mark():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("a = 1"),
        nbformat.v4.new_markdown_cell("## 1. Core [핵심]"),
        nbformat.v4.new_code_cell("b = a"),
        nbformat.v4.new_markdown_cell("## 2. Deep [심화]"),
        nbformat.v4.new_code_cell("c = 3"),
        nbformat.v4.new_markdown_cell("### still deep"),
        nbformat.v4.new_code_cell("d = 4"),
        nbformat.v4.new_markdown_cell("## Exercises"),
        nbformat.v4.new_code_cell("e = 5"),
    ])
    assert [c.source for c in core_cells(nb) if c.cell_type == "code"] == ["a = 1", "b = a"]


_TIMES = {}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_core_path_runs_on_its_own(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells = core_cells(nb)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name}: a core cell needs something only a deep-dive section defines, "
                    f"or fails on its own:\n{str(err)[-1500:]}")
    _TIMES[path.name] = time.perf_counter() - start


def test_the_core_path_fits_one_evening():
    if len(_TIMES) < len(NOTEBOOKS):
        pytest.skip("run with the per-notebook core-path tests (they measure the time)")
    total = sum(_TIMES.values())
    detail = ", ".join(f"{name[:2]}: {secs:.0f} s" for name, secs in _TIMES.items())
    assert total < BUDGET_S, f"the core cells take {total:.0f} s (> {BUDGET_S} s): {detail}"
