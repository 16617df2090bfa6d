# Two commands set everything up on a fresh machine:
#   make lab    create .venv if missing, install w2vlib (editable, with dev tools),
#               fetch the Penn Treebank, start JupyterLab on notebooks/
#   make test   the same set-up, then the whole suite: unit tests, doctests and
#               every notebook under strict nbval
# Re-running either skips what is done: the install is redone only when
# pyproject.toml changes (stamp file), the download only when a file is missing
# or fails its checksum.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.w2vlib-installed
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told; containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
PYTEST_ARGS ?=

.PHONY: help setup data lab lab-ko my-work test test-unit test-notebooks test-browser lint clean vectors bench exercises paper-table execute catalogs

help:
	@echo "make lab             set up, then open the notebooks in JupyterLab"
	@echo "make lab-ko          the Korean notebooks (notebooks/ko/) in JupyterLab in Korean (한국어판)"
	@echo "make my-work         your own copies of the exercises (my-work/, never overwritten), in JupyterLab"
	@echo "make test            set up, then run unit tests and every notebook (nbval)"
	@echo "make test-unit       unit tests and doctests only"
	@echo "make test-notebooks  notebooks only (strict nbval)"
	@echo "make test-core-path  the core sections of every notebook against the time budget (~2 min)"
	@echo "make test-busy       every notebook twice under nbval with one core kept busy (~10 min)"
	@echo "make test-spark      word2vec on Apache Spark for real (installs Java and pyspark; minutes)"
	@echo "make test-browser    the widget explorers in JupyterLab in Chromium (needs .ci/install-browser)"
	@echo "make lint            ruff"
	@echo "make catalogs        refresh the message catalogs (w2vlib/locale; Korean messages)"
	@echo "make exercises       regenerate exercises/ (learner copies: no outputs, solutions stubbed)"
	@echo "make execute         rerun the notebooks in place (NB=path for one), then make exercises"
	@echo "make ko-record       after editing an English cell and its Korean twin: record the pair"
	@echo "make bench           install gensim, fastText and numba; the speed ladder and the fair table (~20 min)"
	@echo "make paper-table     the paper's analogy table in small on PTB -> w2vlib/data/paper_table/ (~15 min)"
	@echo "make clean           remove .venv and caches (keeps downloaded data)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "w2vlib needs Python >= 3.10; this is " + sys.version.split()[0] + ". Set PYTHON=python3.11 (or newer) and retry.")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(STAMP)

data: setup
	$(PY) -m w2vlib.datasets fetch ptb

# One BLAS thread, as in `make test`: the notebooks' timing cells compare
# implementations, and a multi-threaded BLAS on a small laptop makes them jumpy.
# LAB_DIR=exercises opens the learner copies instead.
LAB_DIR ?= notebooks
lab: data
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)/bin/jupyter lab --ServerApp.root_dir=$(LAB_DIR) $(ROOT_FLAG) $(LAB_ARGS)

# The Korean edition: notebooks/ko/ in JupyterLab (the repository as its root, so the notebooks'
# links to ../GLOSSARY.md and ../../README.ko.md open) with its menus in Korean (the language pack
# jupyterlab-language-pack-ko-KR, dev extra) and Korean line breaking (word-break: keep-all, so a
# line never breaks inside a word). The settings live in .jupyter-ko/ (see its
# jupyter_server_config.py): JUPYTER_CONFIG_DIR points there for this process only, the
# learner's own settings, workspaces and config files in their usual Jupyter config directory
# still apply and are never changed, and `make lab` stays as it was.
KO_CONFIG := $(CURDIR)/.jupyter-ko
lab-ko: data
	@$(PY) -c 'import jupyterlab_language_pack_ko_KR' 2> /dev/null || $(PY) -m pip install --quiet -e '.[dev]'
	W2VLIB_JUPYTER_CONFIG_DIR="$$($(VENV)/bin/jupyter --config-dir)" JUPYTER_CONFIG_DIR=$(KO_CONFIG) \
	    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)/bin/jupyter lab --ServerApp.root_dir=. \
	    --LabApp.default_url=/lab/tree/notebooks/ko $(ROOT_FLAG) $(LAB_ARGS)

# Your own workspace: my-work/ (git ignores it) gets a learner copy of each notebook the first
# time, and never again -- a copy you have already got is never replaced, even when exercises/
# changes. The Korean edition's copies go to my-work/ko/. JupyterLab opens with the repository
# as its root, so the copies' links to
# notebooks/, GLOSSARY.md and the slide map work.
my-work: data my-work-copies
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)/bin/jupyter lab --ServerApp.root_dir=. \
	    --LabApp.default_url=/lab/tree/my-work $(ROOT_FLAG) $(LAB_ARGS)

# (the copying alone; tests/test_exercises.py runs it twice and checks nothing of yours is replaced)
.PHONY: my-work-copies
my-work-copies:
	@mkdir -p my-work/ko
	@for f in exercises/[0-9]*.ipynb exercises/ko/[0-9]*.ipynb; do \
	    t="my-work/$${f#exercises/}"; \
	    if [ -e "$$t" ]; then echo "kept $$t (yours)"; else cp "$$f" "$$t" && echo "new  $$t"; fi; \
	done

# Two pytest workers (pytest-xdist), one core each, never more than two whatever the machine
# (on a 1-core machine: one): each worker takes whole files (--dist loadfile), so a notebook's
# cells run in order in one kernel, as nbval needs. Two at once is the load the notebooks'
# timing checks are proven under (make test-busy). TEST_WORKERS=0: one process, as before.
TEST_WORKERS ?= auto
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --maxprocesses 2 --dist loadfile)
test: data
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest $(XDIST) --doctest-modules --nbval --nbval-current-env w2vlib tests notebooks $(PYTEST_ARGS)

test-unit: data
	$(PY) -m pytest $(XDIST) --doctest-modules w2vlib tests $(PYTEST_ARGS)

test-notebooks: data
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest $(XDIST) --nbval --nbval-current-env notebooks $(PYTEST_ARGS)

# The core path of every notebook (its [핵심] sections) against the meeting's time budget
# (tests/timing/; not part of `make test`, whose nbval runs the same cells). Part of .ci/run.
.PHONY: test-core-path
test-core-path: data
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest tests/timing $(PYTEST_ARGS)

# A learner's busy laptop: every notebook (both editions) under strict nbval twice in a row
# while a CPU-bound process takes one core, with no BLAS thread variables (as a plain
# `jupyter lab`). Part of .ci/run; not of `make test`, as it takes ~10 minutes.
.PHONY: test-busy
test-busy: data
	.ci/busy-nbval

# JupyterLab in a real browser (tests/browser/; never part of `make test`, which skips
# that directory). Uses Debian's /usr/bin/chromium -- .ci/install-browser installs it --
# never `playwright install`. Screenshots go to artifacts/browser/. CI=true turns a
# missing browser from a skip into a failure.
test-browser: setup
	$(PY) -m pip install --quiet -e '.[browser]'
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

# The speed ladder on PTB (python -m w2vlib.lab.bench): a benchmark, not a test.
# BENCH_ARGS="--quick" for a two-minute run.
BENCH_ARGS ?=
bench: data
	$(PY) -m pip install --quiet -e '.[bench,fast]'
	$(PY) -m w2vlib.lab.bench $(BENCH_ARGS)

# Maintainers: run notebooks top to bottom in a fresh kernel and store their outputs, as
# `make test` expects (NB=notebooks/08_speed_ladder.ipynb for one), without nbconvert's
# per-cell timings (they would change every run), then refresh the learner copies.
# Both editions: the English notebooks/ and the Korean notebooks/ko/ (kept in step by
# tests/test_korean_edition.py; after changing a pair, record it: make ko-record NB=notebooks/ko/...).
NB ?= notebooks/[0-9]*.ipynb notebooks/ko/[0-9]*.ipynb
execute: data
	OPENBLAS_NUM_THREADS=1 $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False $(NB)
	$(PY) -m w2vlib.study.exercises --strip-run-metadata --src notebooks --dest exercises
	$(PY) -m w2vlib.study.exercises --strip-run-metadata --src notebooks/ko --dest exercises/ko

# Maintainers: after editing an English notebook and the same cells of its Korean twin, record
# that the twin now matches (NB=notebooks/ko/05_negative_sampling.ipynb; default: all). Refused
# while the pair is out of step in any other way (python -m w2vlib.study.pairing check).
KO_NB ?= notebooks/ko/[0-9]*.ipynb
.PHONY: ko-record
ko-record: setup
	$(PY) -m w2vlib.study.pairing record $(or $(filter notebooks/ko/%,$(NB)),$(KO_NB))

# The message catalogs (w2vlib/i18n.py): extract every _() / N_() message of w2vlib into
# w2vlib/locale/w2vlib.pot, merge new ones into the Korean w2vlib.po (translate the empty
# msgstr entries there), compile the .mo files that ship. tests/test_i18n.py fails when a
# message has no Korean entry or a .mo is older than its .po.
catalogs: setup
	$(VENV)/bin/pybabel extract -F w2vlib/locale/babel.cfg -k N_ -k ngettext:1,2 --no-location \
	    --sort-output --omit-header -o w2vlib/locale/w2vlib.pot .
	$(VENV)/bin/pybabel update -i w2vlib/locale/w2vlib.pot -d w2vlib/locale -D w2vlib -l ko \
	    --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d w2vlib/locale -D w2vlib --statistics

# Learner copies of the notebooks (outputs cleared, solution cells stubbed) -> exercises/.
# Built from cell sources only; tests/test_exercises.py fails when they are out of date.
exercises: setup
	$(PY) -m w2vlib.study.exercises --src notebooks --dest exercises
	$(PY) -m w2vlib.study.exercises --src notebooks/ko --dest exercises/ko

# The paper's analogy table in small (python -m w2vlib.lab.paper_table): CBOW / skip-gram x dims
# 50 100 200 x 25/50/100% of PTB, 5 epochs each, one thread -> w2vlib/data/paper_table/ptb_grid.csv and
# ptb_grid.json (settings, machine, total time). About 12-15 minutes on 2 cores.
# PAPER_TABLE_ARGS="--models cbow --dims 50 --epochs 1" for a quick try.
PAPER_TABLE_ARGS ?=
paper-table: data
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m w2vlib.lab.paper_table \
		--out w2vlib/data/paper_table/ptb_grid.csv $(PAPER_TABLE_ARGS)

# Pretrained PTB vectors (fast CBOW, fixed seed, one BLAS/OpenMP thread) -> w2vlib/data/vectors/
# (package data: shipped in the wheel, found with w2vlib.datasets.shipped_file)
vectors: data
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m w2vlib.speed --model cbow --epochs 10 \
		--dim 100 --seed 0 --subsample 1e-3 --no-progress --force --out w2vlib/data/vectors/ptb_cbow.npz

lint: setup
	$(VENV)/bin/ruff check w2vlib tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +

# word2vec on Apache Spark (pyspark.ml.feature.Word2Vec, the `spark` extra) for real, in local mode:
# tests/spark/ (never part of `make test`, which skips that directory) and notebook 10's live cell
# (W2VLIB_SPARK=1). Runs .ci/install-java when no Java 17+ is found. Without Java or pyspark the
# tests skip with the reason; CI=true turns that into a failure. About 2-3 minutes.
.PHONY: test-spark
test-spark: data
	$(PY) -m pip install --quiet -e '.[spark]'
	@$(PY) -c 'import sys; from w2vlib.lab.spark import java_problem; sys.exit(1 if java_problem() else 0)' \
	    || .ci/install-java || echo "test-spark: Java could not be installed (see above)"
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest tests/spark $(PYTEST_ARGS)
