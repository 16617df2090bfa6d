"""Study tools: exercise checks (:mod:`~w2vlib.study.check`), the notebooks'
explorers (:mod:`~w2vlib.study.widgets`) and the learner copies
(:mod:`~w2vlib.study.exercises`). They may use every other part of w2vlib.

``from w2vlib import check`` is the short path learners type.
"""
