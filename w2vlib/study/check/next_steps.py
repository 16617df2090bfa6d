"""Where to go after a check has passed: one short sentence per check, printed after
"all passed".

All of them live here, as plain string literals, so that the translation layer can wrap
them in one place and the notebook that uses a check can be found from its name.
"""

from __future__ import annotations

from w2vlib.i18n import N_

__all__ = ["NEXT_STEPS"]

#: check name -> the sentence printed after "all passed"
NEXT_STEPS: dict[str, str] = {
    "contexts_target": N_("build the MatMul layer next (exercise 4 of notebook 01), or go on to "
                          "notebook 02."),
    "matmul_layer": N_("notebook 01 is done: notebook 02 replaces this MatMul by the Embedding "
                       "layer."),
    "onehot_cost": N_("now write the Embedding layer's forward pass (the next exercise of "
                      "notebook 02)."),
    "embedding_forward": N_("notebook 02 is done: notebook 03 writes the backward pass, where a "
                            "repeated id is the trap."),
    "embedding_backward": N_("notebook 03 is done: notebook 04 turns the softmax into yes/no "
                             "questions (SigmoidWithLoss)."),
    "sigmoid_with_loss": N_("notebook 04 is done: notebook 05 builds EmbeddingDot and negative "
                            "sampling on top of this loss."),
    "embedding_dot": N_("EmbeddingDot works: next, the sampler that picks the negatives "
                        "(notebook 05, section 3)."),
    "unigram_sampler": N_("now put EmbeddingDot, SigmoidWithLoss and your sampler together in "
                          "NegativeSamplingLoss (notebook 05, section 4)."),
    "negative_sampling_loss": N_("the loss layer works: derive its gradients by hand (the "
                                 "ns_gradients exercise of notebook 05), then build CBOW on it."),
    "ns_gradients": N_("your derivation is right: the same formulas are what "
                       "NegativeSamplingLoss.backward computes for a whole batch; next, the CBOW "
                       "model (notebook 06)."),
    "cbow": N_("your CBOW matches the library's: train it on the PTB in notebook 06 (section 3), "
               "then write skip-gram the same way."),
    "skipgram": N_("your skip-gram matches the library's: compare it with CBOW on the PTB "
                   "(notebook 09, 'CBOW or skip-gram')."),
    "most_similar": N_("notebook 06 is done: notebook 07 asks the vectors analogy questions."),
    "analogy": N_("now score a whole benchmark with analogy_accuracy (the next exercise of "
                  "notebook 07)."),
    "analogy_accuracy": N_("you can score any vectors now: notebook 08 makes training fast, "
                           "notebook 09 fills the paper's table."),
    "scatter_add_rows": N_("next, subsampling of frequent words (keep_probability, the next "
                           "exercise of notebook 08)."),
    "keep_probability": N_("notebook 08 is done: notebook 09 trains the paper's grid in small."),
}
