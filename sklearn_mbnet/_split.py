"""The early-stopping split: held-in and held-out rows by index.

scikit-learn's MLP copies X into its two parts (``train_test_split`` of the
arrays). Here the split draws the same ``train_test_split`` of the row
numbers, from the same random stream, and keeps each part as a
``Subset`` of the caller's data: training batches and validation chunks
are gathered from X through the index, so the split copies nothing of X
and every batch holds the same rows as a split by copy would.
"""

import numpy as np
from sklearn.model_selection import train_test_split

from ._objective import Subset
from ._training import Validation


def split_validation(data, y, *, validation_fraction, rng, stratify, judge):
    """``(train, validation)``: the two ``Subset`` s of ``data`` for early
    stopping, the second wrapped in a ``Validation``.

    ``judge`` is ``(metric, decode, score_is_loss)`` of the estimator;
    ``stratify`` what ``train_test_split`` stratifies on, or None.
    """
    idx_train, idx_val = _split_rows(data.n_rows, validation_fraction, rng, stratify)
    train, held_out = Subset(data, idx_train), Subset(data, idx_val)
    for part, name in ((train, "training"), (held_out, "validation")):
        if part.sample_weight is not None and not part.total_weight > 0:
            raise ValueError(
                f"early_stopping=True left {name} rows whose sample weights are "
                "all zero. Give more rows a positive weight, change "
                "validation_fraction or random_state, or set early_stopping=False."
            )
    metric, decode, score_is_loss = judge
    return train, Validation(held_out, y[idx_val], metric, decode,
                             score_is_loss=score_is_loss)


def _split_rows(n_rows, validation_fraction, rng, stratify):
    """``train_test_split`` of ``arange(n_rows)``, with our advice on errors."""
    try:
        idx_train, idx_val = train_test_split(
            np.arange(n_rows), test_size=validation_fraction, random_state=rng,
            stratify=stratify)
    except ValueError as exc:
        raise ValueError(
            f"{exc} (early_stopping=True holds out validation_fraction="
            f"{validation_fraction} of {n_rows} rows: change "
            "validation_fraction, pass more rows, or set early_stopping=False.)"
        ) from exc
    if len(idx_val) < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    return idx_train, idx_val
