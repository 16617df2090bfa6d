"""``python -m w2vlib.speed``: train word vectors on PTB from the command line (see
:mod:`w2vlib.speed.cli`)."""

import sys

from .cli import main

sys.exit(main())
