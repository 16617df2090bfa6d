"""Every piece of text the chapter's figures draw, in one place.

In English; the entries marked ``N_()`` are translated where a figure draws them
(``_(LABELS[key])``), so ``w2vlib.set_language("ko")`` draws them in Korean. Layer names stay
as the book writes them (Embedding, EmbeddingDot, Sigmoid, Cross Entropy Error, Sigmoid with
Loss; see ``notebooks/GLOSSARY.md``), as do symbols and formulas. Strings with ``{...}`` are
formatted by the figure that uses them; ``$...$`` is matplotlib mathtext.
"""

from w2vlib.i18n import N_

LABELS = {
    # 4-4 / 4-5: the Embedding layer
    "W": "W",
    "dW": "dW",
    "out": "out = W[idx]",
    "dout": "dout",
    "idx": "idx",
    "row": N_("row {i}"),
    "idx_entry": "idx[{k}] = {i}",
    "forward_title": N_("Embedding forward: out = W[idx] picks rows"),
    "backward_title_add": N_("Embedding backward, adding: dW[idx[k]] += dout[k]"),
    "backward_title_assign": N_("Embedding backward, assigning: dW[idx] = dout"),
    "sum_note": "= {terms}",
    "term": "dout[{k}]",
    "kept_note": N_("{kept} kept, {lost} lost"),
    # 4-10: Sigmoid with Loss
    "x": "x",
    "y": "y",
    "t": "t",
    "L": "L",
    "sigmoid": "Sigmoid",
    "cross_entropy": "Cross Entropy Error",
    "sigmoid_with_loss": "Sigmoid with Loss",
    "dL": "1",
    "dy": r"$-\frac{t}{y} + \frac{1-t}{1-y}$",
    "dx": "y − t",
    "forward": N_("forward"),
    "backward": N_("backward"),
    "sigmoid_title": N_("Sigmoid and Cross Entropy Error: the gradient that flows back is y − t"),
    "combined_title": N_("Sigmoid with Loss as one layer: forward x, t → L; backward y − t"),
    # 4-12 / 4-17: negative sampling
    "embedding": "Embedding",
    "embedding_dot": "EmbeddingDot",
    "mean": N_("h = mean"),
    "positive_tag": N_("{w} (target)"),
    "negative_tag": N_("{w} (negative)"),
    "label_one": N_("label 1"),
    "label_zero": N_("label 0"),
    "w_in": N_("W_in (shared)"),
    "w_out": N_("W_out (shared)"),
    "sum": "+",
    "loss": N_("loss"),
    "context_tag": "{w}",
    "ns_title": N_("Negative sampling: the target and {n} sampled negatives, each a yes/no question"),
    # the context window
    "target": N_("target"),
    "context": N_("context"),
    "window_title": N_("window size {window}: the context is up to {window} word(s) on each side"),
    # CBOW vs skip-gram
    "cbow_title": N_("CBOW: contexts → target"),
    "skipgram_title": N_("skip-gram: target → contexts"),
    "cbow_formula": "P({target} | {contexts})",
    "skipgram_formula": "{factors}",
    "skipgram_factor": "P({c} | {target})",
    "hidden": "h",
}
