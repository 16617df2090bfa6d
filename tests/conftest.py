"""Shared pytest configuration.

The optional suites (``tests/browser``: JupyterLab in Chromium; ``tests/spark``: Apache Spark;
``tests/timing``: the core path of every notebook against its time budget, which runs the same
cells nbval runs in ``make test`` once more) are never part of ``make test``: they are collected
only when a command-line argument names their directory or something in it (``make
test-browser``, ``make test-spark``, ``make test-core-path``, ``pytest tests/spark/test_x.py``).
``.ci/run`` runs each of them.
"""

from pathlib import Path

OPTIONAL = tuple(Path(__file__).resolve().parent / name for name in ("browser", "spark", "timing"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "needs_ptb: needs the real Penn Treebank files in the data cache "
        "(run `make data`); deselect with -m 'not needs_ptb'",
    )


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _requested(config, directory: Path) -> bool:
    """True when an invocation argument names ``directory`` or something in it."""
    root = Path(config.invocation_params.dir)
    for arg in config.invocation_params.args:
        if not arg.startswith("-") and _inside((root / arg.split("::")[0]).resolve(), directory):
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    for directory in OPTIONAL:
        if _inside(Path(collection_path), directory) and not _requested(config, directory):
            return True
    return None
