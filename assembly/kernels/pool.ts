// The thread pool's job block (threads build only: ASC_FEATURE_THREADS). One block of 32 i32 words
// in shared memory, allocated by JS (src/backends/wasm/threads.ts) and handed to the main instance
// (poolInit) and to every worker instance (workerLoop, ../threads.ts). A job is one or two gemms split
// by blocks of 4 output rows: thread t of P takes blocks [t·nb/P, (t+1)·nb/P), so every output element
// is summed by exactly one thread, in the same k order as the single-threaded kernel: the bits do
// not depend on the thread count.
//
//   word  name     what
//   0     GEN      (job sequence number << 8) | parts: the threads taking part, the main thread
//                  (thread 0) included. Workers wait on it (spin, then poolWait).
//                  One word, so a worker that was not in one job and reads GEN late can never
//                  pair a newer job with an older `parts`.
//   1     DONE     workers that finished the current job
//   2     WAITING  1 while the main thread sleeps on DONE (the last worker then notifies)
//   3     KIND     JOB_GEMM or JOB_DRAW, + 1 for f32; -1 shut down (read only by the job's parts: a
//                  shutdown has 255)
//   4..25          the job's arguments: one or two products (gemm.ts: C, ldc, A, aRow, aK, B, ldb,
//                  rows, cols, K, sym each), or a noise draw (../programs/draw.ts)
//   26    SLEEP    workers asleep on GEN (the main thread notifies only if some are)
//   27    STEALS   blocks a thread took from another's share so far (a count for tests and benches)
//   28    CHUNK    blocks a thread claims at a time (dealBlocks)
//   29    NOSPIN   1: workers sleep at once instead of spinning first (tests take every wait path)
//   30    FAILED   0, or the id of a worker that stopped with an error: src/worker/thread.ts serveThread
//                  sets it, then adds 2²⁰ to DONE (a poolWait on DONE returns at once, whenever it
//                  began) and notifies. Sticky: every later join traps; poolFailed tells JS who
//   bytes 128 + 64·t: thread t's share of a product job's blocks, one i64 [lo | hi << 32] per
//                  64-byte line (a line each, so owners never contend for one): see nextBlocks
//
// Ordering: the main thread writes the job with plain stores, then bumps GEN with a seq-cst
// atomic.add; a worker reads GEN atomically before reading the job, and bumps DONE atomically
// after writing its rows; the main thread reads DONE atomically before reading C. Wasm atomics are
// sequentially consistent, so each side sees the other's plain stores.
//
// Sleeping goes through the import env.poolWait (Atomics.wait in JS, src/worker/thread.ts), not
// memory.atomic.wait32: Node 20's baseline compiler (V8 11.3 Liftoff, with its tier-up checks)
// miscompiles wait32 in a loop — the main thread slept on address 0 instead of DONE, forever, on a
// loaded machine. An import call is an ordinary call, which every tier compiles correctly;
// test/engines/pool-wait.test.ts runs every wait path in that compiler and checks the build has no
// wait instruction.
export const J_GEN = 0;
export const J_DONE = 1;
export const J_KIND = 3;
export const J_WAITING = 2;
export const J_ARGS = 4;
export const J_SLEEP = 26;
export const J_STEALS = 27;
export const J_CHUNK = 28;
export const J_NOSPIN = 29;
export const J_FAILED = 30;
export const JOB_WORDS = 32;
/** Threads a job can have (the job block holds a share line for each; src/backends/wasm/threads.ts MAX_THREADS). */
export const MAX_PARTS = 64;
/** Bytes of the job block: the words, then MAX_PARTS share lines. */
export const JOB_BYTES = JOB_WORDS * 4 + MAX_PARTS * 64;
/** Job kinds (word KIND; + 1 for f32): products (gemm.ts gemmShare), a noise draw (../programs/draw.ts), a descent (../programs/descent.ts). */
export const JOB_GEMM = 0;
export const JOB_DRAW = 2;
export const JOB_DESCENT = 4;

/** The job block (0: no pool, everything runs on the calling thread). */
let job: usize = 0;
/** Threads a product may use, the calling thread included (JS sets it before each call). */
let threads: i32 = 1;
/** Multiply-adds (rows·cols·K) below which a product stays on one thread: waking the others costs more. */
let minWork: i32 = 1 << 16;
/** Whether the calling thread may block (not a browser's main thread): then `join` sleeps after a spin. */
let canBlock: bool = false;
/** Spin iterations of `join` before it blocks (≈ 0.25 ms: a share's imbalance, not a wake-up, is what it waits for). */
const JOIN_SPIN = 1 << 18;
/** Whether `join` and the workers spin before they sleep (false: at once, so tests take every wait path). */
let spin: bool = true;

/** Blocks while the i32 at `address` equals `expected` (or until notified): Atomics.wait, see the header. */
// @ts-ignore: decorator
@external("env", "poolWait")
export declare function poolWait(address: usize, expected: i32): void;

/** The job block's size in bytes, for JS to allocate it (the layout is this file's alone). */
export function poolBlockBytes(): i32 {
  return JOB_BYTES;
}

export function poolInit(block: usize): void {
  job = block;
}

/** The calling thread's settings for its next calls: threads, minWork, whether it may block, whether threads spin before sleeping. */
export function poolThreads(n: i32, min: i32, block: bool, spinFirst: bool): void {
  threads = n;
  minWork = min;
  canBlock = block;
  spin = spinFirst;
  if (job != 0) store<i32>(job + (J_NOSPIN << 2), spinFirst ? 0 : 1); // seen by workers with the next job (publish)
}

/** The id of a pool thread that stopped with an error (word FAILED), 0 if none has. */
export function poolFailed(): i32 {
  return ASC_FEATURE_THREADS && job != 0 ? atomic.load<i32>(job + (J_FAILED << 2)) : 0;
}

/** Tells every worker to return from workerLoop (the pool is being closed). */
export function poolShutdown(): void {
  if (ASC_FEATURE_THREADS && job != 0) {
    publish(255, -1);
    atomic.notify(job + (J_GEN << 2));
  }
}

// @ts-ignore: decorator
@inline export function jobWord(k: i32): i32 {
  return load<i32>(job + (<usize>k << 2));
}

/** Words k, k + 1 of the job block as one f64. */
// @ts-ignore: decorator
@inline export function jobF64(k: i32): f64 {
  return load<f64>(job + (<usize>k << 2));
}

/** The byte address of job word k (for the atomics a job's parts answer through). */
// @ts-ignore: decorator
@inline export function jobAddress(k: i32): usize {
  return job + (<usize>k << 2);
}

/**
 * Where thread t's share of θ's `total` elements starts, for the elementwise jobs (the noise draw,
 * the descent): whole groups of 8 (the Gaussian groups, random.ts), ⌊t·G/P⌋ of G = ⌈total / 8⌉;
 * t = P gives total. src/random/jump.ts shareStart is the same rule.
 */
export function shareStart(t: i32, parts: i32, total: i32): i32 {
  return min(<i32>(<i64>t * ((total + 7) >> 3) / parts) << 3, total);
}

/** Threads the calling thread's jobs may use (1: no pool). */
export function poolSize(): i32 {
  return ASC_FEATURE_THREADS && job != 0 ? threads : 1;
}

/**
 * How many threads a job of `work` multiply-adds in `blocks` 4-row blocks should use (1: run it
 * here and now): at most one per block and one per minWork multiply-adds, so that on many cores a
 * mid-sized product is not cut into shares smaller than a wake-up is worth.
 */
export function partsFor(work: i64, blocks: i32): i32 {
  if (!ASC_FEATURE_THREADS || job == 0 || threads <= 1) return 1;
  if (work < <i64>minWork) return 1;
  return <i32>min(<i64>min(min(threads, 254), blocks), work / <i64>minWork);
}

// @ts-ignore: decorator
@inline function shareLine(t: i32): usize {
  return job + (JOB_WORDS << 2) + (<usize>t << 6);
}

/**
 * Deals `blocks` blocks out to `parts` threads before a product job is published: thread t's share
 * is [⌊t·blocks/P⌋, ⌊(t+1)·blocks/P⌋), the static split (each thread near the data it drew).
 */
export function dealBlocks(blocks: i32, parts: i32): void {
  store<i32>(job + (J_CHUNK << 2), max(1, blocks / (parts << 3)));
  for (let t = 0; t < parts; t++) {
    const lo = <i64>(<i64>t * blocks / parts), hi = <i64>(<i64>(t + 1) * blocks / parts);
    store<i64>(shareLine(t), lo | (hi << 32));
  }
}

/**
 * The next blocks [lo, hi) thread t computes, as lo | hi << 32, or −1 when every share is used up:
 * a chunk from the front of its own share, then from the back of another's (work stealing). The two
 * vCPUs of a cloud VM need not run at the same speed (measured here: one 1.4× slower for hours,
 * invisibly to the guest), and a thread may be descheduled: with a static split the slowest thread
 * sets the pace. Chunks (an eighth of a share) because a block can be tiny — 4 rows × 10 columns ×
 * 10 multiply-adds in the factored step's A·Cy, ≈ 40 ns, less than claiming it. Which thread
 * computes a block changes no bits: each block is computed once, by the same kernel.
 */
export function nextBlocks(t: i32, parts: i32): i64 {
  const chunk = load<i32>(job + (J_CHUNK << 2));
  for (let k = 0; k < parts; k++) {
    const u = t + k < parts ? t + k : t + k - parts;
    const line = shareLine(u);
    for (;;) {
      const v = atomic.load<i64>(line);
      const lo = <i32>v, hi = <i32>(v >>> 32);
      if (lo >= hi) break;
      const c = min(chunk, hi - lo);
      if (k == 0) {
        if (atomic.cmpxchg<i64>(line, v, <i64>(lo + c) | (<i64>hi << 32)) == v) return <i64>lo | (<i64>(lo + c) << 32);
      } else if (atomic.cmpxchg<i64>(line, v, <i64>lo | (<i64>(hi - c) << 32)) == v) {
        atomic.add<i32>(job + (J_STEALS << 2), c);
        return <i64>(hi - c) | (<i64>hi << 32);
      }
    }
  }
  return -1;
}

/** Publishes the job whose arguments the caller stored (storeArg), and wakes the workers. */
export function publish(parts: i32, kind: i32): void {
  store<i32>(job + (J_DONE << 2), 0);
  store<i32>(job + (J_KIND << 2), kind);
  const g = atomic.load<i32>(job + (J_GEN << 2));
  atomic.store<i32>(job + (J_GEN << 2), ((g >>> 8) + 1) << 8 | parts);
  if (atomic.load<i32>(job + (J_SLEEP << 2)) > 0) atomic.notify(job + (J_GEN << 2));
}

// @ts-ignore: decorator
@inline export function storeArg(k: i32, v: i32): void {
  store<i32>(job + (<usize>(J_ARGS + k) << 2), v);
}

/** Argument words k, k + 1 as one f64. */
// @ts-ignore: decorator
@inline export function storeArgF64(k: i32, v: f64): void {
  store<f64>(job + (<usize>(J_ARGS + k) << 2), v);
}

/**
 * Waits until the other parts − 1 threads are done: spins, then (where the caller may block)
 * sleeps in poolWait — on a machine with more runnable threads than cores, spinning for a worker
 * that is not scheduled would burn the very core it needs. A browser's main thread only spins.
 * Traps if a worker has failed (word FAILED): its share will never be done, and a join that
 * returned would hand on a product with rows missing. JS turns the trap into an error (threads.ts).
 */
export function join(parts: i32): void {
  const done = job + (J_DONE << 2);
  const waiting = job + (J_WAITING << 2);
  const failed = job + (J_FAILED << 2);
  const spins = spin ? JOIN_SPIN : 0;
  let s = 0;
  while (s < spins && atomic.load<i32>(done) < parts - 1) s++;
  if (s == spins) {
    if (!canBlock) {
      while (atomic.load<i32>(done) < parts - 1 && atomic.load<i32>(failed) == 0) {}
    } else {
      for (;;) {
        const d = atomic.load<i32>(done);
        if (d >= parts - 1 || atomic.load<i32>(failed) != 0) break;
        atomic.store<i32>(waiting, 1);
        poolWait(done, d);
        atomic.store<i32>(waiting, 0);
      }
    }
  }
  if (atomic.load<i32>(failed) != 0) unreachable();
}

/** A worker's end of a job: count it done, and wake the main thread if it sleeps on DONE. */
export function finish(): void {
  atomic.add<i32>(job + (J_DONE << 2), 1);
  if (atomic.load<i32>(job + (J_WAITING << 2)) != 0) atomic.notify(job + (J_DONE << 2));
}
