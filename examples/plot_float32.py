"""
=============================================
Training in single precision (float32)
=============================================

Fit sklearn_mbnet's and scikit-learn's ``MLPClassifier`` on the same data in
float64 and in float32, and compare fit time and test accuracy.

The dtype of ``X`` decides the precision of the model: float32 input gives
float32 weights, optimizer state and predictions. This halves the memory of
the data and the model, and speeds up the matrix products that dominate
training on wide data.

The timings below are a single small measurement, taken while this page was
built, on whatever machine built it: median of three fits, with BLAS
limited to one thread so that other work on the machine disturbs it less.
Expect them to vary by tens of percent from run to run. The
:doc:`/benchmarks` page has the careful measurement.
"""

# %%
# Data
# ----
# 20000 rows, 100 features, 5 classes; three quarters for training.
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

X, y = make_classification(n_samples=20000, n_features=100, n_informative=40,
                           n_classes=5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# Timed fits
# ----------
# Every fit runs exactly 5 epochs (``tol=0`` never stops training early), so
# the ConvergenceWarning that reports it is expected and silenced. The four
# configurations take turns, three rounds, with one BLAS thread.
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from threadpoolctl import threadpool_limits

from sklearn_mbnet import MLPClassifier

params = dict(hidden_layer_sizes=(256,), batch_size=200, max_iter=5, tol=0.0,
              random_state=0)
configs = [(lib, cls, dtype)
           for lib, cls in [("sklearn_mbnet", MLPClassifier),
                            ("scikit-learn", SklearnMLPClassifier)]
           for dtype in (np.float64, np.float32)]
seconds = {(lib, dtype): [] for lib, _, dtype in configs}
models = {}

with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
    warnings.simplefilter("ignore", ConvergenceWarning)
    for _ in range(3):
        for lib, cls, dtype in configs:
            X_fit = X_train.astype(dtype)
            start = time.perf_counter()
            models[lib, dtype] = cls(**params).fit(X_fit, y_train)
            seconds[lib, dtype].append(time.perf_counter() - start)

print(f"{'library':<14} {'X dtype':<8} {'coefs_ dtype':<13} {'fit (s)':>8} "
      f"{'test accuracy':>14}")
for lib, _, dtype in configs:
    model = models[lib, dtype]
    accuracy = model.score(X_test.astype(dtype), y_test)
    print(f"{lib:<14} {np.dtype(dtype).name:<8} {model.coefs_[0].dtype.name:<13} "
          f"{np.median(seconds[lib, dtype]):8.3f} {accuracy:14.4f}")

# %%
# Fit time
# --------
import matplotlib.pyplot as plt

libs = ["sklearn_mbnet", "scikit-learn"]
fig, ax = plt.subplots(figsize=(6, 3.5))
for j, dtype in enumerate((np.float64, np.float32)):
    medians = [np.median(seconds[lib, dtype]) for lib in libs]
    bars = ax.bar(np.arange(2) + (j - 0.5) * 0.38, medians, width=0.38,
                  label=np.dtype(dtype).name)
    ax.bar_label(bars, fmt="%.2f s", fontsize=8)
ax.set_xticks(np.arange(2), libs)
ax.set(ylabel="fit time, 5 epochs (s)",
       title="One measurement, median of 3 fits: expect noise")
ax.legend(title="X dtype")
fig.tight_layout()
plt.show()
