"""The chapter's figures, drawn by code, and the projector style every notebook uses.

Every figure function returns a pyplot-free :class:`matplotlib.figure.Figure` (a notebook
cell ending with the call shows it once), is deterministic, and draws under
:data:`~.style.PROJECTOR_RC` (dpi 120, text of 12 pt and more) whatever the global style:

* :func:`embedding_forward` -- figure 4-4: ``out = W[idx]`` picks rows;
* :func:`embedding_backward` -- figures 4-4/4-5: ``dout`` rows flow back into dW; a repeated
  id adds (``mode="add"``) or loses a row (``mode="assign"``);
* :func:`sigmoid_with_loss_graph` -- figure 4-10: x -> Sigmoid -> y -> Cross Entropy Error
  <- t -> L, with the backward y - t in another colour;
* :func:`negative_sampling_network` -- figures 4-12/4-17: contexts -> Embedding -> h (mean)
  -> EmbeddingDot with the target and the sampled negatives -> Sigmoid with Loss -> loss;
* :func:`context_window` -- a sentence with the target and its context boxed;
* :func:`cbow_vs_skipgram` -- two panels: contexts -> target, target -> contexts.

The text of every figure is in :data:`~.labels.LABELS` (English; one table to translate).
:func:`use_projector_style` sets matplotlib's defaults for the notebooks' own plots and
:func:`legend_outside` puts a legend beside the axes, off the data.
"""

from .context import cbow_vs_skipgram, context_window
from .embedding import embedding_backward, embedding_forward
from .graphs import negative_sampling_network, sigmoid_with_loss_graph
from .labels import LABELS
from .style import PROJECTOR_RC, is_projector_style, legend_outside, new_figure, to_png, use_projector_style

__all__ = ["use_projector_style", "is_projector_style", "legend_outside", "new_figure", "to_png",
           "PROJECTOR_RC", "LABELS", "embedding_forward", "embedding_backward",
           "sigmoid_with_loss_graph", "negative_sampling_network", "context_window", "cbow_vs_skipgram"]
