"""A normal (not editable) install works: the wheel carries its data and finds it.

The wheel is built from a copy of the sources (so the checkout is left clean), installed
into a fresh virtual environment outside the repository, and used from a directory that
is not a checkout: ``python -m w2vlib.evaluate`` on the shipped vectors must report the
analogy benchmark, reading the questions and the vectors from package data. The new
environment borrows numpy and the other dependencies from the one running the tests (a
``.pth`` line, which does not run that environment's editable-install hook), so the test
needs no network.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args, **kwargs):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert proc.returncode == 0, f"{args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a fresh venv with the w2vlib wheel installed, a scratch directory)."""
    pytest.importorskip("setuptools", minversion="77")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "w2vlib", src / "w2vlib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    dist = tmp / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(dist), str(src)], cwd=tmp)
    (wheel,) = dist.glob("w2vlib-*.whl")

    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
         str(wheel)], cwd=tmp)
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout
    # numpy, matplotlib, ... from the test environment, after the wheel's own site-packages
    (Path(site.strip()) / "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp / "elsewhere"
    work.mkdir()
    return python, work


def clean_env(work):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "W2VLIB_DATA")}
    env["HOME"] = str(work)                    # the per-user cache lands in the scratch dir
    env.pop("XDG_CACHE_HOME", None)
    return env


def test_the_wheel_holds_the_shipped_data(installed):
    python, work = installed
    out = run([str(python), "-c",
               "import json, w2vlib, w2vlib.datasets as d\n"
               "print(json.dumps({'module': w2vlib.__file__,\n"
               "  'files': [str(d.shipped_file(*k)) for k in d.SHIPPED],\n"
               "  'cache': str(d.data_dir())}))"],
              cwd=work, env=clean_env(work)).stdout
    info = json.loads(out)
    package = Path(info["module"]).parent
    assert not package.is_relative_to(ROOT), f"imported the checkout, not the wheel: {package}"
    from w2vlib.datasets import SHIPPED

    assert len(info["files"]) == len(SHIPPED) >= 6     # analogy, vectors, paper table, texts, spark
    for f in info["files"]:
        assert Path(f).is_relative_to(package) and Path(f).stat().st_size > 0, f
    # outside a checkout, downloads go to the per-user cache, not into site-packages
    assert Path(info["cache"]).is_relative_to(work), info["cache"]


def test_evaluate_runs_on_the_shipped_vectors_from_the_wheel(installed):
    python, work = installed
    vectors = run([str(python), "-c",
                   "from w2vlib.datasets import shipped_file; "
                   "print(shipped_file('vectors', 'ptb_cbow.npz'))"],
                  cwd=work, env=clean_env(work)).stdout.strip()
    out = run([str(python), "-m", "w2vlib.evaluate", vectors, "--similarity", "none"],
              cwd=work, env=clean_env(work)).stdout
    assert "semantic" in out and "syntactic" in out, out
    assert "4,716" in out or "4716" in out, out      # the PTB-covered questions, read from the wheel
