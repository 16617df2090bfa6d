"""The learner copies in exercises/ are up to date and give no solution away."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from w2vlib.study import exercises

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
ORIGINALS = exercises.exercise_notebooks(NOTEBOOKS)
NAMES = [p.name for p in ORIGINALS]


def _solution_cells(nb, heading="## Solutions"):
    """(indices of solution cells, indices of the other cells) of an original notebook, found
    independently of the generator: after the ``heading`` line up to the next `## ` heading."""
    solution, other, region = [], [], False
    for i, cell in enumerate(nb.cells):
        lines = cell.source.splitlines()
        if cell.cell_type == "markdown" and heading in [line.rstrip() for line in lines]:
            region = True
            other.append(i)  # the heading cell: its text before the heading is kept
            continue
        if region and cell.cell_type == "markdown" and any(line.startswith("## ") for line in lines):
            region = False
        tagged = "solution" in cell.metadata.get("tags", [])
        (solution if region or tagged else other).append(i)
    return solution, other


def _distinctive_lines(nb, solution, other, min_len=12):
    """Solution lines long enough to be telling and absent from every non-solution cell."""
    elsewhere = {line.strip() for i in other for line in nb.cells[i].source.splitlines()}
    found = set()
    for i in solution:
        for line in nb.cells[i].source.splitlines():
            s = line.strip()
            if len(s) < min_len or s in elsewhere:
                continue
            if nb.cells[i].cell_type == "code" and (
                s.startswith("#") or re.match(r"(def|class|async def) \w+", s)
                or exercises.CHECK_LINE.match(s)
            ):
                continue  # labels, signatures and auto-check calls are kept on purpose
            if re.fullmatch(r"\*\*\d+\.[^*]*\*\*", s):
                continue  # so is a markdown label such as **1. Mirror images.**
            found.add(s)
    return found


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    dest = tmp_path_factory.mktemp("exercises")
    exercises.generate(NOTEBOOKS, dest)
    return dest


def test_every_notebook_has_a_copy():
    assert ORIGINALS, "no notebooks found"
    copies = [p.name for p in exercises.exercise_notebooks(EXERCISES)]
    assert copies == NAMES, "exercises/ does not mirror notebooks/: run `make exercises`"


@pytest.mark.parametrize("name", NAMES)
def test_copies_are_up_to_date(regenerated, name):
    fresh = (regenerated / name).read_bytes()
    committed = (EXERCISES / name).read_bytes() if (EXERCISES / name).exists() else b""
    assert fresh == committed, f"exercises/{name} is out of date: run `make exercises`"
    # and the manifest knows it as generated, so the generator will refresh it
    assert exercises.read_manifest(EXERCISES).get(name) == exercises._sha256(fresh)


def test_generation_is_deterministic(regenerated, tmp_path):
    exercises.generate(NOTEBOOKS, tmp_path)
    for name in NAMES:
        assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_copy_is_clean_and_gives_nothing_away(regenerated, name):
    original = nbformat.read(NOTEBOOKS / name, as_version=4)
    copy = nbformat.read(regenerated / name, as_version=4)
    nbformat.validate(copy)
    assert "widgets" not in copy.metadata
    assert copy.metadata.kernelspec.name == "python3"
    assert len(copy.cells) == len(original.cells)
    for cell in copy.cells:
        assert "execution" not in cell.metadata
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            compile(cell.source, f"{name} cell {cell.get('id')}", "exec")  # stubs still run

    solution, other = _solution_cells(original)
    copy_text = "\n".join(cell.source for cell in copy.cells)
    if name.startswith("00_"):
        assert not solution  # the start page has no exercises: a plain cleared copy
        assert [c.source for c in copy.cells] == [c.source for c in original.cells]
        return

    # every code cell of the solutions is a stub naming its exercise
    code = [i for i in solution if original.cells[i].cell_type == "code"]
    assert code, "no solution code cells found"
    for i in code:
        assert re.search(r"^# TODO: your solution here \(exercise \d\)$", copy.cells[i].source, re.M)
    leaked = sorted(line for line in _distinctive_lines(original, solution, other) if line in copy_text)
    assert not leaked, f"solution text survives in exercises/{name}: {leaked[:3]}"

    # the rest of the notebook, the exercise texts included, is unchanged
    for i in other:
        if "## Solutions" in original.cells[i].source:
            before = original.cells[i].source.split("## Solutions")[0]
            assert copy.cells[i].source.startswith(before + "## Your solutions")
        else:
            assert copy.cells[i].source == original.cells[i].source
    exercise_text = [c.source for c in original.cells if "## Exercises" in c.source]
    assert exercise_text
    body = exercise_text[0].split("## Exercises")[1].split("## Solutions")[0].strip()
    assert len(body) > 100 and body in copy_text


@pytest.mark.parametrize("name", NAMES)
def test_copies_keep_every_check_call_of_the_solutions(regenerated, name):
    """A learner's stub still ends by running the check, trailing comment or not."""
    original = nbformat.read(NOTEBOOKS / name, as_version=4)
    copy_lines = {line.strip() for c in nbformat.read(regenerated / name, as_version=4).cells
                  for line in c.source.splitlines()}
    solution, _ = _solution_cells(original)
    calls = [line.strip() for i in solution if original.cells[i].cell_type == "code"
             for line in original.cells[i].source.splitlines()
             if re.match(r"\s*(\w+\s*=\s*)?check\.[a-z]\w*\(", line)]
    missing = [c for c in calls if c not in copy_lines]
    assert not missing, f"exercises/{name} lost its check calls: {missing}"


NB_SOURCES = [
    ("markdown", "## Summary\n\nPoints.\n\n## Exercises\n\n1. Do it.\n\n## Solutions\n\nTry first.", []),
    ("markdown", "**1. Square.** Multiply the number by itself.", []),
    ("code", "def square(x):\n    '''Doc.'''\n    return x * x\n\nassert square(3) == 9", []),
    ("code", "# what must hold\nassert square(4) == 16", []),
    ("markdown", "**2. Twice.**", []),
    ("code", "# NBVAL_IGNORE_OUTPUT\n# 2. doubling\nprint(2 * 21)", []),
    ("markdown", "Forty-two is the answer.\n\n## Appendix\n\nMore.", []),
    ("code", "print('appendix code stays')", []),
    ("code", "secret = 42  # tagged", ["solution"]),
]


def _toy_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"state": {}}
    for kind, source, tags in NB_SOURCES:
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        if kind == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="x\n")]
            cell.execution_count = 3
            cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01"}
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_make_exercise_on_a_toy_notebook():
    nb, summary = exercises.make_exercise(_toy_notebook(), "notebooks/99_toy.ipynb")
    src = [c.source for c in nb.cells]
    assert src[0].startswith("## Summary\n\nPoints.\n\n## Exercises\n\n1. Do it.\n\n## Your solutions\n")
    assert "Try first." not in src[0] and "notebooks/99_toy.ipynb" in src[0]
    assert src[1].startswith("**1. Square.** *(Your answer here.") and "itself" not in src[1]
    assert src[2] == (
        "# TODO: your solution here (exercise 1)\ndef square(x):\n    raise NotImplementedError"
    )
    assert src[3] == "# TODO: your solution here (exercise 1)\n..."  # an extra check of exercise 1
    assert src[5] == "# 2. doubling\n# TODO: your solution here (exercise 2)\n..."
    assert "Forty-two" not in src[6] and src[6].endswith("\n\n## Appendix\n\nMore.")
    assert src[7] == "print('appendix code stays')"  # after the next `## ` heading: not a solution
    assert "secret" not in src[8] and src[8].startswith("# TODO: your solution here")  # the tag
    assert summary["code"] == 4 and summary["numbers"][:3] == [1, 1, 2]
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "execution" not in cell.metadata
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_unlabelled_solutions_are_numbered_in_order():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Solutions"),
        nbformat.v4.new_code_cell("a = 1"),
        nbformat.v4.new_markdown_cell("Because."),
        nbformat.v4.new_code_cell("b = 2"),
    ]
    out, summary = exercises.make_exercise(nb, "x.ipynb")
    assert summary["numbers"] == [1, 2]
    assert out.cells[3].source == "# TODO: your solution here (exercise 2)\n..."


def test_strip_run_metadata_keeps_outputs_and_tags(tmp_path):
    path = tmp_path / "01_toy.ipynb"
    nbformat.write(_toy_notebook(), path)
    assert exercises.strip_run_metadata([path]) == [path]
    nb = nbformat.read(path, as_version=4)
    assert all("execution" not in c.metadata for c in nb.cells)
    assert nb.cells[2].outputs and nb.cells[2].execution_count == 3
    assert nb.cells[-1].metadata["tags"] == ["solution"]
    assert exercises.strip_run_metadata([path]) == []          # nothing left to change


def test_cli_writes_and_removes_stale_copies(tmp_path, capsys):
    src, dest = tmp_path / "nbs", tmp_path / "ex"
    src.mkdir()
    dest.mkdir()
    nbformat.write(_toy_notebook(), src / "01_toy.ipynb")
    (dest / "02_gone.ipynb").write_text("{}")  # generated once (in the manifest), unchanged
    (dest / exercises.MANIFEST).write_text(
        json.dumps({"files": {"02_gone.ipynb": exercises._sha256(b"{}")}}))
    (dest / "README.md").write_text("kept")
    assert exercises.main(["--src", str(src), "--dest", str(dest)]) == 0
    assert sorted(p.name for p in dest.iterdir()) == [exercises.MANIFEST, "01_toy.ipynb", "README.md"]
    assert "1 learner copies written" in capsys.readouterr().out
    assert list(exercises.read_manifest(dest)) == ["01_toy.ipynb"]


def test_committed_manifest_is_up_to_date(regenerated):
    """exercises/.generated.json records the committed copies, so none of them looks changed."""
    assert exercises.read_manifest(EXERCISES) == exercises.read_manifest(regenerated)
    assert sorted(exercises.read_manifest(EXERCISES)) == NAMES


# ------------------------------------------------------------------ a learner's work is never lost

@pytest.fixture
def toy_dirs(tmp_path):
    src, dest = tmp_path / "nbs", tmp_path / "ex"
    src.mkdir()
    nbformat.write(_toy_notebook(), src / "01_toy.ipynb")
    exercises.generate(src, dest)
    return src, dest


def test_a_typo_in_src_removes_nothing(toy_dirs, tmp_path, capsys):
    _, dest = toy_dirs
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    typo = tmp_path / "typo"
    assert exercises.main(["--src", str(typo), "--dest", str(dest)]) == 2
    err = capsys.readouterr().err
    assert f"--src {typo}: no such folder" in err and "--src notebooks" in err
    (tmp_path / "empty").mkdir()
    with pytest.raises(exercises.ExercisesError, match=r"empty holds no NN_\*\.ipynb notebooks"):
        exercises.generate(tmp_path / "empty", dest)
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before


def test_same_src_and_dest_is_refused(toy_dirs):
    src, _ = toy_dirs
    with pytest.raises(exercises.ExercisesError, match="same folder"):
        exercises.generate(src, src)


def test_a_changed_copy_is_kept_and_the_fresh_one_written_beside_it(toy_dirs, capsys):
    src, dest = toy_dirs
    copy = dest / "01_toy.ipynb"
    fresh = copy.read_bytes()
    mine = fresh.replace(b"your solution here", b"my answer: 42")
    copy.write_bytes(mine)
    assert exercises.main(["--src", str(src), "--dest", str(dest)]) == 0
    out = capsys.readouterr().out
    assert copy.read_bytes() == mine  # the learner's work is untouched
    new = dest / "01_toy.new.ipynb"
    assert new.read_bytes() == fresh
    assert f"{copy} has changes of yours: kept it; the fresh copy is {new}" in out
    # again: still kept, the fresh copy refreshed in place; it is not taken for a notebook
    exercises.generate(src, dest)
    assert copy.read_bytes() == mine and new.read_bytes() == fresh
    assert [p.name for p in exercises.exercise_notebooks(dest)] == ["01_toy.ipynb"]
    # a changed fresh copy too: both kept, nothing written
    new.write_bytes(b"{} mine too")
    notes = []
    assert exercises.generate(src, dest, notes=notes) == []
    assert copy.read_bytes() == mine and new.read_bytes() == b"{} mine too"
    assert "both kept" in notes[0] and str(new) in notes[0]


def test_an_unchanged_copy_is_refreshed(toy_dirs):
    src, dest = toy_dirs
    nb = _toy_notebook()
    nb.cells[7].source = "print('a new appendix')"
    nbformat.write(nb, src / "01_toy.ipynb")
    exercises.generate(src, dest)
    assert "a new appendix" in (dest / "01_toy.ipynb").read_text()
    assert not (dest / "01_toy.new.ipynb").exists()


def test_a_changed_copy_whose_notebook_is_gone_is_kept(toy_dirs, capsys):
    src, dest = toy_dirs
    (dest / "01_toy.ipynb").write_text("{} my answers")
    (dest / "02_unknown.ipynb").write_text("{} not in the manifest")
    nbformat.write(_toy_notebook(), src / "03_other.ipynb")
    (src / "01_toy.ipynb").unlink()
    notes = []
    exercises.generate(src, dest, notes=notes)
    assert (dest / "01_toy.ipynb").read_text() == "{} my answers"
    assert (dest / "02_unknown.ipynb").exists()
    assert any(str(dest / "01_toy.ipynb") in n and "kept" in n for n in notes)


def test_makefile_regenerates_through_the_protecting_generator():
    make = (ROOT / "Makefile").read_text()
    for target in ("exercises:", "execute:"):
        recipe = make.split("\n" + target, 1)[1].split("\n\n", 1)[0]
        assert "-m w2vlib.study.exercises" in recipe
        assert "cp " not in recipe and "rm " not in recipe


def test_make_my_work_copies_once_and_never_replaces_a_copy(tmp_path):
    """`make my-work` gives the learner a copy of each exercise (both editions) the first time
    and never touches it again, even when exercises/ changes."""
    import shutil
    import subprocess

    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "exercises" / "ko").mkdir(parents=True)
    (tmp_path / "exercises" / "01_a.ipynb").write_text("{} generated")
    (tmp_path / "exercises" / "ko" / "01_a.ipynb").write_text("{} 생성됨")
    run = lambda: subprocess.run(["make", "-s", "my-work-copies"], cwd=tmp_path,  # noqa: E731
                                 capture_output=True, text=True, check=True).stdout
    assert "new  my-work/01_a.ipynb" in run()
    assert (tmp_path / "my-work" / "ko" / "01_a.ipynb").read_text() == "{} 생성됨"
    (tmp_path / "my-work" / "01_a.ipynb").write_text("{} my answers")
    (tmp_path / "exercises" / "01_a.ipynb").write_text("{} generated again")
    out = run()
    assert "kept my-work/01_a.ipynb (yours)" in out and "kept my-work/ko/01_a.ipynb (yours)" in out
    assert (tmp_path / "my-work" / "01_a.ipynb").read_text() == "{} my answers"
