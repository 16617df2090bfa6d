"""The learner copies of the Korean edition (exercises/ko/): up to date, in Korean, and they
give no solution away."""

from __future__ import annotations

import nbformat
import pytest
from test_exercises import ROOT, _distinctive_lines, _solution_cells

from w2vlib import get_language
from w2vlib.study import exercises
from w2vlib.study.pairing import has_hangul

KO = ROOT / "notebooks" / "ko"
COPIES = ROOT / "exercises" / "ko"
NAMES = [p.name for p in exercises.exercise_notebooks(KO)] if KO.is_dir() else []


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    dest = tmp_path_factory.mktemp("exercises_ko")
    exercises.generate(KO, dest)
    return dest


def test_every_korean_notebook_has_a_korean_copy():
    assert NAMES, "notebooks/ko/ holds no notebooks"
    assert [p.name for p in exercises.exercise_notebooks(COPIES)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_korean_copies_are_up_to_date(regenerated, name):
    fresh = (regenerated / name).read_bytes()
    committed = (COPIES / name).read_bytes() if (COPIES / name).exists() else b""
    assert committed == fresh, f"exercises/ko/{name} is stale: run `make exercises`"
    assert exercises.read_manifest(COPIES).get(name) == exercises._sha256(fresh)


@pytest.mark.parametrize("name", NAMES)
def test_a_korean_copy_is_korean_and_gives_nothing_away(regenerated, name):
    original = nbformat.read(KO / name, as_version=4)
    copy = nbformat.read(regenerated / name, as_version=4)
    for cell in copy.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            compile(cell.source, f"ko/{name} cell {cell.get('id')}", "exec")  # stubs still run
    solution, other = _solution_cells(original, exercises.HEADING_KO)
    if name.startswith("00_"):
        assert not solution  # the door has no exercises
        return
    assert solution, f"ko/{name}: no `{exercises.HEADING_KO}` section found"
    text = "\n".join(c.source for c in copy.cells)
    leaked = sorted(s for s in _distinctive_lines(original, solution, other) if s in text)
    assert not leaked, f"exercises/ko/{name} gives solutions away: {leaked[:3]}"
    assert exercises.NEW_HEADING_KO in text.splitlines()
    stubs = [copy.cells[i].source for i in solution if copy.cells[i].cell_type == "code"]
    assert stubs and all("# TODO" in s and has_hangul(s) for s in stubs), (
        f"exercises/ko/{name}: every code stub says in Korean what to write")
    assert f"notebooks/ko/{name}" in text  # points to the Korean full notebook


def test_a_toy_korean_notebook_gets_korean_stubs_and_english_stays_english():
    cells = [nbformat.v4.new_code_cell('from w2vlib.study import notebook\nnotebook.setup(language="ko")'),
             nbformat.v4.new_markdown_cell("## 풀이"),
             nbformat.v4.new_markdown_cell("**1. 거울상.** 답은 이렇습니다."),
             nbformat.v4.new_code_cell("# 연습 문제 2\ndef f(x):\n    return -x\n\nassert f(1) == -1")]
    nb = nbformat.v4.new_notebook(cells=cells)
    copy, summary = exercises.make_exercise(nb, "notebooks/ko/01_toy.ipynb")
    assert summary["numbers"] == [2]
    assert copy.cells[1].source.startswith(exercises.NEW_HEADING_KO)
    assert has_hangul(copy.cells[1].source) and has_hangul(copy.cells[2].source)
    assert copy.cells[2].source.startswith("**1. 거울상.**")
    stub = copy.cells[3].source
    assert stub.splitlines()[0] == "# 연습 문제 2" and "return -x" not in stub
    assert has_hangul(copy.cells[3].source.splitlines()[1])
    assert get_language() == "en"  # the generator put the language back
    nb.cells[0].source = "from w2vlib.study import notebook\nnotebook.setup()"
    english, _ = exercises.make_exercise(nb, "notebooks/01_toy.ipynb")
    assert not has_hangul(english.cells[3].source.splitlines()[1])
