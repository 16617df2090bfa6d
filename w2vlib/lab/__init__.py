"""The lab: measuring and reproducing. The speed ladder (:mod:`~w2vlib.lab.bench`),
the paper's table in small (:mod:`~w2vlib.lab.paper_table`), honest timing
(:mod:`~w2vlib.lab.timing`) and the book's code structure as a reference point
(:mod:`~w2vlib.lab.book_style`). It may use every other part of w2vlib.
"""
