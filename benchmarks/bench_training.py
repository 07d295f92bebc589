#!/usr/bin/env python
"""Benchmark sklearn_mbnet's MLP estimators against scikit-learn's.

Everything runs in one process. For each workload the libraries are fitted
in alternating order (sklearn, mbnet, torch, sklearn, mbnet, torch, ...) for
a fixed number of epochs, and the median per-epoch wall time is reported
together with the final training losses. A "GEMM floor" -- the time NumPy
needs for just the matrix products of one epoch of forward and backward
passes -- shows how close each implementation gets to pure BLAS time.
A prediction benchmark measures throughput and extra peak memory.

This file is the command line; ``benchmarks/README.md`` says which module
beside it holds what. Run ``python benchmarks/bench_training.py --help``
for the options.
"""

import argparse
import json
import sys
import time

from threadpoolctl import threadpool_limits

from _common import command_line
from _config import DEFAULT_PREDICT_ROWS, QUICK_PREDICT_ROWS, resolve_config
from _environment import environment
from _integrity import check_distinct_from_baseline, integrity_report, snapshot_sklearn
from _kernel_paths import pin_kernels
from _libraries import ALL_LIBS, BY_NAME, LIBRARIES
from _plot import write_plot
from _prediction import run_predict_benchmark
from _report import BenchmarkResults, render
from _training_runs import run_workload
from _training_summary import summarize_workload
from _workloads import WORKLOADS


def build_parser():
    """Return the argument parser of the benchmark.

    Returns
    -------
    argparse.ArgumentParser
    """
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=None,
                   help="alternating rounds per workload (default 3, --quick 1)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/OpenMP/torch threads (default 1)")
    p.add_argument("--epochs", default="",
                   help="per-workload epochs, e.g. W1=50,W2=5 (defaults: "
                   + ", ".join(f"{k}={w.epochs}" for k, w in WORKLOADS.items()) + ")")
    p.add_argument("--workloads", default=",".join(WORKLOADS),
                   help="comma-separated workloads to run (default all)")
    p.add_argument("--only", default=None,
                   help=f"comma-separated subset of {','.join(ALL_LIBS)} (default: "
                   "all; " + ", ".join(f"{lib.name} only if importable"
                                       for lib in LIBRARIES if lib.optional)
                   + "; mbnet-numpy with --kernels on,off)")
    p.add_argument("--kernels", default=None,
                   help="sklearn_mbnet's kernel paths: on (compiled), off (NumPy) "
                   "or on,off (both, as mbnet and mbnet-numpy; default: on if "
                   "the compiled kernels are in use, else off)")
    p.add_argument("--seed", type=int, default=0,
                   help="random_state of the estimators (default 0)")
    p.add_argument("--predict", action=argparse.BooleanOptionalAction, default=True,
                   help="run the prediction benchmark (default on)")
    p.add_argument("--predict-rows", type=int, default=None,
                   help=f"rows to predict (default {DEFAULT_PREDICT_ROWS}, "
                   f"--quick {QUICK_PREDICT_ROWS})")
    p.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                   help="measure the GEMM floor (default on)")
    p.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                   help="one untimed 1-epoch fit per library on a small slice "
                   "first (default on)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 1 round, tiny epochs, few predict rows")
    p.add_argument("--json", metavar="PATH", help="write all results as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write a markdown report")
    p.add_argument("--plot", metavar="PATH", help="write a PNG speed-up chart")
    return p


def run_all(config):
    """Run the training and prediction benchmarks.

    Parameters
    ----------
    config : RunConfig
        What to run.

    Returns
    -------
    training : list of WorkloadSummary
    predict : PredictBenchmark or None
    """
    training = []
    for key in config.workloads:
        wl, epochs = WORKLOADS[key], config.epochs[key]
        run = run_workload(wl, config.libs, epochs, config.rounds, config.seed,
                           floor=config.floor, warmup=config.warmup)
        training.append(summarize_workload(wl, epochs, run))
    predict = None
    estimators = [lib for lib in config.libs if BY_NAME[lib].runner == "estimator"]
    if config.predict and estimators:
        predict = run_predict_benchmark(config.libs, config.predict_rows, config.rounds,
                                        config.seed, floor=config.floor)
    return training, predict


def main(argv=None):
    """Run the benchmark.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 1 if the sklearn integrity check fails, else 0.
    """
    args = build_parser().parse_args(argv)
    config = resolve_config(args)
    pin_kernels(config.kernel_paths)
    snapshot = snapshot_sklearn()
    check_distinct_from_baseline(config.libs)
    if "torch" in config.libs:
        import torch
        torch.set_num_threads(config.threads)
    start = time.perf_counter()
    with threadpool_limits(limits=config.threads):
        env = environment(config.libs, config.threads)
        training, predict = run_all(config)
    results = BenchmarkResults(command=command_line(), environment=env, config=config,
                               training=training, predict=predict,
                               sklearn_integrity=integrity_report(snapshot, training),
                               total_seconds=time.perf_counter() - start)
    emit(results, args)
    return 0 if results.sklearn_integrity.ok else 1


def emit(results, args):
    """Print the report and write the requested output files.

    Parameters
    ----------
    results : BenchmarkResults
        The run.
    args : argparse.Namespace
        Its ``json``, ``markdown`` and ``plot`` paths (None: not written).
    """
    print(render(results))
    print(f"\ntotal benchmark time: {results.total_seconds:.1f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results.as_json(), fh, indent=2)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(render(results, "markdown"))
    if args.plot:
        write_plot(results, args.plot)


if __name__ == "__main__":
    sys.exit(main())
