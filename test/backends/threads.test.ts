import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { DataLoss, ModelShape, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import { closeThreads, pooledProducts, sleepingThreads, stolenBlocks, threadedCore, threadedSession } from '../../src/backends/wasm/threads.js';
import type { Precision } from '../../src/config/types.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import type { FlatminError } from '../../src/errors.js';
import { currentPlatform, setPlatform, type CoreThread } from '../../src/platform/registry.js';
import { serveThread, type ThreadStart } from '../../src/worker/thread.js';
import { hex, lcg, thrown } from '../helpers.js';

// Every core on one run (src/backends/wasm/threads.ts): real worker_threads on one shared memory.
// 1, 2, 3 and 4 threads give the reference's bits — iterate, RNG lanes, end-to-end matrix — on
// every model, with row counts that are not multiples of 4 (uneven shares, leftover rows). The
// sessions take threadedSession's test-only minWork of 2¹² multiply-adds per share (the default is
// 2¹⁶) and minDraw of 64 normals (the default is 4096), so that these small problems split every
// product, the Gram pairs included, and every noise draw into as many shares as there are threads;
// the last case checks the default threshold through getBackend.

const MODELS: Array<[string, ModelShape, DataLoss['kind']]> = [
  ['two-factor 130×98 r6, full target', { kind: 'factorization', n: 130, m: 98, r: 6 }, 'full'],
  ['two-factor 130×98 r6, completion', { kind: 'factorization', n: 130, m: 98, r: 6 }, 'completion'],
  ['two-factor 130×98 r6, factored target k5', { kind: 'factorization', n: 130, m: 98, r: 6 }, 'factored'],
  ['two-factor 130×98 r6, sparse sensing', { kind: 'factorization', n: 130, m: 98, r: 6 }, 'sensing'],
  ['deep [40, 50, 45, 38], full', { kind: 'deep-linear', dims: [40, 50, 45, 38] }, 'full'],
  ['symmetric 74 k16, completion', { kind: 'symmetric', n: 74, k: 16 }, 'completion'],
];

function shape(model: ModelShape): { rows: number; cols: number; total: number } {
  if (model.kind === 'symmetric') return { rows: model.n, cols: model.n, total: model.n * model.k };
  if (model.kind === 'factorization') return { rows: model.n, cols: model.m, total: (model.n + model.m) * model.r };
  return { rows: model.dims[model.dims.length - 1], cols: model.dims[0], total: layerOffsets(model.dims)[model.dims.length - 1] };
}

function input(model: ModelShape, loss: DataLoss['kind'], precision: Precision): SessionInput {
  const { rows, cols, total } = shape(model);
  const rnd = lcg(rows * 31 + cols);
  const M = Float64Array.from({ length: rows * cols }, rnd);
  const data: DataLoss = loss === 'full' ? { kind: 'full', M }
    : loss === 'factored' ? { kind: 'factored', A: Float64Array.from({ length: rows * 5 }, rnd), B: Float64Array.from({ length: cols * 5 }, rnd), k: 5 }
    : loss === 'sensing' ? { kind: 'sensing', ...buildMeasurements('threads', { count: 40, nonzeros: 30 }, M) } // CSR rows: the residual on the calling thread
    : { kind: 'completion', M, mask: Array.from({ length: rows * cols }, (_, k) => (k % 3 === 1 ? 0 : 1)) };
  return { model, precision, loss: data, lambda: 0.01, theta: Float64Array.from({ length: total }, () => 0.3 * rnd()), rng: seedGaussian('threads') };
}

const SMALL = { minWork: 1 << 12, minDraw: 64 };

const STEP: SessionStepParams = { lr: 0.002, noise: { kind: 'perturbed', sigma: [0.01] }, scale: 1, scaleMul: 1 };
/** STEP for a two-factor model (one σ per factor). */
const STEP2: SessionStepParams = { ...STEP, noise: { kind: 'perturbed', sigma: [0.01, 0.01] } };

describe('threads: the same bits for 1–4 threads as the reference', () => {
  it.each(MODELS.flatMap(([name, model, loss]) => (['f64', 'f32'] as const).map((p) => [`${p} ${name}`, model, loss, p] as const)))(
    '%s', async (_name, model, loss, precision) => {
      const nb = model.kind === 'deep-linear' ? model.dims.length - 1 : model.kind === 'symmetric' ? 1 : 2;
      const step = { ...STEP, noise: { kind: 'perturbed' as const, sigma: Array.from({ length: nb }, () => 0.01) } };
      const ref = (await getBackend('reference')).session(input(model, loss, precision));
      ref.run(6, step);
      // A factored target has no end-to-end matrix (never n×m): its loss from the factors instead.
      const w = (x: typeof ref) => (loss === 'factored' ? String(x.fullLoss()) : hex(x.endToEnd()));
      const want = { theta: hex(ref.theta()), rng: Array.from(ref.rng()), w: w(ref) };
      for (const threads of [1, 2, 3, 4]) {
        const before = await pooledProducts();
        const s = threads === 1 ? (await getBackend('wasm')).session(input(model, loss, precision))
          : threadedSession(await threadedCore(threads), input(model, loss, precision), threads, SMALL);
        s.run(2, step);
        s.run(4, step); // two calls: chunking changes nothing either
        expect({ threads, theta: hex(s.theta()), rng: Array.from(s.rng()), w: w(s) }).toEqual({ threads, ...want });
        // More than one thread really split the noise draw and the descent (a job each a step) and
        // products (at least one a step) — except two-factor completion, which has no products: it
        // works from its observed lists (sparseCompletion.ts).
        const pooled = (await pooledProducts()) - before;
        if (threads === 1) expect(pooled).toBe(0);
        else if (model.kind === 'factorization' && loss === 'completion') expect(pooled).toBe(12);
        else expect(pooled).toBeGreaterThanOrEqual(18);
        s.dispose();
      }
      ref.dispose();
    });
});

describe('threads: the noise draw split over the pool', () => {
  const model: ModelShape = { kind: 'factorization', n: 130, m: 98, r: 6 };
  const noises: SessionStepParams['noise'][] = [
    { kind: 'langevin', sigma: [0.01, 0.02] },
    { kind: 'anticorrelated', sigma: [0.01, 0.02] },
    { kind: 'annealed', sigma: [0.01, 0.02], gamma: 0.5 },
  ];
  const steps = async (threads: number, noise: SessionStepParams['noise'], precision: Precision, rng = seedGaussian('threads')) => {
    const s = threads === 1 ? (await getBackend('reference')).session({ ...input(model, 'full', precision), rng, anticorrelated: true })
      : threadedSession(await threadedCore(threads), { ...input(model, 'full', precision), rng, anticorrelated: true }, threads, SMALL);
    s.run(3, { ...STEP, noise });
    s.run(2, { ...STEP, noise, step: 3 });
    const out = { theta: hex(s.theta()), rng: Array.from(s.rng()), prev: hex(s.prevNoise()) };
    s.dispose();
    return out;
  };

  it.each(noises.flatMap((noise) => (['f64', 'f32'] as const).map((p) => [`${p} ${noise!.kind}`, noise, p] as const)))(
    '%s: the reference\'s bits on 2, 3 and 4 threads', async (_name, noise, precision) => {
      const want = await steps(1, noise, precision);
      for (const threads of [2, 3, 4]) expect({ threads, ...(await steps(threads, noise, precision)) }).toEqual({ threads, ...want });
    });

  it('a share that rejects a 0 double: the fill is drawn again on one thread, same bits', async () => {
    // Lane 2 with x = y = w = 0 rejects its first double (test/random/gaussian.test.ts): in the first
    // group, so in thread 0's share, and every later share's jump is then 2 steps short in lane 2.
    const rng = seedGaussian('reject');
    for (const w of [0, 1, 3]) rng[w * 4 + 2] = 0;
    rng[2 * 4 + 2] = 12345;
    const noise = { kind: 'perturbed' as const, sigma: [0.01, 0.01] };
    const want = await steps(1, noise, 'f64', rng.slice());
    for (const threads of [2, 4]) expect({ threads, ...(await steps(threads, noise, 'f64', rng.slice())) }).toEqual({ threads, ...want });
  });
});

describe('threads: the pool', () => {
  it('threads that sleep at once (spin: false — every wait path, on every job): the bits of one thread, 2–4 threads', async () => {
    // Normally a thread spins ≈ 0.25–1 ms before it sleeps, so only a loaded machine takes the
    // sleeping paths (a miscompiled one hung Node 20: test/engines/pool-wait.test.ts).
    const model: ModelShape = { kind: 'factorization', n: 70, m: 54, r: 5 };
    const one = (await getBackend('wasm')).session(input(model, 'full', 'f64'));
    one.run(12, STEP2);
    for (const threads of [2, 3, 4]) {
      const s = threadedSession(await threadedCore(threads), input(model, 'full', 'f64'), threads, { ...SMALL, spin: false });
      for (let k = 0; k < 4; k++) s.run(3, STEP2);
      expect({ threads, theta: hex(s.theta()) }).toEqual({ threads, theta: hex(one.theta()) });
      s.dispose();
    }
    one.dispose();
  });

  it('threads steal blocks from shares not yet started (4 threads on this machine\'s cores), same bits', async () => {
    // More threads than cores: some are not running when a job is published, and the running ones
    // take their blocks (kernels/pool.ts nextBlocks) — on any machine with fewer than 4 free cores.
    const model: ModelShape = { kind: 'factorization', n: 258, m: 130, r: 8 };
    const one = (await getBackend('wasm')).session(input(model, 'full', 'f64'));
    one.run(40, STEP2);
    const before = await stolenBlocks();
    const four = threadedSession(await threadedCore(4), input(model, 'full', 'f64'), 4, SMALL);
    four.run(40, STEP2);
    expect(hex(four.theta())).toBe(hex(one.theta()));
    expect((await stolenBlocks()) - before).toBeGreaterThan(0);
    one.dispose();
    four.dispose();
  });

  it('getBackend("wasm", _, 3) splits products at the default threshold, same bits', async () => {
    const model: ModelShape = { kind: 'factorization', n: 258, m: 130, r: 8 }; // M Yp + Mᵀ Xp: 2·258·130·8 ≈ 2¹⁹ multiply-adds
    const one = (await getBackend('wasm')).session(input(model, 'full', 'f64'));
    one.run(3, STEP2);
    const before = await pooledProducts();
    const three = (await getBackend('wasm', undefined, 3)).session(input(model, 'full', 'f64'));
    three.run(3, STEP2);
    expect((await pooledProducts()) - before).toBeGreaterThanOrEqual(3);
    expect(hex(three.theta())).toBe(hex(one.theta()));
    one.dispose();
    three.dispose();
  });

  it('closeThreads ends the workers; the next threaded run starts a new pool with the same bits', async () => {
    const [name, model, loss] = MODELS[0];
    const once = async () => {
      const s = (await getBackend('wasm', undefined, 2)).session(input(model, loss, 'f64'));
      s.run(3, STEP2);
      const t = hex(s.theta());
      s.dispose();
      return t;
    };
    const before = await once();
    expect(await pooledProducts()).toBeGreaterThan(0);
    await closeThreads();
    expect(await pooledProducts(), name).toBe(0); // no pool any more
    const after = await once();
    expect(after).toBe(before);
    expect(await pooledProducts()).toBeGreaterThanOrEqual(3); // a fresh pool counting from 0
  });

  it('a pool thread that fails mid-run: the run reports it (no hang), so does every later join on that core, and the next run gets a new pool with the right bits', async () => {
    // The pool's workers as the platform starts them, except that thread 1's poolWait throws as its
    // first sleep ends: woken for a job it was to take part in, it fails instead — a stand-in for a
    // trap in a worker. The run starts once it sleeps; spin: false makes the main thread wait in
    // join at once — asleep (Node) or spinning on DONE (a browser's main thread) — when the fault comes.
    await closeThreads();
    const platform = currentPlatform()!;
    setPlatform({ ...platform, spawnThread: (module, memory, id, block) => spawnFaultyThread({ module, memory, id, block }) });
    let core: Awaited<ReturnType<typeof threadedCore>>;
    try {
      core = await threadedCore(2);
    } finally {
      setPlatform(platform);
    }
    await expect.poll(sleepingThreads, { timeout: 10_000 }).toBe(1);
    const model: ModelShape = { kind: 'factorization', n: 70, m: 54, r: 5 };
    const failure = ['THREADS', expect.stringMatching(/pool thread 1 stopped with an error, so this run cannot go on/)];
    const errorOf = (f: () => unknown) => {
      const e = thrown(f) as FlatminError;
      return [e.code, e.message];
    };
    const s = threadedSession(core, input(model, 'full', 'f64'), 2, { ...SMALL, spin: false });
    expect(errorOf(() => s.run(20, STEP2))).toEqual(failure);
    // The session's state is no step's now: nothing more is read from it.
    expect(errorOf(() => s.theta())).toEqual(failure);
    s.dispose();
    // The failure is sticky: a new session on that core fails at its first join instead of waiting.
    const late = threadedSession(core, input(model, 'full', 'f64'), 2, SMALL);
    expect(errorOf(() => late.run(1, STEP2))).toEqual(failure);
    late.dispose();
    const one = (await getBackend('wasm')).session(input(model, 'full', 'f64'));
    one.run(20, STEP2);
    const fresh = await threadedCore(2);
    expect(fresh).not.toBe(core);
    const again = threadedSession(fresh, input(model, 'full', 'f64'), 2, { ...SMALL, spin: false });
    again.run(20, STEP2);
    expect(hex(again.theta())).toBe(hex(one.theta()));
    again.dispose();
    one.dispose();
  });

  it('a pool retired by a failure while another run grows it stops the thread that growth adds', async () => {
    // Thread 1 is faulty; thread 2 is a real pool thread whose start waits for `release`, so it
    // joins the pool only after the failure has retired it. Its stop() must still be called.
    await closeThreads();
    const platform = currentPlatform()!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let lateStops = 0;
    setPlatform({
      ...platform,
      spawnThread: async (module, memory, id, block) => {
        if (id === 1) return spawnFaultyThread({ module, memory, id, block });
        await gate;
        const t = await platform.spawnThread!(module, memory, id, block);
        return { stop: () => (lateStops++, t.stop()) };
      },
    });
    try {
      const core = await threadedCore(2);
      const growth = threadedCore(3); // another run asks for a third thread: in flight until released
      await expect.poll(sleepingThreads, { timeout: 10_000 }).toBe(1);
      const model: ModelShape = { kind: 'factorization', n: 70, m: 54, r: 5 };
      const s = threadedSession(core, input(model, 'full', 'f64'), 2, { ...SMALL, spin: false });
      expect((thrown(() => s.run(20, STEP2)) as FlatminError).code).toBe('THREADS');
      s.dispose();
      expect(lateStops).toBe(0);
      release();
      await growth;
      await expect.poll(() => lateStops, { timeout: 10_000 }).toBe(1);
    } finally {
      setPlatform(platform);
      release();
    }
  });
});

/**
 * A pool thread as src/platform/{node,browser}.ts start one (serveThread on the shared memory),
 * but whose poolWait throws as its first sleep ends. (The error the worker ends with is not
 * checked: the pool terminates the worker at once, which may drop its error event.)
 *
 * Beside it runs a watchdog: the main thread blocks in join while the fault is handled, so if a
 * regression lost the fault, the test would hang the suite instead of failing. Should no failure
 * be reported within WATCHDOG_MS, the watchdog reports one itself, from thread 999 (no pool has
 * one): join wakes, and the test fails on the message naming 999.
 */
async function spawnFaultyThread(start: ThreadStart): Promise<CoreThread> {
  const faultyWait = (memory: WebAssembly.Memory) => (address: number, expected: number) => {
    Atomics.wait(new Int32Array(memory.buffer, address >>> 0, 1), 0, expected);
    throw new Error('a simulated fault in a pool thread');
  };
  // Self-contained (its source runs in a worker). The words and the report are serveThread's (src/worker/thread.ts).
  const watchdog = ({ memory, block, ms }: { memory: WebAssembly.Memory; block: number; ms: number }) => {
    const words = new Int32Array(memory.buffer, block, 32);
    const deadline = Date.now() + ms;
    while (Atomics.load(words, 30) === 0 && Date.now() < deadline) Atomics.wait(words, 30, 0, 100);
    if (Atomics.load(words, 30) !== 0) return;
    Atomics.store(words, 30, 999);
    Atomics.add(words, 1, 1 << 20);
    Atomics.notify(words, 1);
  };
  const guard = { memory: start.memory, block: start.block, ms: WATCHDOG_MS };
  if (typeof window === 'undefined') {
    const { Worker } = await import('node:worker_threads');
    const body = `import('node:worker_threads').then(({ parentPort, workerData }) => (${serveThread.toString()})(workerData, () => parentPort.postMessage('ready'), ${faultyWait.toString()}));`;
    const w = new Worker(body, { eval: true, workerData: start });
    w.on('error', () => {}); // expected: the simulated fault
    const dog = new Worker(`(${watchdog.toString()})(require('node:worker_threads').workerData)`, { eval: true, workerData: guard });
    await new Promise((resolve) => w.once('message', resolve));
    return { stop: () => void Promise.all([w.terminate(), dog.terminate()]) };
  }
  const script = `onmessage = (e) => (${serveThread.toString()})(e.data, () => postMessage('ready'), ${faultyWait.toString()});`;
  const w = new Worker(URL.createObjectURL(new Blob([script], { type: 'text/javascript' })));
  w.addEventListener('error', (e) => e.preventDefault()); // expected: the simulated fault
  const dog = new Worker(URL.createObjectURL(new Blob([`onmessage = (e) => (${watchdog.toString()})(e.data);`], { type: 'text/javascript' })));
  dog.postMessage(guard);
  await new Promise((resolve) => {
    w.addEventListener('message', resolve, { once: true });
    w.postMessage(start);
  });
  return { stop: () => (w.terminate(), dog.terminate()) };
}

/** How long the faulty thread's watchdog waits for the fault to be reported (it takes milliseconds). */
const WATCHDOG_MS = 30_000;
