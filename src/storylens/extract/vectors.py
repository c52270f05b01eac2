"""Token-vector inputs of the attribution model: what the parser's own vectors say.

spaCy's ``tok2vec`` layer gives every token a vector (``Doc.tensor``, 96 wide for
en_core_web_sm 3.8.0) that the tagger and parser already computed; reading it costs
no extra model run. For one candidate (:class:`.indirect.Candidate`) the model reads
eight of them, :data:`GROUPS`:

==========  =====================================================================
``cue``     the cue token
``body``    the mean over the content's tokens
``first``   the content's first token
``sentence``  the mean over the cue's sentence
``last``    the content's last token
``before``  the token just before the content
``source``  the source's head token
``head``    the cue's syntactic head
==========  =====================================================================

A missing one (no source, a content at the document's start) is a zero vector.

The fitted weights are linear in these vectors, so a candidate's score is a sum of
per-token dot products: :func:`dense_logits` projects the whole ``Doc.tensor`` once
onto the eight weight vectors and reads each candidate's share off that projection
(means through prefix sums), in constant time per candidate.
:func:`dense_vector` spells the same inputs out as one vector for fitting
(``benchmarks/train_attribution.py``); a test holds the two to the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    from .indirect import Candidate

GROUPS = ("cue", "body", "first", "sentence", "last", "before", "source", "head")


def token_vectors(doc: Any, width: int) -> np.ndarray:
    """``doc.tensor``, checked to hold one ``width``-wide vector per token."""
    tensor = getattr(doc, "tensor", None)
    shape = getattr(tensor, "shape", None)
    if shape != (len(doc), width):
        raise ModelError(
            f"the attribution model reads the parser's token vectors ({width} wide, one "
            f"per token), and this Doc has {shape if shape else 'none'}: parse the "
            "text with storylens.pipeline.nlp_pipeline() (spaCy en_core_web_sm 3.8.0), "
            "or refit the model for your pipeline with: "
            "python benchmarks/train_attribution.py"
        )
    return np.asarray(tensor, dtype=np.float32)


def dense_vector(c: Candidate, vectors: np.ndarray) -> np.ndarray:
    """The eight token vectors of one candidate, side by side in :data:`GROUPS` order
    (for fitting)."""
    zero = np.zeros(vectors.shape[1], dtype=np.float32)
    sent = c.cue.sent
    group = {
        "cue": vectors[c.cue.i],
        "sentence": vectors[sent.start : sent.end].mean(axis=0),
        "source": vectors[c.source.i] if c.source is not None else zero,
        "head": vectors[c.cue.head.i],
    }
    if c.tokens is not None:
        s, e = c.tokens
        group |= {
            "body": vectors[s:e].mean(axis=0),
            "first": vectors[s],
            "last": vectors[e - 1],
            "before": vectors[s - 1] if s > 0 else zero,
        }
    return np.concatenate([group.get(name, zero) for name in GROUPS]).astype(np.float32)


def dense_logits(cands: Sequence[Candidate], doc: Any, weights: np.ndarray) -> list[float]:
    """Each candidate's dense share of the logit: ``weights`` (``len(GROUPS)`` rows of
    the vector width) dotted with its :func:`dense_vector`, from one projection."""
    if not cands:
        return []
    vectors = token_vectors(doc, weights.shape[1])
    proj = vectors.astype(np.float64) @ weights.T  # (tokens, groups)
    cum = np.vstack([np.zeros((1, proj.shape[1])), np.cumsum(proj, axis=0)]).tolist()
    rows = proj.tolist()
    cue, body, first, sentence, last, before, source, head = range(len(GROUPS))
    out = []
    sent_means: dict[int, float] = {}
    for c in cands:
        z = rows[c.cue.i][cue] + rows[c.cue.head.i][head]
        if c.tokens is not None:
            s, e = c.tokens
            z += (cum[e][body] - cum[s][body]) / (e - s) + rows[s][first] + rows[e - 1][last]
            if s > 0:
                z += rows[s - 1][before]
        sent = c.cue.sent
        if sent.start not in sent_means:
            sent_means[sent.start] = (cum[sent.end][sentence] - cum[sent.start][sentence]) / (
                sent.end - sent.start
            )
        z += sent_means[sent.start]
        if c.source is not None:
            z += rows[c.source.i][source]
        out.append(z)
    return out


__all__ = ["GROUPS", "dense_logits", "dense_vector", "token_vectors"]
