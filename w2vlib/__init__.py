"""w2vlib: word2vec made fast, one idea at a time.

The code of chapter 4 of *Deep Learning from Scratch 2* ("word2vec 속도 개선"),
rewritten and tested: the Embedding layer, negative sampling, the improved CBOW
and skip-gram, the Penn Treebank loader and the evaluation of word vectors.

Every layer keeps the book's API -- ``params``, ``grads``, ``forward``,
``backward`` -- so the book can be read beside this code.
"""

__version__ = "0.1.0"
