"""The report: all results as one record, rendered as text or markdown."""

import os
from dataclasses import asdict, dataclass
from typing import Callable

from _common import REPO_ROOT
from _environment import Environment
from _kernel_paths import kernels_line
from _tables import (PREDICT_HEADERS, TRAIN_LEGEND, predict_rows, predict_summary,
                     training_table)

TRAINING_TITLE = ("Training (per-epoch seconds; speed-up = sklearn/mbnet;"
                  " floor = GEMM-only)")
PREDICTION_TITLE = "Prediction (W2 model trained 1 epoch; random normal float32 input)"


@dataclass(frozen=True)
class BenchmarkResults:
    """Everything one run measured.

    Attributes
    ----------
    command : str
        The command line.
    environment : Environment
        Versions and settings.
    config : RunConfig
        The resolved options (see ``bench_training.RunConfig``).
    training : list of WorkloadSummary
        One per workload.
    predict : PredictBenchmark or None
        None with ``--no-predict``.
    sklearn_integrity : IntegrityReport
        The baseline check.
    total_seconds : float
        Wall time of the whole run.
    """

    command: str
    environment: Environment
    config: object
    training: list
    predict: object
    sklearn_integrity: object
    total_seconds: float

    def as_json(self):
        """Return the results for the JSON output.

        Returns
        -------
        dict
            Nested dicts, lists and scalars, as ``json.dump`` takes them.
        """
        out = asdict(self)
        out["predict"] = self.predict.as_json() if self.predict else None
        return out


def text_table(headers, rows):
    """Return a plain-text table with right-aligned columns.

    Parameters
    ----------
    headers : list of str
        Column headers.
    rows : list of list of str
        Cells.

    Returns
    -------
    str
    """
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def markdown_table(headers, rows):
    """Return the table ``text_table`` lays out, as GitHub-flavoured markdown.

    Parameters
    ----------
    headers, rows : list of str, list of list of str
        Column headers and cells, as for ``text_table``.

    Returns
    -------
    str
        One line per row, the header and its rule first.
    """
    out = ["| " + " | ".join(headers) + " |", "|" + "---:|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def header_lines(results):
    """Return the lines describing command, versions and settings.

    Parameters
    ----------
    results : BenchmarkResults
        The run.

    Returns
    -------
    list of str
    """
    env, config, check = results.environment, results.config, results.sklearn_integrity
    pools = ", ".join(f"{p['internal_api']}={p['num_threads']}"
                      for p in env.threadpools)
    lines = [f"command: {results.command}",
             f"python {env.python}  numpy {env.numpy}  sklearn {env.sklearn}"
             f"  sklearn_mbnet {env.sklearn_mbnet or '(not run)'}"
             f"  torch {env.torch or '(not run)'}",
             f"threads: {env.threads} (threadpools: {pools or 'none'});"
             f" cpus: {env.cpu_count}; {env.platform}",
             f"rounds: {config.rounds}; seed: {config.seed};"
             " times are fit() wall time / epochs, median over rounds"]
    lines += [line for line in [kernels_line(results)] if line]
    if env.sklearn_mbnet_path:
        where = os.path.relpath(env.sklearn_mbnet_path, REPO_ROOT)
        where = "this checkout" if where == "sklearn_mbnet" else where
        lines.append(f"sklearn_mbnet from: {where}")
    lines.append("sklearn integrity: " + (
        "OK (sklearn MLP code untouched; sklearn loss identical across rounds)"
        if check.ok else f"PROBLEM: {asdict(check)}"))
    return lines


def _markdown_header(results):
    """The report's title, then the header lines as a markdown list."""
    return ["# sklearn_mbnet training benchmark", ""] + [
        f"- command: `{results.command}`" if line.startswith("command")
        else f"- {line}" for line in header_lines(results)]


@dataclass(frozen=True)
class Layout:
    """How one report format lays out the content both formats share.

    Attributes
    ----------
    table, header : callable
        ``table(headers, rows)``: a table as one string; ``header(results)``:
        the lines before the training section.
    training_title, prediction_title, after_table : list of str
        The lines that open each section, and the lines after each table.
    bullet, end : str
        Prefix of each note under the training table; end of the report.
    """

    table: Callable
    header: Callable
    training_title: list
    prediction_title: list
    after_table: list
    bullet: str
    end: str


LAYOUTS = {
    "text": Layout(text_table, header_lines, [TRAINING_TITLE], [PREDICTION_TITLE],
                   [], "  ", ""),
    "markdown": Layout(markdown_table, _markdown_header, ["## Training", ""],
                       ["## Prediction", ""], [""], "- ", "\n"),
}


def render(results, layout="text"):
    """Return the full report, as plain text or markdown (the same content).

    Parameters
    ----------
    results : BenchmarkResults
        The run.
    layout : {"text", "markdown"}, default="text"
        A key of ``LAYOUTS``.

    Returns
    -------
    str
    """
    lay = LAYOUTS[layout]
    parts = lay.header(results) + [""] + lay.training_title
    parts += [lay.table(*training_table(results.training))] + lay.after_table
    notes = [f"{t.workload}: {t.description}, hidden={tuple(t.hidden)},"
             f" batch={t.batch_size}" for t in results.training] + TRAIN_LEGEND
    parts += [lay.bullet + line for line in notes]
    if results.predict:
        pred = results.predict
        parts += ["", *lay.prediction_title,
                  lay.table(PREDICT_HEADERS, predict_rows(pred)), *lay.after_table,
                  predict_summary(pred)]
    return "\n".join(parts) + lay.end
