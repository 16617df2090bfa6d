"""The notebooks follow the conventions of notebooks/README.md (checked without running them),
in both editions: the English notebooks/ and the Korean notebooks/ko/."""

import ast
import json
import re
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1] / "notebooks"
ENGLISH = sorted(_ROOT.glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = ENGLISH + sorted((_ROOT / "ko").glob("[0-9][0-9]_*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]
#: the fixed headings, by edition
KEY_POINTS = {"en": "### Key points", "ko": "### 핵심 요약"}
DISCUSSION = {"en": "## Discussion questions", "ko": "## 토론 질문"}
SOLUTIONS = {"en": "## Solutions", "ko": "## 풀이"}


def edition(path):
    return "ko" if path.parent.name == "ko" else "en"


def label(path):
    return f"{edition(path)}/{path.name}"
IGNORE_TAG = "nbval-ignore-output"
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
MARKS = ("[핵심]", "[심화]")


def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def code_cells(path):
    return [c for c in cells_of(path) if c["cell_type"] == "code" and source(c).strip()]


def markdown(path):
    return [source(c) for c in cells_of(path) if c["cell_type"] == "markdown"]


def test_the_series_is_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in ENGLISH]
    assert numbers == list(range(len(ENGLISH))) and len(ENGLISH) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_executed_top_to_bottom_in_a_fresh_kernel(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), f"rerun {path.name}: make execute NB={path}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_no_timing_metadata_and_no_error_outputs(path):
    for cell in code_cells(path):
        assert "execution" not in cell["metadata"], (
            f"{path.name} stores nbconvert's timings, which change every run: "
            f"make execute NB={path}")
        assert all(o["output_type"] != "error" for o in cell["outputs"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_every_ignored_output_is_a_tag_and_is_followed_by_a_cell_that_checks(path):
    cells = code_cells(path)
    ignored = 0
    for i, cell in enumerate(cells):
        assert "# NBVAL" not in source(cell), (
            f"{path.name}: nbval markers are cell tags ({IGNORE_TAG}), not comment lines a learner reads")
        if IGNORE_TAG not in cell["metadata"].get("tags", []):
            continue
        ignored += 1
        after = "".join(source(c) for c in cells[i + 1:i + 3])   # (a plot may come first)
        assert "assert" in after, (
            f"{path.name}: an ignored output must be followed by a cell that asserts what holds")
    assert ignored <= 0.3 * len(cells), f"{path.name}: {ignored} of {len(cells)} outputs ignored"


def _only_checks(text):
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return False
    printing = [b for b in body if isinstance(b, ast.Expr) and isinstance(b.value, ast.Call)
                and getattr(b.value.func, "id", "") == "print"]
    asserts = [b for b in body if isinstance(b, ast.Assert)]
    return bool(asserts) and len(asserts) + len(printing) == len(body)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_cells_that_only_check_are_folded_out_of_the_lesson(path):
    for cell in code_cells(path):
        if _only_checks(source(cell)):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
                f"{path.name}: a cell of asserts is scaffolding: hide its source "
                f"(metadata jupyter.source_hidden) or fold it into the cell it checks\n{source(cell)[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_every_cell_is_placed_on_a_slide(path):
    cells = cells_of(path)
    for i, cell in enumerate(cells):
        kind = cell["metadata"].get("slideshow", {}).get("slide_type")
        assert kind in SLIDE_TYPES, f"{path.name} cell {i}: slideshow.slide_type missing or unknown"
        text = source(cell)
        if i == 0 or (cell["cell_type"] == "markdown" and text.startswith("## ")
                      and not text.startswith(SOLUTIONS[edition(path)])):
            assert kind == "slide", f"{path.name} cell {i}: a title or section starts a slide"


@pytest.mark.parametrize("path", LESSONS, ids=label)
def test_every_numbered_section_is_marked_core_or_deep_dive(path):
    headings = [line for text in markdown(path) for line in text.splitlines()
                if re.match(r"## \d+\. ", line)]
    assert headings, f"{path.name} has no numbered sections"
    for line in headings:
        assert line.rstrip().endswith(MARKS), f"{path.name}: mark {line!r} with [핵심] or [심화]"
    assert any(line.rstrip().endswith("[핵심]") for line in headings), (
        f"{path.name}: no section is on the core path")


@pytest.mark.parametrize("path", LESSONS, ids=label)
def test_opens_with_five_key_points_and_ends_with_discussion_questions(path):
    texts = markdown(path)
    opening = "\n".join(texts[:2])
    key, discussion = KEY_POINTS[edition(path)], DISCUSSION[edition(path)]
    assert key in opening, f"{path.name}: the second cell gives the key points ({key!r})"
    block = opening.split(key, 1)[1].split("\n\n#", 1)[0]
    bullets = [line for line in block.splitlines() if re.match(r"[*-] ", line)]
    assert len(bullets) == 5, f"{path.name}: {len(bullets)} key points (want 5)"
    questions = [t for t in texts if t.startswith(discussion)]
    assert len(questions) == 1, f"{path.name}: one {discussion!r} cell"
    numbered = re.findall(r"^\d+\. ", questions[0], flags=re.M)
    assert 4 <= len(numbered) <= 7, f"{path.name}: {len(numbered)} discussion questions (want about 5)"
