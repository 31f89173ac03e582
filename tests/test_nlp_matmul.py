"""sayso's parse does its dense matrix products with numpy's matmul instead of thinc's blis
calls (``nlp._numpy_matmul_ops``): every trained layer uses it, and it computes what thinc's
own ``gemm`` computes, in every transpose and output form the layers use.  That the parses stay
token for token the stock pipeline's is ``tests/test_nlp_attribute_rules.py``'s check."""

from __future__ import annotations

import numpy as np
import pytest

from sayso import nlp


def test_every_trained_layer_uses_the_matmul_ops() -> None:
    from thinc.api import NumpyOps

    ours = nlp._numpy_matmul_ops()
    layers = 0
    for _name, proc in nlp.load().pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            assert type(node.ops) is not NumpyOps, (_name, node.name)
            layers += 1
    assert layers > 50  # tok2vec, tagger, parser and NER layers
    assert any(node.ops is ours for node in nlp.load().get_pipe("ner").model.walk())


@pytest.mark.parametrize("trans1", [False, True])
@pytest.mark.parametrize("trans2", [False, True])
@pytest.mark.parametrize("with_out", [False, True])
def test_gemm_equals_thincs(trans1: bool, trans2: bool, with_out: bool) -> None:
    from thinc.api import NumpyOps

    rng = np.random.default_rng(7)
    x = rng.standard_normal((37, 288) if not trans1 else (288, 37)).astype("float32")
    y = rng.standard_normal((288, 96) if not trans2 else (96, 288)).astype("float32")
    theirs = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    ops = nlp._numpy_matmul_ops()
    if with_out:
        out = np.full((37, 96), np.nan, dtype="float32")
        got = ops.gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        assert got is out
    else:
        got = ops.gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.shape == theirs.shape == (37, 96)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, theirs, rtol=1e-4, atol=1e-4)


def test_other_ops_are_left_alone() -> None:
    class Other:
        pass

    other = Other()
    assert nlp._matmul_ops(other) is other
