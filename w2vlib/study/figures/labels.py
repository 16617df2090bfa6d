"""Every piece of text the chapter's figures draw, in one place.

English for now; the Korean edition of the series translates this table (layer names stay
as the book writes them: Embedding, EmbeddingDot, Sigmoid, Cross Entropy Error, Sigmoid
with Loss; see ``notebooks/GLOSSARY.md``). Strings with ``{...}`` are formatted by the
figure that uses them; ``$...$`` is matplotlib mathtext.
"""

LABELS = {
    # 4-4 / 4-5: the Embedding layer
    "W": "W",
    "dW": "dW",
    "out": "out = W[idx]",
    "dout": "dout",
    "idx": "idx",
    "row": "row {i}",
    "idx_entry": "idx[{k}] = {i}",
    "forward_title": "Embedding forward: out = W[idx] picks rows",
    "backward_title_add": "Embedding backward, adding: dW[idx[k]] += dout[k]",
    "backward_title_assign": "Embedding backward, assigning: dW[idx] = dout",
    "sum_note": "= {terms}",
    "term": "dout[{k}]",
    "kept_note": "{kept} kept, {lost} lost",
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
    "forward": "forward",
    "backward": "backward",
    "sigmoid_title": "Sigmoid and Cross Entropy Error: the gradient that flows back is y − t",
    "combined_title": "Sigmoid with Loss as one layer: forward x, t → L; backward y − t",
    # 4-12 / 4-17: negative sampling
    "embedding": "Embedding",
    "embedding_dot": "EmbeddingDot",
    "mean": "h = mean",
    "positive_tag": "{w} (target)",
    "negative_tag": "{w} (negative)",
    "label_one": "label 1",
    "label_zero": "label 0",
    "w_in": "W_in (shared)",
    "w_out": "W_out (shared)",
    "sum": "+",
    "loss": "loss",
    "context_tag": "{w}",
    "ns_title": "Negative sampling: the target and {n} sampled negatives, each a yes/no question",
    # the context window
    "target": "target",
    "context": "context",
    "window_title": "window size {window}: the context is up to {window} word(s) on each side",
    # CBOW vs skip-gram
    "cbow_title": "CBOW: contexts → target",
    "skipgram_title": "skip-gram: target → contexts",
    "cbow_formula": "P({target} | {contexts})",
    "skipgram_formula": "{factors}",
    "skipgram_factor": "P({c} | {target})",
    "hidden": "h",
}
