"""
=========================================
Learning from a stream with partial_fit
=========================================

Train an :class:`sklearn_mbnet.MLPClassifier` on the digits data as if it
arrived in chunks of 100 rows, calling ``partial_fit`` once per chunk, and
follow the loss and the held-out accuracy call by call.

Each call is one epoch over the chunk it is given, in mini-batches of
``batch_size`` rows; the optimizer's state and the counters carry over from
one call to the next. See :ref:`the user guide <partial-fit>` for the rules.
"""

# %%
# Data and stream
# ---------------
# Pixel values run from 0 to 16, so a fixed scaling needs no pass over the
# stream. The stream makes three passes over the training rows, each in a
# new random order.
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)


def stream(X, y, chunk_size=100, n_passes=3, seed=0):
    """Yield (X_chunk, y_chunk), as data arriving piece by piece would."""
    rng = np.random.RandomState(seed)
    for _ in range(n_passes):
        order = rng.permutation(len(X))
        for rows in gen_batches(len(X), chunk_size):
            yield X[order[rows]], y[order[rows]]


# %%
# One ``partial_fit`` per chunk
# -----------------------------
# A chunk may lack some digits, so every class is declared with
# ``classes=``; it is required on the first call and may be repeated on
# later ones.
from sklearn_mbnet import MLPClassifier

clf = MLPClassifier(hidden_layer_sizes=(64,), batch_size=20,
                    learning_rate_init=0.003, random_state=0)
classes = np.arange(10)

losses, accuracies = [], []
for X_chunk, y_chunk in stream(X_train, y_train):
    clf.partial_fit(X_chunk, y_chunk, classes=classes)
    losses.append(clf.loss_)
    accuracies.append(clf.score(X_test, y_test))

print(f"{len(clf.loss_curve_)} calls, {clf.t_} rows seen; "
      f"test accuracy after the last call: {accuracies[-1]:.3f}")
print("loss_curve_ holds the loss of every call:",
      np.array_equal(clf.loss_curve_, losses))

# %%
# Loss and accuracy per call
# --------------------------
# ``loss_`` after a call is the mean loss over that call's chunk, taken as
# the chunk is trained on, so it is noisier than the loss of a full epoch.
# The dotted lines mark the start of each new pass over the data.
import matplotlib.pyplot as plt

calls = np.arange(1, len(losses) + 1)
chunks_per_pass = -(-len(X_train) // 100)  # ceil(rows / chunk size)

fig, (ax_loss, ax_acc) = plt.subplots(2, 1, sharex=True, figsize=(7, 5))
ax_loss.plot(calls, losses, marker=".")
ax_loss.set(yscale="log", ylabel="loss_ (log scale)",
            title="partial_fit on digits, chunks of 100 rows")
ax_acc.plot(calls, accuracies, marker=".", color="tab:green")
ax_acc.set(xlabel="partial_fit call", ylabel="test accuracy", ylim=(0, 1))
for ax in (ax_loss, ax_acc):
    for start in range(chunks_per_pass, len(losses), chunks_per_pass):
        ax.axvline(start + 0.5, color="0.6", linestyle=":")
fig.tight_layout()
plt.show()
