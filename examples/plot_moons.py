"""
==============================================
Two moons: the same model as scikit-learn's
==============================================

Train :class:`sklearn_mbnet.MLPClassifier` and scikit-learn's
``MLPClassifier`` with the same settings on the two-moons data, for five
random seeds, then draw the decision boundary.

Given the same ``random_state``, the two estimators draw the same initial
weights and the same mini-batch shuffles, so they should stop after the same
number of epochs with the same weights, up to floating-point rounding.
"""

# %%
# Data
# ----
# 5000 points, three quarters for training.
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

X, y = make_moons(n_samples=5000, noise=0.1, random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)

# %%
# Both libraries, five seeds
# --------------------------
# The only change from scikit-learn code is the import of ``MLPClassifier``.
# A step size of 0.01 and batches of 50 rows converge in about 50 epochs.
import numpy as np
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier

from sklearn_mbnet import MLPClassifier

params = dict(hidden_layer_sizes=(100,), learning_rate_init=0.01, batch_size=50)

print("          epochs       test accuracy      max |weight")
print("seed  mbnet sklearn    mbnet  sklearn      difference|")
for seed in range(5):
    ours = MLPClassifier(random_state=seed, **params).fit(X_train, y_train)
    theirs = SklearnMLPClassifier(random_state=seed, **params).fit(X_train, y_train)
    weight_diff = max(
        np.abs(a - b).max()
        for a, b in zip(ours.coefs_ + ours.intercepts_,
                        theirs.coefs_ + theirs.intercepts_)
    )
    print(f"{seed:4d}  {ours.n_iter_:5d} {theirs.n_iter_:7d}   "
          f"{ours.score(X_test, y_test):.4f}   {theirs.score(X_test, y_test):.4f}"
          f"{weight_diff:17.1e}")
    if seed == 0:
        model, reference = ours, theirs

# %%
# The reported loss is the one thing that differs: scikit-learn adds the L2
# penalty to ``loss_`` once per mini-batch (75 times per epoch here),
# sklearn_mbnet once per epoch. The weights, which follow the same
# gradients, do not differ.
print(f"loss_: sklearn_mbnet {model.loss_:.6f}, scikit-learn {reference.loss_:.6f}")

# %%
# Decision boundary
# -----------------
# The probability of class 1 (the lower moon) under sklearn_mbnet's model
# (seed 0), with the test points. The solid line is its 0.5 contour, the dashed line
# scikit-learn's; they coincide.
import matplotlib.pyplot as plt

xx, yy = np.meshgrid(np.linspace(-1.6, 2.6, 300), np.linspace(-1.1, 1.6, 200))
grid = np.c_[xx.ravel(), yy.ravel()]
proba = model.predict_proba(grid)[:, 1].reshape(xx.shape)
proba_ref = reference.predict_proba(grid)[:, 1].reshape(xx.shape)

fig, ax = plt.subplots(figsize=(7, 4.5))
filled = ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                     alpha=0.6)
ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=2)
ax.contour(xx, yy, proba_ref, levels=[0.5], colors="w", linewidths=1,
           linestyles="--")
ax.scatter(X_test[:, 0], X_test[:, 1], c=y_test, cmap="RdBu_r", s=6,
           edgecolors="none")
fig.colorbar(filled, ax=ax, label="P(y = 1)")
ax.set(xlabel="$x_1$", ylabel="$x_2$",
       title="Decision boundary: sklearn_mbnet (solid), scikit-learn (dashed)")
fig.tight_layout()
plt.show()
