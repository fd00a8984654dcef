"""Benchmark the numerics (run by hand: ``.venv/bin/python tests/benchmarks/bench_numerics.py``).

1. Vectorized loss + weight gradient (N=500, D=3073, C=10, float64) as a ratio to the two
   matrix products it cannot avoid, ``X @ W`` and ``X.T @ dscores``, timed in the same run
   (target: <= 1.10), and the speed-up over the loop versions.
2. ``LinearClassifier()`` with its defaults (softmax, and ``loss="svm"``) on digits against
   scikit-learn's ``LogisticRegression(max_iter=1000)`` on the same split: test accuracy
   (target: scikit-learn's or better) and fit time (target: at most half of
   scikit-learn's). ``LinearSVC()`` is shown for the SVM, for reference.

Timings are medians over interleaved repeats, so that both sides of a ratio see the same
machine state. Both sides run single-threaded, BLAS and OpenMP alike (``--threads`` changes
that): on a 2-core machine shared with other work, threaded BLAS and scikit-learn's OpenMP
loss make the ratio depend on the load far more than the code.
The load average is printed at start and end; figures taken above 0.5 per core are not to
be quoted.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _machine import load_report
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression  # imported before the thread limits, so that they reach
from sklearn.svm import LinearSVC  # scikit-learn's OpenMP runtime too
from threadpoolctl import threadpool_info, threadpool_limits

import course_lib as cl


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def interleaved(fns, rounds=7, repeats=15):
    """Median seconds per call of each function, measured in alternating rounds."""
    samples = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name].append(median_time(fn, repeats))
    return {name: float(np.median(s)) for name, s in samples.items()}


def bench_losses():
    rng = np.random.default_rng(0)
    n, d, c = 500, 3073, 10
    X = rng.standard_normal((n, d))
    W = 1e-3 * rng.standard_normal((d, c))
    y = rng.integers(0, c, n)
    dscores = rng.standard_normal((n, c))

    def floor():
        X @ W
        X.T @ dscores

    def full(loss_fn):
        def run():
            scores = X @ W
            _, ds = loss_fn(scores, y)
            X.T @ ds
        return run

    times = interleaved({"floor": floor, "svm": full(cl.svm_loss), "softmax": full(cl.softmax_loss)})
    naive = {"svm": median_time(full(cl.svm_loss_naive), 3)}  # course_lib has no softmax loop version
    print(f"\nLoss + weight gradient, N={n}, D={d}, C={c}, float64 (median of interleaved runs)")
    print(f"{'':10s} {'ms':>8s} {'/ matmuls':>10s} {'loops ms':>9s} {'speed-up':>9s}")
    print(f"{'matmuls':10s} {1e3 * times['floor']:8.3f} {1.0:10.3f}")
    for name in ("svm", "softmax"):
        loops = f"{1e3 * naive[name]:9.1f} {naive[name] / times[name]:8.0f}x" if name in naive else f"{'-':>9s}"
        print(f"{name:10s} {1e3 * times[name]:8.3f} {times[name] / times['floor']:10.3f} {loops}")
    print("target: loss + gradient <= 1.10 x the two matrix products")


def bench_digits(rounds):
    data = cl.load_digits()
    models = {
        "course_lib softmax": cl.LinearClassifier(),
        "course_lib svm": cl.LinearClassifier(loss="svm"),
        "sklearn LogisticRegression": LogisticRegression(max_iter=1000),
        "sklearn LinearSVC": LinearSVC(),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in models.values():  # warm up once (imports, caches)
            model.fit(data.X_train, data.y_train)
        times = interleaved({name: (lambda m=model: m.fit(data.X_train, data.y_train))
                             for name, model in models.items()}, rounds=rounds, repeats=3)
    reference = "sklearn LogisticRegression"
    acc_ref = models[reference].score(data.X_test, data.y_test)
    print(f"\nDigits ({len(data.y_train)} train / {len(data.y_test)} test), same split; "
          f"median of {rounds} interleaved rounds of 3 fits")
    print(f"{'':28s} {'test acc %':>10s} {'fit ms':>8s} {'time / LogReg':>14s}")
    for name, model in models.items():
        acc = model.score(data.X_test, data.y_test)
        print(f"{name:28s} {100 * acc:10.2f} {1e3 * times[name]:8.1f} {times[name] / times[reference]:14.2f}")
    for name in ("course_lib softmax", "course_lib svm"):
        acc = models[name].score(data.X_test, data.y_test)
        ratio = times[name] / times[reference]
        ok = acc >= acc_ref and ratio <= 0.5
        print(f"{name}: accuracy {100 * (acc - acc_ref):+.2f} points, fit-time ratio {ratio:.2f} "
              f"({'meets' if ok else 'misses'} the target: accuracy >= LogisticRegression's, ratio <= 0.5)")
    for name in ("course_lib softmax", "course_lib svm"):
        used = models[name].settings_  # the defaults fit resolved
        print(f"{name} defaults: {used['num_iters']} minibatch steps of {used['batch_size']}, Adam, learning rate "
              f"{used['learning_rate']} on a {used['lr_schedule']} schedule, reg {used['reg']}")


def describe_machine():
    pools = [f"{i['user_api']} {i['internal_api']} {i.get('version') or ''} ({i['num_threads']} threads)"
             for i in threadpool_info()]
    print(f"numpy {np.__version__}; thread pools: {'; '.join(pools) or 'unknown'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and OpenMP threads for both sides (default 1; 0 = the libraries' defaults)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds for the digits fits")
    parser.add_argument("--skip-losses", action="store_true", help="only the digits comparison")
    args = parser.parse_args()
    limit = threadpool_limits(args.threads) if args.threads > 0 else None
    try:
        describe_machine()
        if not args.skip_losses:
            bench_losses()
        bench_digits(args.rounds)
    finally:
        if limit is not None:
            limit.restore_original_limits()


if __name__ == "__main__":
    with load_report():
        main()
