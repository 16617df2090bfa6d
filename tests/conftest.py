"""Shared pytest configuration."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "needs_ptb: needs the real Penn Treebank files in the data cache "
        "(run `make data`); deselect with -m 'not needs_ptb'",
    )
