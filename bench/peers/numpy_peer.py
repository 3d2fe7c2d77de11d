#!/usr/bin/env python3
"""numpy peer for `npm run bench`: the same perturbed-GD step, f64, timed the way bench/stats.ts times.
(Not named numpy.py: the script's own folder comes first on sys.path and would shadow numpy.)

Reads a JSON job on stdin: {"sizes": [[n, m, r], ...], "targetSec", "repeats", "warmupSec",
"maxSteps", "check": {"n", "m", "r", "M", "theta", "lr"} | null}. Writes one JSON object on stdout.
Run it with OPENBLAS_NUM_THREADS=1 (bench.ts does). Exit code 3: numpy is not installed.
With --serve it times steps on request instead (serve() below).
"""
import ctypes
import json
import os
import platform
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy is not installed for " + sys.executable, file=sys.stderr)
    sys.exit(3)


def blas_info():
    """Which BLAS and which OpenBLAS kernel (core) runs: threadpoolctl if present, else ctypes."""
    info = {"numpy": np.__version__, "python": platform.python_version()}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
    except Exception as e:  # older numpy
        info["blas"] = repr(e)
    try:
        import threadpoolctl  # noqa: F401

        info["threadpoolctl"] = threadpoolctl.threadpool_info()
        info["corename"] = ", ".join(
            str(d.get("architecture")) for d in info["threadpoolctl"] if d.get("internal_api") == "openblas"
        )
        info["kernel_source"] = "threadpoolctl"
        return info
    except ImportError:
        pass
    # Fallback, the way threadpoolctl does it: ask each loaded OpenBLAS for its core name.
    info["kernel_source"] = "ctypes openblas_get_corename (threadpoolctl not installed)"
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "openblas" in path.lower() and path.startswith("/"):
                    libs.add(path)
    except OSError:
        pass
    cores = []
    for path in sorted(libs):
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", "_", ""):
                name = prefix + "get_corename" + suffix
                fn = getattr(lib, name, None)
                if fn is None:
                    continue
                fn.restype = ctypes.c_char_p
                entry = {"lib": os.path.basename(path), "corename": fn().decode()}
                nt = getattr(lib, prefix + "get_num_threads" + suffix, None)
                if nt is not None:
                    nt.restype = ctypes.c_int
                    entry["num_threads"] = nt()
                cfgf = getattr(lib, prefix + "get_config" + suffix, None)
                if cfgf is not None:
                    cfgf.restype = ctypes.c_char_p
                    entry["config"] = cfgf().decode()
                cores.append(entry)
                break
            else:
                continue
            break
    info["openblas"] = cores
    info["corename"] = ", ".join(c["corename"] for c in cores) or "unknown"
    return info


def make_stepper(M, X, Y, lr, sx, sy, rng):
    nx = np.empty_like(X)
    ny = np.empty_like(Y)

    def step(k):
        for _ in range(k):
            Xp = X + sx * rng.standard_normal(X.shape, out=nx) if sx else X.copy()
            Yp = Y + sy * rng.standard_normal(Y.shape, out=ny) if sy else Y.copy()
            GX = Xp @ (Yp.T @ Yp) - M @ Yp
            GY = Yp @ (Xp.T @ Xp) - M.T @ Xp
            np.subtract(X, lr * GX, out=X)  # in place: X, Y belong to the caller
            np.subtract(Y, lr * GY, out=Y)

    return step


def make_problem(n, m, r, lr):
    """The bench problem of one size (entries ~ N(0, 1/max(n, m)), σ a tenth of that scale): its
    stepper and the iterate X, Y it updates in place."""
    rng = np.random.default_rng(1)
    scale = 1 / np.sqrt(max(n, m))
    M = rng.standard_normal((n, m)) * scale
    X = rng.standard_normal((n, r)) * scale
    Y = rng.standard_normal((m, r)) * scale
    return make_stepper(M, X, Y, lr, 0.1 * scale, 0.1 * scale, rng), X, Y


def time_stepper(step, job):
    k = 1
    while True:
        t0 = time.perf_counter()
        step(k)
        dt = time.perf_counter() - t0
        per = dt / k
        if dt >= job["warmupSec"] or k >= job["maxSteps"]:
            break
        k = min(job["maxSteps"], k * 2)
    steps = max(1, min(job["maxSteps"], round(job["targetSec"] / per)))
    repeats = min(job["repeats"], 3) if per > job["targetSec"] else job["repeats"]
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step(steps)
        samples.append((time.perf_counter() - t0) / steps)
    s = sorted(samples)
    h = len(s) // 2
    med = s[h] if len(s) % 2 else (s[h - 1] + s[h]) / 2
    return {"min": s[0], "median": med, "max": s[-1], "steps": steps, "repeats": repeats}


def serve():
    """`--serve`: one request per stdin line, {"n", "m", "r", "lr", "steps"}; runs that many steps of the
    size's problem (made on first use, as main() makes it) and answers with the seconds they took.
    bench/threads.ts times numpy this way, round by round between flatmin's own repeats, so both
    see the same phase of a shared machine."""
    steppers = {}
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        key = (req["n"], req["m"], req["r"])
        if key not in steppers:
            steppers[key] = make_problem(*key, req["lr"])
        step, X, Y = steppers[key]
        t0 = time.perf_counter()
        step(req["steps"])
        seconds = time.perf_counter() - t0
        if not (np.isfinite(X).all() and np.isfinite(Y).all()):  # main()'s check: NaN steps time nothing real
            raise SystemExit("numpy: non-finite iterate at %dx%dx%d" % key)
        print(json.dumps({"seconds": seconds}), flush=True)


def main():
    if "--serve" in sys.argv:
        return serve()
    job = json.load(sys.stdin)
    out = {"info": blas_info(), "rows": [], "check": None, "noise": None}
    lr = job["lr"]
    for n, m, r in job["sizes"]:
        step, X, Y = make_problem(n, m, r, lr)
        row = time_stepper(step, job)
        if not (np.isfinite(X).all() and np.isfinite(Y).all()):
            raise SystemExit(f"numpy: non-finite iterate at {n}x{m}x{r}")
        row.update({"n": n, "m": m, "r": r})
        out["rows"].append(row)
    c = job.get("check")
    if c:
        n, m, r = c["n"], c["m"], c["r"]
        M = np.array(c["M"], dtype=np.float64).reshape(n, m)
        th = np.array(c["theta"], dtype=np.float64)
        X = th[: n * r].reshape(n, r).copy()
        Y = th[n * r :].reshape(m, r).copy()
        make_stepper(M, X, Y, c["lr"], 0.0, 0.0, None)(1)
        out["check"] = np.concatenate([X.ravel(), Y.ravel()]).tolist()
    rng = np.random.default_rng(2)
    buf = np.empty(1 << 16)
    rng.standard_normal(out=buf)
    best = float("inf")
    for _ in range(max(3, job["repeats"])):
        t0 = time.perf_counter()
        for _ in range(20):
            rng.standard_normal(out=buf)
        best = min(best, (time.perf_counter() - t0) / (20 * buf.size))
    out["noise"] = {"nsPerDraw": best * 1e9, "method": "numpy default_rng().standard_normal (ziggurat)"}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
