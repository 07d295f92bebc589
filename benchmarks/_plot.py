"""The ``--plot`` chart: speed-up over sklearn per workload (needs matplotlib)."""

from _common import log
from _libraries import BASELINE, LIBRARIES


def _label(lib, training):
    """The legend label of ``lib``: its plot label, with the kernel path it ran."""
    paths = sorted({t.libs[lib.name].kernels for t in training
                    if lib.name in t.libs and t.libs[lib.name].kernels})
    if not paths:
        return lib.plot_label
    return f"{lib.plot_label}, kernels {'/'.join(paths)}"


def _speedup_series(training):
    """(label, speed-ups per workload) of each library that ran, baseline aside."""
    series = []
    for lib in LIBRARIES:
        values = [t.compare(lib.name).speedup for t in training]
        if lib.name != BASELINE and any(v is not None for v in values):
            series.append((_label(lib, training), values))
    return series


def _draw_speedups(ax, training):
    """Draw the speed-up bars and the ceilings; return the tallest value."""
    series = _speedup_series(training)
    width = 0.8 / max(len(series), 1)
    for j, (label, values) in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(training))]
        ax.bar(xs, [v or 0 for v in values], width, label=label)
    ceilings = [t.ceiling for t in training]
    if all(c is not None for c in ceilings):
        ax.scatter(range(len(training)), ceilings, marker="_", s=1500, linewidths=2,
                   color="black", zorder=3,
                   label="ceiling: sklearn / (GEMMs + Adam sqrt, divide)")
    if series:
        ax.legend(markerscale=0.3, loc="upper left", ncol=2, fontsize="small")
    return max([v or 0 for _, values in series for v in values]
               + [c or 0 for c in ceilings] + [1.0])


def write_plot(results, path):
    """Write a bar chart of the speed-up over sklearn per workload as a PNG.

    Parameters
    ----------
    results : BenchmarkResults
        The run.
    path : str
        Output file.

    Returns
    -------
    bool
        False, with a message, if matplotlib is not installed.
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed; skipping --plot")
        return False
    training = results.training
    fig, ax = plt.subplots(figsize=(7, 4))
    tallest = _draw_speedups(ax, training)
    ax.set_ylim(0, 1.6 * tallest)  # head room for the legend
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(training)), [t.workload for t in training])
    ax.set_ylabel("speed-up over scikit-learn (per-epoch)")
    ax.set_title(f"Training speed-up, {results.environment.threads} thread(s)")
    fig.text(0.01, 0.01, results.command, fontsize=6, family="monospace")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
