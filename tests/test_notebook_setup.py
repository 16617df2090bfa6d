"""w2vlib.study.notebook.setup: the first call of every notebook."""

import json
import os
import subprocess
import sys

import pytest

from w2vlib.study import notebook

SCRIPT = """
import json
import numpy as np
from w2vlib.study import notebook
before = notebook.blas_threads()
notebook.setup()
after = notebook.blas_threads()
notebook.setup()
print(json.dumps([before, after, notebook.blas_threads(), np.get_printoptions()["linewidth"]]))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores to see a BLAS pool shrink")
def test_setup_pins_blas_to_one_thread_even_when_the_environment_did_not():
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env["MPLBACKEND"] = "Agg"
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, check=True).stdout
    before, after, again, width = json.loads(out)
    assert before and max(before) > 1, f"BLAS started with {before} threads"
    assert set(after) == {1} and set(again) == {1}
    assert width == 100


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "1"])
def test_setup_rejects_a_thread_count_that_is_not_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="blas_threads"):
        notebook.setup(blas_threads=bad)
