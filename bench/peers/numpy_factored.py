"""One perturbed-GD step on ½‖XYᵀ − ABᵀ‖² with numpy, by the same factored algebra as flatmin
(assembly/models/factored.ts): Gy = YᵀY, Gx = XᵀX, B = [A (BᵀY) | B (AᵀX)], ∇ = [X Gy | Y Gx] − B,
at the perturbed point. argv: n k r (square n×n target). Prints JSON: median, min (s/step), peakMB
(ru_maxrss). Run with OPENBLAS_NUM_THREADS=1 (bench/factored.ts sets it)."""
import json
import resource
import sys
import time

import numpy as np

n, k, r = (int(v) for v in sys.argv[1:4])
rng = np.random.default_rng(1)
s = 1 / np.sqrt(n)  # entries ~ N(0, 1/n): M's singular values are O(1), lr = 0.1 is stable
A = s * rng.standard_normal((n, k))
Bf = s * rng.standard_normal((n, k))
X = 0.5 * s * rng.standard_normal((n, r))
Y = 0.5 * s * rng.standard_normal((n, r))
lr, sigma = 0.1, 1e-3


def step(X, Y):
    Xp = X + sigma * rng.standard_normal((n, r))
    Yp = Y + sigma * rng.standard_normal((n, r))
    gx = Xp @ (Yp.T @ Yp) - A @ (Bf.T @ Yp)
    gy = Yp @ (Xp.T @ Xp) - Bf @ (A.T @ Xp)
    return X - lr * gx, Y - lr * gy


for _ in range(20):
    X, Y = step(X, Y)
times = []
for _ in range(15):
    t0 = time.perf_counter()
    for _ in range(20):
        X, Y = step(X, Y)
    times.append((time.perf_counter() - t0) / 20)
assert np.isfinite(X).all() and np.isfinite(Y).all()
times.sort()
print(json.dumps({"median": times[len(times) // 2], "min": times[0], "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
