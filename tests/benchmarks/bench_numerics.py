"""Benchmark the numerics (run by hand: ``.venv/bin/python tests/benchmarks/bench_numerics.py``).

1. Vectorized loss + weight gradient (N=500, D=3073, C=10, float64) as a ratio to the two
   matrix products it cannot avoid, ``X @ W`` and ``X.T @ dscores``, timed in the same run
   (target: <= 1.15), and the speed-up over the loop versions.
2. ``LinearClassifier`` on digits against scikit-learn's ``LogisticRegression`` on the same
   split: test accuracy (target: within 0.5 points or better) and fit time (target: at most
   half of scikit-learn's).

Timings are medians over interleaved repeats, so that both sides of a ratio see the same
machine state.
"""

from __future__ import annotations

import time

import numpy as np

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
    naive = {
        "svm": median_time(full(cl.svm_loss_naive), 3),
        "softmax": median_time(full(cl.softmax_loss_naive), 3),
    }
    print(f"\nLoss + weight gradient, N={n}, D={d}, C={c}, float64 (median of interleaved runs)")
    print(f"{'':10s} {'ms':>8s} {'/ matmuls':>10s} {'loops ms':>9s} {'speed-up':>9s}")
    print(f"{'matmuls':10s} {1e3 * times['floor']:8.3f} {1.0:10.3f}")
    for name in ("svm", "softmax"):
        print(f"{name:10s} {1e3 * times[name]:8.3f} {times[name] / times['floor']:10.3f} "
              f"{1e3 * naive[name]:9.1f} {naive[name] / times[name]:8.0f}x")


def bench_digits():
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    data = cl.load_digits()
    ours, theirs = cl.LinearClassifier(), LogisticRegression(max_iter=1000)
    # warm both up once (imports, caches), then time interleaved fits
    ours.fit(data.X_train, data.y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(data.X_train, data.y_train)
        times = interleaved({
            "course_lib": lambda: ours.fit(data.X_train, data.y_train),
            "sklearn": lambda: theirs.fit(data.X_train, data.y_train),
        }, rounds=5, repeats=3)
    acc_ours = ours.score(data.X_test, data.y_test)
    acc_theirs = theirs.score(data.X_test, data.y_test)
    print("\nDigits (1077 train / 360 test), same split")
    print(f"{'':28s} {'test acc %':>10s} {'fit ms':>8s}")
    print(f"{'course_lib LinearClassifier':28s} {100 * acc_ours:10.2f} {1e3 * times['course_lib']:8.1f}")
    print(f"{'sklearn LogisticRegression':28s} {100 * acc_theirs:10.2f} {1e3 * times['sklearn']:8.1f}")
    print(f"accuracy difference {100 * (acc_ours - acc_theirs):+.2f} points; "
          f"fit-time ratio {times['course_lib'] / times['sklearn']:.2f}")


def describe_machine():
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
                for i in threadpool_info() if i["user_api"] == "blas"]
    except ImportError:
        blas = ["unknown"]
    print(f"numpy {np.__version__}; BLAS: {', '.join(blas)}")


if __name__ == "__main__":
    describe_machine()
    bench_losses()
    bench_digits()
