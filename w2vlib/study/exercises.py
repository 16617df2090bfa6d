"""Learner copies of the notebooks: outputs cleared, worked solutions replaced by stubs.

``make exercises`` (``python -m w2vlib.study.exercises``) writes ``exercises/NN_x.ipynb`` for every
``notebooks/NN_x.ipynb``. A copy is the same notebook with

* every output, execution count and execution timestamp removed (and the notebook-level widget
  state and Python version, which come from running it, not from its sources);
* every *solution cell* replaced by a stub.

Solution cells are found from the cell sources alone, so re-executing a notebook never changes
its copy:

* the region that starts at a markdown heading line ``## Solutions`` (the heading may share its
  cell with earlier sections: the text before it is kept) and runs to the next ``## `` heading
  or the end of the notebook;
* any cell tagged ``solution``, wherever it is.

In that region a code cell becomes ``# TODO: your solution here (exercise N)`` under the
solution's label comment (``# Exercise 2``, ``# 3. ...``), followed by the signatures of the
functions and classes it defined, each with ``raise NotImplementedError``. A markdown cell keeps
only its bold label (``**1. Mirror images.**``) and points to the full notebook. The heading
becomes ``## Your solutions``.

The exercise number N is the cell's own label, else the last markdown label (``**2. ...**``),
else -- when the notebook does not label its solutions -- the code cells count 1, 2, 3 in order;
an unlabelled cell that follows a labelled one (an extra check) belongs to the same exercise.

>>> stub_code("# Exercise 2\\nx = 1\\nassert x == 1", 2)
'# Exercise 2\\n# TODO: your solution here (exercise 2)\\n...'
>>> print(stub_code("def f(a, b=2):\\n    '''Doc.'''\\n    return a + b\\n\\nassert f(1) == 3", 1))
# TODO: your solution here (exercise 1)
def f(a, b=2):
    raise NotImplementedError
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat

from w2vlib.i18n import _, get_language, set_language

SOLUTION_TAG = "solution"
HEADING = "## Solutions"
NEW_HEADING = "## Your solutions"
#: the same headings in the Korean edition (notebooks/ko/)
HEADING_KO = "## 풀이"
NEW_HEADING_KO = "## 나의 풀이"

_NOTEBOOK_NAME = re.compile(r"^\d\d_.*\.ipynb$")
# a label comment of a solution cell: "# Exercise 2", "# 3. vector length ..."
# (Korean edition: "# 연습 문제 2", "# 연습 2")
_CODE_LABEL = re.compile(r"^#\s*(?:(?:Exercise|연습(?:\s*문제)?)\s*(\d+)\b.*|(\d+)\.\s.*)$",
                         re.IGNORECASE)
# a bold label opening a markdown solution cell: "**1. Predict the damage.**"
_MD_LABEL = re.compile(r"^(\*\*(\d+)\.[^*]*\*\*)")
# per-cell metadata written by running a notebook
_RUN_METADATA = ("execution", "ExecuteTime", "scrolled", "collapsed")


def _is_heading2(line: str) -> bool:
    return line.startswith("## ")


def _is_solutions_heading(line: str) -> bool:
    return line.rstrip() in (HEADING, HEADING_KO)


def notebook_language(nb) -> str:
    """``"ko"`` for a notebook of the Korean edition (its setup cell chooses Korean), else ``"en"``."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            return "ko" if re.search(r"""setup\(\s*language\s*=\s*['"]ko['"]""", cell.source) else "en"
    return "en"


@contextlib.contextmanager
def _speaking(language: str):
    """Messages in ``language`` while inside (the learner copy of a Korean notebook is Korean)."""
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def _code_label(source: str) -> tuple[str | None, int | None]:
    """The first comment line that labels an exercise, skipping nbval directives."""
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("# NBVAL_"):
            continue
        m = _CODE_LABEL.match(stripped)
        if m:
            return stripped, int(m.group(1) or m.group(2))
        return None, None
    return None, None


def _signatures(source: str) -> list[str]:
    """Signature lines of the top-level functions and classes (with their methods) in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.splitlines()

    def header(node: ast.AST) -> list[str] | None:
        start = min([d.lineno for d in node.decorator_list] + [node.lineno])
        end = node.body[0].lineno - 1  # the line before the first body statement (maybe a docstring)
        if end < node.lineno:  # a one-liner such as `def f(): return 1`
            return None
        head = lines[start - 1 : end]
        while head and (not head[-1].strip() or head[-1].strip().startswith("#")):
            head.pop()
        if not head or not head[-1].rstrip().endswith(":"):
            return None
        return head

    out: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            head = header(node)
            if head:
                out += ([""] if out else []) + head + ["    raise NotImplementedError"]
        elif isinstance(node, ast.ClassDef):
            head = header(node)
            if not head:
                continue
            methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            body: list[str] = []
            for method in methods:
                mhead = header(method)
                if mhead:
                    pad = mhead[-1][: len(mhead[-1]) - len(mhead[-1].lstrip())]
                    body += mhead + [pad + "    raise NotImplementedError"]
            out += ([""] if out else []) + head + (body or ["    ..."])
    return out


def stub_code(source: str, number: int | None) -> str:
    """The stub that replaces a solution code cell."""
    label, _number = _code_label(source)
    todo = (_("# TODO: your solution here (exercise {number})").format(number=number)
            if number is not None else _("# TODO: your solution here"))
    lines = ([label] if label else []) + [todo]
    sigs = _signatures(source)
    lines += sigs if sigs else ["..."]
    checks = _check_lines(source)
    if checks:
        lines += ["", _("# run the auto-check on your solution:")] + checks
    return "\n".join(lines)


#: a line kept in a stub: the import of the checks, or a top-level call of one
CHECK_LINE = re.compile(r"^(from w2vlib(?:\.study)? import check\b.*|import w2vlib\.study\.check\b.*|"
                        r"(\w+\s*=\s*)?check\.\w+\(.*\)\s*(#.*)?)$")


def _check_lines(source: str) -> list[str]:
    """The top-level ``w2vlib.study.check`` import and calls of a solution cell.

    They are kept in the stub so that a learner's copy already calls the
    auto-check on the learner's own class or function.
    """
    return [line for line in source.splitlines() if CHECK_LINE.match(line)]


def stub_markdown(source: str, full_notebook: str) -> str:
    """The placeholder that replaces a markdown cell of a worked solution."""
    m = _MD_LABEL.match(source.strip())
    note = _("*(Your answer here. The worked solution is in the full notebook `{full_notebook}`.)*"
             ).format(full_notebook=full_notebook)
    return f"{m.group(1)} {note}" if m else note


def _clean_cell(cell: nbformat.NotebookNode) -> None:
    for key in _RUN_METADATA:
        cell.metadata.pop(key, None)
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    elif "attachments" in cell and not cell.attachments:
        del cell["attachments"]


def make_exercise(nb: nbformat.NotebookNode, full_notebook: str) -> tuple[nbformat.NotebookNode, dict]:
    """The learner copy of ``nb`` and a summary ``{"code": n, "markdown": m, "numbers": [...]}``.

    ``full_notebook`` is the path of the original, named in the placeholders. A notebook of the
    Korean edition (:func:`notebook_language`) gets its stubs and notes in Korean.
    """
    with _speaking(notebook_language(nb)):
        return _make_exercise(nb, full_notebook)


def _make_exercise(nb: nbformat.NotebookNode, full_notebook: str) -> tuple[nbformat.NotebookNode, dict]:
    new_heading = NEW_HEADING_KO if get_language() == "ko" else NEW_HEADING
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("w2vlib", None)  # the Korean twin's record of its English (maintainers' only)
    if "language_info" in nb.metadata:
        nb.metadata.language_info.pop("version", None)

    in_region = False
    labelled = False  # does this notebook label its solution cells (comment or bold label)?
    number: int | None = None
    counter = 0
    summary = {"code": 0, "markdown": 0, "numbers": []}
    intro = _(
        "Write your own solutions in the cells below; each stub names its exercise.\n"
        "The worked solutions, which check themselves with `assert`, are in the full notebook\n"
        "`{full_notebook}` (try first, then compare)."
    ).format(full_notebook=full_notebook)
    for cell in nb.cells:
        _clean_cell(cell)
        tagged = SOLUTION_TAG in cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            heads = [i for i, line in enumerate(lines) if _is_heading2(line)]
            starts = [i for i in heads if _is_solutions_heading(lines[i])]
            if starts:
                # keep what precedes the heading (earlier sections sharing the cell), replace the rest
                # up to the next `## ` heading; a heading after it ends the solutions
                s = starts[0]
                after = [i for i in heads if i > s]
                tail = lines[after[0] :] if after else []
                cell.source = "\n".join(lines[:s] + [new_heading, "", intro] + ([""] + tail if tail else []))
                in_region = not tail
                continue
            if in_region and heads:
                # a new section ends the solutions; answer text before its heading is still replaced
                answer = "\n".join(lines[: heads[0]]).strip()
                rest = "\n".join(lines[heads[0] :])
                if answer:
                    cell.source = stub_markdown(answer, full_notebook) + "\n\n" + rest
                    summary["markdown"] += 1
                in_region = False
                continue
            if in_region or tagged:
                m = _MD_LABEL.match(cell.source.strip())
                if m:
                    labelled, number = True, int(m.group(2))
                cell.source = stub_markdown(cell.source, full_notebook)
                summary["markdown"] += 1
            continue
        if cell.cell_type != "code" or not (in_region or tagged):
            continue
        _label, label_number = _code_label(cell.source)
        if label_number is not None:
            labelled, number = True, label_number
        elif not labelled:  # unlabelled solutions are numbered in order
            counter += 1
            number = counter
        # else: an unlabelled cell after a labelled one (an extra check) belongs to that exercise
        cell.source = stub_code(cell.source, number)
        summary["code"] += 1
        summary["numbers"].append(number)
    return nb, summary


def exercise_notebooks(src: Path) -> list[Path]:
    """The ``NN_*.ipynb`` notebooks in ``src`` (not the ``NN_*.new.ipynb`` fresh copies)."""
    return sorted(p for p in Path(src).glob("*.ipynb")
                  if _NOTEBOOK_NAME.match(p.name) and not p.name.endswith(NEW_SUFFIX))


class ExercisesError(Exception):
    """The learner copies cannot be made from what was given (``--src``, ``--dest``)."""


#: what was generated into a folder of copies: ``{"files": {name: sha256 of the bytes written}}``
MANIFEST = ".generated.json"
#: the fresh copy written beside a copy the learner changed: ``05_x.ipynb`` -> ``05_x.new.ipynb``
NEW_SUFFIX = ".new.ipynb"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(dest: Path) -> dict[str, str]:
    """``{file name: sha256}`` of what the generator last wrote into ``dest`` ({} if none)."""
    path = Path(dest) / MANIFEST
    if not path.is_file():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}  # unreadable: trust no copy, so every changed one is kept


def _write_manifest(dest: Path, files: dict[str, str]) -> None:
    text = json.dumps({"about": "sha256 of each learner copy as generated by "
                       "`python -m w2vlib.study.exercises`; a copy that no longer matches was "
                       "changed by you and is never overwritten or deleted",
                       "files": dict(sorted(files.items()))}, indent=1) + "\n"
    _atomic_write(Path(dest) / MANIFEST, text.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` through a new, randomly named file beside ``path`` (created exclusively,
    so a symlink planted there is never followed), then rename it over ``path``."""
    from ..io import exclusive_temp

    fd, tmp = exclusive_temp(path)
    try:
        with open(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _untouched(path: Path, manifest: dict[str, str], fresh: bytes | None = None) -> bool:
    """Is ``path`` absent, or exactly what the generator wrote (or would write) there?"""
    if not path.exists():
        return True
    if not path.is_file():
        return False
    data = path.read_bytes()
    return data == fresh or manifest.get(path.name) == _sha256(data)


def check_folders(src: Path, dest: Path) -> list[Path]:
    """The notebooks of ``src``; :class:`ExercisesError` naming the folder when it is no good."""
    src, dest = Path(src), Path(dest)
    if not src.is_dir():
        what = "not a folder" if src.exists() else "no such folder"
        raise ExercisesError(f"--src {src}: {what} (the full notebooks are in "
                             "notebooks/: --src notebooks); nothing was written or removed")
    originals = exercise_notebooks(src)
    if not originals:
        raise ExercisesError(f"--src {src} holds no NN_*.ipynb notebooks (the full notebooks "
                             "are in notebooks/: --src notebooks); nothing was written or removed")
    if dest.exists() and not dest.is_dir():
        raise ExercisesError(f"--dest {dest} is a file, not a folder")
    if dest.is_dir() and dest.resolve() == src.resolve():
        raise ExercisesError(f"--src and --dest are the same folder ({src}): the copies would "
                             "replace the notebooks they are made from")
    return originals


def _notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    text = nbformat.writes(nb)  # sorted keys, indent 1: stable bytes (as nbformat.write)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _place(out: Path, data: bytes, manifest: dict[str, str], notes: list[str]) -> Path | None:
    """Write ``data`` to ``out`` unless the learner changed ``out``: then beside it; -> the path
    written (None when nothing could be written without losing the learner's work)."""
    if _untouched(out, manifest, data):
        if not out.is_file() or out.read_bytes() != data:
            _atomic_write(out, data)
        manifest[out.name] = _sha256(data)
        return out
    new = out.with_name(out.name[: -len(".ipynb")] + NEW_SUFFIX)
    if not _untouched(new, manifest, data):
        notes.append(f"{out} and {new} have changes of yours: both kept, nothing written; "
                     f"move one of them away and run `make exercises` again for a fresh copy")
        return None
    _atomic_write(new, data)
    manifest[new.name] = _sha256(data)
    notes.append(f"{out} has changes of yours: kept it; the fresh copy is {new} "
                 f"(to get it under the usual name, move yours away and run `make exercises`)")
    return new


def generate(
    src: Path = Path("notebooks"), dest: Path = Path("exercises"), verbose: bool = False,
    notes: list[str] | None = None,
) -> list[Path]:
    """Write a learner copy of every ``src/NN_*.ipynb`` into ``dest``; return the paths written.

    Nothing the learner changed is ever overwritten or deleted: ``dest/.generated.json`` holds
    the sha256 of every copy as written, and a copy that no longer matches it is kept, its fresh
    copy written beside it as ``NN_x.new.ipynb``. A copy whose original no longer exists is
    removed only when unchanged, so ``dest`` mirrors ``src``. What was kept is appended to
    ``notes`` (and printed with ``verbose``). :class:`ExercisesError` when ``src`` holds no
    notebooks (a typo), before anything is written.
    """
    src, dest = Path(src), Path(dest)
    originals = check_folders(src, dest)
    notes = [] if notes is None else notes
    dest.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(dest)
    written = []
    for path in originals:
        nb = nbformat.read(path, as_version=4)
        edition = "notebooks/ko/" if notebook_language(nb) == "ko" else "notebooks/"
        copy_nb, summary = make_exercise(nb, edition + path.name)
        out = _place(dest / path.name, _notebook_bytes(copy_nb), manifest, notes)
        if out is None:
            continue
        written.append(out)
        if verbose:
            numbers = sorted({n for n in summary["numbers"] if n is not None})
            print(
                f"{out}: {summary['code']} solution code cells stubbed, "
                f"{summary['markdown']} markdown cells replaced, exercises {numbers}"
            )
    names = {p.name for p in originals}
    for stale in exercise_notebooks(dest):
        if stale.name in names:
            continue
        if _untouched(stale, manifest):
            stale.unlink()
            manifest.pop(stale.name, None)
        else:
            notes.append(f"{stale}: its notebook is gone from {src}, but it has changes of "
                         "yours: kept it")
    _write_manifest(dest, {k: v for k, v in manifest.items() if (dest / k).is_file()})
    if verbose:
        for note in notes:
            print(f"note: {note}")
    return written


def strip_run_metadata(paths) -> list[Path]:
    """Remove per-run cell metadata (nbconvert's timings, ...) from the notebooks at ``paths``,
    in place; return those that changed. Outputs and execution counts are kept."""
    changed = []
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        if [cell.metadata.pop(key) for cell in nb.cells for key in _RUN_METADATA
                if key in cell.metadata]:
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2vlib.study.exercises",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--src", type=Path, default=Path("notebooks"), help="full notebooks (notebooks)")
    parser.add_argument("--dest", type=Path, default=Path("exercises"), help="output folder (exercises)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    parser.add_argument("--strip-run-metadata", action="store_true",
                        help="first remove per-run cell metadata (timings) from the full notebooks")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        check_folders(args.src, args.dest)
        if args.strip_run_metadata:
            for path in strip_run_metadata(exercise_notebooks(args.src)):
                if not args.quiet:
                    print(f"{path}: per-run metadata removed")
        notes: list[str] = []
        written = generate(args.src, args.dest, verbose=not args.quiet, notes=notes)
    except ExercisesError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.quiet:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    else:
        print(f"{len(written)} learner copies written to {args.dest}/ in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
