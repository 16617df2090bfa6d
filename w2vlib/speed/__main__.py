"""``python -m w2vlib.speed``: train word vectors on PTB from the command line."""

import sys

from .word2vec import main

sys.exit(main())
