"""The machine a measurement ran on: one description for every benchmark and table.

:func:`machine_info` returns a JSON-able dict that the speed ladder
(:mod:`w2vlib.lab.bench`) prints and the paper table (:mod:`w2vlib.lab.paper_table`)
stores beside its CSV. Its keys:

=====================  ===============================================================
key                    value
=====================  ===============================================================
``cpu``                the CPU model (``/proc/cpuinfo``), else what :mod:`platform` says
``cores``              ``os.cpu_count()``
``usable_cores``       cores this process may run on (its CPU affinity)
``platform``           ``platform.platform()``
``python``, ``numpy``  versions
``blas``               the BLAS library, its version and thread count, as one line
``threads_forced``     True when :func:`force_single_thread` ran before NumPy was imported
``thread_env``         ``{name: value or None}`` for each of :data:`THREAD_VARS`
``openblas_coretype``  ``OPENBLAS_CORETYPE`` (it pins OpenBLAS's kernels), or None
``loadavg``            the 1-minute load average now, or None where there is none
``gensim``             gensim's version, or None when it is not installed
=====================  ===============================================================

Files written before this module used other names for four keys (``cores_usable``,
``threads_env``, ``load_average`` and ``load_average_end`` as lists of the 1/5/15-minute
averages); :func:`upgrade_machine_info` reads either form.

This module imports NumPy only inside :func:`machine_info`, so a command line can call
:func:`force_single_thread` before anything loads BLAS.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["THREAD_VARS", "OLD_KEYS", "force_single_thread", "threads_forced", "cpu_model",
           "blas_summary", "loadavg", "machine_info", "machine_lines", "upgrade_machine_info"]

#: The environment variables that set how many threads BLAS and OpenMP start.
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

#: Old key -> key of :func:`machine_info` (``w2vlib.lab.paper_table`` before the merge).
OLD_KEYS = {"cores_usable": "usable_cores", "threads_env": "thread_env",
            "load_average": "loadavg", "load_average_end": "loadavg_end"}

_forced = False


def force_single_thread() -> bool:
    """Set every :data:`THREAD_VARS` to 1 for this process; returns :func:`threads_forced`.

    BLAS reads these once, when NumPy is first imported, so this only takes effect (and
    only reports True) when it runs before that.
    """
    global _forced
    _forced = "numpy" not in sys.modules
    for var in THREAD_VARS:
        os.environ[var] = "1"
    return _forced


def threads_forced() -> bool:
    """Whether :func:`force_single_thread` ran before NumPy was imported."""
    return _forced


def cpu_model() -> str:
    """The CPU's model name, e.g. ``'AMD EPYC'``."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_summary() -> str:
    """One line naming NumPy's BLAS: library, version, architecture and thread count."""
    try:
        from threadpoolctl import threadpool_info

        libs = [f"{d.get('internal_api')} {d.get('version')} ({d.get('architecture', '?')}, "
                f"{d.get('num_threads')} thread{'s' if d.get('num_threads') != 1 else ''})"
                for d in threadpool_info() if d.get("user_api") == "blas"]
        if libs:
            return "; ".join(libs)
    except Exception:  # threadpoolctl missing or failing: fall back to numpy's build info
        pass
    try:
        import numpy as np

        with contextlib.redirect_stdout(None):
            cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')} (threads from OPENBLAS_NUM_THREADS)"
    except Exception:
        return "unknown"


def loadavg() -> float | None:
    """The 1-minute load average (runnable processes), or None where the system has none."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _gensim_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("gensim")
    except Exception:
        return None


def machine_info() -> dict:
    """CPU, cores, versions, BLAS, thread settings and the load average now (keys above).

    >>> info = machine_info()
    >>> info["cores"] >= 1 and sorted(info["thread_env"]) == sorted(THREAD_VARS)
    True
    """
    import numpy as np

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_summary(),
        "threads_forced": threads_forced(),
        "thread_env": {v: os.environ.get(v) for v in THREAD_VARS},
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "loadavg": loadavg(),
        "gensim": _gensim_version(),
    }


def upgrade_machine_info(info: Mapping) -> dict:
    """A machine dict with :func:`machine_info`'s key names, whichever form it was written in.

    Old keys are renamed (:data:`OLD_KEYS`); an old load average, a list of the 1/5/15-minute
    figures, becomes its first figure. Keys already new, and unknown keys, are kept as they are.

    >>> upgrade_machine_info({"cpu": "x", "cores_usable": 2, "load_average": [1.5, 1.0, 0.5]})
    {'cpu': 'x', 'usable_cores': 2, 'loadavg': 1.5}
    """
    out = {}
    for key, value in info.items():
        new = OLD_KEYS.get(key, key)
        if key in OLD_KEYS and new in info:
            continue                                   # both spellings: the new one wins
        if new in ("loadavg", "loadavg_end") and isinstance(value, (list, tuple)):
            value = value[0] if value else None
        out[new] = value
    return out


def machine_lines(info: Mapping) -> list[str]:
    """:func:`machine_info`'s dict as the lines a report prints (old key names accepted)."""
    info = upgrade_machine_info(info)
    lines = [f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
             f"{info['platform']}",
             f"         Python {info['python']}, NumPy {info['numpy']}, "
             f"BLAS: {info.get('blas', 'unknown')}"
             + (f", gensim {info['gensim']}" if info.get("gensim") else "")]
    if info.get("threads_forced"):
        lines.append("threads: OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1, set by "
                     "this process before NumPy was imported (single thread)")
    else:
        lines.append("threads: not forced (imported as a module); environment: "
                     + ", ".join(f"{k}={v}" for k, v in info["thread_env"].items()))
    if info.get("openblas_coretype"):
        lines.append(f"note: OPENBLAS_CORETYPE={info['openblas_coretype']} is set in this "
                     f"environment (it pins OpenBLAS's kernels; left as is)")
    return lines
