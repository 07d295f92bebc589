"""
Options scikit-learn's MLP lacks: class weights, dropout, robust losses
=======================================================================

Three options of sklearn_mbnet's estimators, each against its default on
data where it matters:

- ``class_weight='balanced'`` on an imbalanced binary problem: recall of the
  rare class against precision;
- ``dropout`` on a small, noisy training set: training and validation loss
  per epoch (``loss_curve_`` and ``validation_loss_curve_``);
- ``loss='huber'`` and ``loss='absolute_error'`` on targets with 5% gross
  outliers: the fitted curve against the clean truth.
"""

# %%
# Class weights
# -------------
# About 5% of the rows belong to class 1. Weighing the classes inversely to
# their frequency trades precision for recall on the rare class.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import train_test_split

from sklearn_mbnet import MLPClassifier, MLPRegressor

# The fits below stop at a fixed number of epochs on purpose.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(n_samples=4000, n_features=10, weights=[0.95],
                           flip_y=0.02, class_sep=0.6, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
rows = []
for class_weight in (None, "balanced"):
    clf = MLPClassifier(hidden_layer_sizes=(32,), class_weight=class_weight,
                        max_iter=100, random_state=0).fit(X_train, y_train)
    pred = clf.predict(X_test)
    rows.append((str(class_weight), recall_score(y_test, pred),
                 precision_score(y_test, pred)))
    print(f"class_weight={class_weight!s:9}  recall {rows[-1][1]:.2f}  "
          f"precision {rows[-1][2]:.2f}")

fig, ax = plt.subplots(figsize=(6, 4))
names = [r[0] for r in rows]
width = 0.35
positions = np.arange(len(rows))
ax.bar(positions - width / 2, [r[1] for r in rows], width, label="recall")
ax.bar(positions + width / 2, [r[2] for r in rows], width, label="precision")
ax.set_xticks(positions, [f"class_weight={n}" for n in names])
ax.set_ylim(0, 1)
ax.set_title("The rare class (5% of rows)")
_ = ax.legend()

# %%
# Dropout
# -------
# 300 noisy rows and a wide network: without dropout the validation loss
# turns up while the training loss keeps falling; with dropout it stays low.
X, y = make_classification(n_samples=400, n_features=20, n_informative=5,
                           flip_y=0.1, random_state=1)
fig, ax = plt.subplots(figsize=(6, 4))
for dropout, style in ((0.0, "-"), (0.5, "--")):
    clf = MLPClassifier(hidden_layer_sizes=(64, 64), dropout=dropout,
                        early_stopping=True, validation_fraction=0.25,
                        n_iter_no_change=1000, max_iter=100, learning_rate_init=3e-3,
                        random_state=0).fit(X, y)
    ax.plot(clf.loss_curve_, style, color="C0", label=f"training, dropout={dropout}")
    ax.plot(clf.validation_loss_curve_, style, color="C3",
            label=f"validation, dropout={dropout}")
ax.set_xlabel("epoch")
ax.set_ylabel("log loss")
ax.set_title("Dropout on 300 noisy rows")
_ = ax.legend()

# %%
# Robust losses
# -------------
# One target in twenty is shifted up by 20. The squared error follows the
# outliers; the absolute error and Huber's loss follow the clean curve.
rng = np.random.RandomState(0)
x = np.sort(rng.uniform(-3, 3, 600))
y = np.sin(x) + 0.1 * rng.normal(size=x.size)
outliers = rng.choice(x.size, x.size // 20, replace=False)
y[outliers] += 20.0
grid = np.linspace(-3, 3, 200)
fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(x, y, s=4, color="0.6", label="training targets")
for loss in ("squared_error", "absolute_error", "huber"):
    reg = MLPRegressor(hidden_layer_sizes=(16, 16), loss=loss, max_iter=300,
                       learning_rate_init=3e-3, random_state=0).fit(x[:, None], y)
    error = np.mean(np.abs(reg.predict(grid[:, None]) - np.sin(grid)))
    ax.plot(grid, reg.predict(grid[:, None]), label=f"{loss} (error {error:.2f})")
    print(f"loss={loss:15}  mean absolute error against sin(x): {error:.3f}")
ax.plot(grid, np.sin(grid), "k:", label="sin(x)")
ax.set_ylim(-2, 4)
ax.set_title("5% gross outliers in y")
_ = ax.legend(fontsize=8)
plt.show()
