"""The package's layout says who each file is for, and imports point down the page.

- the top level (``w2vlib/*.py``) is what the book teaches plus data and judging vectors:
  it imports nothing from ``speed/``, ``study/`` or ``lab/``;
- ``speed/`` (the fast trainers) imports only the top level and itself;
- ``study/`` and ``lab/`` may import anything.

Every import is checked, also those inside functions, by resolving it to the module it names.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "w2vlib"
FLOORS = ("speed", "study", "lab")
#: What the issue asks of every module: small enough to read in one sitting.
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in ``source``, a module of ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append((node.lineno, target))
            # `from . import speed` names a subpackage through its alias
            found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
    return found


def floor_of(module: str) -> str | None:
    """'top', one of FLOORS, or None for a module outside w2vlib."""
    parts = module.split(".")
    if parts[0] != "w2vlib":
        return None
    if len(parts) > 1 and parts[1] in FLOORS:
        return parts[1]
    return "top"


def sources(floor: str) -> list[Path]:
    if floor == "top":
        return sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    return sorted((PACKAGE / floor).rglob("*.py"))


@pytest.mark.parametrize("floor,allowed", [("top", {"top"}), ("speed", {"top", "speed"})])
def test_imports_point_down_the_page(floor, allowed):
    bad = []
    for path in sources(floor):
        for line, module in imported_modules(path):
            target = floor_of(module)
            if target is not None and target not in allowed:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not bad, "imports against the layout rule:\n" + "\n".join(bad)


def test_the_rule_catches_an_import_from_below():
    """The checker itself: a top-level module importing from below, even inside a function."""
    source = ("import numpy\nfrom . import speed\n"
              "def f():\n    from .study import check\n    from .lab.timing import best_time\n")
    found = {floor_of(m) for _, m in imports_in(source, "w2vlib")}
    assert found == {None, "top", "speed", "study", "lab"}
    from_speed = {floor_of(m) for _, m in imports_in("from ..lab import bench\n", "w2vlib.speed")}
    assert "lab" in from_speed


def test_the_top_level_loads_nothing_from_below():
    """``import w2vlib`` and every book module load no speed/study/lab module; the short
    paths (``from w2vlib import check``) load theirs on first use."""
    code = ("import sys, w2vlib, w2vlib.layers, w2vlib.models, w2vlib.trainer, w2vlib.optim, "
            "w2vlib.negative_sampling, w2vlib.corpus, w2vlib.datasets, w2vlib.io, w2vlib.evaluate, "
            "w2vlib.gradcheck, w2vlib.functions\n"
            "below = sorted(m for m in sys.modules if m.split('.')[:2][-1] in ('speed', 'study', 'lab')"
            " and m.startswith('w2vlib.'))\n"
            "print(below)\n"
            "from w2vlib import check, train_word2vec\n"
            "print(check.__name__, train_word2vec.__module__.split('.')[1])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.splitlines()
    assert out[0] == "[]", f"the top level loaded {out[0]}"
    assert out[1] == "w2vlib.study.check speed"


def test_an_unknown_short_name_is_a_clear_attribute_error():
    import w2vlib

    with pytest.raises(AttributeError, match="no attribute 'chek'"):
        w2vlib.chek  # noqa: B018


def all_sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_too_long_to_read():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in all_sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by concept):\n" + "\n".join(long)


def test_no_function_is_too_long_to_read():
    long = []
    for path in all_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {n} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)
