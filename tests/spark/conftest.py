"""Spark tests: Spark's own word2vec (pyspark.ml.feature.Word2Vec) run for real, in local mode.

They start a JVM and train on PTB, so they are collected **only when asked for by path**::

    pytest tests/spark              # what `make test-spark` runs

``pytest tests`` (and so ``make test``) skips this directory silently, as it does tests/browser.
Without pyspark or Java the tests are skipped with the reason, except when the environment variable
``CI`` is ``true`` (or ``1``), where that is a failure: `make test-spark` installs both
(``.ci/install-java``). The JVM-free parts (the settings, the errors) are tests/test_spark_settings.py,
which `make test` runs.

Nothing here imports pyspark at import time: ``make test`` imports this file.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs Apache Spark in local mode (run with "
                                       "`make test-spark` or `pytest tests/spark`)")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def spark_ready() -> None:
    """Skip (fail under CI=true) when pyspark or Java is missing, with the reason and the fix."""
    from w2vlib.lab.spark import SparkUnavailableError, check_spark

    try:
        check_spark()
    except SparkUnavailableError as e:
        if in_ci():
            pytest.fail(f"{e}\n(CI is set, so this is a failure, not a skip; run .ci/install-java)",
                        pytrace=False)
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def spark(spark_ready):
    """One local Spark session for the whole run (starting one takes several seconds)."""
    from w2vlib.lab.spark import start_session

    session = start_session()
    try:
        yield session
    finally:
        session.stop()
