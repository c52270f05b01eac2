"""A fine-tuned transformer as int8 ONNX, the way storylens ships its networks.

Shared by ``train_cross.py`` (the pair classifier: one logit a pair) and
``train_encoder.py`` (the statement encoder: token states). Needs torch and
onnxruntime's quantiser, so it runs in the training environment, not storylens's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_int8(
    model: Any, path: Path, output: str, pick: Callable[[Any], Any], per_token: bool
) -> None:
    """Write ``model`` to ``path`` as int8 ONNX: ``INPUTS`` -> ``output``, where ``pick``
    takes that output from the model's result (``per_token``: its second axis is the
    tokens, as the inputs' is). Quantised per channel: on 200 claims_train statements
    through the base network, vectors keep a median cosine of 0.9912 to fp32's (pair
    cosines off by 0.012 on average) where the default per-tensor quantisation gave
    0.961 (0.023); both 23 MB (the matrix products alone quantised: 0.9915, but 59 MB
    with the word embeddings in fp32)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class ByKeyword(torch.nn.Module):
        """The network called by keyword: positional order differs across transformers."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return pick(
                self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                )
            )

    fp32 = path.with_suffix(".fp32.onnx")
    ids = torch.ones((2, 16), dtype=torch.long)
    torch.onnx.export(
        ByKeyword(model).eval(),
        (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        str(fp32),
        input_names=list(INPUTS),
        output_names=[output],
        dynamic_axes={
            **{n: {0: "batch", 1: "tokens"} for n in INPUTS},
            output: {0: "batch", 1: "tokens"} if per_token else {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(path), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
