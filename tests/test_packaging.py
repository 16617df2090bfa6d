"""The set-up files agree with each other."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_deps() -> set[str]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python >= 3.11")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = list(project["dependencies"]) + list(project["optional-dependencies"]["dev"])
    return {_name(d) for d in deps}


def _conda_deps() -> set[str]:
    names = set()
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)", line)
        if m and not line.strip().startswith("- -e"):
            names.add(_name(m.group(1)))
    return names


def test_environment_yml_names_every_pyproject_dependency():
    missing = _pyproject_deps() - _conda_deps()
    assert not missing, f"environment.yml lacks {sorted(missing)} that pyproject.toml names"


def test_environment_yml_installs_the_project_itself():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+-\s+-e \.$", text, re.M), "environment.yml must `pip install -e .`"
    assert "conda-forge" in text


def test_dependencies_are_bounded_below_not_pinned():
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python >= 3.11")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in list(project["dependencies"]) + list(project["optional-dependencies"]["dev"]):
        assert "==" not in dep and ">=" in dep, f"{dep!r}: use a minimum version, not a pin"


def test_package_imports_from_outside_the_repo(tmp_path):
    out = subprocess.run([sys.executable, "-c", "import w2vlib, sys; print(w2vlib.__file__)"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(out.stdout.strip()).resolve().is_relative_to(ROOT / "w2vlib")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test\b", ci, re.M)


def test_no_pickle_loading_anywhere():
    for path in (ROOT / "w2vlib").rglob("*.py"):
        text = path.read_text()
        assert "import pickle" not in text and "allow_pickle=True" not in text, path
