"""Study tools: exercise checks (:mod:`~w2vlib.study.check`, a package by topic), the
notebooks' explorers (:mod:`~w2vlib.study.widgets`), the one cost model of the input layer
that both use (:mod:`~w2vlib.study.cost`) and the learner copies
(:mod:`~w2vlib.study.exercises`). They may use every other part of w2vlib.

``from w2vlib import check`` is the short path learners type.
"""
