"""scipy.sparse peer of bench/sparse.ts: one full-batch GD step of two-factor completion,
(1/|Ω|) Σ_Ω ((X Yᵀ)_ij − M_ij)², in its strongest plain formulation: the CSR structure built once,
w on Ω by a row-wise product of gathered rows (einsum), then ∇X = R Y and ∇Y = Rᵀ X as sparse ×
dense products with R's data updated in place. f64, one thread (OPENBLAS_NUM_THREADS=1).

Reads {"n", "m", "r", "observed", "repeats", "steps"} as JSON on stdin; prints JSON timings.
Exit 3 when numpy or scipy is missing.
"""
import json
import sys
import time

try:
    import numpy as np
    import scipy
    import scipy.sparse as sp
except ImportError as e:  # pragma: no cover
    print(str(e), file=sys.stderr)
    sys.exit(3)

job = json.load(sys.stdin)
n, m, r, count = job["n"], job["m"], job["r"], job["observed"]
rng = np.random.default_rng(1)
flat = np.unique(rng.integers(0, n * m, size=int(count * 1.02)))[:count]
rows, cols = (flat // m).astype(np.int32), (flat % m).astype(np.int32)
A, B = rng.standard_normal((n, 10)), rng.standard_normal((m, 10))
vals = np.einsum("ij,ij->i", A[rows], B[cols])
X, Y = 0.1 * rng.standard_normal((n, r)), 0.1 * rng.standard_normal((m, r))
R = sp.csr_matrix((np.zeros(len(flat)), cols, np.searchsorted(flat, np.arange(n + 1) * m)), shape=(n, m))
RT = R.T.tocsr()  # the transpose's structure once; its data follows by a fixed permutation
perm = sp.csr_matrix((np.arange(len(flat), dtype=np.float64) + 1, cols, R.indptr), shape=(n, m)).T.tocsr().data.astype(np.int64) - 1
c = 2.0 / len(flat)
lr = 0.1


def step():
    global X, Y
    w = np.einsum("ij,ij->i", X[rows], Y[cols])
    rho = c * (w - vals)
    R.data[:] = rho
    RT.data[:] = rho[perm]
    gX = R @ Y
    gY = RT @ X
    X = X - lr * gX
    Y = Y - lr * gY


step()
times = []
for _ in range(job["repeats"]):
    t0 = time.perf_counter()
    for _ in range(job["steps"]):
        step()
    times.append((time.perf_counter() - t0) / job["steps"])
times.sort()
print(json.dumps({"median": times[len(times) // 2], "min": times[0], "max": times[-1], "observed": int(len(flat)),
                  "numpy": np.__version__, "scipy": scipy.__version__}))
