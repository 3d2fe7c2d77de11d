// The worker side of the thread pool (threads build, kernels/pool.ts): each worker instantiates the
// same module on the same shared memory and calls workerLoop, which serves the main thread's
// products and noise draws until the pool shuts down. Between products a worker spins, then sleeps
// (poolWait): a step issues its products back to back, and between steps the main thread draws the
// noise (≈ 0.2 ms at 512×512×32) — waking from a sleep costs 50–100 µs on the VM here, so a spin
// shorter than that gap put a wake-up on every step (measured at 16k iterations: 2 threads ran
// 256×256×16 2.3× slower than one and 512×512×32 no faster; at 2²⁰ they run 1.6× / 1.7× faster at
// 512 / 1024).
import { gemmShare } from './kernels/gemm';
import { J_GEN, J_KIND, J_NOSPIN, J_SLEEP, JOB_DESCENT, JOB_DRAW, JOB_GEMM, finish, jobWord, poolInit, poolWait } from './kernels/pool';
import { descentShare } from './programs/descent';
import { drawShare } from './programs/draw';

/** Spin iterations before blocking (≈ 1 ms of atomic loads: longer than the gap between two steps' products). */
const SPIN = 1 << 20;

/**
 * Serves products as thread `id` (1 … pool size) of the pool whose job block is at `block`;
 * returns on shutdown. `seen`: the job word GEN as the worker read it BEFORE telling the main
 * thread it is ready — read here instead, a job published in between would be missed and the
 * main thread would wait for this worker forever.
 */
export function workerLoop(id: i32, block: usize, seen: i32): void {
  if (!ASC_FEATURE_THREADS) return;
  poolInit(block);
  const gen = block + (J_GEN << 2);
  while (true) {
    let now = atomic.load<i32>(gen);
    const spins = atomic.load<i32>(block + (J_NOSPIN << 2)) != 0 ? 0 : SPIN;
    for (let s = 0; now == seen && s < spins; s++) now = atomic.load<i32>(gen);
    if (now == seen) {
      atomic.add<i32>(block + (J_SLEEP << 2), 1);
      poolWait(gen, seen);
      atomic.sub<i32>(block + (J_SLEEP << 2), 1);
      continue;
    }
    seen = now;
    const parts = now & 255;
    if (id >= parts) continue; // not in this job: its words may already be the next job's
    const kind = jobWord(J_KIND);
    if (kind < 0) return;
    if (kind == JOB_GEMM) gemmShare<f64>(id, parts);
    else if (kind == JOB_GEMM + 1) gemmShare<f32>(id, parts);
    else if (kind == JOB_DRAW) drawShare<f64>(id, parts);
    else if (kind == JOB_DRAW + 1) drawShare<f32>(id, parts);
    else if (kind == JOB_DESCENT) descentShare<f64>(id, parts);
    else descentShare<f32>(id, parts);
    finish();
  }
}
