"""The notebooks follow the conventions of notebooks/README.md (checked without running them)."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORE = "# NBVAL_IGNORE_OUTPUT"


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_the_series_is_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS))) and len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_in_a_fresh_kernel(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), f"rerun {path.name}: make execute NB={path}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_timing_metadata_and_no_error_outputs(path):
    for cell in code_cells(path):
        assert "execution" not in cell["metadata"], (
            f"{path.name} stores nbconvert's timings, which change every run: "
            f"make execute NB={path}")
        assert all(o["output_type"] != "error" for o in cell["outputs"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_ignored_output_is_followed_by_a_cell_that_checks(path):
    cells = code_cells(path)
    ignored = 0
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if IGNORE not in source:
            continue
        ignored += 1
        assert source.splitlines()[0] == IGNORE, f"{path.name}: {IGNORE} must be the first line"
        after = "".join("".join(c["source"]) for c in cells[i + 1:i + 3])   # (a plot may come first)
        assert "assert" in after, (
            f"{path.name}: an ignored output must be followed by a cell that asserts what holds")
    assert ignored <= 0.3 * len(cells), f"{path.name}: {ignored} of {len(cells)} outputs ignored"
